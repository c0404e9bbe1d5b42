"""Primary rules (art. 22): which cells are confidential in themselves.

Each rule is a small registered object: ``rule.unsafe(cell) -> bool`` and
``rule.protection(cell) -> float`` (how far, in the value's units, the feasible range of
a suppressed cell must reach above its value — the handbook's upper protection level;
0 when the rule needs only that the value is not known exactly). A cell with no
respondents is empty, never confidential; a cell whose respondents all consented
(art. 22) is exempt.

    @primary_rule("frequency")
    class MinimumFrequency: ...

Built-ins: ``frequency`` (fewer than ``threshold`` respondents; default 2, so a sole
respondent is confidential), ``dominance`` (the n largest contributions exceed k % of
the value, n ≤ 2 from ``top1``/``top2``), ``p_percent`` (the value minus the two largest
contributions is less than p % of the largest: the second largest respondent could
estimate the largest within p %). Their comparisons are decided in exact decimals (a
value at exactly k % does not exceed it), not in floats.
"""

import decimal
from dataclasses import dataclass
from decimal import Decimal

RULES = {}


def exact(number):
    """A number as the decimal it stands for (a float as its shortest text: 0.1 is 0.1),
    so that a rule's comparison is decided exactly: 61.26 is 60 % of 102.1, not more."""
    if isinstance(number, Decimal):
        return number
    if isinstance(number, int):
        return Decimal(number)
    return Decimal(repr(float(number)))


def _context():
    context = decimal.Context(prec=80)
    return decimal.localcontext(context)


def primary_rule(name):
    def register(cls):
        cls.name = name
        RULES[name] = cls
        return cls
    return register


@primary_rule("frequency")
@dataclass(frozen=True)
class MinimumFrequency:
    threshold: int = 2

    def unsafe(self, cell):
        return 0 < cell.respondents < self.threshold

    def protection(self, cell):
        return 0.0


@primary_rule("dominance")
@dataclass(frozen=True)
class Dominance:
    n: int = 1
    k: float = 85.0

    def __post_init__(self):
        if self.n not in (1, 2) or not 0 < self.k <= 100:
            raise ValueError("dominance needs n of 1 or 2 (from top1, top2) and 0 < k <= 100")

    def _largest(self, cell):
        return cell.top1 + (cell.top2 if self.n == 2 else 0.0)

    def unsafe(self, cell):
        """The n largest exceed k % of the value (decided in exact decimals)."""
        if cell.respondents <= 0 or cell.value <= 0:
            return False
        largest = exact(cell.top1) + (exact(cell.top2) if self.n == 2 else 0)
        with _context():
            return 100 * largest > exact(self.k) * exact(cell.value)

    def protection(self, cell):
        """Handbook: (100 / k) · (sum of the n largest) − value."""
        return max(0.0, 100 / self.k * self._largest(cell) - cell.value)


@primary_rule("p_percent")
@dataclass(frozen=True)
class PPercent:
    p: float = 10.0

    def unsafe(self, cell):
        if cell.respondents == 0 or cell.value <= 0:
            return False
        if cell.respondents <= 2:
            return True  # one respondent knows the other's value exactly
        top1 = exact(cell.top1)
        with _context():
            return 100 * (exact(cell.value) - top1 - exact(cell.top2)) < exact(self.p) * top1

    def protection(self, cell):
        """Handbook: p/100 · x1 − (value − x1 − x2)."""
        return max(0.0, self.p / 100 * cell.top1 - (cell.value - cell.top1 - cell.top2))


def primary_cells(table, rules):
    """``{key: [rule names]}`` of the unsafe, non-empty, non-consented cells."""
    result = {}
    for key, cell in table.cells.items():
        if cell.empty or cell.consent:
            continue
        names = [rule.name for rule in rules if rule.unsafe(cell)]
        if names:
            result[key] = names
    return result
