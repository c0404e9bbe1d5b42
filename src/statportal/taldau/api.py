"""The data service's native API (PxWeb API 2.0's shape on the portal's own URLs):

* ``GET /data/@tables?query=&pastDays=&lang=&b_start=&b_size=`` — the indicators the caller
  may see, with their label, ``updated``, first and last period;
* ``GET /data/<id>/@metadata?lang=`` — dimensions with codes and labels, unit, notes,
  contact, source, updated, next update (the release calendar's next entry of the
  indicator's section);
* ``GET|POST /data/<id>/@data?lang=&asOf=&outputFormat=&valuecodes[<dim>]=…`` — a
  selection (``selection``) in a format (``formats``; JSON-stat 2.0 by default).

Anonymous, permission VIEW; what the caller sees of an indicator is its visible vintages
(``store.visible_vintages``: the public only public ones, whoever has
``SEE_EMBARGOED`` every one). An indicator with none is not listed and answers 404 to the
public. Every refusal is the API's JSON error naming its field. Caching: ``Last-Modified``
is the newest applied vintage's ``updated``, the ETag is made of what the answer is built
from (the applied vintages for ``@data``, the body for the listings), so an embargoed
vintage changes nothing the public receives, headers included. The public's pace:
``limits``.
"""

import hashlib
import json
import re
from datetime import datetime, timedelta

from pyramid.httpexceptions import HTTPNotModified
from pyramid.response import Response
from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.i18n import _, translate_for
from statportal.security.permissions import VIEW
from statportal.taldau import SEE_EMBARGOED, resources
from statportal.taldau.limits import refuse
from statportal.taldau.resources import DataRoot, Indicator
from statportal.taldau.selection import (
    PERIOD,
    SelectionError,
    max_cells,
    parse_valuecodes,
    period_labels,
    select,
    text_in,
)

DEFAULT_FORMAT = "json-stat2"
JSON = "application/json"
MAX_PAST_DAYS = 36500


class Refused(Exception):
    """A parameter the API refuses: ``field``, ``message`` (a ``_()`` text), ``status``."""

    def __init__(self, field, message, status=400):
        super().__init__(field)
        self.field, self.message, self.status = field, message, status


def _answer(request, exc, lang=None):
    return json_error(request, exc.status, exc.message, [
        {"field": exc.field, "message": exc.message}], lang=lang)


def asked_lang(request, params=None):
    """The ``lang`` the asker gave (``params``, else the query; a POST's JSON body too)
    when it is one the portal offers, else None: the language of the refusals (JSON
    errors, Problems) answered before ``read_lang`` or whatever it refused. None: the
    request's own language."""
    from statportal.i18n import available_languages

    lang = (params if params is not None else request.GET).get("lang")
    if params is None and request.method == "POST" and \
            request.content_type == "application/json":  # the body's lang counts first
        try:
            body = request.json_body
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("lang") not in (None, ""):
            lang = body["lang"]
    return lang if isinstance(lang, str) and lang in available_languages(request) else None



def _language_checked(view):
    """The JSON views' one prologue: the language asked, and ``refuse``'s answer (limits)
    before any work; the view gets ``asked`` for its own refusals."""
    def checked(context, request):
        asked = asked_lang(request)
        refused = refuse(request, asked)
        if refused is not None:
            return refused
        return view(context, request, asked)
    checked.__name__, checked.__qualname__, checked.__doc__ = (
        view.__name__, view.__qualname__, view.__doc__)
    return checked

# -- reading the parameters ------------------------------------------------------------------
def read_lang(request, params):
    """``lang`` (kk, ru or en, among the portal's languages), else the request's locale."""
    from statportal.i18n import available_languages

    lang = params.get("lang")
    if lang in (None, ""):
        return request.locale_name
    languages = available_languages(request)
    if lang not in languages:
        raise Refused("lang", _("The language must be one of: ${languages}.",
                                mapping={"languages": ", ".join(languages)}))
    return lang


def read_as_of(request, params):
    """``asOf``: an ISO date or time (a time without a zone, or a date, is read in the
    ``statportal.timezone`` setting; a date is its first moment) as UTC; None if absent."""
    from datetime import UTC

    from statportal.i18n import timezone

    value = params.get("asOf")
    if value in (None, ""):
        return None
    if isinstance(value, str):  # an unescaped + in a query string arrives as a space
        value = re.sub(r" (\d\d(:?\d\d)?)$", r"+\1", value.strip())
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None:
        raise Refused("asOf", _("asOf is an ISO date or time, such as 2026-10-15 or "
                                "2026-10-15T10:00:00+05:00."))
    from statportal.taldau.periods import FIRST_YEAR, LAST_YEAR

    refused = Refused("asOf", _("asOf must be a moment between the years ${first} and "
                                "${last}.", mapping={"first": FIRST_YEAR, "last": LAST_YEAR}))
    if not FIRST_YEAR <= when.year <= LAST_YEAR:  # as the periods: 0001 or 9999 overflow
        raise refused
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone(request))
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        raise refused from None


def read_format(params):
    """``outputFormat`` (``formats.FORMATS``; JSON-stat 2.0 when absent)."""
    from statportal.taldau.formats import FormatError, format_of

    name = params.get("outputFormat")
    try:
        return format_of(name if name is None or isinstance(name, str) else repr(name))
    except FormatError as exc:
        raise Refused(exc.field, exc.message) from None


def staff_of(request, context):
    return bool(request.has_permission(SEE_EMBARGOED, context))


# -- what the caller may see -----------------------------------------------------------------
def summary(indicator, *, staff, as_of=None):
    """``{"updated", "first", "last", "vintages"}`` of the vintages ``staff`` or the public
    see (at ``as_of``): read from the vintages' records, no blob opened; None when none."""
    from statportal.taldau.periods import label
    from statportal.taldau.store import visible_vintages

    vintages = list(visible_vintages(indicator, as_of=as_of, staff=staff))
    if not vintages:
        return None
    # the latest moment, not the highest number: an embargoed vintage released after a
    # later unbound import is the newest public data (as ``cube.updated``)
    updated = max((v.created if staff else v.public_at) for v in vintages)
    periods = [v.periods for v in vintages if v.periods]
    return {"updated": updated,
            "first": label(min(p[0] for p in periods), indicator.periodicity)
            if periods else None,
            "last": label(max(p[1] for p in periods), indicator.periodicity)
            if periods else None,
            "vintages": tuple(v.number for v in sorted(vintages, key=lambda v: v.number))}


def indicators_under(folder):
    """The indicators of ``/data`` and its topics, depth first in the folders' order
    (``resources.indicators_under``: the one walk)."""
    return resources.indicators_under(folder)


def matches(indicator, words):
    """Every word of a query is in the indicator's id, code or title (any language)."""
    texts = [indicator.__name__, indicator.code or ""]
    title = indicator.title if isinstance(indicator.title, dict) else {}
    texts.extend(str(text) for text in title.values())
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in words)


def iso(when):
    """A moment as every answer of the data service writes it: UTC, ``…T04:00:00Z``
    (JSON-stat's ``updated``, /api/v2's), None stays None."""
    from statportal.taldau.formats.common import iso_utc

    return iso_utc(when)


def _url(request, obj, name=""):
    return request.resource_url(obj, name) if name else request.resource_url(obj)


def conditional(request, response, etag, updated):
    """ETag (weak: formats such as xlsx carry their own write time) and Last-Modified;
    304 when the client has them."""
    response.headers["ETag"] = f'W/"{etag}"'
    if updated is not None:
        response.last_modified = updated
    response.cache_control.no_cache = True  # revalidate: a release can change it any minute
    if etag in request.if_none_match:
        not_modified = HTTPNotModified()
        for name in ("ETag", "Last-Modified", "Cache-Control"):
            if name in response.headers:
                not_modified.headers[name] = response.headers[name]
        return not_modified
    return response


def _json(request, body, updated, status=200):
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    response = Response(body=text.encode("utf-8"), status=status, content_type=JSON,
                        charset="utf-8")
    etag = hashlib.sha256(text.encode()).hexdigest()[:32]
    return conditional(request, response, etag, updated)


# -- @tables --------------------------------------------------------------------------------
@view_config(context=DataRoot, name="@tables", request_method="GET", permission=VIEW,
             renderer="json")
@_language_checked
def tables_view(context, request, asked):
    from statportal import clock
    from statportal.api.content import batch_params
    from statportal.api.serialize import PayloadError
    from statportal.numbers import NumberError, read_int

    try:
        lang = read_lang(request, request.GET)
        days = read_int(request.GET, "pastDays", None, low=0, high=MAX_PAST_DAYS)
        start, size = batch_params(request)
    except Refused as exc:
        return _answer(request, exc, asked)
    except NumberError as exc:
        return json_error(request, 400, exc.message, [exc.error()], lang=asked)
    except PayloadError as exc:
        return json_error(request, 400, exc.errors[0]["message"], exc.errors, lang=asked)
    words = (request.GET.get("query") or "").casefold().split()
    since = clock.now() - timedelta(days=days) if days is not None else None
    found = []
    for indicator in indicators_under(context):
        if not request.has_permission(VIEW, indicator) or not matches(indicator, words):
            continue
        seen = summary(indicator, staff=staff_of(request, indicator))
        if seen is None or (since is not None and
                            (seen["updated"] is None or seen["updated"] < since)):
            continue
        found.append((indicator, seen))
    items = [{"@id": _url(request, indicator), "id": indicator.__name__,
              "code": indicator.code, "label": text_in(indicator.title, lang),
              "periodicity": indicator.periodicity, "updated": iso(seen["updated"]),
              "firstPeriod": seen["first"], "lastPeriod": seen["last"],
              "links": {"metadata": _url(request, indicator, "@metadata"),
                        "data": _url(request, indicator, "@data")}}
             for indicator, seen in found[start:start + size]]
    updated = max((seen["updated"] for _i, seen in found if seen["updated"]), default=None)
    batching = _links(request, context, start, size, len(found))
    body = {"@id": request.url, "language": lang, "items": items,
            "items_total": len(found), "b_start": start, "b_size": size,
            **({"batching": batching} if batching else {})}
    return _json(request, body, updated)


def _links(request, context, start, size, total):
    """The paging links (``statportal.batching``'s numbers) keeping the other
    parameters (``query``, ``pastDays``, ``lang``)."""
    from urllib.parse import urlencode

    from statportal.batching import Batch

    batch = Batch(start, size, total)
    if total <= size:
        return None
    kept = [(k, v) for k, v in request.GET.items() if k not in ("b_start", "b_size")]
    base = _url(request, context, "@tables")

    def link(at):
        return f"{base}?{urlencode([*kept, ('b_start', at), ('b_size', size)])}"

    return {"@id": link(start), "first": link(0), "last": link(batch.last_start),
            **({"prev": link(batch.prev)} if batch.prev is not None else {}),
            **({"next": link(batch.next)} if batch.next is not None else {})}


# -- @metadata ------------------------------------------------------------------------------
def visible_cube(request, indicator, as_of=None):
    """``(cube, staff)``; ``Refused`` 404 when the caller sees no vintage at all, 400
    naming ``asOf`` when ``as_of`` is before the first one the caller sees."""
    from statportal.taldau.cube import cube_of

    staff = staff_of(request, indicator)
    cube = cube_of(request.registry, indicator, as_of=as_of, staff=staff)
    if cube is not None:
        return cube, staff
    if as_of is not None and summary(indicator, staff=staff) is not None:
        first = summary_first(indicator, staff)
        raise Refused("asOf", _("asOf is before the indicator's first data (${first}).",
                                mapping={"first": iso(first)}))
    raise Refused(None, _("Not found."), status=404)


def summary_first(indicator, staff):
    from statportal.taldau.store import visible_vintages

    vintages = list(visible_vintages(indicator, staff=staff))
    return min((v.created if staff else v.public_at) for v in vintages) if vintages else None


def contact(request, indicator, lang, staff):
    """Who answers for the indicator: its org unit (by title) and the portal's questions
    service. The executor's e-mail names one employee (personal data): only the office's
    staff receive it, the public writes to the unit through the questions service."""
    from statportal.content.resources import get_portal
    from statportal.labels import unit_title

    found = {}
    if indicator.unit:
        found["unit"] = indicator.unit
        found["unitTitle"] = unit_title(request, indicator.unit, lang)
    questions = get_portal(request).get("questions")
    if questions is not None:
        found["questions"] = request.resource_url(questions)
    if staff and indicator.executor_email:
        found["email"] = indicator.executor_email
    return found


def next_release(request, indicator):
    """The next entry of the release calendar for the indicator's section (and the
    sections below it) that the caller may view, or None. Read from the releases'
    catalog (this GET makes none)."""
    from statportal.content.resources import get_portal

    portal = get_portal(request)
    if not indicator.section or getattr(portal, "__release_catalog__", None) is None:
        return None
    from statportal.releases.catalog import get_release_catalog
    from statportal.releases.listing import VIEWS

    entries, _total = get_release_catalog(portal).query(
        statuses=VIEWS["upcoming"], section=indicator.section, start=0, size=20)
    return next((entry for entry in entries if request.has_permission(VIEW, entry)), None)


def next_update(request, indicator):
    """When the indicator's next release is due (its earliest moment, UTC), or None."""
    entry = next_release(request, indicator)
    return entry.release.earliest() if entry is not None else None


def _next_update_json(request, indicator, lang):
    entry = next_release(request, indicator)
    if entry is None:
        return None
    return {"at": entry.release_at, "exact": bool(entry.release.exact),
            "title": text_in(entry.title, lang), "@id": request.resource_url(entry)}


def metadata(request, indicator, cube, lang, staff):
    from statportal.taldau.periods import label

    period_codes = [label(p, indicator.periodicity) for p in cube.periods]
    present = dict(cube.dims)
    dimensions = []
    for dim in indicator.dimensions:
        codes = set(present.get(dim["code"], ()))
        dimensions.append({
            "code": dim["code"], "label": text_in(dim.get("title"), lang) or dim["code"],
            "values": [{"code": item["code"], "parent": item.get("parent") or None,
                        "label": text_in(item.get("label"), lang) or item["code"]}
                       for item in dim.get("hierarchy") or () if item["code"] in codes]})
    readable = period_labels(period_codes, indicator.periodicity, lang,
                             lambda message: translate_for(request.registry, message, lang))
    dimensions.append({"code": PERIOD, "label": translate_for(request.registry, _("Period"),
                                                              lang),
                       "values": [{"code": code, "parent": None, "label": text}
                                  for code, text in zip(period_codes, readable, strict=True)]})
    notes = text_in(indicator.notes, lang)
    return {
        "@id": _url(request, indicator, "@metadata"), "id": indicator.__name__,
        "code": indicator.code, "language": lang, "label": text_in(indicator.title, lang),
        "definition": text_in(indicator.definition, lang),
        "unit": text_in(indicator.unit_of_measure, lang),
        "periodicity": indicator.periodicity, "dimensions": dimensions,
        "notes": [notes] if notes else [], "contact": contact(request, indicator, lang, staff),
        "source": text_in(indicator.source, lang),
        "methodologyUrl": indicator.methodology_url or None,
        "updated": iso(cube.updated), "nextUpdate": _next_update_json(request, indicator, lang),
        "firstPeriod": period_codes[0] if period_codes else None,
        "lastPeriod": period_codes[-1] if period_codes else None,
        "decimals": indicator.decimals if isinstance(indicator.decimals, int)
        else int(cube.decimals or 0),
        "links": {"data": _url(request, indicator, "@data"),
                  "page": _url(request, indicator)}}


@view_config(context=Indicator, name="@metadata", request_method="GET", permission=VIEW,
             renderer="json")
@_language_checked
def metadata_view(context, request, asked):
    try:
        lang = read_lang(request, request.GET)
        cube, staff = visible_cube(request, context)
    except Refused as exc:
        return _answer(request, exc, asked)
    return _json(request, metadata(request, context, cube, lang, staff), cube.updated)


# -- @data ----------------------------------------------------------------------------------
def data_params(request):
    """The parameters of a GET (the query) or a POST (a JSON body; the query's own
    ``lang``/``asOf``/``outputFormat`` count when the body does not give them)."""
    if request.method != "POST":
        return request.GET, request.GET
    try:
        body = request.json_body
    except ValueError:
        raise Refused("body", _("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise Refused("body", _("The body must be a JSON object."))
    unknown = sorted(set(body) - {"valuecodes", "lang", "asOf", "outputFormat"})
    if unknown:
        raise Refused(unknown[0], _("Unknown parameter: ${name}.",
                                    mapping={"name": unknown[0]}))
    params = {key: request.GET[key] for key in ("lang", "asOf", "outputFormat")
              if key in request.GET}
    params.update({key: value for key, value in body.items() if key != "valuecodes"})
    return params, {"valuecodes": body.get("valuecodes") or {}}


def data_etag(indicator, cube, staff, lang, output, selection, as_of):
    """What the answer is made of: the indicator as stored now (its serial: an edit of its
    labels, title or decimals is a new answer), the applied vintages and those the caller
    sees now (number, serial, state: an earlier ``asOf`` is masked by the current X
    cells), who reads it (the staff's answer differs), the language, format, selection
    and ``asOf``. A vintage the caller does not see (embargoed, for the public) is not
    part of it: it changes nothing the public receives."""
    from statportal.taldau.store import visible_vintages

    oid = getattr(indicator, "_p_oid", None)
    serial = getattr(indicator, "_p_serial", None)
    seen = [(v.number, (getattr(v, "_p_serial", None) or b"").hex(), v.state)
            for v in visible_vintages(indicator, staff=staff)]
    parts = [oid.hex() if oid else indicator.__name__, (serial or b"").hex(),
             "changed" if getattr(indicator, "_p_changed", False) else "",
             repr(tuple(cube.vintages)), repr(seen),
             "staff" if staff else "public", lang, output, as_of.isoformat() if as_of else "",
             repr(sorted((dim, repr(expr)) for dim, expr in selection.items()))]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]



def select_for(request, indicator, cube, selection, lang, as_of):
    """``select`` as both data APIs (``@data``, PxWeb's ``/data``) run it: under the
    portal's ``max_cells``, its messages in ``lang``; raises ``SelectionError``."""
    return select(cube, indicator, selection, lang,
                  limit=max_cells(request.registry.settings), asof=as_of,
                  translate=lambda message: translate_for(request.registry, message, lang))

@view_config(context=Indicator, name="@data", request_method=("GET", "POST"),
             permission=VIEW, openapi={})  # described in taldau.openapi
@_language_checked
def data_view(context, request, asked):
    from statportal.files.download import content_disposition
    from statportal.taldau.formats import render

    try:
        params, given = data_params(request)
        lang = read_lang(request, params)
        output = read_format(params)
        as_of = read_as_of(request, params)
        selection = parse_valuecodes(given)
        cube, staff = visible_cube(request, context, as_of)
        etag = data_etag(context, cube, staff, lang, output, selection, as_of)
        if etag in request.if_none_match:
            return conditional(request, Response(), etag, cube.updated)
        result = select_for(request, context, cube, selection, lang, as_of)
    except Refused as exc:
        return _answer(request, exc, asked)
    except SelectionError as exc:
        return json_error(request, 400, exc.message, [exc.error()], lang=asked)
    body, content_type, filename = render(result, output, lang, registry=request.registry)
    response = Response(body=body)
    response.headers["Content-Type"] = content_type  # as the format says (SDMX's version)
    response.content_disposition = content_disposition(
        filename, inline="json" in content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return conditional(request, response, etag, cube.updated)


#: the data service's JSON endpoints (``@import`` too: a script's POST, never a form)
JSON_VIEWS = frozenset({"@tables", "@metadata", "@data", "@import"})


def json_only(event):
    """``ContextFound``: a view of ``JSON_VIEWS`` answers its refusals before the view
    (401 to log in, 403, a concealed 404, a bad CSRF token) in JSON whatever the client's
    Accept says (a script sends ``*/*`` or none, and never wants the login page): as if
    it were asked under ``/++api++``."""
    request = event.request
    if request.view_name in JSON_VIEWS and isinstance(request.context, DataRoot | Indicator):
        request.headers["Accept"] = JSON


def includeme(config):
    from pyramid.events import ContextFound

    config.include("statportal.taldau.limits")
    config.scan("statportal.taldau.api")
    config.include("statportal.taldau.openapi")
    config.include("statportal.taldau.cors")  # the public API for other sites' pages
    config.add_subscriber(json_only, ContextFound)
