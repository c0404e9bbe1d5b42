"""The Manager's exceptions to the working calendar, stored in the database.

Kept on the portal as ``__work_calendar_days__``: an OOBTree of ISO date ->
``{"kind": "off" | "working", "note", "by", "at"}``. ``work_calendar(request)``
builds the ``WorkCalendar`` of a request from them and the settings.
"""

from datetime import date

from BTrees.OOBTree import OOBTree

from statportal.content.base import utcnow
from statportal.content.editing import EditError
from statportal.i18n import _, timezone
from statportal.schedule import WorkCalendar, hours_from_settings

KINDS = ("off", "working")


def stored_days(portal):
    return getattr(portal, "__work_calendar_days__", None) or {}


def parse_day(value):
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise EditError(_("A date as YYYY-MM-DD is expected."), "date") from None


def set_day(portal, day, kind, note="", actor=None):
    """Mark ``day`` as a day off or a working day; returns the entry."""
    if kind not in KINDS:
        raise EditError(_("The kind is off or working."), "kind")
    if not isinstance(note, str) or len(note) > 200:
        raise EditError(_("At most ${max} characters.", mapping={"max": 200}), "note")
    day = parse_day(day) if not isinstance(day, date) else day
    if getattr(portal, "__work_calendar_days__", None) is None:
        portal.__work_calendar_days__ = OOBTree()
    entry = {"kind": kind, "note": note.strip(), "by": actor, "at": utcnow()}
    portal.__work_calendar_days__[day.isoformat()] = entry
    return entry


def clear_day(portal, day):
    key = (parse_day(day) if not isinstance(day, date) else day).isoformat()
    days = getattr(portal, "__work_calendar_days__", None)
    if days is None or key not in days:
        raise EditError(_("No exception is set for ${day}.", mapping={"day": key}), "date",
                        status=404, type="not_found")
    del days[key]


def work_calendar(request):
    """The working calendar of this request's portal (cached on the request)."""
    from statportal.content.resources import get_portal

    calendar = getattr(request, "_statportal_work_calendar", None)
    if calendar is None:
        calendar = request._statportal_work_calendar = calendar_of(
            get_portal(request), request.registry.settings)
    return calendar


def calendar_of(portal, settings):
    """The ``WorkCalendar`` of ``portal``: the settings and the Manager's exceptions
    (for code without a request, such as the background worker)."""
    days = stored_days(portal)
    return WorkCalendar(
        extra_days_off=[date.fromisoformat(k) for k, v in days.items() if v["kind"] == "off"],
        extra_working_days=[date.fromisoformat(k) for k, v in days.items()
                            if v["kind"] == "working"],
        tz=timezone(settings),
        hours=hours_from_settings(settings),
    )
