"""The release calendar's public faces: the page (upcoming by week or month, past with
punctuality, cancelled with notices, filters), its JSON (``@releases``), the iCalendar
feed (``@ical``) and an entry's page. Views are thin: ``listing`` and ``ical`` decide."""

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.response import Response
from pyramid.view import view_config

from statportal.api.content import batch_params
from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError, url_of
from statportal.content.editing import EditError
from statportal.content.resources import get_portal
from statportal.i18n import LANGUAGES, _, format_datetime, label, pick, timezone
from statportal.placement.schemas import CATEGORIES, CATEGORY_TITLES
from statportal.releases import listing
from statportal.releases.entries import shown_status
from statportal.releases.json import entry_json
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
    translate = request.localizer.translate
    return translate(_("Moved from ${previous} to ${new}: ${reason}", mapping={
        "previous": _release_text(request, change["previous"]),
        "new": _release_text(request, change["new"]), "reason": change["reason"]}))


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
             renderer="statportal:templates/calendar.pt")
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
        "delay": lambda entry: round((entry.published_at - entry.release.latest())
                                     .total_seconds() / 60),
        "change_line": lambda change: change_line(request, change),
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
        lambda change: change_line(_LangRequest(request, lang, localizer), change))
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
        self._request, self.locale_name, self.localizer = request, lang, localizer
        self.registry = request.registry


@view_config(context=ReleaseEntry, accept=HTML, permission=VIEW,
             renderer="statportal:templates/release_entry.pt")
def entry_page(context, request):
    from statportal.releases.embargo import material_of

    portal = get_portal(request)
    bundle = []
    if request.has_permission(EDIT, context):
        for item in context.bundle:
            material = material_of(portal, item)
            bundle.append({"item": item, "material": material})
    return {
        "when": when(request, context), "status_title": status_title(request, context),
        "status": shown_status(context),
        "category": label(request, CATEGORY_TITLES.get(context.category), context.category),
        "section_title": dict(section_titles(request)).get(context.section, context.section),
        "changes": [{"change": c, "line": change_line(request, c) if c["new"] else None,
                     "at": format_datetime(request, c["at"])} for c in context.changes],
        "punctual": listing.is_punctual(context, punctual_minutes(request)),
        "published": format_datetime(request, context.published_at)
        if context.published_at else None,
        "bundle": bundle, "can_edit": request.has_permission(EDIT, context),
    }


# -- publish now (two people) -----------------------------------------------------------------
def _publish_now(request, context, typed, reason):
    """Ask, or (a second person) confirm; returns ``(state, message)``."""
    from statportal import clock
    from statportal.releases import embargo

    now = clock.now()
    actor = request.authenticated_userid
    pending = getattr(context, "early_release", None)
    if pending and pending["requested_by"] != actor:
        embargo.confirm_early(request.registry, context, actor, typed, now)
        return "published", _("Published before its release time; recorded.")
    if pending:
        raise EditError(_("A second person must confirm publishing before the release "
                          "time."), None, status=403, type="second_person")
    embargo.request_early(context, actor, typed, reason, now)
    return "requested", _("Asked; a second person with the right must confirm.")


@view_config(context="statportal.materials.resources.Material", name="@publish-now",
             request_method="POST", renderer="json",
             permission="statportal.material.publish_now")
def publish_now_json(context, request):
    from statportal.api.content import _error, json_body

    try:
        payload = json_body(request)
        if not isinstance(payload, dict):
            raise EditError(_("The body must be a JSON object."), None)
        state, message = _publish_now(request, context, payload.get("confirm"),
                                      payload.get("reason"))
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        return _error(request, exc)
    return {"state": state, "message": request.localizer.translate(message),
            "early_release": _early_json(context)}


def _early_json(material):
    pending = getattr(material, "early_release", None)
    if not pending:
        return None
    return {**pending, "requested_at": pending["requested_at"].isoformat()}


@view_config(context="statportal.materials.resources.Material", name="publish-now",
             accept=HTML, renderer="statportal:templates/publish_now.pt",
             permission="statportal.material.publish_now")
def publish_now_page(context, request):
    from pyramid.httpexceptions import HTTPFound

    from statportal.releases import embargo
    from statportal.views.content import flash

    entry, _item = embargo.waiting_item(context)
    error = None
    if request.method == "POST":
        from pyramid.csrf import check_csrf_token

        check_csrf_token(request)
        try:
            state, message = _publish_now(request, context, request.POST.get("confirm"),
                                          request.POST.get("reason"))
        except EditError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error = exc
        else:
            flash(request, message)
            return HTTPFound(request.resource_url(context))
    return {"entry": entry, "pending": getattr(context, "early_release", None),
            "error": error, "when": when(request, entry) if entry is not None else None}


# -- currency findings (the coordinator) ------------------------------------------------------
CURRENCY = "statportal.currency"
TIMELINESS = "statportal.timeliness"


def _notify(request, key):
    from statportal import clock
    from statportal.releases import currency

    portal = get_portal(request)
    finding = currency.findings(portal).get(key or "")
    if finding is None:
        raise EditError(_("No finding ${key}.", mapping={"key": key}), "key", status=404,
                        type="not_found")
    return currency.send_notice(request, portal, finding, request.authenticated_userid,
                                clock.now())


@view_config(context="statportal.content.resources.Portal", name="@currency",
             request_method="GET", renderer="json", permission=CURRENCY)
def currency_json(context, request):
    from statportal.releases import currency

    show = request.GET.get("show", "open")
    items = currency.open_findings(context) if show == "open" else \
        list(currency.findings(context).values())
    return {"items": [f.as_json() for f in items], "items_total": len(items)}


@view_config(context="statportal.content.resources.Portal", name="@currency",
             request_method="POST", renderer="json", permission=CURRENCY)
def currency_notify_json(context, request):
    from statportal.api.content import _error, json_body

    try:
        payload = json_body(request)
        notice = _notify(request, payload.get("key") if isinstance(payload, dict) else None)
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        return _error(request, exc)
    return {"key": payload["key"], "notice": {**notice, "sent_at": notice["sent_at"].isoformat(),
                                              "deadline": notice["deadline"].isoformat()}}


@view_config(context="statportal.content.resources.Portal", name="currency", accept=HTML,
             renderer="statportal:templates/currency.pt", permission=CURRENCY)
def currency_page(context, request):
    from pyramid.httpexceptions import HTTPFound

    from statportal.releases import currency
    from statportal.views.content import flash

    error = None
    if request.method == "POST":
        from pyramid.csrf import check_csrf_token

        check_csrf_token(request)
        try:
            _notify(request, request.POST.get("key"))
        except EditError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error = exc
        else:
            flash(request, _("The notice was sent."))
            return HTTPFound(request.resource_url(context, "@@currency"))
    rows = sorted(currency.open_findings(context), key=lambda f: f.since)
    return {"rows": rows, "error": error,
            "kind_title": {"missing": _("Not published"), "outdated": _("Not updated")}}


# -- timeliness dashboard -------------------------------------------------------------------
@view_config(context="statportal.content.resources.Portal", name="@timeliness",
             renderer="json", permission=TIMELINESS)
def timeliness_json(context, request):
    from statportal.releases import timeliness

    year = request.GET.get("year")
    if year and not (year.isdigit() and len(year) == 4):
        return json_error(request, 400, _("A year is four digits."),
                          [{"field": "year", "message": _("A year is four digits.")}])
    return timeliness.figures(context, timezone(request), punctual_minutes(request),
                              int(year) if year else None)


@view_config(context="statportal.content.resources.Portal", name="timeliness", accept=HTML,
             renderer="statportal:templates/timeliness.pt", permission=TIMELINESS)
def timeliness_page(context, request):
    from statportal.releases import timeliness

    data = timeliness.figures(context, timezone(request), punctual_minutes(request))
    translate = request.localizer.translate
    for row in data["placement_deadlines"]["by_category"]:
        row["label"] = label(request, CATEGORY_TITLES.get(row["category"]), row["category"])
    charts = []
    for rows, key, title in (
            (data["punctuality"]["by_month"], ("month", "releases", "on_time"),
             _("Releases out on time, by month")),
            (data["placement_deadlines"]["by_category"], ("label", "placed", "in_time"),
             _("Placements within their deadline, by category")),
            (data["placement_deadlines"]["by_month"], ("month", "placed", "in_time"),
             _("Placements within their deadline, by month"))):
        text = translate(title)
        charts.append({"title": text, "rows": rows,
                       "svg": timeliness.bar_chart(rows, *key, text) if rows else ""})
    return {"data": data, "charts": charts}


# -- the plan's import from .xlsx -----------------------------------------------------------
def _import(request, context, year, filename, data):
    """Check and import; returns the created ``[(row, item)]`` or raises EditError /
    PlanImportError (with every error)."""
    from statportal.files.policy import FilePolicy, FileRefused, check_upload
    from statportal.releases.plan_import import import_plan

    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise EditError(_("A year is four digits."), "year")
    try:
        check_upload(filename, data, FilePolicy(extensions=("xlsx",)))
    except FileRefused as refused:
        raise EditError(refused.message, "file") from None
    return import_plan(request.registry, get_portal(request), data, year,
                       request.authenticated_userid)


def _import_errors(request, errors):
    translate = request.localizer.translate
    return [{"field": e["column"], "location": {"row": e["row"], "column": e["column"]},
             "message": translate(e["message"]), "type": "invalid"} for e in errors]


@view_config(context="statportal.releases.resources.WorkPlan", name="@import",
             request_method="POST", renderer="json", permission="statportal.plan.add")
def plan_import_json(context, request):
    import base64
    import binascii

    from statportal.api.content import _error, json_body
    from statportal.releases.plan_import import PlanImportError

    try:
        payload = json_body(request)
        if not isinstance(payload, dict):
            raise EditError(_("The body must be a JSON object."), None)
        upload = payload.get("file")
        if not isinstance(upload, dict) or not isinstance(upload.get("data"), str):
            raise EditError(_('A file needs "filename" and "data".'), "file", type="required")
        try:
            data = base64.b64decode(upload["data"], validate=True)
        except (binascii.Error, ValueError):
            raise EditError(_("${file}: the data is not valid base64.",
                              mapping={"file": upload.get("filename")}), "file") from None
        created = _import(request, context, payload.get("year"), upload.get("filename"), data)
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        return _error(request, exc)
    except PlanImportError as exc:
        request.tm.doom()
        return json_error(request, 400, _("The plan was not imported: ${n} errors.",
                                          mapping={"n": len(exc.errors)}),
                          _import_errors(request, exc.errors))
    request.response.status = 201
    return {"items_total": len(created),
            "items": [{"row": row, "@id": url_of(request, item)} for row, item in created]}


@view_config(context="statportal.releases.resources.WorkPlan", name="import", accept=HTML,
             renderer="statportal:templates/plan_import.pt", permission="statportal.plan.add")
def plan_import_page(context, request):
    from statportal import clock
    from statportal.releases.plan_import import PlanImportError

    year = clock.now().astimezone(timezone(request)).year + 1
    result = {"errors": [], "created": [], "message": None, "year": year}
    if request.method == "POST":
        from pyramid.csrf import check_csrf_token

        check_csrf_token(request)
        upload = request.POST.get("file")
        raw_year = request.POST.get("year", "")
        result["year"] = raw_year
        try:
            if getattr(upload, "file", None) is None:
                raise EditError(_("Choose a file."), "file", type="required")
            created = _import(request, context, int(raw_year) if raw_year.isdigit() else None,
                              upload.filename, upload.file.read())
        except EditError as exc:
            request.tm.doom()
            request.response.status = 400
            result["message"] = exc.message
        except PlanImportError as exc:
            request.tm.doom()
            request.response.status = 400
            result["errors"] = exc.errors
        else:
            result["created"] = created
    return result
