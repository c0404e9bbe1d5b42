"""Creating and changing calendar entries and plan items: the types' ``create`` and
``update`` hooks (``add_content_type(..., create=, update=)``), so the deform forms and
the JSON API go through the same rules of :mod:`statportal.releases.entries`.

Every refusal is an ``EditError`` naming the field; the callers doom the transaction,
so nothing is half-changed.
"""

from datetime import UTC

import colander

from statportal import clock
from statportal.content.editing import EditError, apply_fields, choose_name
from statportal.content.events import ObjectModified
from statportal.content.paths import root_of
from statportal.content.registry import get_content_registry
from statportal.i18n import _
from statportal.releases import entries
from statportal.releases.timing import parse_release_time
from statportal.schedule.exceptions import calendar_of

YEAR_TITLES = {"kk": "{year} жыл", "ru": "{year} год", "en": "{year}"}
PLAIN_ENTRY_FIELDS = ("title", "description", "category", "section", "plan_item")


def work_calendar_for(registry, obj):
    return calendar_of(root_of(obj), registry.settings)


def year_folder(registry, place, year, type_name):
    """``place[str(year)]``, made on first use."""
    name = str(year)
    folder = place.get(name)
    if folder is None:
        folder = get_content_registry(registry).create(
            type_name, title={lang: text.format(year=year) for lang, text in YEAR_TITLES.items()})
        place.add(name, folder)
    return folder


# -- release entries ------------------------------------------------------------------------
def create_entry(registry, container, name, appstruct, creator):
    """A new entry in ``/calendar/<year of its time>``; the time checked by ``check_new``."""
    portal = root_of(container)
    release = parse_release_time(appstruct.get("release_at"))
    status = appstruct.get("status") or "provisional"
    now = clock.now()
    calendar = calendar_of(portal, registry.settings)
    notes = entries.check_new(release, status, now, calendar,
                              bool(appstruct.get("non_working_confirmed")))
    if any((appstruct.get("cancel_notice") or {}).values()):
        raise EditError(_("A new release has no notice of cancellation."), "cancel_notice")
    year = calendar.local(release.earliest()).year
    folder = year_folder(registry, portal["calendar"], year, "CalendarYear")
    content = get_content_registry(registry)
    info = content["ReleaseEntry"]
    name = choose_name(folder, info, name, appstruct)
    entry = content.create("ReleaseEntry", creator=creator)
    apply_fields(entry, {key: appstruct[key] for key in PLAIN_ENTRY_FIELDS if key in appstruct})
    entry.release, entry.notes = release, tuple(notes)
    folder.add(name, entry)  # provisional, its workflow's initial state
    if status == "confirmed":  # checked above by check_new
        entries.set_status(entry, "confirmed", creator)
    return entry


def update_entry(registry, entry, appstruct, actor):
    """Apply a PATCH or an edit form: plain fields, then the status and the time by the
    rules (a confirmed date moves only with a reason, logged; cancelling needs a notice)."""
    now = clock.now()
    calendar = work_calendar_for(registry, entry)
    non_working = bool(appstruct.get("non_working_confirmed"))
    changed = apply_fields(entry, {key: appstruct[key] for key in PLAIN_ENTRY_FIELDS
                                   if key in appstruct})
    release = None
    if appstruct.get("release_at") not in (None, colander.null, ""):
        release = parse_release_time(appstruct["release_at"])
        if release == entry.release:
            release = None
    status = appstruct.get("status")
    if status in (None, colander.null, "") or status == entry.status:
        status = None
    notice = {k: v for k, v in (appstruct.get("cancel_notice") or {}).items() if v}
    if notice and status != "cancelled" and notice != (entry.cancel_notice or {}):
        raise EditError(_("The notice of cancellation is given when cancelling, and is "
                          "not edited afterwards."), "cancel_notice", status=409,
                        type="conflict")
    if status == "confirmed":
        entries.confirm(entry, now, calendar, release=release,
                        non_working_confirmed=non_working)
        changed += ["status", *(["release_at"] if release else [])]
    elif status == "cancelled":
        if release is not None:
            raise EditError(_("Cancel or move a release, not both at once."), "release_at")
        from statportal.releases.embargo import still_waiting

        waiting = still_waiting(entry)
        if waiting:
            raise EditError(_("${n} placements wait for this release: the moderator "
                              "withdraws them, or they are published, before it is "
                              "cancelled.", mapping={"n": len(waiting)}), "status",
                            status=409, type="conflict")
        entries.cancel(entry, notice, actor, now)
        from statportal.releases.embargo import close_bundle

        close_bundle(entry, now, "cancelled")
        changed.append("status")
    elif status is not None:
        raise EditError(_("The status ${status} is not set by hand: an entry is confirmed, "
                          "cancelled, or published when its materials go out.",
                          mapping={"status": status}), "status", status=409, type="conflict")
    elif release is not None:
        entries.move(entry, release, appstruct.get("reason"), actor, now, calendar,
                     non_working_confirmed=non_working)
        changed.append("release_at")
    if changed:
        entry.modified = now.astimezone(UTC)
        registry.notify(ObjectModified(entry, changed))
    return changed


# -- plan items -----------------------------------------------------------------------------
def create_plan_item(registry, container, name, appstruct, creator):
    """A new item in ``/plan/<year>``; its planned dates made from the periodicity when
    none are given."""
    from statportal.releases.plan import planned_dates

    portal = root_of(container)
    year = appstruct["year"]
    folder = year_folder(registry, portal["plan"], year, "PlanYear")
    content = get_content_registry(registry)
    name = choose_name(folder, content["WorkPlanItem"], name, appstruct)
    item = content.create("WorkPlanItem", creator=creator)
    values = {key: value for key, value in appstruct.items() if key != "year"}
    values["planned_dates"] = check_dates(values.get("planned_dates"), year) or planned_dates(
        values["periodicity"], year, values.get("release_day", 15),
        calendar_of(portal, registry.settings))
    apply_fields(item, values)
    folder.add(name, item)
    return item


def update_plan_item(registry, item, appstruct, actor):
    if appstruct.get("year") not in (None, colander.null, item.year):
        raise EditError(_("An item stays in the plan of its year."), "year", status=409,
                        type="conflict")
    values = {key: value for key, value in appstruct.items() if key != "year"}
    if "planned_dates" in values:
        values["planned_dates"] = check_dates(values["planned_dates"], item.year)
        if not values["planned_dates"]:
            from statportal.releases.plan import planned_dates

            values["planned_dates"] = planned_dates(
                values.get("periodicity", item.periodicity), item.year,
                values.get("release_day", item.release_day),
                work_calendar_for(registry, item))
    changed = apply_fields(item, values)
    if changed:
        item.touch()
        registry.notify(ObjectModified(item, changed))
    return changed


def check_dates(dates, year):
    """The planned dates, sorted; each in the plan's year or the first months of the next
    (the plan's December data come out in January)."""
    dates = sorted(set(dates or ()))
    for day in dates:
        if day.year not in (year, year + 1):
            raise EditError(_("${day} is outside the plan's year ${year}.",
                              mapping={"day": day.isoformat(), "year": year}),
                            "planned_dates")
    return tuple(dates)
