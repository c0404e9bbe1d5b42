"""Selections of an indicator's cube: what the API (``@data``) and PxWeb's ``/api/v2``
ask for, read and applied without HTTP (no Pyramid here: both callers build on it).

A selection names, per dimension, an expression (PxWeb API 2.0's ``valuecodes``):

* ``a,b,c`` — those codes (shown in hierarchy order, each once);
* ``*`` — every code;
* ``top(N)`` / ``bottom(N)`` — on ``period`` the last / first N periods (the newest first
  is what a time series' "top" means in PxWeb); on another dimension the first / last N
  codes in hierarchy order;
* ``from(code)`` / ``to(code)`` — that code and those after / before it (on ``period`` any
  well-formed period of the indicator's periodicity, present or not, bounds the range).

A dimension the selection does not name is taken whole (PxWeb eliminates it instead; we
keep every code, which is what a table of the indicator shows). ``parse_valuecodes``
checks the syntax; ``select`` checks the names against the cube and cuts it. Every
refusal is a ``SelectionError`` naming the field (``valuecodes[region]``) that a view
answers with 400.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy

from statportal.i18n import LANGUAGES, _, interpolate, ngettext
from statportal.taldau.result import Result, ResultDim

PERIOD = "period"
#: ``statportal.data.max_cells``'s default: the most cells one selection may hold
MAX_CELLS = 200000
#: dimension codes that are geographic (JSON-stat's ``role.geo``)
GEO_CODES = frozenset({"region", "regions", "geo", "area", "territory", "kato", "oblast"})
#: how many codes an expression may list, and how long one may be: a bound on the work a
#: single query parameter can ask for
MAX_CODES = 10000
MAX_CODE_LENGTH = 100

_KEY = re.compile(r"^valuecodes\[([^\[\]]*)\]$")
_DIM = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FUNCTION = re.compile(r"^(top|bottom|from|to)\((.*)\)$", re.IGNORECASE)
_COUNT = re.compile(r"^[0-9]{1,9}$")


class SelectionError(ValueError):
    """A selection that cannot be served; ``field`` names the parameter
    (``valuecodes[region]``, ``valuecodes``), ``message`` says why (a ``_()`` text)."""

    def __init__(self, field, message):
        super().__init__(field, interpolate(message))
        self.field, self.message = field, message

    def error(self):
        """The error as the JSON API lists it."""
        return {"field": self.field, "type": "invalid", "message": self.message}


@dataclass(frozen=True)
class Expr:
    """One dimension's parsed expression: ``kind`` is ``codes`` (``codes``), ``all``,
    ``top``/``bottom`` (``count``) or ``from``/``to`` (``codes[0]``)."""

    kind: str
    codes: tuple = ()
    count: int = 0


def field_of(dim):
    return f"valuecodes[{dim}]"


# -- reading --------------------------------------------------------------------------------
def parse_valuecodes(params):
    """``{dim: Expr}`` from a query (``valuecodes[<dim>]=…``; a repeated parameter adds its
    codes) or a POST body (``{"valuecodes": {dim: "a,b" | ["a", "b"]}}``)."""
    if not isinstance(params, Mapping):
        raise SelectionError("valuecodes", _("The selection must be a JSON object."))
    if "valuecodes" in params and not isinstance(params["valuecodes"], str):
        given = params["valuecodes"]
        if not isinstance(given, Mapping):
            raise SelectionError("valuecodes", _(
                "valuecodes must be an object of dimension codes and their values."))
        return {_dim(dim): parse_expression(dim, text) for dim, text in given.items()}
    found = {}
    getall = getattr(params, "getall", None)
    for key in dict.fromkeys(params):  # each key once (a query may repeat it)
        match = _KEY.match(key) if isinstance(key, str) else None
        if match is None:
            if isinstance(key, str) and key.startswith("valuecodes"):
                raise SelectionError(key, _("Write valuecodes[<dimension>]=<codes>."))
            continue
        dim = _dim(match.group(1))
        values = getall(key) if getall is not None else [params[key]]
        found[dim] = parse_expression(dim, values if len(values) > 1 else values[0])
    return found


def _dim(dim):
    if not isinstance(dim, str) or not _DIM.match(dim):
        shown = dim if isinstance(dim, str) else repr(dim)
        raise SelectionError(field_of(shown[:MAX_CODE_LENGTH]), _(
            "A dimension code is a letter followed by letters, digits or _."))
    return dim


def parse_expression(dim, value):
    """An ``Expr`` from a text (``a,b``, ``*``, ``top(3)``, ``from(2020)``) or a list of
    codes (``["a", "b"]``; a list of one function is that function)."""
    field = field_of(dim)
    if isinstance(value, list | tuple):
        if not value:
            raise SelectionError(field, _("No code of ${dim} was selected: the list is "
                                          "empty.", mapping={"dim": dim}))
        if not all(isinstance(code, str) for code in value):
            raise SelectionError(field, _("Give a list of codes as texts."))
        if len(value) == 1:
            return parse_expression(dim, value[0])
        return _codes(field, [code.strip() for code in value])
    if not isinstance(value, str):
        raise SelectionError(field, _("Give the codes as a text or a list of texts."))
    text = value.strip()
    if not text:
        raise SelectionError(field, _("Name at least one code, * or top(N)."))
    if text == "*":
        return Expr("all")
    function = _FUNCTION.match(text)
    if function is not None:
        name, argument = function.group(1).lower(), function.group(2).strip()
        if name in ("top", "bottom"):
            if not _COUNT.match(argument) or int(argument) < 1:
                raise SelectionError(field, _(
                    "${function}(N) takes a whole number N of at least 1.",
                    mapping={"function": name}))
            return Expr(name, count=int(argument))
        if not argument or not _plain(argument):
            raise SelectionError(field, _("${function}(code) takes one code.",
                                          mapping={"function": name}))
        return Expr(name, codes=(argument,))
    return _codes(field, [code.strip() for code in text.split(",")])


def _plain(code):
    return len(code) <= MAX_CODE_LENGTH and not any(ch in code for ch in "(),*")


def _codes(field, codes):
    if len(codes) > MAX_CODES:
        raise SelectionError(field, ngettext("At most ${n} code may be named.",
                                             "At most ${n} codes may be named.", MAX_CODES))
    bad = next((code for code in codes if not code or not _plain(code)), None)
    if bad is not None:
        raise SelectionError(field, _(
            "Not a selection: write codes separated by commas, *, top(N) or from(code)."))
    return Expr("codes", codes=tuple(codes))


def max_cells(settings):
    """The ``statportal.data.max_cells`` setting (a mapping of settings)."""
    try:
        return int((settings or {}).get("statportal.data.max_cells") or MAX_CELLS)
    except ValueError:
        return MAX_CELLS


# -- applying -------------------------------------------------------------------------------
def positions(expr, dim, codes, order=None):
    """The positions (ascending) of ``codes`` that ``expr`` picks; ``order``: the sort
    keys of the codes when a ``from``/``to`` bound need not be one of them (periods)."""
    field = field_of(dim)
    count = len(codes)
    if expr.kind == "all":
        return list(range(count))
    if expr.kind in ("top", "bottom"):
        n = min(expr.count, count)
        last = (expr.kind == "top") == (dim == PERIOD)  # top of a time series: the newest
        return list(range(count - n, count)) if last else list(range(n))
    index = {code: i for i, code in enumerate(codes)}
    if expr.kind == "codes":
        unknown = [code for code in expr.codes if code not in index]
        if unknown:
            raise SelectionError(field, _("Unknown code: ${code}.",
                                          mapping={"code": unknown[0]}))
        return sorted({index[code] for code in expr.codes})
    bound = expr.codes[0]
    if order is not None:
        key = order(bound)
        if key is None:
            raise SelectionError(field, _("Unknown code in ${function}(): ${code}.",
                                          mapping={"function": expr.kind, "code": bound}))
        keys = [order(code) for code in codes]
        if expr.kind == "from":
            return [i for i, k in enumerate(keys) if k >= key]
        return [i for i, k in enumerate(keys) if k <= key]
    if bound not in index:
        raise SelectionError(field, _("Unknown code in ${function}(): ${code}.",
                                      mapping={"function": expr.kind, "code": bound}))
    return list(range(index[bound], count)) if expr.kind == "from" else \
        list(range(index[bound] + 1))


def text_in(value, lang):
    """A multilingual dict's text in ``lang``, else the first language that has one."""
    if isinstance(value, str):
        return value
    value = value or {}
    if value.get(lang):
        return value[lang]
    return next((value[other] for other in LANGUAGES if value.get(other)), "")


def _labels(indicator):
    """``{dim code: (title, {member code: label dict})}`` from the indicator's dimensions."""
    found = {}
    for dim in getattr(indicator, "dimensions", None) or ():
        members = {item["code"]: item.get("label") or {} for item in dim.get("hierarchy") or ()}
        found[dim["code"]] = (dim.get("title") or {}, members)
    return found


def select(cube, indicator, selection, lang, *, limit=MAX_CELLS, translate=None,
           asof=None):
    """The ``Result`` of ``selection`` (``{dim: Expr}``, from ``parse_valuecodes``) on
    ``cube``, labelled in ``lang``. ``limit``: the most cells (``max_cells``);
    ``translate``: turns a ``_()`` text into ``lang`` (the time dimension's title);
    ``asof``: the instant the cube was read at, carried into the result."""
    from statportal.taldau.periods import PeriodError, label, ordinal

    translate = translate or interpolate
    known = {code for code, _members in cube.dims} | {PERIOD}
    for dim in selection:
        if dim not in known:
            raise SelectionError(field_of(dim), _("Unknown dimension: ${dim}.",
                                                  mapping={"dim": dim}))
    periodicity = indicator.periodicity
    period_codes = [label(p, periodicity) for p in cube.periods]

    def period_order(text):
        try:
            return ordinal(text, periodicity)
        except (PeriodError, ValueError, TypeError):
            return None

    picks = []
    for dim, members in cube.dims:
        expr = selection.get(dim, Expr("all"))
        picks.append((dim, list(members), positions(expr, dim, list(members))))
    expr = selection.get(PERIOD, Expr("all"))
    if expr.kind == "codes":  # 2026-q3 is 2026-Q3: periods compared by what they mean
        by_ordinal = {}
        for text in expr.codes:
            number = period_order(text)
            by_ordinal[number] = label(number, periodicity) if number is not None else text
        expr = Expr("codes", codes=tuple(by_ordinal.values()))
    picks.append((PERIOD, period_codes, positions(expr, PERIOD, period_codes,
                                                  order=period_order)))
    cells = 1
    for dim, _members, chosen in picks:
        if not chosen:
            raise SelectionError(field_of(dim), _(
                "No code of ${dim} was selected: the selection matches none of its codes.",
                mapping={"dim": dim}))
        cells *= len(chosen)
    if cells > limit:
        raise SelectionError("valuecodes", ngettext(
            "The selection has ${n} cell; at most ${limit} can be served at once: "
            "select fewer codes.",
            "The selection has ${n} cells; at most ${limit} can be served at once: "
            "select fewer codes.", cells, mapping={"limit": limit}))
    index = numpy.ix_(*[numpy.asarray(chosen, dtype=numpy.intp) for _d, _m, chosen in picks])
    values = numpy.array(cube.values[index], dtype=numpy.float64)
    status = numpy.array(cube.status[index], dtype=numpy.uint8)
    values[(status == 1) | (status == 2)] = numpy.nan  # never the number of an X cell
    return Result(
        indicator_id=indicator.__name__, code=getattr(indicator, "code", "") or "",
        title=text_in(getattr(indicator, "title", None), lang), lang=lang,
        unit=text_in(getattr(indicator, "unit_of_measure", None), lang),
        source=text_in(getattr(indicator, "source", None), lang),
        updated=cube.updated, decimals=_decimals(indicator, cube),
        dims=_result_dims(indicator, picks, lang, translate),
        values=values, status=status, notes=_notes(indicator, lang), asof=asof)


def _decimals(indicator, cube):
    fixed = getattr(indicator, "decimals", None)
    if isinstance(fixed, int):
        return fixed
    return int(getattr(cube, "decimals", 0) or 0)


def _result_dims(indicator, picks, lang, translate):
    labels = _labels(indicator)
    dims = []
    for dim, members, chosen in picks:
        codes = [members[i] for i in chosen]
        if dim == PERIOD:   # codes ISO, labels readable in lang (October 2026, Q3 2026)
            dims.append(ResultDim(PERIOD, translate(_("Period")), codes,
                                  period_labels(codes, indicator.periodicity, lang,
                                                translate), "time"))
            continue
        title, member_labels = labels.get(dim, ({}, {}))
        dims.append(ResultDim(
            dim, text_in(title, lang) or dim, codes,
            [text_in(member_labels.get(code), lang) or code for code in codes],
            "geo" if dim.lower() in GEO_CODES else None))
    return dims


def period_labels(codes, periodicity, lang, translate=None):
    """The readable labels of ISO period ``codes`` (``periods.period_label``)."""
    from statportal.taldau.periods import ordinal, period_label

    return [period_label(ordinal(code, periodicity), periodicity, lang, translate)
            for code in codes]


def _notes(indicator, lang):
    note = text_in(getattr(indicator, "notes", None), lang)
    return [note] if note else []
