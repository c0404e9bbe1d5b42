"""PxWeb API 2.0 under ``/api/v2``: the data API in PxWeb's own paths, parameters and
shapes, so that existing PxWeb clients (pxwebpy, the R pxweb package, PxWeb's own front
end) read the portal's indicators.

``GET /config``, ``GET /tables``, ``GET /tables/{id}``, ``GET /tables/{id}/metadata``,
``GET|POST /tables/{id}/data``, ``GET /codelists/{id}`` (there are none: 404). Pyramid
routes under a prefix (not traversal); each view asks VIEW of what it reads (``/data``, or
the indicator). Built on the native API's parts: the selection (``selection``), the cube
(``cube.cube_of``, the embargo's visibility), the formats (``formats.render``) and the
limits (``limits``: one allowance shared with ``@data``). Refusals are Problem JSON with
PxWebApi's titles and the parameter at fault.
"""

import json

from pyramid.response import Response

from statportal.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    _,
    available_languages,
    interpolate,
    ngettext,
    translate_for,
)
from statportal.security.permissions import VIEW
from statportal.taldau import pxweb_selection as asking
from statportal.taldau import pxweb_shapes as shapes
from statportal.taldau.formats.jsonstat import CONTENTS
from statportal.taldau.selection import (
    PERIOD,
    SelectionError,
    max_cells,
    period_labels,
)

PREFIX = "/api/v2"
MAX_PAST_DAYS = 36500
MAX_PAGE = 1000000
ROUTES = (("pxweb.config", "/config"), ("pxweb.tables", "/tables"),
          ("pxweb.tables_slash", "/tables/"), ("pxweb.table", "/tables/{id}"),
          ("pxweb.metadata", "/tables/{id}/metadata"), ("pxweb.data", "/tables/{id}/data"),
          ("pxweb.codelist", "/codelists/{id}"))
#: C's message texts (one msgid each) → PxWebApi's problem titles
TITLES = (("Unknown dimension", "Non-existent variable"), ("Unknown code", "Non-existent value"),
          ("The selection has", "Too many cells selected"))


class Missing:
    """The context of an id that names no indicator the asker may see (a 404 inside the
    ACL of ``/data``, so the permission check does not tell it apart)."""

    def __init__(self, parent, name):
        self.__parent__, self.__name__ = parent, name


# -- contexts -------------------------------------------------------------------------------
def data_root(request):
    from statportal.content.resources import root_factory

    return root_factory(request)["data"]


def find_indicator(root, name):
    from statportal.taldau.resources import find_indicator as found_by_id

    return found_by_id(root, name)


def table_factory(request):
    root = data_root(request)
    found = find_indicator(root, request.matchdict["id"])
    return found if found is not None else Missing(root, request.matchdict["id"])


# -- helpers --------------------------------------------------------------------------------
def problem(request, status, title, message=None, field=None, lang=None):
    detail = translate_for(request.registry, message, lang or _lang_default(request)) \
        if message is not None else None
    response = Response(json.dumps(shapes.problem(status, title, detail, field),
                                   ensure_ascii=False), status=status, charset="utf-8")
    response.content_type = shapes.PROBLEM
    return response


class Refused(Exception):
    """A refusal on the way: the Problem answer it carries."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def _lang_default(request):
    lang = request.locale_name
    return lang if lang in LANGUAGES else LANGUAGES[0]


def lang_of(request):
    """``lang`` (kk, ru or en as the portal offers them), else the negotiated language."""
    lang = request.GET.get("lang")
    if lang in (None, ""):
        return _lang_default(request)
    if lang not in available_languages(request):
        raise Refused(problem(request, 400, "Unsupported language", _(
            "The language must be one of: ${languages}.", mapping={
                "languages": ", ".join(available_languages(request))}),
            "lang"))
    return lang


def limited(request):
    """Counts the request against the data API's allowance (``limits``): a 429 Problem
    with Retry-After when it is used up."""
    from statportal.taldau import limits

    seconds = limits.wait(request)
    if not seconds:
        return
    from statportal.taldau.api import asked_lang

    per_minute = limits.get_limits(request.registry).per_minute
    response = problem(request, 429, "Too many requests", _(
        "Too many requests: at most ${count} a minute. Try again in ${seconds} s.",
        mapping={"count": per_minute, "seconds": seconds}), lang=asked_lang(request))
    response.headers["Retry-After"] = str(seconds)
    raise Refused(response)


def is_staff_reader(request, indicator):
    from statportal.taldau.api import staff_of

    return staff_of(request, indicator)


def cube_for(request, indicator, as_of=None, lang=None):
    """The cube the asker may see (public: the public vintages only; at ``as_of``), or
    404; 400 naming ``asOf`` before the first vintage (the native API's rule)."""
    from statportal.taldau import api

    if isinstance(indicator, Missing):
        raise Refused(not_found(request, lang))
    try:
        cube, _staff = api.visible_cube(request, indicator, as_of)
    except api.Refused as refused:
        if refused.status == 404:
            raise Refused(not_found(request, lang)) from None
        raise Refused(problem(request, refused.status, "Parameter error", refused.message,
                              refused.field, lang)) from None
    if not cube.periods:
        raise Refused(not_found(request, lang))
    return cube


def not_found(request, lang=None):
    return problem(request, 404, "Non-existent table", _("Not found."), "id", lang)


def summary_of(request, indicator, cube, lang):
    """``{updated, first, last, period_label}`` of what the asker sees of ``indicator``."""
    from statportal.taldau.periods import label

    return {"updated": cube.updated,
            "first": label(cube.periods[0], indicator.periodicity),
            "last": label(cube.periods[-1], indicator.periodicity),
            "period_label": translate_for(request.registry, _("Period"), lang)}


def table_links(request, indicator, lang):
    name = indicator.__name__
    links = [_link(request, "self", lang, "pxweb.table", id=name)]
    links += [_link(request, "alternate", other, "pxweb.table", id=name)
              for other in available_languages(request) if other != lang]
    links += [_link(request, "metadata", lang, "pxweb.metadata", id=name),
              _link(request, "data", lang, "pxweb.data", id=name,
                    outputFormat=shapes.DEFAULT_FORMAT)]
    return links


def _link(request, rel, lang, route, **kw):
    query = {"lang": lang, **{k: v for k, v in kw.items() if k != "id"}}
    ids = {"id": kw["id"]} if "id" in kw else {}
    return {"rel": rel, "hreflang": lang,
            "href": request.route_url(route, **ids, _query=query)}


def _json(request, body, updated=None):
    """JSON with the native API's validators (an ETag of the body, Last-Modified, revalidate
    each time: a release can change it any minute); 304 for a client that has it."""
    import hashlib

    from statportal.taldau.api import conditional

    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(text, charset="utf-8")
    response.content_type = "application/json"
    etag = hashlib.sha256(text.encode()).hexdigest()[:32]
    return conditional(request, response, etag, updated)


def answer(view):
    """A view whose ``Refused`` becomes its Problem answer."""
    def wrapped(context, request):
        try:
            return view(context, request)
        except Refused as refused:
            return refused.response
    wrapped.__doc__ = view.__doc__
    return wrapped


# -- views ----------------------------------------------------------------------------------
@answer
def config_view(context, request):
    """``/config``: languages, limits and formats (not counted: a client asks it first)."""
    from statportal.settings import as_int
    from statportal.taldau import limits
    from statportal.taldau.limits import WINDOW

    settings = request.registry.settings
    languages = available_languages(request)
    # what a request without lang gets (i18n.negotiate_locale, no cookie or Accept-Language)
    default = settings.get("statportal.default_locale", LANGUAGES[0])
    try:
        per_minute = as_int(settings, "statportal.data.requests_per_minute")
    except (KeyError, ValueError):
        per_minute = limits.get_limits(request.registry).per_minute
    from importlib.metadata import PackageNotFoundError, version

    try:
        app_version = version("statportal")
    except PackageNotFoundError:
        app_version = "0"
    return _json(request, shapes.config_body(
        languages=languages, default_language=default if default in languages else
        languages[0], language_names=LANGUAGE_NAMES, max_cells=max_cells(settings),
        per_minute=per_minute, window=WINDOW, app_version=app_version))


def _int_param(request, name, default, low, high, lang):
    from statportal.numbers import NumberError, read_int

    try:
        return read_int(request.GET, name, default, low=low, high=high)
    except NumberError as error:
        raise Refused(problem(request, 400, "Parameter error", error.message, name,
                              lang)) from None


@answer
def tables_view(context, request):
    """``/tables``: the indicators the asker may see, searched and paged."""
    from datetime import timedelta

    from statportal import clock
    from statportal.taldau.api import indicators_under, summary

    limited(request)
    lang = lang_of(request)
    period_label = translate_for(request.registry, _("Period"), lang)
    past_days = _int_param(request, "pastDays", None, 1, MAX_PAST_DAYS, lang)
    number = _int_param(request, "pageNumber", 1, 1, MAX_PAGE, lang)
    size = _int_param(request, "pageSize", shapes.PAGE_SIZE, 1, shapes.MAX_PAGE_SIZE, lang)
    discontinued = (request.GET.get("includeDiscontinued") or "false").lower()
    if discontinued not in ("true", "false"):
        raise Refused(problem(request, 400, "Parameter error", _(
            "Must be true or false."),
            "includeDiscontinued", lang))
    words = (request.GET.get("query") or "").casefold().split()
    since = clock.now() - timedelta(days=past_days) if past_days else None
    root = context
    found = []
    for indicator in indicators_under(root):
        if words and not shapes.matches(indicator, words):
            continue
        if not request.has_permission(VIEW, indicator):
            continue
        seen = summary(indicator, staff=is_staff_reader(request, indicator))
        if seen is None or seen["first"] is None:
            continue
        if since is not None and (seen["updated"] is None or seen["updated"] < since):
            continue
        found.append((indicator, {**seen, "period_label": period_label}))
    pages = max(1, -(-len(found) // size))
    if number > pages:
        raise Refused(problem(request, 404, "Non-existent page", ngettext(
            "There is ${n} page.", "There are ${n} pages.", pages), "pageNumber", lang))
    shown = found[(number - 1) * size: number * size]

    def page_link(rel, page):
        query = {"lang": lang, "pageSize": size, "pageNumber": page}
        query.update({k: request.GET[k] for k in ("query", "pastDays") if request.GET.get(k)})
        return {"rel": rel, "hreflang": lang,
                "href": request.route_url("pxweb.tables", _query=query)}

    tables = [shapes.table_entry(ind, seen, lang, table_links(request, ind, lang), root)
              for ind, seen in shown]
    updated = max((seen["updated"] for _i, seen in found if seen["updated"]), default=None)
    return _json(request, {"language": lang, "tables": tables,
                           "page": shapes.page_info(number, size, len(found), page_link),
                           "links": [page_link("self", number)]}, updated)


@answer
def table_view(context, request):
    """``/tables/{id}``: one indicator's entry."""
    from statportal.taldau.api import summary

    limited(request)
    lang = lang_of(request)
    seen = None
    if not isinstance(context, Missing):
        seen = summary(context, staff=is_staff_reader(request, context))
    if seen is None or seen["first"] is None:
        raise Refused(not_found(request, lang))
    seen["period_label"] = translate_for(request.registry, _("Period"), lang)
    entry = shapes.table_entry(context, seen, lang, table_links(request, context, lang),
                               data_root(request))
    return _json(request, {"language": lang, **entry}, seen["updated"])


@answer
def metadata_view(context, request):
    """``/tables/{id}/metadata``: JSON-stat 2.0 without values, PxWeb's extensions."""
    from statportal.taldau.api import contact, next_update
    from statportal.taldau.periods import label

    limited(request)
    lang = lang_of(request)
    given = request.GET.get("outputFormat")
    if given not in (None, "", "json-stat2"):
        raise Refused(problem(request, 400, "Unsupported output format", _(
            "Metadata is JSON-stat 2.0 only: outputFormat=json-stat2."), "outputFormat",
            lang))
    cube = cube_for(request, context, lang=lang)
    asked = asking.from_query(request.GET)
    _check(request, asked, cube, lang)
    name = context.__name__
    periods = [label(p, context.periodicity) for p in cube.periods]
    body = shapes.metadata(
        context, cube, lang, period_codes=periods,
        period_labels=period_labels(periods, context.periodicity, lang, lambda message:
                                    translate_for(request.registry, message, lang)),
        period_label=translate_for(request.registry, _("Period"), lang),
        summary=summary_of(request, context, cube, lang),
        href=request.route_url("pxweb.metadata", id=name, _query={"lang": lang}),
        data_href=request.route_url("pxweb.data", id=name, _query={"lang": lang}),
        next_update=next_update(request, context),
        contact=contact(request, context, lang, is_staff_reader(request, context)))
    return _json(request, body, cube.updated)


def _check(request, asked, cube, lang):
    known = {code for code, _codes in cube.dims} | {PERIOD, CONTENTS}
    try:
        asking.check_variables(asked, known)
    except SelectionError as error:
        title = {"variable": "Non-existent variable", "codelist": "Non-existent codelist"}
        raise Refused(problem(request, 400, title.get(getattr(error, "kind", None),
                                                      "Parameter error"),
                              error.message, error.field, lang)) from None


def _output(request, lang):
    """``(format, separator)`` from ``outputFormat`` and ``outputFormatParams``."""
    given = (request.GET.get("outputFormat") or shapes.DEFAULT_FORMAT).strip()
    name = shapes.OUTPUT_FORMATS.get(given.lower())
    if name is None:
        raise Refused(problem(request, 400, "Unsupported output format", _(
            "Unknown output format “${format}”; one of: ${formats}.", mapping={
                "format": given[:40], "formats": ", ".join(shapes.OUTPUT_FORMATS)}),
            "outputFormat", lang))
    params = [p for raw in request.GET.getall("outputFormatParams")
              for p in asking.split_codes(raw) if p]
    separator = None
    for param in params:
        if param in shapes.SEPARATORS and name == "csv":
            separator = shapes.SEPARATORS[param]
            continue
        raise Refused(problem(request, 400, "Unsupported output format", _(
            "outputFormatParams ${param} is not offered for ${format}; csv takes "
            "SeparatorTab, SeparatorSpace or SeparatorSemicolon.", mapping={
                "param": param[:40], "format": name}), "outputFormatParams", lang))
    return name, separator


def _body(request, lang):
    if not request.body:
        return None
    try:
        return json.loads(request.body.decode("utf-8"))
    except ValueError:
        raise Refused(problem(request, 400, "Parameter error", _(
            "The body is not valid JSON."), "selection", lang)) from None


@answer
def data_view(context, request):
    """``/tables/{id}/data``: the selection in the format asked for (JSON-stat 2.0 by
    default); GET ``valuecodes[VAR]=…``, POST PxWeb's ``{"selection": [...]}``."""
    from statportal.files.download import content_disposition
    from statportal.taldau.api import conditional, data_etag, select_for
    from statportal.taldau.formats import render
    from statportal.taldau.periods import label

    limited(request)
    lang = lang_of(request)
    output, separator = _output(request, lang)
    as_of = as_of_of(request, lang)
    cube = cube_for(request, context, as_of, lang)
    try:
        asked = asking.from_body(_body(request, lang)) if request.method == "POST" \
            else asking.from_query(request.GET)
    except SelectionError as error:
        raise Refused(problem(request, 400, "Parameter error", error.message, error.field,
                              lang)) from None
    _check(request, asked, cube, lang)
    members = dict(cube.dims)
    periods = [label(p, context.periodicity) for p in cube.periods]
    codes_of = {**members, PERIOD: periods,
                CONTENTS: [getattr(context, "code", "") or ""]}.__getitem__
    try:
        selection = asking.to_selection(asked, codes_of, asking.orders(context.periodicity))
        selection.pop(CONTENTS, None)  # its one code: nothing to cut
        staff = is_staff_reader(request, context)
        etag = data_etag(context, cube, staff, lang, f"{output}{separator or ''}", selection,
                         as_of)
        if etag in request.if_none_match:
            return conditional(request, Response(), etag, cube.updated)
        result = select_for(request, context, cube, selection, lang, as_of)
    except SelectionError as error:
        title = next((title for start, title in TITLES
                      if interpolate(error.message).startswith(start)),
                     "Illegal selection expression")
        raise Refused(problem(request, 400, title, error.message, error.field,
                              lang)) from None
    body, content_type, filename = render(result, output, lang, registry=request.registry)
    if separator is not None:
        body = _separated(body, separator)
    response = Response(body=body)
    response.content_type, _sep, charset = content_type.partition("; charset=")
    if charset:
        response.charset = charset
    # PxWebApi answers every format inline, named after the table
    response.content_disposition = content_disposition(filename, inline=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return conditional(request, response, etag, cube.updated)


def as_of_of(request, lang):
    """``asOf`` (this service's addition to PxWeb's parameters, as on ``@data``)."""
    from statportal.taldau import api

    try:
        return api.read_as_of(request, request.GET)
    except api.Refused as refused:
        raise Refused(problem(request, 400, "Parameter error", refused.message,
                              refused.field, lang)) from None


def _separated(body, separator):
    """A CSV written again with PxWeb's other separator (``outputFormatParams``)."""
    import csv
    import io

    text = body.decode("utf-8-sig")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerows(csv.reader(io.StringIO(text)))
    prefix = "\ufeff" if body.startswith(b"\xef\xbb\xbf") else ""
    return (prefix + out.getvalue()).encode("utf-8")


@answer
def codelist_view(context, request):
    """``/codelists/{id}``: this service has no code lists (each dimension's codes are in
    its metadata)."""
    limited(request)
    lang = lang_of(request)
    return problem(request, 404, "Non-existent codelist", _("Not found."), "id", lang)


def includeme(config):
    from statportal.taldau.pxweb_openapi import describe

    with config.route_prefix_context(PREFIX):
        for name, pattern in ROUTES:
            factory = table_factory if "{id}" in pattern and name != "pxweb.codelist" \
                else data_root
            config.add_route(name, pattern, factory=factory)
    view = dict(permission=VIEW, openapi=False)
    config.add_view(config_view, route_name="pxweb.config", request_method="GET", **view)
    for route in ("pxweb.tables", "pxweb.tables_slash"):
        config.add_view(tables_view, route_name=route, request_method="GET", **view)
    config.add_view(table_view, route_name="pxweb.table", request_method="GET", **view)
    config.add_view(metadata_view, route_name="pxweb.metadata", request_method="GET", **view)
    config.add_view(data_view, route_name="pxweb.data", request_method=("GET", "POST"),
                    **view)
    config.add_view(codelist_view, route_name="pxweb.codelist", request_method="GET", **view)
    # Not allowed (VIEW withheld) or no view for the method: a Problem as well, never the
    # portal's HTML page (a PxWeb client sends Accept: */*)
    from pyramid.exceptions import BadCSRFToken

    for name, _pattern in ROUTES:
        config.add_forbidden_view(refused_view, route_name=name)
        config.add_notfound_view(refused_view, route_name=name)
        config.add_exception_view(not_json_view, BadCSRFToken, route_name=name)
    from statportal.taldau.cors import add_route_preflights

    add_route_preflights(config, [name for name, _pattern in ROUTES])
    describe(config)


def refused_view(exc, request):
    """404 Problem for what the asker may not see (as if it did not exist) or a method
    no view here takes."""
    return problem(request, 404, "Not Found", _("Not found."))


def not_json_view(exc, request):
    """A POST whose body is not JSON (a form, which would need the CSRF token): PxWeb's
    selection is a JSON body."""
    return problem(request, 400, "Parameter error", _("The body must be a JSON object."),
                   "selection")
