"""PxWeb API 2.0's selection (``valuecodes[VAR]``, ``codelist[VAR]``, ``outputvalues[VAR]``,
``heading``/``stub``; POST ``{"selection": [{"variableCode", "valueCodes", "codelist"}],
"placement"}``) turned into the one selection of ``statportal.taldau.selection``.

PxWeb's expressions beyond the native API's (``*`` and ``?`` inside a code: ``01*``,
``*1``, ``?2``; ``range(a,b)``; ``top(n,offset)``/``bottom(n,offset)``) and lists mixing
codes with expressions are expanded here against the cube's codes; every expression the
native API knows is evaluated by ``selection.positions`` itself, so both APIs pick the same
codes. Every refusal is a ``SelectionError`` naming the parameter."""

import re
from collections.abc import Mapping

from statportal.i18n import _
from statportal.taldau.selection import (
    PERIOD,
    Expr,
    SelectionError,
    field_of,
    parse_expression,
    positions,
)

_KEY = re.compile(r"^(valuecodes|codelist|outputvalues)\[([^\[\]]*)\]$")
_RANGE = re.compile(r"^range\((.*)\)$", re.IGNORECASE)
_OFFSET = re.compile(r"^(top|bottom)\(\s*([0-9]{1,9})\s*,\s*([0-9]{1,9})\s*\)$", re.IGNORECASE)
OUTPUT_VALUES = ("single", "aggregated")


class Asked:
    """What a PxWeb request selects: ``values`` ``{variable: [expression texts]}`` (in
    the order given), ``codelists`` and ``outputvalues`` ``{variable: text}``, and the
    ``heading``/``stub`` variables."""

    def __init__(self):
        self.values, self.codelists, self.outputvalues = {}, {}, {}
        self.heading, self.stub = [], []

    def variables(self):
        return [*self.values, *self.codelists, *self.outputvalues, *self.heading, *self.stub]


def split_codes(text):
    """``a,b,range(c,d)`` → ``["a", "b", "range(c,d)"]``: commas inside brackets stay."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        depth += (char == "(") - (char == ")")
        current.append(char)
    parts.append("".join(current).strip())
    return parts


def from_query(params):
    """An ``Asked`` from GET parameters (a webob MultiDict or a dict)."""
    asked = Asked()
    getall = getattr(params, "getall", None)
    for key in dict.fromkeys(params):
        if not isinstance(key, str):
            continue
        values = getall(key) if getall is not None else [params[key]]
        if key in ("heading", "stub"):
            names = [name for value in values for name in split_codes(value) if name]
            getattr(asked, key).extend(names)
            continue
        match = _KEY.match(key)
        if match is None:
            if key.startswith(("valuecodes", "codelist", "outputvalues")):
                raise SelectionError(key, _("Write valuecodes[<dimension>]=<codes>."))
            continue
        kind, variable = match.groups()
        if kind == "valuecodes":
            codes = [code for value in values for code in split_codes(value)]
            asked.values.setdefault(variable, []).extend(codes)
        else:
            getattr(asked, kind + "s" if kind == "codelist" else kind)[variable] = values[-1]
    return asked


def from_body(body):
    """An ``Asked`` from a POST body (PxWeb's ``VariablesSelection``); an empty body or
    one without ``selection`` selects everything."""
    asked = Asked()
    if body is None or body == {}:
        return asked
    if not isinstance(body, Mapping):
        raise SelectionError("selection", _("The selection must be a JSON object."))
    selection = body.get("selection") or []
    if not isinstance(selection, list):
        raise SelectionError("selection", _(
            "selection must be a list of {variableCode, valueCodes}."))
    for i, item in enumerate(selection):
        where = f"selection[{i}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("variableCode"), str):
            raise SelectionError(f"{where}.variableCode", _(
                "selection must be a list of {variableCode, valueCodes}."))
        variable = item["variableCode"]
        codes = item.get("valueCodes")
        if codes == []:  # a client's filter that kept nothing: say which variable
            raise SelectionError(field_of(variable), _(
                "No code of ${dim} was selected: valueCodes is empty.",
                mapping={"dim": variable}))
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise SelectionError(field_of(variable), _("Give a list of codes as texts."))
        asked.values.setdefault(variable, []).extend(codes)
        if item.get("codelist") not in (None, ""):
            asked.codelists[variable] = item["codelist"]
    placement = body.get("placement") or {}
    if not isinstance(placement, Mapping):
        raise SelectionError("placement", _("placement must be {heading, stub}."))
    for side in ("heading", "stub"):
        names = placement.get(side) or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise SelectionError(f"placement.{side}", _("placement must be {heading, stub}."))
        getattr(asked, side).extend(names)
    return asked


def check_variables(asked, known):
    """Every variable named must be one of ``known`` (the cube's and ``period``); no
    codelist exists here; ``outputvalues`` is ``single`` or ``aggregated``. Raises
    ``SelectionError`` with ``kind`` ``variable`` or ``codelist`` for PxWeb's titles."""
    for variable in asked.variables():
        if variable not in known:
            error = SelectionError(field_of(variable), _("Unknown dimension: ${dim}.",
                                                         mapping={"dim": variable}))
            error.kind = "variable"
            raise error
    for variable, codelist in asked.codelists.items():
        error = SelectionError(f"codelist[{variable}]", _(
            "No code list ${codelist} here: the codes of ${dim} are those of its "
            "metadata.", mapping={"codelist": codelist, "dim": variable}))
        error.kind = "codelist"
        raise error
    for variable, value in asked.outputvalues.items():
        if value not in OUTPUT_VALUES:
            raise SelectionError(f"outputvalues[{variable}]", _(
                "outputvalues is single or aggregated."))


def to_selection(asked, codes_of, order_of):
    """``{dim: Expr}`` for ``selection.select``: a single expression the native API knows
    goes as it is; wildcards, ``range``, offsets and mixed lists become the codes they pick.
    ``codes_of(dim)``: the dimension's codes in order; ``order_of(dim)``: the sort key of
    a bound (periods) or None."""
    selection = {}
    for dim, texts in asked.values.items():
        field = field_of(dim)
        texts = [text.strip() for text in texts]
        if len(texts) == 1 and not _pxweb_only(texts[0]):
            selection[dim] = parse_expression(dim, texts[0])
            continue
        codes = list(codes_of(dim))
        order = order_of(dim)
        picked = set()
        for text in texts:
            picked.update(_pick(dim, field, text, codes, order))
        if not picked:
            raise SelectionError(field, _(
                "No code of ${dim} was selected: ${expression} matches none of its codes.",
                mapping={"dim": dim, "expression": ",".join(texts)[:200]}))
        selection[dim] = Expr("codes", codes=tuple(codes[i] for i in sorted(picked)))
    return selection


#: a wildcard expression's longest text and most wildcards (a code is short): an anonymous
#: query must never cost more than a few thousand steps per code
MAX_PATTERN = 200
MAX_WILDCARDS = 16


def wildcard_pattern(dim, field, text):
    """``text`` with each run of ``*`` made one ``*``; ``SelectionError`` naming ``field``
    when it is longer than ``MAX_PATTERN`` or has more than ``MAX_WILDCARDS`` wildcards."""
    pattern = re.sub(r"\*+", "*", text)
    if len(text) > MAX_PATTERN or pattern.count("*") + pattern.count("?") > MAX_WILDCARDS:
        raise SelectionError(field, _(
            "The expression for ${dim} is too long: at most ${length} characters and "
            "${wildcards} wildcards (* or ?).",
            mapping={"dim": dim, "length": MAX_PATTERN, "wildcards": MAX_WILDCARDS}))
    return pattern


def wildcard_match(pattern, code):
    """Whether ``code`` matches ``pattern`` (``*`` any run, ``?`` one character), without
    backtracking: the classic two-pointer walk, at most len(pattern) × len(code) steps
    (a regular expression of one ``.*`` per ``*`` is exponential in the stars)."""
    p = c = 0
    star, mark = -1, 0
    while c < len(code):
        if p < len(pattern) and pattern[p] in ("?", code[c]) and pattern[p] != "*":
            p, c = p + 1, c + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, c, p + 1
        elif star >= 0:
            mark += 1
            p, c = star + 1, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _pxweb_only(text):
    return text != "*" and ("*" in text or "?" in text) or bool(_RANGE.match(text)) or \
        bool(_OFFSET.match(text))


def _pick(dim, field, text, codes, order):
    """Positions of ``codes`` that one expression picks."""
    if not text:
        raise SelectionError(field, _("Name at least one code, * or top(N)."))
    if text != "*" and ("*" in text or "?" in text):
        if "(" in text or ")" in text:
            raise SelectionError(field, _(
                "Not a selection: write codes separated by commas, *, top(N) or from(code)."))
        pattern = wildcard_pattern(dim, field, text)
        return [i for i, code in enumerate(codes) if wildcard_match(pattern, code)]
    offset = _OFFSET.match(text)
    if offset is not None:
        kind, count, skip = offset.group(1).lower(), int(offset.group(2)), int(offset.group(3))
        if count < 1:
            raise SelectionError(field, _("${function}(N) takes a whole number N of at "
                                          "least 1.", mapping={"function": kind}))
        wider = positions(Expr(kind, count=count + skip), dim, codes)
        skipped = set(positions(Expr(kind, count=skip), dim, codes)) if skip else set()
        return [i for i in wider if i not in skipped]
    bounds = _RANGE.match(text)
    if bounds is not None:
        ends = split_codes(bounds.group(1))
        if len(ends) != 2 or not all(ends):
            raise SelectionError(field, _("range(a,b) takes two codes."))
        after = positions(parse_expression(dim, f"from({ends[0]})"), dim, codes, order)
        before = positions(parse_expression(dim, f"to({ends[1]})"), dim, codes, order)
        return sorted(set(after) & set(before))
    expr = parse_expression(dim, text)
    if expr.kind == "codes" and order is not None:  # 2026-q3 is 2026-Q3, as in select()
        by_key = {order(code): code for code in codes}
        expr = Expr("codes", codes=tuple(by_key.get(order(code), code) for code in expr.codes))
    return positions(expr, dim, codes, order)


def period_order(periodicity):
    """The sort key of a period text (its ordinal), None when it is not one."""
    from statportal.taldau.periods import PeriodError, ordinal

    def order(text):
        try:
            return ordinal(text, periodicity)
        except (PeriodError, ValueError, TypeError):
            return None
    return order


def orders(periodicity):
    """``order_of`` for ``to_selection``: periods by meaning, other codes by position."""
    key = period_order(periodicity)
    return lambda dim: key if dim == PERIOD else None
