"""PxWeb API 2.0's own shapes (``/api/v2``), built from the indicator, its cube and its
visible vintages: no Pyramid here (``pxweb.py`` is the views).

The shapes follow PxTools' specification (PxAPI-2.yml) and what PxWebApi answers: a
table's entry in ``/tables``, the page of a listing, ``/config``, the JSON-stat 2.0
metadata of ``/tables/{id}/metadata`` (the dataset without values, with PxWeb's
``extension``) and the Problem JSON of every refusal (RFC 7807, PxWeb's titles). The
dimension ids, labels and category order are those of the data (``selection.select``),
so a client builds its selection from the metadata's codes.
"""

from datetime import UTC

from statportal.taldau.formats.jsonstat import CONTENTS
from statportal.taldau.selection import GEO_CODES, PERIOD, text_in

API_VERSION = "2.0.0"
PROBLEM = "application/problem+json"
#: PxWeb's ``outputFormat`` names → the formats' (``formats.render``); PxWeb's others
#: (px, html, json-px, parquet) are refused with 400 naming ``outputFormat``
OUTPUT_FORMATS = {"json-stat2": "json-stat2", "csv": "csv", "xlsx": "xlsx",
                  "sdmx-csv": "sdmx-csv"}
DEFAULT_FORMAT = "json-stat2"
#: PxWeb's ``outputFormatParams``: which formats take each (PxWebApi's rules)
SEPARATORS = {"SeparatorTab": "\t", "SeparatorSpace": " ", "SeparatorSemicolon": ";"}
OUTPUT_PARAMS = ("UseCodes", "UseTexts", "UseCodesAndTexts", "IncludeTitle", *SEPARATORS)
TIME_UNITS = {"annual": "Annual", "quarterly": "Quarterly", "monthly": "Monthly"}
PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000


def problem(status, title, detail=None, field=None):
    """A Problem JSON body: PxWebApi's ``type`` and ``title``, our ``detail`` (in the
    request's language) and the parameter at fault (``field``, an extension member)."""
    body = {"type": "Parameter error" if status in (400, 404) else "about:blank",
            "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if field:
        body["field"] = field
    return body


def utc(value):
    """An aware datetime as PxWeb writes it (``2026-10-15T04:00:00Z``), or None."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# -- /tables ------------------------------------------------------------------------------
def topic_path(indicator, data_root):
    """``[{id, label}]`` of the topics from ``/data`` down to the indicator's folder."""
    chain, node = [], getattr(indicator, "__parent__", None)
    while node is not None and node is not data_root:
        chain.append(node)
        node = getattr(node, "__parent__", None)
    return list(reversed(chain))


def table_entry(indicator, summary, lang, links, data_root=None):
    """One ``Table`` of ``/tables`` (``summary``: ``{"updated", "first", "last"}`` of the
    visible vintages; ``links``: ``[{rel, hreflang, href}]``)."""
    path = [{"id": node.__name__, "label": text_in(getattr(node, "title", None), lang)}
            for node in topic_path(indicator, data_root)]
    return {
        "type": "Table",
        "id": indicator.__name__,
        "label": text_in(indicator.title, lang),
        "description": text_in(getattr(indicator, "definition", None), lang),
        "updated": utc(summary["updated"]),
        "firstPeriod": summary["first"],
        "lastPeriod": summary["last"],
        "category": "public",
        "variableNames": [*variable_labels(indicator, lang), summary["period_label"]],
        "discontinued": False,
        "source": text_in(getattr(indicator, "source", None), lang),
        "subjectCode": path[0]["id"] if path else "",
        "timeUnit": TIME_UNITS.get(indicator.periodicity, "Other"),
        "paths": [path] if path else [],
        "links": links,
    }


def variable_labels(indicator, lang):
    return [text_in(dim.get("title"), lang) or dim["code"] for dim in indicator.dimensions]


def matches(indicator, words):
    """Whether every word of a ``query`` is in the indicator's id, code, title or
    definition (any language; case and letter case folded)."""
    texts = [indicator.__name__, getattr(indicator, "code", "") or ""]
    for field in ("title", "definition"):
        value = getattr(indicator, field, None) or {}
        texts.extend(value.values() if isinstance(value, dict) else [value])
    haystack = " ".join(str(text) for text in texts).casefold()
    return all(word in haystack for word in words)


def page_info(number, size, total, link):
    """``page`` of a listing; ``link(rel, number)`` makes a link to another page."""
    pages = max(1, -(-total // size))
    links = []
    if number < pages:
        links.append(link("next", number + 1))
    if 1 < number <= pages:
        links.append(link("previous", number - 1))
    if pages > 1:
        links.append(link("last", pages))
    return {"pageNumber": number, "pageSize": size, "totalElements": total,
            "totalPages": pages, "links": links}


# -- /tables/{id}/metadata -------------------------------------------------------------------
def metadata(indicator, cube, lang, *, period_codes, period_label, summary, href, data_href,
             next_update=None, contact=None, period_labels=None):
    """The JSON-stat 2.0 dataset of the indicator without values, PxWeb's extensions
    included (``period_codes``: the ISO periods of ``cube.periods``; ``period_labels``
    their readable labels, as the data's, default the codes)."""
    members = {dim["code"]: dim for dim in indicator.dimensions}
    ids, sizes, dimension, geo = [], [], {}, []
    for code, codes in cube.dims:
        dim = members.get(code, {})
        labels = {item["code"]: item.get("label") for item in dim.get("hierarchy") or ()}
        dimension[code] = _dimension(text_in(dim.get("title"), lang) or code, codes,
                                     [text_in(labels.get(c), lang) or c for c in codes])
        ids.append(code)
        sizes.append(len(codes))
        if code.lower() in GEO_CODES:
            geo.append(code)
    title = text_in(indicator.title, lang)
    unit = text_in(getattr(indicator, "unit_of_measure", None), lang)
    decimals = indicator.decimals if isinstance(indicator.decimals, int) else \
        int(getattr(cube, "decimals", 0) or 0)
    # the metric dimension the data has (formats.jsonstat, as PxWeb): the unit's place
    code = getattr(indicator, "code", "") or ""
    contents = _dimension(title, [code], [title])
    contents["category"]["unit"] = {code: {"decimals": decimals, **(
        {"label": unit} if unit else {})}}
    dimension[CONTENTS] = contents
    dimension[PERIOD] = _dimension(period_label, period_codes, period_labels or period_codes)
    ids.extend((CONTENTS, PERIOD))
    sizes.extend((1, len(period_codes)))
    role = {"time": [PERIOD], "metric": [CONTENTS]}
    if geo:
        role["geo"] = geo
    note = text_in(getattr(indicator, "notes", None), lang)
    px = {"tableid": indicator.__name__, "decimals": decimals, "language": lang,
          "contents": title, "unit": unit,
          "heading": [PERIOD], "stub": ids[:-2], "matrix": indicator.code or
          indicator.__name__, "updateFrequency": TIME_UNITS.get(indicator.periodicity)}
    if next_update is not None:
        px["nextUpdate"] = utc(next_update)
    extension = {"px": px, "firstPeriod": summary["first"], "lastPeriod": summary["last"],
                 "discontinued": False}
    contact = _contact(contact or {})
    if contact:
        extension["contact"] = [contact]
    dataset = {
        "version": "2.0", "class": "dataset", "href": href,
        "label": title,
        "source": text_in(getattr(indicator, "source", None), lang),
        "updated": utc(cube.updated),
        "link": {"data": [{"type": "application/json", "href": data_href}]},
        "note": [note] if note else [],
        "role": role, "id": ids, "size": sizes, "dimension": dimension,
        "extension": extension, "value": [],
    }
    return dataset


def _dimension(label, codes, labels):
    return {"label": label,
            "category": {"index": {code: i for i, code in enumerate(codes)},
                         "label": dict(zip(codes, labels, strict=True))},
            # Not eliminable: a variable left out of a selection is taken whole here
            "extension": {"elimination": False, "show": "value", "codelists": []}}


def _contact(found):
    """PxWeb's Contact from the native API's ``contact`` (the executor's e-mail only
    when the asker is staff: the native API decides)."""
    name = found.get("unitTitle") or found.get("unit") or ""
    mail = found.get("email") or ""
    if not name and not mail:
        return None
    contact = {"raw": ", ".join(part for part in (name, mail) if part)}
    if name:
        contact["organization"] = name
    if mail:
        contact["mail"] = mail
    return contact


# -- /config --------------------------------------------------------------------------------
def config_body(*, languages, default_language, language_names, max_cells, per_minute,
                window, app_version):
    return {
        "apiVersion": API_VERSION, "appVersion": app_version,
        "languages": [{"id": lang, "label": language_names.get(lang, lang)}
                      for lang in languages],
        "defaultLanguage": default_language,
        "maxDataCells": max_cells,
        "maxCallsPerTimeWindow": per_minute,
        "timeWindow": window,
        "license": "",
        "defaultDataFormat": DEFAULT_FORMAT,
        "dataFormats": list(OUTPUT_FORMATS),
        # PxWebApi's own words (its bool's text): CORS is on (statportal.taldau.cors)
        "features": [{"id": "CORS", "params": [{"key": "enabled", "value": "True"}]}],
    }
