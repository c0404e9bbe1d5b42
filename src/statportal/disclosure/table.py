"""A table's basis in long form, and every total derived from it.

One row per finest-level cell: the dimension codes (e.g. ``region``, ``activity``),
``value``, ``respondents`` and optionally ``top1``, ``top2`` (the two largest
contributions) and ``consent`` (true where every respondent of the cell consented to
publication, art. 22; ``consent_ref`` records the reference). Every total along every
hierarchy, for every combination of the other dimensions, and the grand total are sums of
inner cells: cells like any other, with their respondents and top contributions (the two
largest contributions of a total are among the two largest of its parts, since an
enterprise belongs to one inner cell).

Totals are exact: the basis's values are decimal numbers with at most ``decimals``
digits after the point (the most any value has, floating-point noise aside; 0 when all
are whole), and sums are computed in whole units of ``10**-decimals`` (Python integers,
which do not round) before each cell's ``value`` is set to the float nearest to the
exact sum. ``units(value)``,
``exact(value)`` and ``text(value)`` give a value in those units, as a
``decimal.Decimal`` and as the text a published table shows (``decimals`` digits after
the point, whole numbers without a point when the basis is whole).
"""

import csv
import decimal
import io
import itertools
import math
from dataclasses import dataclass
from decimal import Decimal

from statportal.disclosure.errors import InputError

TRUE = {"1", "true", "yes", "y", "да", "иә"}
MAX_VALUE = 1e18  # so that every total stays a finite, exactly comparable number
MAX_DECIMALS = 9  # more digits after the point than this are taken as noise, not precision
FALSE = {"", "0", "false", "no", "n", "нет", "жоқ"}


@dataclass
class Cell:
    key: tuple
    value: float = 0.0
    respondents: int = 0
    top1: float = 0.0
    top2: float = 0.0
    consent: bool = True
    inner: bool = False

    @property
    def empty(self):
        return self.respondents == 0


NOISE = 1e-12     # relative: a float this close to a shorter decimal is that decimal


def decimals_of(value):
    """The digits after the point of ``value``: for a float the fewest that give it to
    within floating-point noise (``0.1`` has 1, and so has ``7471.900000000001``, a sum
    computed in floats), for a Decimal those it has (trailing zeros aside), 0 for an
    int; at most ``MAX_DECIMALS``."""
    if isinstance(value, int):
        return 0
    if isinstance(value, Decimal):
        if not value.is_finite():
            return 0
        return min(MAX_DECIMALS, max(0, -value.normalize().as_tuple().exponent))
    value = float(value)
    if not math.isfinite(value):
        return 0
    tolerance = NOISE * max(1.0, abs(value))
    for decimals in range(MAX_DECIMALS):
        if abs(value - round(value, decimals)) <= tolerance:
            return decimals
    return MAX_DECIMALS


def exact_sum(values):
    """The exact sum of decimal values (floats read as their shortest text), as a float:
    ``exact_sum([0.1, 0.2]) == 0.3``."""
    with decimal.localcontext() as context:
        context.prec = 60
        return float(sum((v if isinstance(v, Decimal) else Decimal(repr(float(v)))
                          for v in values), Decimal(0)))


class Table:
    def __init__(self, hierarchies, cells, decimals=None):
        """``hierarchies``: ``{dimension: Hierarchy}`` in the table's dimension order;
        ``cells``: the inner cells (Cell with ``inner=True``); ``decimals``: the values'
        precision (digits after the point), by default the most any inner value has."""
        self.hierarchies = dict(hierarchies)
        self.dims = list(self.hierarchies)
        self.cells = {}
        for cell in cells:
            self.cells[cell.key] = cell
        if decimals is None:
            decimals = max((decimals_of(cell.value) for cell in self.cells.values()),
                           default=0)
        self.decimals = decimals
        self.scale = 10 ** decimals
        self._derive()

    # -- the values' precision ---------------------------------------------------------------
    def units(self, value):
        """``value`` in whole units of ``10**-decimals`` (an int; rounded half to even
        where the value has more digits than the table's precision)."""
        number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        with decimal.localcontext() as context:
            context.prec = 60
            return int(number.scaleb(self.decimals).to_integral_value(decimal.ROUND_HALF_EVEN))

    def exact(self, value):
        """``value`` as the Decimal it stands for, with the table's ``decimals``."""
        return Decimal(self.units(value)).scaleb(-self.decimals)

    def text(self, value):
        """``value`` as a published table writes it: ``decimals`` digits after the
        point (``7471.9``, ``120.0``), a whole number without one when the basis is
        whole; never ``7471.900000000001``."""
        units = self.units(value)
        if not self.decimals:
            return str(units)
        sign = "-" if units < 0 else ""
        whole, part = divmod(abs(units), self.scale)
        return f"{sign}{whole}.{part:0{self.decimals}d}"

    def rounded(self, value):
        """``value`` to the table's precision: the float nearest to ``exact(value)``
        (an int when the basis is whole)."""
        units = self.units(value)
        return units if not self.decimals else units / self.scale

    # -- reading ---------------------------------------------------------------------------
    @classmethod
    def from_csv(cls, source, hierarchies, file=None):
        if isinstance(source, str) and "\n" not in source and file is None:
            with open(source, encoding="utf-8-sig", newline="") as stream:
                return cls.from_csv(stream.read(), hierarchies, source)
        reader = csv.DictReader(io.StringIO(source))
        columns = reader.fieldnames or []
        for column in (*hierarchies, "value", "respondents"):
            if column not in columns:
                raise InputError(f"missing column {column!r}", file, 1, column)
        cells, seen, decimals = [], {}, 0
        for line, row in enumerate(reader, start=2):
            key = []
            for dim, hierarchy in hierarchies.items():
                code = (row.get(dim) or "").strip()
                if code not in hierarchy:
                    raise InputError(f"{code!r} is not a code of {dim}", file, line, dim)
                if not hierarchy.is_leaf(code):
                    raise InputError(f"{code!r} is a total of {dim}: the basis has one row "
                                     "per finest-level cell", file, line, dim)
                key.append(code)
            key = tuple(key)
            if key in seen:
                raise InputError(f"the cell {key} is given twice (first on line "
                                 f"{seen[key]})", file, line)
            seen[key] = line
            respondents = _number(row, "respondents", file, line, integer=True)
            if respondents < 0:
                raise InputError("respondents cannot be negative", file, line, "respondents")
            value = _number(row, "value", file, line)
            decimals = max(decimals, _decimals_of_text(row.get("value")))
            top1 = _number(row, "top1", file, line, default=value if respondents == 1 else 0)
            top2 = _number(row, "top2", file, line, default=0.0)
            consent = (row.get("consent") or "").strip().lower()
            if consent not in TRUE | FALSE:
                raise InputError(f"consent must be true or false, not {consent!r}", file,
                                 line, "consent")
            cells.append(Cell(key, value, respondents, top1, top2,
                              consent in TRUE and respondents > 0, inner=True))
        if not cells:
            raise InputError("the basis has no rows", file, 1)
        return cls(hierarchies, cells, decimals=decimals)

    # -- totals ----------------------------------------------------------------------------
    def _derive(self):
        """Every total, its value summed exactly in units (see the module's doc)."""
        inner = list(self.cells.values())
        totals, sums = {}, {}
        for cell in inner:
            units = self.units(cell.value)
            lineages = [self.hierarchies[d].lineage(code) for d, code in zip(self.dims, cell.key,
                                                                             strict=True)]
            for key in itertools.product(*lineages):
                if key == cell.key:
                    continue
                total = totals.get(key)
                if total is None:
                    total = totals[key] = Cell(key, consent=True)
                    sums[key] = 0
                sums[key] += units
                total.respondents += cell.respondents
                total.top1, total.top2 = _top_two(total.top1, total.top2, cell.top1, cell.top2)
                if cell.respondents:
                    total.consent = total.consent and cell.consent
        for key, total in totals.items():
            total.value = sums[key] / self.scale  # int / int: correctly rounded
            if not total.respondents:
                total.consent = False
            self.cells[key] = total

    def inner_cells(self):
        return [cell for cell in self.cells.values() if cell.inner]

    def order(self):
        """Cells in a stable order: by each dimension's depth-first code order."""
        positions = [{code: n for n, code in enumerate(_depth_first(self.hierarchies[d]))}
                     for d in self.dims]
        return sorted(self.cells, key=lambda key: [p[c] for p, c in zip(positions, key,
                                                                         strict=True)])

    def model_matrix(self, keys=None):
        """``(x, keys, inner_keys)``: the sparse 0/1 matrix whose column j sums the inner
        cells making up cell ``keys[j]``."""
        from scipy.sparse import csc_matrix

        keys = keys or self.order()
        inner_keys = [key for key in keys if self.cells[key].inner]
        row_of = {key: n for n, key in enumerate(inner_keys)}
        column_of = {key: n for n, key in enumerate(keys)}
        rows, cols = [], []
        for key in inner_keys:
            lineages = [self.hierarchies[d].lineage(code) for d, code in zip(self.dims, key,
                                                                             strict=True)]
            for total in itertools.product(*lineages):
                rows.append(row_of[key])
                cols.append(column_of[total])
        x = csc_matrix(([1] * len(rows), (rows, cols)), shape=(len(inner_keys), len(keys)),
                       dtype="int8")
        return x, keys, inner_keys


def _top_two(a1, a2, b1, b2):
    first, second, *_ = sorted((a1, a2, b1, b2), reverse=True)
    return first, second


def _depth_first(hierarchy):
    result, stack = [], [hierarchy.root]
    while stack:
        code = stack.pop()
        result.append(code)
        stack.extend(reversed(hierarchy.children.get(code, ())))
    return result


def _raw(text):
    return (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")


def _decimals_of_text(text):
    """The digits after the point of a number as written (``12.50`` has 2: the basis
    says it is given to the hundredth); more than ``MAX_DECIMALS`` are a float's noise
    written out (``7471.900000000001``: 1) or, failing that, ``MAX_DECIMALS``."""
    try:
        number = Decimal(_raw(text))
    except decimal.InvalidOperation:
        return 0
    if not number.is_finite():
        return 0
    written = max(0, -number.as_tuple().exponent)
    return written if written <= MAX_DECIMALS else decimals_of(float(number))


def _number(row, column, file, line, integer=False, default=None):
    raw = (row.get(column) or "").strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        if default is not None:
            return default
        raise InputError("a number is required", file, line, column)
    try:
        number = int(raw) if integer else float(raw.replace(",", "."))
    except ValueError:
        raise InputError(f"{raw!r} is not a {'whole ' if integer else ''}number", file, line,
                         column) from None
    if not integer and not math.isfinite(number):
        raise InputError(f"{raw!r} is not a number", file, line, column)
    if abs(number) > MAX_VALUE:
        raise InputError(f"{raw!r} is beyond {MAX_VALUE:g}, the largest value a table may hold",
                         file, line, column)
    return number
