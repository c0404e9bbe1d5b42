"""Importing an indicator's observations: JSON ``POST <indicator>/@import`` and the staff
page ``<indicator>/@@import``. Both check everything (the release, every row of the file)
before anything is stored; then one vintage is added (``store.add_vintage``), embargoed
when it is bound to a release (``embargo.binding`` / ``embargo.bind``).

The JSON body is exempt from the CSRF token as every JSON POST of the API is
(``security.csrf_applies``: a form cannot send ``application/json``); the page's form
carries the token. Bodies: the body limit ``taldau-import`` (``security.bodylimit``) lets a
signed-in request to either send a file of ``statportal.data.import_max_mb`` (100 MB by
default; a 2.3-million-row CSV is ~60 MB, ~80 MB as base64 in JSON), whatever
``statportal.file_max_mb`` allows other uploads; an anonymous one keeps the portal's
default limit (and is refused anyway).
"""


from pyramid.view import view_config

from statportal.i18n import _, ngettext
from statportal.taldau import IMPORT, release_field

INDICATOR = "statportal.taldau.resources.Indicator"
HTML = "text/html"
DEFAULT_MAX_MB = 100


def max_bytes(registry):
    """The largest file an import takes (``statportal.data.import_max_mb``)."""
    try:
        megabytes = float(registry.settings.get("statportal.data.import_max_mb",
                                                DEFAULT_MAX_MB))
    except (TypeError, ValueError):
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def import_file(request, indicator, filename, data, release="", period=None):
    """Check the release and every row, then store the vintage and return it; raises
    ``ImportRefused`` with every error found (the release's and the file's), having
    stored nothing. A file that adds no cell and changes no value nor status stores no
    vintage (``updated`` does not move): ``Unchanged`` is returned."""
    from statportal import clock
    from statportal.content.editing import EditError
    from statportal.content.paths import path_of
    from statportal.taldau import embargo
    from statportal.taldau.importing import ImportRefused, read_rows, validate
    from statportal.taldau.integrity import History
    from statportal.taldau.reading import SPARE_COLUMNS
    from statportal.taldau.store import add_vintage

    errors, total, entry, columns = [], 0, None, None
    try:   # the portal's own address of an entry, as copied, is its path
        entry = embargo.binding(request, indicator,
                                release_field.release_path(request, release))
    except EditError as exc:
        errors.append({"field": exc.field or "release", "row": None, "column": None,
                       "message": exc.message, "type": exc.type})
        total += 1
    if isinstance(period, int) and not isinstance(period, bool):
        period = str(period)                    # an annual period sent as a number
    if period is not None and not isinstance(period, str):
        errors.append({"field": "period", "row": None, "column": None, "message": _(
            "The period is text such as 2026, 2026-Q3 or 2026-10.")})
        total, period = total + 1, None
    if len(data) > max_bytes(request.registry):
        errors.append(_file_error(_("The file is larger than ${mb} MB.", mapping={
            "mb": max_bytes(request.registry) // (1024 * 1024)})))
        total += 1
    else:
        try:
            # a header wider than the indicator's columns and a few is refused unread
            frame = read_rows(filename, data, max_unpacked=max_bytes(request.registry),
                              max_columns=len(_columns(indicator)) + SPARE_COLUMNS)
            columns = validate(indicator, frame, period=period)
        except ImportRefused as refused:
            errors.extend(refused.errors)
            total += refused.total
    if not errors:      # against the vintages stored (integrity): X stays X; the embargo
        history = History(indicator)
        bound = path_of(entry) if entry is not None else ""
        for count, found in (
                history.confidential_errors(columns, columns.value_column, bound),
                history.waiting_errors(columns, bound)):
            errors, total = errors + found, total + count
    if errors:
        raise ImportRefused(errors, total)
    if history.changes_nothing(columns):
        return Unchanged(len(columns["period"]))
    now = clock.now()
    vintage = add_vintage(indicator, columns, filename=filename,
                          release=path_of(entry) if entry is not None else "",
                          actor=request.authenticated_userid, now=now,
                          embargoed=entry is not None)
    embargo.bind(request, indicator, vintage, entry, now)
    return vintage


def _file_error(message):
    return {"field": "file", "row": None, "column": None, "message": message}


#: What an import that changes nothing says (the API's message and the page's).
UNCHANGED = _("Nothing changed: every row is stored already with the same value and "
              "status; no vintage was added.")


class Unchanged:
    """``import_file``'s answer to a file that changes nothing: no vintage was stored."""

    def __init__(self, rows):
        self.rows = rows


def unchanged_json(request, indicator, unchanged):
    """200 ``{"unchanged": true, …}``: nothing was stored."""
    return {"unchanged": True, "indicator": request.resource_url(indicator).rstrip("/"),
            "rows": unchanged.rows, "message": request.localizer.translate(UNCHANGED),
            "latest_vintage": max((v.number for v in indicator.vintages), default=None)}


def vintage_json(request, indicator, vintage):
    """The vintage as ``Vintage.describe`` says it, its periods also as ISO text."""
    from statportal.taldau.periods import label

    found = vintage.describe()
    first, last = vintage.periods or (None, None)
    found.update(indicator=request.resource_url(indicator).rstrip("/"),
                 first_period=label(first, indicator.periodicity) if first else None,
                 last_period=label(last, indicator.periodicity) if last else None)
    return found


def refused_json(request, refused):
    """400 listing the errors (each with ``row`` and ``column``), and how many in all."""
    from statportal.api.errors import json_error

    errors = [{**e, "type": e.get("type") or "invalid"} for e in refused.errors]
    if refused.total > len(errors):
        message = ngettext(
            "Nothing was imported: ${n} error; the first ${shown} are listed.",
            "Nothing was imported: ${n} errors; the first ${shown} are listed.",
            refused.total, mapping={"shown": len(errors)})
    else:
        message = ngettext("Nothing was imported: ${n} error.",
                           "Nothing was imported: ${n} errors.", refused.total)
    response = json_error(request, 400, message, errors)
    response.json_body = {**response.json_body, "errors_total": refused.total}
    return response


@view_config(context=INDICATOR, name="@import", request_method="POST", renderer="json",
             permission=IMPORT)
def import_json(context, request):
    from statportal.api.content import _error, json_file
    from statportal.api.serialize import PayloadError
    from statportal.content.editing import EditError
    from statportal.taldau.importing import ImportRefused

    try:
        payload, filename, data = json_file(request)
        vintage = import_file(request, context, filename, data,
                              payload.get("release") or "", payload.get("period"))
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        return _error(request, exc)
    except ImportRefused as refused:
        request.tm.doom()
        return refused_json(request, refused)
    if isinstance(vintage, Unchanged):
        return unchanged_json(request, context, vintage)
    request.response.status = 201
    return vintage_json(request, context, vintage)


@view_config(context=INDICATOR, name="import", accept=HTML,
             renderer="statportal.taldau:templates/import.pt", permission=IMPORT)
def import_page(context, request):
    """The staff form: a file, an optional release and period; the errors listed by row
    and column; the indicator's vintages below."""
    from statportal.taldau.importing import ImportRefused

    result = {"errors": [], "total": 0, "errors_count": None, "vintage": None, "message": None,
              "release": "", "period": "", "vintages": (), "columns": _columns(context)}
    result["unchanged"] = False
    if request.method == "POST":
        from pyramid.csrf import check_csrf_token

        check_csrf_token(request)
        upload = request.POST.get("file")
        result["release"] = request.POST.get("release", "").strip()
        result["period"] = request.POST.get("period", "").strip()
        try:
            if getattr(upload, "file", None) is None:
                raise ImportRefused([_file_error(_("Choose a file."))])
            done = import_file(
                request, context, upload.filename or "", upload.file.read(),
                result["release"], result["period"] or None)
        except ImportRefused as refused:
            request.tm.doom()
            request.response.status = 400
            result["errors"], result["total"] = refused.errors, refused.total
            result["errors_count"] = errors_count(request, refused.total, len(refused.errors))
        else:   # POST/redirect/GET: a reload asks again for the page, never imports again
            from pyramid.httpexceptions import HTTPSeeOther

            query = ({"unchanged": done.rows} if isinstance(done, Unchanged)
                     else {"vintage": done.number})
            return HTTPSeeOther(request.resource_url(context, "@@import", query=query))
    else:       # where the redirect lands: the vintage stored, or that nothing changed
        number = request.GET.get("vintage", "")
        result["vintage"] = next((v for v in getattr(context, "vintages", ()) or ()
                                  if number.isdigit() and v.number == int(number)), None)
        result["unchanged"] = request.GET.get("unchanged", "").isdigit()
    result["vintages"] = sorted(getattr(context, "vintages", ()) or (),
                                key=lambda v: -v.number)
    result["releases"] = release_field.choices(request, context)
    if request.method != "POST" and result["releases"]:
        # the next release is chosen at first: a slip keeps the data waiting, never out
        result["release"] = result["releases"][0]["value"]
    return result


def errors_count(request, total, shown):
    """The form's "N errors" line, its words following the number (kk and ru plurals)."""
    from statportal.i18n import format_number

    mapping = {"n": format_number(request, total, 0), "shown": shown}
    if total > shown:
        return ngettext("${n} error; the first ${shown} are listed.",
                        "${n} errors; the first ${shown} are listed.", total, mapping)
    return ngettext("${n} error.", "${n} errors.", total, mapping)


def _columns(indicator):
    """The columns a file for ``indicator`` has (the form says them)."""
    return [dim["code"] for dim in indicator.dimensions] + ["period", "value", "status"]


def includeme(config):
    # The import's own body limit, whatever statportal.file_max_mb allows other uploads:
    # a signed-in request may send the largest file as base64 in JSON (4/3) or as a form.
    config.include("statportal.security.bodylimit")
    settings = config.registry.settings
    config.add_body_limit(
        "taldau-import", paths=("/data/**/@import", "/data/**/@@import"),
        max_bytes=int(settings.get("statportal.body_limit_kb", 1024)) * 1024,
        signed_in_max_bytes=max_bytes(config.registry) * 4 // 3 + 1024 * 1024)
    config.scan("statportal.taldau.import_views")
    if hasattr(config, "add_openapi_operation"):    # included with statportal.api
        from statportal.api.openapi import OBJECT, body, response

        text = {"type": "string"}
        config.add_openapi_operation(
            "/{path}/@import", "post",
            summary="Import an indicator's observations (a long CSV or .xlsx, or the "
                    "published CSV of disclosure protect) as a new vintage: every row is "
                    "checked first; errors name the row and column, and nothing is stored",
            requestBody=body({"type": "object", "required": ["file"], "properties": {
                "file": {"type": "object", "required": ["data"], "properties": {
                    "filename": text, "data": {**text, "format": "byte"}}},
                "release": {**text, "description": "a release of the calendar (its "
                                                  "path, or its address on this portal): "
                                                  "the vintage stays embargoed until it"},
                "period": {**text, "description": "the period of every row"}}}),
            responses={"201": response("The vintage.", OBJECT)})
