"""The release calendar's public faces: the page (upcoming by week or month, past with
punctuality, cancelled with notices, filters), its JSON (``@releases``), the iCalendar
feed (``@ical``) and an entry's page. Views are thin: ``listing`` and ``ical`` decide."""

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.response import Response
from pyramid.view import view_config

from statportal import labels
from statportal.api.content import batch_params
from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError, url_of
from statportal.content.editing import EditError
from statportal.content.resources import get_portal
from statportal.i18n import LANGUAGES, _, format_datetime, label, pick, timezone
from statportal.placement.schemas import CATEGORIES, CATEGORY_TITLES
from statportal.releases import listing
from statportal.releases.entries import shown_status
from statportal.releases.json import delay_minutes, entry_json
from statportal.releases.resources import ReleaseCalendar, ReleaseEntry
from statportal.releases.schemas import STATUS_TITLES
from statportal.security.permissions import EDIT, VIEW
from statportal.settings import as_int

HTML = "text/html"
MONTH_FORMAT = "LLLL y"


def punctual_minutes(request):
    return as_int(request.registry.settings, "statportal.releases.punctual_minutes")


def when(request, entry):
    """The release time as people read it: a local date and time, or the month(s)."""
    from babel.dates import format_date

    release = entry.release
    if release.exact:
        return format_datetime(request, release.at)
    first = format_date(release.first_month, MONTH_FORMAT, locale=request.locale_name)
    if release.last_month == release.first_month:
        return first
    last = format_date(release.last_month, MONTH_FORMAT, locale=request.locale_name)
    return f"{first} – {last}"


def change_line(request, change):
    """The move as one line of plain text (the feed), its reason in the request's
    language."""
    parts = change_parts(request, change)
    translate = request.localizer.translate
    return translate(_("Moved from ${previous} to ${new}: ${reason}", mapping={
        "previous": parts["previous"], "new": parts["new"], "reason": parts["reason"]}))


def change_parts(request, change):
    """A move's times and reason for a page: the reason in the page's language, else in
    another that it was given in, with ``lang`` saying which (None: one text whose
    language was not said). The log keeps every language given."""
    reason, lang = change["reason"], None
    if isinstance(reason, dict):
        reason, lang = pick(request, reason)
    return {"previous": _release_text(request, change["previous"]),
            "new": _release_text(request, change["new"]), "reason": reason or "",
            "lang": lang}


def _release_text(request, release):
    from types import SimpleNamespace

    return when(request, SimpleNamespace(release=release)) if release is not None else ""


def status_title(request, entry):
    status = shown_status(entry)
    return label(request, STATUS_TITLES.get(status), status)


def section_titles(request):
    """Path -> title of every section (for filters and labels)."""
    from statportal.content.listing import visible

    titles = []

    def walk(folder, prefix, depth):
        for name, child in visible(request, folder):
            if getattr(child, "__content_type__", None) == "Section":
                path = f"{prefix}/{name}"
                titles.append((path, "\u2003" * depth + (pick(request, child.title)[0] or name)))
                walk(child, path, depth + 1)

    walk(get_portal(request), "", 0)
    return titles


@view_config(context=ReleaseCalendar, accept=HTML, permission=VIEW,
             renderer="statportal.releases:templates/calendar.pt")
def calendar_page(context, request):
    try:
        filters = listing.read_filters(request.GET)
        start, size = batch_params(request)
    except EditError as exc:
        raise HTTPBadRequest(request.localizer.translate(exc.message)) from None
    except PayloadError as exc:
        raise HTTPBadRequest(request.localizer.translate(exc.errors[0]["message"])) from None
    portal = get_portal(request)
    entries, total = listing.entries_for(portal, filters, start, size)
    tz = timezone(request)
    groups = []
    if filters.view == "upcoming":
        from babel.dates import format_date

        for key, first, members in listing.grouped(entries, filters.by, tz):
            if filters.by == "week":
                heading = request.localizer.translate(_("Week of ${day}", mapping={
                    "day": format_date(first, "d MMMM y", locale=request.locale_name)}))
            else:
                heading = format_date(first, MONTH_FORMAT, locale=request.locale_name)
            groups.append({"key": key, "heading": heading, "entries": members})
    sections = section_titles(request)
    from statportal.materials.views import batch_info

    return {
        "filters": filters, "entries": entries, "groups": groups,
        "batch": batch_info(start, size, len(entries), total, filters.query()),
        "categories": [(name, label(request, CATEGORY_TITLES[name], name))
                       for name in CATEGORIES],
        "sections": sections, "section_title": dict(sections),
        "when": lambda entry: when(request, entry),
        "status_title": lambda entry: status_title(request, entry),
        "status": shown_status,
        "category_title": lambda name: label(request, CATEGORY_TITLES.get(name), name),
        "punctual": lambda entry: listing.is_punctual(entry, punctual_minutes(request)),
        "delay": delay_minutes,
        "change_parts": lambda change: change_parts(request, change),
        "ical_url": request.resource_url(context, "@ical", query={
            key: value for key, value in (("section", filters.section),
                                          ("category", filters.category),
                                          ("lang", request.locale_name)) if value}),
        "views": [("upcoming", _("Upcoming")), ("past", _("Past")),
                  ("cancelled", _("Cancelled releases"))],
        "can_add": request.has_permission("statportal.release.add", context),
    }


@view_config(context=ReleaseCalendar, name="@releases", permission=VIEW, renderer="json")
def calendar_json(context, request):
    try:
        filters = listing.read_filters(request.GET)
        start, size = batch_params(request)
    except EditError as exc:
        return json_error(request, 400, exc.message, [{"field": exc.field,
                                                       "message": exc.message}])
    except PayloadError as exc:
        return json_error(request, 400, exc.errors[0]["message"], exc.errors)
    entries, total = listing.entries_for(get_portal(request), filters, start, size)
    minutes = punctual_minutes(request)
    items = []
    for entry in entries:
        data = entry_json(request, entry)
        if filters.view == "past":
            data["punctual"] = listing.is_punctual(entry, minutes)
        items.append(data)
    return {"@id": request.url, "view": filters.view, "items": items, "items_total": total,
            "b_start": start, "b_size": size}


@view_config(context=ReleaseCalendar, name="@ical", permission=VIEW)
def calendar_ical(context, request):
    from statportal.releases import ical
    from statportal.releases.catalog import get_release_catalog

    lang = request.GET.get("lang") or request.locale_name
    if lang not in LANGUAGES:
        return _plain_error(request, "lang", _("The language must be kk, ru or en."))
    try:
        filters = listing.read_filters({"section": request.GET.get("section"),
                                        "category": request.GET.get("category")})
    except EditError as exc:
        return _plain_error(request, exc.field, exc.message)
    entries, _total = get_release_catalog(get_portal(request)).query(
        section=filters.section, category=filters.category)
    title = context.title.get(lang) or next(iter(context.title.values()), "")
    localizer = _localizer(request, lang)
    body = ical.calendar_for(
        entries, title, lang, lambda entry: url_of(request, entry), request.host.split(":")[0],
        lambda name: localizer.translate(CATEGORY_TITLES.get(name, name)),
        lambda change: change_line(_LangRequest(request, lang, localizer), change),
        timezone(request).key)
    response = Response(body=body, content_type="text/calendar", charset="utf-8")
    response.content_disposition = 'inline; filename="release-calendar.ics"'
    response.cache_control.max_age = 300
    return response


def _plain_error(request, field, message):
    text = request.localizer.translate(message)
    return Response(f"{field}: {text}\n", status=400, content_type="text/plain",
                    charset="utf-8")


def _localizer(request, lang):
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ITranslationDirectories

    directories = request.registry.queryUtility(ITranslationDirectories, default=[])
    return make_localizer(lang, directories)


class _LangRequest:
    """A request read in another language (the feed's ``?lang=``)."""

    def __init__(self, request, lang, localizer):
        self.locale_name, self.localizer = lang, localizer
        self.registry = request.registry


#: a bundle item's placement, in the words of the request's form (the same msgids)
BUNDLE_ACTIONS = {"new": _("New"), "replace": _("Replace"), "delete": _("Delete")}


@view_config(context=ReleaseEntry, accept=HTML, permission=VIEW,
             renderer="statportal.releases:templates/release_entry.pt")
def entry_page(context, request):
    from statportal.releases.embargo import material_of

    portal = get_portal(request)
    bundle = []
    if request.has_permission(EDIT, context):
        for item in context.bundle:
            material = material_of(portal, item)
            bundle.append({"item": item, "material": material,
                           "action": labels.term(request, BUNDLE_ACTIONS, item.get("action"))})
    return {
        "when": when(request, context), "status_title": status_title(request, context),
        "status": shown_status(context),
        "category": label(request, CATEGORY_TITLES.get(context.category), context.category),
        # the title alone, without the filter's indentation of the section's depth
        "section_title": dict(section_titles(request)).get(context.section,
                                                           context.section).strip(),
        "changes": [{"change": c, "move": change_parts(request, c) if c["new"] else None,
                     "notice": None if c["new"] else pick(request, c["reason"])
                     if isinstance(c["reason"], dict) else (c["reason"], None),
                     "at": format_datetime(request, c["at"])} for c in context.changes],
        "punctual": listing.is_punctual(context, punctual_minutes(request)),
        "published": format_datetime(request, context.published_at)
        if context.published_at else None,
        "bundle": bundle, "can_edit": request.has_permission(EDIT, context),
    }
