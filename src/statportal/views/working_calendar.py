"""The Manager's page of working-calendar exceptions (``/@@working-calendar``), and its JSON."""

from datetime import date, timedelta

from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.view import view_config

from statportal import clock
from statportal.api.errors import json_error
from statportal.content.editing import EditError
from statportal.content.resources import Portal
from statportal.i18n import _
from statportal.schedule.exceptions import clear_day, set_day, stored_days, work_calendar
from statportal.security.permissions import MANAGE, MANAGE_SETTINGS


def _entries(context):
    return [{"date": key, **{k: (v.isoformat() if k == "at" else v) for k, v in entry.items()}}
            for key, entry in stored_days(context).items()]


def _holidays(request, year):
    calendar = work_calendar(request)
    day, found = date(year, 1, 1), []
    while day.year == year:
        name = calendar.holiday_name(day, request.locale_name)
        if name:
            found.append({"date": day.isoformat(), "name": name,
                          "working": calendar.is_working_day(day)})
        day += timedelta(days=1)
    return found


def _with_days(rows):
    return [dict(row, day=date.fromisoformat(row["date"])) for row in rows]


@view_config(context=Portal, name="working-calendar", accept="text/html", permission=MANAGE,
             renderer="statportal.views:templates/working_calendar.pt")
def working_calendar_page(context, request):
    error = None
    can_edit = request.has_permission(MANAGE_SETTINGS, context)
    if request.method == "POST":
        if not can_edit:
            raise HTTPForbidden()
        try:
            if "clear" in request.POST:
                clear_day(context, request.POST.get("date", ""))
            else:
                set_day(context, request.POST.get("date", ""), request.POST.get("kind", ""),
                        request.POST.get("note", ""), request.authenticated_userid)
        except EditError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error = exc
        else:
            request.session.flash(request.localizer.translate(_("Saved.")), "success")
            return HTTPFound(request.resource_url(context, "@@working-calendar"))
    year = clock.now().astimezone(work_calendar(request).tz).year
    return {"entries": _with_days(_entries(context)),
            "holidays": _with_days(_holidays(request, year)), "year": year,
            "error": error, "can_edit": can_edit}


@view_config(context=Portal, name="@working-calendar", accept="application/json",
             renderer="json", permission=MANAGE, request_method="GET")
def working_calendar_json(context, request):
    from statportal.numbers import NumberError, read_int

    try:
        year = read_int(request.GET, "year", low=1990, high=2100,
                        message=_("A year like 2026 is expected."))
    except NumberError as exc:
        return json_error(request, 400, _("The request has errors."), [exc.error()])
    if year is None:
        year = clock.now().astimezone(work_calendar(request).tz).year
    return {"exceptions": _entries(context), "holidays": _holidays(request, year)}


@view_config(context=Portal, name="@working-calendar", accept="application/json",
             renderer="json", permission=MANAGE_SETTINGS, request_method="POST")
def working_calendar_json_post(context, request):
    """``{"date": "2026-12-31", "kind": "off"|"working"|null, "note": "…"}``; null clears."""
    try:
        payload = request.json_body
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or set(payload) - {"date", "kind", "note"}:
        return json_error(request, 400, _("The request has errors."), [
            {"field": None, "type": "invalid",
             "message": _("Send an object with date, kind and note.")}])
    try:
        if payload.get("kind") is None:
            clear_day(context, payload.get("date", ""))
        else:
            set_day(context, payload.get("date", ""), payload["kind"], payload.get("note", ""),
                    request.authenticated_userid)
    except EditError as exc:
        request.tm.doom()
        return json_error(request, exc.status, exc.message,
                          [{"field": exc.field, "message": exc.message, "type": exc.type}])
    return working_calendar_json(context, request)
