"""Disclosure control (art. 22–23): confidential cells are never published.

Usable without Pyramid. ``hierarchy`` (classifications from CSV), ``table`` (a basis in
long form and its derived totals), ``rules`` (primary rules, registered), ``elimination``
(secondary suppression by Gaussian elimination; its exact state in ``span``), ``audit``
(the linear-programming audit), ``protect`` (both for a table, with interval protection),
``optimal`` and ``prune`` (fewer complementary cells), all on the LP helpers of ``lp``.
``gauss`` is the old home of GAUSS and the audit, kept for code that imports from it.
"""

from statportal.disclosure.errors import InconsistentTable, InputError
from statportal.disclosure.hierarchy import Hierarchy
from statportal.disclosure.rules import (
    RULES,
    Dominance,
    MinimumFrequency,
    PPercent,
    primary_cells,
)
from statportal.disclosure.table import Cell, Table

__all__ = ["RULES", "Cell", "Dominance", "Hierarchy", "InconsistentTable", "InputError",
           "MinimumFrequency", "PPercent", "Table", "primary_cells"]
