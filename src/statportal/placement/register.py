"""The coordinator's register, ``/requests/@register``: filters, sorting, batching, .xlsx
and .csv; and the register's note (art. 12.5), the coordinator's own, apart from the
executor's ``note``: written in the ``register`` transition's body, by PATCH, or on
``@@register-note``, by whoever holds the register permission on the request."""

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.response import Response
from pyramid.view import view_config

from statportal import labels
from statportal.api.content import batch_params
from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError, url_of
from statportal.batching import Batch
from statportal.content.base import utcnow
from statportal.content.catalog import allowed_principals
from statportal.content.paths import canonical_path
from statportal.content.resources import get_portal
from statportal.i18n import _, format_datetime, label
from statportal.numbers import NumberError, read_int
from statportal.placement.annex import location
from statportal.placement.catalog import SORTS, get_catalog
from statportal.placement.permissions import REGISTER
from statportal.placement.resources import PlacementRequest, Requests
from statportal.placement.schemas import CATEGORIES, CATEGORY_TITLES
from statportal.placement.workflow import PLACEMENT_WORKFLOW
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import state_of

STATES = tuple(state.name for state in PLACEMENT_WORKFLOW.states)


def search(request, context, filters, limit=None):
    """The register's requests for these filters: only those the user may view (the
    catalog's ``allowed`` index, computed from each request's ACL: a unit's people see its
    drafts, the office sees requests from submission on)."""
    if getattr(context, "_catalog", None) is None:
        return [], 0  # no request was ever added (and a GET creates no catalog)
    return get_catalog(context).query(**filters, limit=limit,
                                      allowed=allowed_principals(request))


def parse_filters(request):
    params, errors = request.GET, []
    filters = {}
    try:
        year = read_int(params, "year", low=1900, high=2200,
                        message=_("A year like 2026 is expected."))
    except NumberError as exc:
        errors.append({"field": "year", "message": exc.message})
    else:
        if year is not None:
            filters["year"] = year
    for name, allowed in (("state", STATES), ("category", CATEGORIES)):
        value = params.get(name, "")
        if value and value not in allowed:
            errors.append({"field": name, "message": _("Unknown value ${value}.",
                                                       mapping={"value": value[:50]})})
        elif value:
            filters[name] = value
    if params.get("unit", "").strip("/ "):
        filters["unit"] = canonical_path(params["unit"])
    if params.get("overdue", "") in ("1", "true", "yes"):
        filters["overdue"] = True
    sort = params.get("sort", "registered_at")
    if sort not in SORTS:
        errors.append({"field": "sort", "message": _("Unknown value ${value}.",
                                                     mapping={"value": sort[:50]})})
    filters["sort"] = sort if sort in SORTS else "registered_at"
    order = params.get("order", "")
    if order not in ("", "asc", "desc"):
        errors.append({"field": "order", "message": _("Unknown value ${value}.",
                                                      mapping={"value": order[:50]})})
    filters["reverse"] = order == "desc"
    export = params.get("format", "")
    if export and export not in EXPORTS:  # not silently the page instead of a file
        errors.append({"field": "format", "message": _("Unknown value ${value}.",
                                                       mapping={"value": export[:50]})})
    if filters["sort"] in VALUE_ORDERS:  # as people read them, not by path or id
        filters["order"] = VALUE_ORDERS[filters["sort"]](request)
    if errors:
        raise PayloadError([dict(e, type="invalid") for e in errors])
    return filters


def unit_choices(request):
    """[(path, indented name)] of every org unit in tree order: the unit filter's list."""
    from statportal.security.schemas import orgunit_paths

    return orgunit_paths(request)


def _units_by_name(request):
    names = unit_titles(request)
    return sorted((path for path, _title in unit_choices(request)),
                  key=lambda path: names(path).casefold())


VALUE_ORDERS = {
    "unit": _units_by_name,
    "review_state": lambda request: [state.name for state in PLACEMENT_WORKFLOW.states],
    "category": lambda request: list(CATEGORIES),
}


def row(request, obj, now):
    state = state_of(obj, "placement_request", "draft")
    overdue = bool(obj.due and ((obj.executed_at and obj.executed_at > obj.due)
                                or (state == "registered" and obj.due < now)))
    return {"@id": url_of(request, obj), "number": obj.number, "title": dict(obj.title),
            "unit": obj.unit, "category": obj.category, "review_state": state,
            "submitted_at": obj.submitted_at.isoformat() if obj.submitted_at else None,
            "registered_at": obj.registered_at.isoformat() if obj.registered_at else None,
            "due": obj.due.isoformat() if obj.due else None,
            "executed_at": obj.executed_at.isoformat() if obj.executed_at else None,
            "section": obj.section, "note": obj.note,
            "register_note": getattr(obj, "register_note", "") or "", "overdue": overdue}


def page(request, context):
    filters = parse_filters(request)
    b_start, b_size = batch_params(request)
    names, total = search(request, context, filters, limit=b_start + b_size)
    now = utcnow()
    rows = []
    for index, name in enumerate(names):
        if index >= b_start + b_size:
            break
        if index >= b_start:
            rows.append(row(request, context[name], now))
    return filters, rows, total, b_start, b_size


@view_config(context=Requests, name="@register", accept="application/json", renderer="json",
             permission="statportal.manage")
def register_json(context, request):
    try:
        filters, rows, total, b_start, b_size = page(request, context)
    except PayloadError as exc:
        return json_error(request, 400, _("The request has errors."), exc.errors)
    if request.GET.get("format") in EXPORTS:
        return EXPORTS[request.GET["format"]](request, context, filters)
    return {"@id": f"{url_of(request, context)}/@register", "items": rows,
            "items_total": total, "b_start": b_start, "b_size": b_size}


@view_config(context=Requests, name="@register", accept="text/html",
             permission="statportal.manage", renderer="statportal.placement:templates/register.pt")
def register_page(context, request):
    try:
        filters, rows, total, b_start, b_size = page(request, context)
    except PayloadError as exc:
        request.response.status = 400
        filters, rows, total, b_start, b_size = {}, [], 0, 0, 25
        errors = exc.errors
    else:
        errors = []
    if request.GET.get("format") in EXPORTS and not errors:
        return EXPORTS[request.GET["format"]](request, context, filters)
    for data in rows:  # the note's form, for those who write it
        obj = context.get(data["@id"].rsplit("/", 1)[-1])
        data["note_url"] = request.resource_url(obj, "@@register-note") \
            if obj is not None and request.has_permission(REGISTER, obj) else None
    query = kept_query(request, drop=("b_start", "b_size"))
    return {
        "rows": rows, "total": total, "filters": filters, "errors": errors,
        "columns": columns(request, filters), "units": unit_options(request),
        "states": [(s.name, label(request, s.title, s.name)) for s in PLACEMENT_WORKFLOW.states],
        "categories": [(c, label(request, CATEGORY_TITLES[c], c)) for c in CATEGORIES],
        "batch": Batch(b_start, b_size, total, len(rows)).page(query),
        "when": lambda iso: format_datetime(request, _parse(iso)) if iso else "—",
        "state_title": lambda s: labels.state_title(request, PLACEMENT_WORKFLOW, s),
        "category_title": lambda c: labels.term(request, CATEGORY_TITLES, c),
        "unit_title": unit_titles(request),
        "xlsx_url": request.path_qs + ("&" if request.query_string else "?") + "format=xlsx",
        "csv_url": request.path_qs + ("&" if request.query_string else "?") + "format=csv",
        "location": lambda path: location(get_portal(request), path, request.locale_name),
    }


#: The page's columns: (heading, the sort it offers or None).
COLUMNS = ((_("Number"), "number"), (_("Title"), None), (_("Structural unit"), "unit"),
           (_("Category"), "category"), (_("State"), "review_state"),
           (_("Submitted"), "submitted_at"), (_("Registered"), "registered_at"),
           (_("Due"), "due"), (_("Placed"), "executed_at"),
           (_("Location on the portal"), None), (_("Note"), None), (_("Register note"), None))


def kept_query(request, drop=()):
    """The page's query string without ``drop`` and the export's ``format``: the
    filters a link keeps."""
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in request.GET.items()
                      if k not in (*drop, "format")])


def columns(request, filters):
    """Each heading with its sort link (the filters kept, back to the first page) and
    ``aria-sort`` for the column the rows are sorted by; a second click reverses it."""
    base = kept_query(request, drop=("b_start", "sort", "order"))
    found = []
    for title, key in COLUMNS:
        active = key is not None and filters.get("sort") == key
        reverse = bool(filters.get("reverse"))
        order = "desc" if active and not reverse else "asc"
        found.append({
            "title": title, "key": key,
            "aria_sort": ("descending" if reverse else "ascending") if active else None,
            "href": "?" + "&".join(p for p in (base, f"sort={key}&order={order}") if p)
            if key else None})
    return found


def unit_options(request):
    """The unit filter's choices; a path given in the query that is no unit (an old
    link, a removed unit) stays a choice, so the filter shows what it filters by."""
    options = unit_choices(request)
    given = request.GET.get("unit", "").strip("/ ")
    if given:
        path = canonical_path(request.GET["unit"])
        if path not in {value for value, _title in options}:
            options = [*options, (path, path)]
    return options


def unit_titles(request):
    """path -> the unit's title in the page's language (``labels.unit_title``), each unit
    looked up once."""
    portal = get_portal(request)
    cache = {}

    def title(path):
        if path not in cache:
            cache[path] = labels.unit_title(request, path, portal=portal)
        return cache[path]
    return title


def _parse(iso):
    return datetime.fromisoformat(iso)


EXPORT_HEADERS = (_("Number"), _("Title"), _("Structural unit"), _("Category"), _("State"),
                  _("Submitted"), _("Registered"), _("Due"), _("Placed"), _("Overdue"),
                  _("Note"), _("Location on the portal"), _("Register note"), _("Placement"))
#: The times' format in the .xlsx (on real date-times) and their text in the .csv.
XLSX_TIME_FORMAT = "dd.mm.yyyy hh:mm"
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"  # what spreadsheets read as a date-time


def export_rows(request, context, filters):
    """The header and every matching row (not one page), in the page's language: states,
    categories, units and placement types in words (a unit by its name, not its path);
    times as naive datetimes in ``statportal.timezone`` (a spreadsheet has no zones); the
    location step by step, section → subsection (art. 8)."""
    from statportal.i18n import to_local
    from statportal.placement.pages import PLACEMENT_TITLES

    translate = request.localizer.translate
    names, _total = search(request, context, filters)
    now = utcnow()
    lang = request.locale_name
    portal = get_portal(request)
    units = {}  # path -> name: one lookup per unit, not per row
    yield [translate(h) for h in EXPORT_HEADERS]
    for name in names:
        obj = context[name]
        data = row(request, obj, now)
        unit = data["unit"] or ""
        if unit not in units:
            units[unit] = labels.unit_title(request, unit, portal=portal)
        yield [
            data["number"] or "",
            data["title"].get(lang) or next(iter(data["title"].values()), ""),
            units[unit], labels.term(request, CATEGORY_TITLES, data["category"]),
            labels.state_title(request, PLACEMENT_WORKFLOW, data["review_state"]),
            *[to_local(request, value).replace(tzinfo=None) if value else None
              for value in (obj.submitted_at, obj.registered_at, obj.due, obj.executed_at)],
            translate(_("Yes") if data["overdue"] else _("No")), data["note"],
            location(portal, data["section"], lang), data["register_note"],
            labels.term(request, PLACEMENT_TITLES, getattr(obj, "placement_type", None))]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_response(request, context, filters):
    """The same rows as the .xlsx, as UTF-8 CSV (with a BOM, which spreadsheets need to
    read Cyrillic). A cell that a spreadsheet would run as a formula starts with ``'``
    (OWASP's list: ``= + - @``, and a tab or carriage return before them). Times are
    written ``2026-11-26 14:00`` (in ``statportal.timezone``), which spreadsheets read as
    dates: a date in words ("26 November 2026, 14:00") stayed text there."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for values in export_rows(request, context, filters):
        writer.writerow([v.strftime(CSV_TIME_FORMAT) if isinstance(v, datetime)
                         else "'" + v if isinstance(v, str) and v[:1] in FORMULA_STARTS
                         else "" if v is None else v for v in values])
    return Response(body=("\ufeff" + buffer.getvalue()).encode("utf-8"),
                    content_type="text/csv", charset="utf-8",
                    content_disposition='attachment; filename="requests-register.csv"')


def xlsx_response(request, context, filters):
    """Every matching row (not one page) as a spreadsheet to print and sort: times are
    Excel date-times with a date format, not text. Written in openpyxl's write-only mode
    (streamed): only the cells that need a style or a type are cell objects."""
    from openpyxl.cell import WriteOnlyCell

    translate = request.localizer.translate
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate(_("Register of requests"))[:31])
    for column, width in zip("ABCDEFGHIJKLMN",
                             (14, 50, 34, 20, 16, 18, 18, 18, 18, 10, 40, 60, 40, 14),
                             strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)

    def cell(value, header=False):
        if header:
            made = WriteOnlyCell(sheet, value=value)
            made.font = bold
        elif isinstance(value, datetime):
            made = WriteOnlyCell(sheet, value=value)
            made.number_format = XLSX_TIME_FORMAT
        elif isinstance(value, str) and value.startswith("="):
            made = WriteOnlyCell(sheet, value=value)
            made.data_type = "s"  # text stays text: "=HYPERLINK(…)" is no formula here
        else:
            return value
        return made

    for index, values in enumerate(export_rows(request, context, filters)):
        sheet.append([cell(value, header=index == 0) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        body=buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content_disposition='attachment; filename="requests-register.xlsx"')


EXPORTS = {"xlsx": xlsx_response, "csv": csv_response}


@view_config(context=PlacementRequest, request_method="PATCH", accept="application/json",
             renderer="json", permission=VIEW)
def patch_request(context, request):
    """PATCH of a request: the register's note alone needs the register permission (the
    coordinator's, also after registration, when nobody may edit the request); anything
    else needs EDIT, as for all content, and is the common PATCH."""
    from statportal.api.content import ContentAPI
    from statportal.api.serialize import READ_ONLY_KEYS

    try:
        payload = request.json_body
    except ValueError:
        payload = None
    keys = set(payload) - READ_ONLY_KEYS if isinstance(payload, dict) else None
    if not (keys == {"register_note"} and request.has_permission(REGISTER, context)) and \
            not request.has_permission(EDIT, context):
        raise HTTPForbidden()
    return ContentAPI(context, request).patch()


@view_config(context=PlacementRequest, name="register-note", accept="text/html",
             permission=REGISTER, renderer="statportal:templates/form.pt")
def register_note_form(context, request):
    """The register's note in the browser: before, at and after registration."""
    import colander
    import deform

    from statportal.api.serialize import bound_schema
    from statportal.content.editing import update
    from statportal.content.registry import get_content_registry
    from statportal.views.content import flash
    from statportal.views.forms import form_schema, make_form, validate

    info = get_content_registry(request.registry).typeof(context)
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(bound_schema(request, context, info)["register_note"].clone())
    form = make_form(form_schema(schema, request), request, _("Save"))
    heading = _("Register note: ${number}", mapping={
        "number": context.number or label(request, context.title)})
    if "submit" in request.POST:
        try:
            appstruct = validate(form, request)
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "heading": heading}
        # An emptied text area clears the note (deform reads it as "not given").
        update(request.registry, context,
               {"register_note": appstruct.get("register_note") or ""},
               actor=request.authenticated_userid)
        flash(request, _("Saved."))
        return HTTPFound(request.resource_url(context))
    return {"form": form.render({"register_note": context.register_note or colander.null}),
            "heading": heading}
