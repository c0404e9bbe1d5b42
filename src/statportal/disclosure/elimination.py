"""Secondary cell suppression by Gaussian elimination (GAUSS).

It works on a table given as a matrix, with no knowledge of its hierarchies: ``x`` has one
row per inner (finest-level) cell and one column per publishable cell; column ``j`` holds
the coefficients (0/1 for a table of sums) with which cell ``j`` adds up the inner cells,
so ``values = x.T @ inner_values``.  Inner cells appear as columns of their own (the
identity part), totals and subtotals as sums.

:func:`gauss_suppress` chooses complementary (secondary) cells after Langsrud's GAUSS method:
the candidates are visited from the one least wanted as a complement to the one most wanted;
each is published unless publishing it, together with everything published before it, would
make a protected cell computable as a linear combination of published cells -- then it is
suppressed.  The test is exact (integer Gaussian elimination on sparse columns, ``span.py``),
so no primary cell can ever be derived exactly through any additive relation of the table.
Sole respondents (singletons) are treated as attackers who know their own inner cells: no
primary cell that is not their own may become computable from the published cells and
that knowledge.  The audit of a pattern by linear programming is ``audit.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from statportal.disclosure.lp import as_csc, bools
from statportal.disclosure.span import Columns, Eliminator

__all__ = ["UnprotectedCellsWarning", "gauss_suppress"]

Progress = Callable[[int, int], object] | None


class UnprotectedCellsWarning(UserWarning):
    """Primary cells that no suppression pattern can protect.

    Cells that must be published (``forbidden`` or not among the candidates) may make a primary
    cell computable, by everybody or by a sole respondent; a primary cell with an empty column
    (no inner cell) is always known.  Such a cell is still protected wherever it can be (against
    outsiders when only a respondent can compute it).  ``cells`` lists them (indices into the
    columns of ``x``; extra primary cells are numbered from ``x.shape[1]`` on).
    """

    def __init__(self, message: str, cells: list[int]):
        super().__init__(message)
        self.cells = cells


def _singleton_groups(cols: Columns, cells: np.ndarray, zero_rows: set[int]):
    """Rows known to each sole respondent: the inner cells under its singleton cells.

    Singleton cells sharing an inner cell that is not a known zero have the same (sole)
    respondent and are merged into one group (union-find).
    """
    parent: dict[int, int] = {}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_cell_of_row: dict[int, int] = {}
    rows_of: dict[int, list[int]] = {}
    for c in cells.tolist():
        rows = [r for r in cols.rows(c) if r not in zero_rows]
        if not rows:
            continue
        rows_of[c] = rows
        parent[c] = c
        for r in rows:
            other = first_cell_of_row.setdefault(r, c)
            if other != c:
                ra, rb = find(c), find(other)
                if ra != rb:
                    parent[ra] = rb
    group_of_root: dict[int, int] = {}
    groups: list[list[int]] = []
    srow_group: dict[int, int] = {}
    for c, rows in rows_of.items():
        root = find(c)
        g = group_of_root.get(root)
        if g is None:
            g = group_of_root[root] = len(groups)
            groups.append([])
        for r in rows:
            if r not in srow_group:
                srow_group[r] = g
                groups[g].append(r)
    return groups, srow_group


def gauss_suppress(x, primary, candidates_order, *, forbidden=None, singleton=None,
                   extra_primary=None, progress: Progress = None) -> np.ndarray:
    """Primary plus secondary suppression pattern, by Gaussian elimination (GAUSS).

    ``x``: sparse (n_inner, n_cells) matrix with integer (normally 0/1) entries; column ``j``
    says which inner cells cell ``j`` adds up.

    ``primary``: bool (n_cells,) -- cells that must be suppressed and protected.

    ``candidates_order``: the cells that may become complements, first the one preferred as a
    complement (fewest respondents, then smallest value).  Primary and forbidden cells in it
    are skipped; non-primary cells not in it are always published.

    ``forbidden``: bool (n_cells,) -- cells never to be complements (zero and empty cells);
    they are published as they are.

    ``singleton``: bool (n_cells,) -- cells with a single respondent.  The respondent knows
    the inner cells under its cell; no other primary cell may become computable from the
    published cells together with that knowledge (so two singletons, or a singleton and one
    other suppressed cell, never protect each other alone).  Singleton cells that share a
    non-zero inner cell have the same respondent and are treated as one.

    ``extra_primary``: optional sparse (n_inner, k) matrix of further (virtual) cells that
    must not become computable, e.g. the sum of two primary cells whose respondents together
    are still too few.  They are not part of the returned pattern.

    ``progress``: optional ``callable(done, total)``.

    Returns a bool array (n_cells,): primary or secondary suppressed.  Primary cells that
    cannot be protected (their value follows from cells that must be published) are reported
    with an :class:`UnprotectedCellsWarning`.
    """
    x = as_csc(x, integer=True)
    n_inner, n_cells = x.shape
    primary = bools(primary, n_cells, "primary")
    forbidden = bools(forbidden, n_cells, "forbidden")
    singleton = bools(singleton, n_cells, "singleton")
    order = np.asarray(candidates_order)
    if order.size == 0:
        order = np.zeros(0, dtype=np.int64)
    if order.ndim != 1 or order.dtype.kind not in "iu":
        raise ValueError("candidates_order must be a 1-D array of cell indices")
    order = order.astype(np.int64)
    if order.size and (order.min() < 0 or order.max() >= n_cells):
        raise ValueError("candidates_order has indices outside the table")
    if np.unique(order).size != order.size:
        raise ValueError("candidates_order lists a cell twice")
    extra = None
    if extra_primary is not None:
        extra = as_csc(extra_primary, integer=True)
        if extra.shape[0] != n_inner:
            raise ValueError("extra_primary must have as many rows as x")

    result = primary.copy()
    if not primary.any() and (extra is None or extra.shape[1] == 0):
        return result

    cols = Columns(x)
    listed = np.zeros(n_cells, dtype=bool)
    listed[order] = True
    candidate = listed & ~primary & ~forbidden
    forced = ~primary & ~candidate

    # Inner cells known to be zero: identity columns that are published for being zero/empty.
    counts = np.diff(x.indptr)
    identity = np.flatnonzero((counts == 1) & (x.data[np.minimum(x.indptr[:-1], x.nnz - 1)] == 1)
                              ) if x.nnz else np.zeros(0, dtype=np.int64)
    zero_rows = {x.indices[x.indptr[j]] for j in identity.tolist() if forbidden[j] and forced[j]}

    groups, srow_group = _singleton_groups(cols, np.flatnonzero(singleton), zero_rows)
    elim = Eliminator(n_inner, srow_group, groups)

    def owner_of(rows) -> int:
        g = -1
        for r in rows:
            if r in zero_rows:
                continue
            h = srow_group.get(r, -1)
            if h < 0 or (g >= 0 and h != g):
                return -1
            g = h
        return g

    unprotectable: list[int] = []
    for p in np.flatnonzero(primary).tolist():
        vec = cols(p)
        if not vec:
            unprotectable.append(p)
            continue
        elim.add_role(vec, p, owner_of(vec))
    if extra is not None:
        ecols = Columns(extra)
        for k in range(extra.shape[1]):
            vec = ecols(k)
            if not vec:
                unprotectable.append(n_cells + k)
                continue
            elim.add_role(vec, n_cells + k, owner_of(vec))
    for g, rows in enumerate(groups):
        for r in rows:
            elim.add_knowledge(r, g)

    sequence = np.concatenate([np.flatnonzero(forced), order[::-1][candidate[order[::-1]]]])
    total = int(sequence.size)
    step = max(1, total // 100)
    for done, c in enumerate(sequence.tolist(), 1):
        v = elim.reduce(cols(c))
        if v:
            r = elim.choose_pivot(v)
            is_forced = bool(forced[c])
            plan, new, exposed = elim.check(v, r, collect=is_forced)
            if not exposed:
                elim.commit(v, r, plan, new)
            elif is_forced:
                elim.commit(v, r, plan, new)
                unprotectable.extend(p for p, _g in exposed)
                elim.give_up(exposed)
            else:
                result[c] = True
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    if unprotectable:
        cells = sorted(set(unprotectable))
        warnings.warn(UnprotectedCellsWarning(
            f"{len(cells)} primary cell(s) cannot be fully protected: their value follows from "
            f"cells that must be published (for everybody, or for a sole respondent who knows "
            f"its own cells): {cells[:20]}", cells), stacklevel=2)
    return result

