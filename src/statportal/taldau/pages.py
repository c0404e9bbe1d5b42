"""The data service's public pages: ``/data`` (the topic tree), a topic, an indicator.

The indicator page reads what the API reads: the cube this viewer may see
(``cube_of(..., staff=<SEE_EMBARGOED>)``), cut by the same ``valuecodes[<dim>]`` parameters
(``selection``), so a page's address is also a hint of its API call. The selector is a
plain GET form (no script): checkboxes (or a multiple select for long lists) per
dimension and a period range (``period_from``/``period_to``, turned into the codes between).
With no ``valuecodes`` the page shows a small default: the top-level codes of each
dimension and the last periods. A selection the API would refuse, or too large for a page,
is a message on the page, with the download links where they still serve.
"""

import numpy
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from statportal.i18n import _, format_number, pick
from statportal.security.permissions import EDIT, VIEW
from statportal.taldau import IMPORT, SEE_EMBARGOED
from statportal.taldau.resources import DataRoot, DataTopic, Indicator
from statportal.taldau.selection import (
    PERIOD,
    Expr,
    SelectionError,
    max_cells,
    parse_valuecodes,
    period_labels,
    select,
)

HTML = "text/html"
TEMPLATES = "statportal.taldau:templates/"
#: the most cells the page's table shows (the API serves up to ``max_cells``)
PAGE_CELLS = 6000  # all 238 regions × 24 months: ~100 ms, 170 KB of HTML
#: the default selection's last periods, by periodicity
DEFAULT_PERIODS = {"monthly": 24, "quarterly": 12, "annual": 12}
#: a dimension with more members than this is a multiple select, not checkboxes
CHECKBOXES = 12
PERIODICITY = {"monthly": _("Monthly"), "quarterly": _("Quarterly"), "annual": _("Annual")}
FORMATS = (("json-stat2", "JSON-stat 2.0"), ("csv", "CSV"), ("xlsx", "Excel (xlsx)"),
           ("sdmx-csv", "SDMX-CSV"))


def is_staff(request, obj):
    return bool(request.has_permission(SEE_EMBARGOED, obj))


# -- the tree -------------------------------------------------------------------------------
def summary(request, indicator):
    """What a listing says of an indicator, or None when this viewer sees none of its data
    (the API's summary: read from the vintages' records, no cube built for a listing)."""
    from statportal.taldau.api import summary as api_summary

    found = api_summary(indicator, staff=is_staff(request, indicator))
    if found is None:
        return None
    return {"indicator": indicator, "url": request.resource_url(indicator),
            "title": pick(request, indicator.title),
            "unit": pick(request, indicator.unit_of_measure)[0],
            "periodicity": request.localizer.translate(PERIODICITY[indicator.periodicity]),
            "last_period": found["last"], "updated": found["updated"]}


def topic_tree(request, folder, depth=0):
    """``{"topic", "url", "title", "indicators", "topics"}`` of ``folder``'s visible
    topics and indicators, nested; a topic with nothing visible under it is left out."""
    from statportal.views.layout import visible_children

    indicators = [found for found in (summary(request, child) for _name, child
                                      in visible_children(request, folder, "Indicator"))
                  if found is not None]
    topics = []
    if depth < 4:
        for _name, child in visible_children(request, folder, "DataTopic"):
            sub = topic_tree(request, child, depth + 1)
            if sub["indicators"] or sub["topics"]:
                topics.append(sub)
    return {"topic": folder, "url": request.resource_url(folder),
            "title": pick(request, folder.title), "indicators": indicators,
            "topics": topics, "level": min(depth + 1, 4)}


@view_config(context=DataRoot, accept=HTML, permission=VIEW,
             renderer=TEMPLATES + "data_root.pt")
@view_config(context=DataTopic, accept=HTML, permission=VIEW,
             renderer=TEMPLATES + "data_root.pt")
def topic_page(context, request):
    tree = topic_tree(request, context)
    return {"tree": tree, "topics": list(flatten(tree["topics"])),
            "title": pick(request, context.title),
            "description": pick(request, getattr(context, "description", None) or {}),
            "staff_links": staff_links(request, context)}


def flatten(topics):
    """The nested topics in reading order, each with its heading level (h2, h3, …)."""
    for topic in topics:
        yield topic
        yield from flatten(topic["topics"])


def staff_links(request, context):
    """The import and check links for those who may (no role names: permissions); Edit
    is the layout's tab already, so it is not repeated here."""
    links = []
    if isinstance(context, Indicator) and request.has_permission(IMPORT, context):
        links.append((request.resource_url(context, "@@import"), _("Import observations")))
    if isinstance(context, Indicator) and request.has_permission(EDIT, context):
        # the reliability check (part F): a material's table against these data
        links.append((request.resource_url(context, "@@consistency"),
                      _("Compare with a material")))
    return links


# -- the indicator page ---------------------------------------------------------------------
def default_selection(indicator, cube):
    """The top-level codes of each dimension and the last periods up to the last one where
    those series have data (a value or an X): a light first page that does not end in
    empty columns."""
    from statportal.taldau.periods import label

    selection, index = {}, []
    for dim, members in cube.dims:
        parents = {item["code"]: item.get("parent") or ""
                   for item in indicator.dimension(dim)["hierarchy"]}
        roots = [code for code in members if not parents.get(code)] or list(members[:1])
        selection[dim] = Expr("codes", codes=tuple(roots[:3]))
        index.append([members.index(code) for code in roots[:3]])
    count = DEFAULT_PERIODS.get(indicator.periodicity, 12)
    part = cube.values[numpy.ix_(*index)] if index else cube.values
    marks = cube.status[numpy.ix_(*index)] if index else cube.status
    filled = ~numpy.isnan(part) | (marks != 0)
    filled = filled.reshape(-1, filled.shape[-1]).any(axis=0) if filled.ndim > 1 else filled
    found = numpy.flatnonzero(filled)
    if not len(found) or found[-1] == len(cube.periods) - 1:
        selection[PERIOD] = Expr("top", count=count)
        return selection
    end = int(found[-1]) + 1
    selection[PERIOD] = Expr("codes", codes=tuple(
        label(p, indicator.periodicity) for p in cube.periods[max(0, end - count):end]))
    return selection


def page_selection(indicator, cube, params):
    """``(selection, given)``: the ``valuecodes`` of the query with the form's period range
    (``period_from``/``period_to``) turned into a period expression; the default when the
    query names nothing."""
    from statportal.taldau.periods import label

    selection = parse_valuecodes(params)
    low, high = params.get("period_from"), params.get("period_to")
    if PERIOD not in selection and (low or high):
        codes = [label(p, indicator.periodicity) for p in cube.periods]
        for name, value in (("period_from", low), ("period_to", high)):
            if value and value not in codes:
                raise SelectionError(name, _("Unknown period: ${code}.",
                                             mapping={"code": value}))
        start = codes.index(low) if low else 0
        end = codes.index(high) if high else len(codes) - 1
        start, end = min(start, end), max(start, end)
        selection[PERIOD] = Expr("codes", codes=tuple(codes[start:end + 1]))
    if not selection:
        return default_selection(indicator, cube), False
    return selection, True


def api_query(result, cube_periods, members=None):
    """The ``valuecodes`` of ``result`` as the API reads them: codes joined by commas,
    ``*`` for a whole dimension (``members``: each dimension's codes in the cube),
    ``from(first)`` for the periods up to the newest."""
    query, members = {}, members or {}
    for dim in result.dims:
        if dim.code == PERIOD:
            codes = list(dim.codes)
            tail = cube_periods[-len(codes):] if codes else []
            query[f"valuecodes[{PERIOD}]"] = (f"from({codes[0]})" if codes == list(tail)
                                              else ",".join(codes))
        elif len(dim.codes) > 1 and list(dim.codes) == list(members.get(dim.code, ())):
            query[f"valuecodes[{dim.code}]"] = "*"
        else:
            query[f"valuecodes[{dim.code}]"] = ",".join(dim.codes)
    return query


def downloads(request, indicator, query):
    return [{"url": request.resource_url(indicator, "@data",
                                         query={**query, "outputFormat": name,
                                                "lang": request.locale_name}),
             "format": name, "title": title} for name, title in FORMATS]


@view_config(context=Indicator, accept=HTML, permission=VIEW,
             renderer=TEMPLATES + "indicator.pt")
def indicator_page(context, request):
    from statportal.taldau.cube import cube_of
    from statportal.taldau.pages_parts import (
        embargo_notice,
        form_dims,
        next_update,
        release_materials,
        table_of,
    )
    from statportal.taldau.periods import label

    staff = is_staff(request, context)
    cube = cube_of(request.registry, context, staff=staff)
    if cube is None:
        raise HTTPNotFound()  # nothing public yet: the indicator does not exist for them
    lang = request.locale_name
    periods = [label(p, context.periodicity) for p in cube.periods]
    result = error = None
    selection = {}
    try:
        selection, given = page_selection(context, cube, request.GET)
        result = select(cube, context, selection, lang,
                        limit=max_cells(request.registry.settings),
                        translate=request.localizer.translate)
    except SelectionError as refused:
        error = refused
        request.response.status = 400
    values = {
        "title": pick(request, context.title), "staff": staff,
        "definition": pick(request, context.definition),
        "unit": pick(request, context.unit_of_measure),
        "source": pick(request, context.source),
        "notes": pick(request, context.notes),
        "periodicity": request.localizer.translate(PERIODICITY[context.periodicity]),
        "updated": cube.updated, "next_update": next_update(request, context),
        "error": error, "result": result, "periods": periods,
        # the selector shows each period readably (October 2026) and sends its ISO code
        "period_labels": dict(zip(periods, period_labels(
            periods, context.periodicity, lang, request.localizer.translate), strict=True)),
        "dims": form_dims(context, cube, result, selection, lang),
        "period_from": result.dims[-1].codes[0] if result else periods[max(0, len(periods) - 12)],
        "period_to": result.dims[-1].codes[-1] if result else periods[-1],
        "checkboxes": CHECKBOXES, "table": None, "chart": None, "too_big": None,
        "downloads": [], "api_url": None,
        "embargo": embargo_notice(request, context, cube) if staff else None,
        "materials": release_materials(request, context, cube),
        "staff_links": staff_links(request, context),
    }
    if result is None:
        return values
    query = api_query(result, periods, dict(cube.dims))
    values["downloads"] = downloads(request, context, query)
    values["api_url"] = request.resource_url(context, "@data", query=query)
    cells = int(result.values.size)
    if cells > PAGE_CELLS:
        values["too_big"] = {"cells": cells, "limit": PAGE_CELLS}
        return values
    values["table"] = table_of(request, result)
    values["chart"] = chart_of(request, result)
    return values


def chart_of(request, result):
    from statportal.taldau.chart import line_chart

    translate = request.localizer.translate
    title = f"{result.title}, {result.unit}" if result.unit else result.title
    desc = translate(_(
        "Line chart of ${title} by ${period}, from ${first} to ${last}; the table below "
        "gives every value.", mapping={"title": result.title,
                                       "period": result.dims[-1].label,
                                       "first": result.dims[-1].labels[0],
                                       "last": result.dims[-1].labels[-1]}))
    def number(value, decimals):
        return format_number(request, value, decimals)

    common = {"title": title, "desc": desc, "period_labels": result.dims[-1].labels,
              "number": number, "unit": result.unit or ""}
    chart = line_chart(result, **common)
    # a phone's chart: fewer, larger labels rather than a wide one cut or shrunk to 6 px
    chart.narrow = line_chart(result, width=380, height=320, ids="chart-narrow",
                              **common).svg
    return chart


def includeme(config):
    config.scan("statportal.taldau.pages")
    config.include("statportal.taldau.search")  # the portal's search finds indicators
    config.add_material_panel("taldau_indicators", "statportal.taldau.pages.material_panel",
                              "statportal.taldau:templates/material_panel.pt", order=50)


# -- the materials' panel -------------------------------------------------------------------
def all_indicators(folder, depth=0):
    """``(indicator, topic section)`` of every indicator under ``folder`` (the topics'
    ``section`` is the default of their indicators')."""
    for child in folder.values():
        kind = getattr(child, "__content_type__", None)
        if kind == "Indicator":
            yield child, getattr(folder, "section", "") or ""
        elif kind == "DataTopic" and depth < 8:
            yield from all_indicators(child, depth + 1)


def material_panel(context, request):
    """The indicators of the material's section, for its page (``add_material_panel``);
    None when there are none this viewer may see."""
    from statportal.content.paths import path_of, root_of

    data = root_of(context).get("data")
    section = getattr(context, "__parent__", None)
    if data is None or section is None:
        return None
    path = path_of(section).rstrip("/")
    items = []
    for indicator, topic_section in all_indicators(data):
        own = (indicator.section or topic_section or "").rstrip("/")
        if own == path and request.has_permission(VIEW, indicator):
            found = summary(request, indicator)
            if found is not None:
                items.append(found)
    return {"items": items} if items else None
