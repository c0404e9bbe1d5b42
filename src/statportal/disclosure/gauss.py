"""Secondary cell suppression by Gaussian elimination, and an audit by linear programming.

Both work on a table given as a matrix, with no knowledge of its hierarchies:
``x`` has one row per inner (finest-level) cell and one column per publishable cell; column
``j`` holds the coefficients (0/1 for a table of sums) with which cell ``j`` adds up the inner
cells, so ``values = x.T @ inner_values``.  Inner cells appear as columns of their own (the
identity part), totals and subtotals as sums.

:func:`gauss_suppress` chooses complementary (secondary) cells after Langsrud's GAUSS method:
the candidates are visited from the one least wanted as a complement to the one most wanted;
each is published unless publishing it, together with everything published before it, would
make a protected cell computable as a linear combination of published cells -- then it is
suppressed.  The test is exact (integer Gaussian elimination on sparse columns), so no
primary cell can ever be derived exactly through any additive relation of the table.  Sole
respondents (singletons) are treated as attackers who know their own inner cells: no
primary cell that is not their own may become computable from the published cells and
that knowledge.

:func:`audit` computes, by linear programming (HiGHS), the interval in which each
suppressed cell may lie given the published cells and bounds on the inner cells, and says
which cells are exposed (the interval is a point, or does not reach a required
protection percentage).
"""

from __future__ import annotations

import heapq
import math
import warnings
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["InconsistentCells", "UnprotectedCellsWarning", "audit", "gauss_suppress"]

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


class InconsistentCells(ValueError):
    """The published cells cannot all hold: no inner values within the bounds add up to
    them. ``cells`` lists the published cells (indices into the columns of ``x``) whose
    equalities are in the contradiction: one cell whose parts cannot reach its value
    given the other published cells and the bounds, two cells that fix one inner cell to
    different values, or (when no smaller culprit is found) the published cells of the
    independent part of the table in which the LP found no solution."""

    def __init__(self, message: str, cells=()):
        super().__init__(message)
        self.cells = [int(c) for c in cells]


# ----------------------------------------------------------------------------------------
# input helpers


def _as_csc(x, integer: bool) -> sp.csc_matrix:
    if not sp.issparse(x):
        x = np.asarray(x)
        if x.ndim != 2:
            raise ValueError("x must be a 2-D matrix")
    x = sp.csc_matrix(x, copy=True)
    x.sum_duplicates()
    x.eliminate_zeros()
    if integer:
        data = x.data
        if data.dtype.kind not in "iub":
            rounded = np.round(data)
            if not np.array_equal(rounded, data):
                raise ValueError("x must have integer entries for exact elimination")
            data = rounded
        x = sp.csc_matrix((data.astype(np.int64), x.indices, x.indptr), shape=x.shape)
    else:
        x = sp.csc_matrix((x.data.astype(np.float64), x.indices, x.indptr), shape=x.shape)
    return x


def _bools(a, n: int, name: str) -> np.ndarray:
    if a is None:
        return np.zeros(n, dtype=bool)
    a = np.asarray(a)
    if a.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), not {a.shape}")
    return a.astype(bool)


def _per_item(a, n: int, name: str, default: float) -> np.ndarray:
    if a is None:
        return np.full(n, default, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return np.full(n, float(a))
    if a.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), not {a.shape}")
    return a.copy()


class _Columns:
    """Columns of a csc matrix as ``{row: int}`` dicts, without going through scipy each time."""

    def __init__(self, x: sp.csc_matrix):
        self.indptr = x.indptr.tolist()
        self.indices = x.indices.tolist()
        self.data = x.data.tolist()

    def __call__(self, j: int) -> dict[int, int]:
        s, e = self.indptr[j], self.indptr[j + 1]
        return dict(zip(self.indices[s:e], self.data[s:e], strict=True))

    def rows(self, j: int) -> list[int]:
        return self.indices[self.indptr[j]:self.indptr[j + 1]]


# ----------------------------------------------------------------------------------------
# exact sparse linear algebra on {row: int} dicts


def _combine(b: dict, a: dict, m: int, f: int) -> dict:
    """A new dict ``m*b - f*a`` (zeros dropped)."""
    out = {rr: m * vv for rr, vv in b.items()} if m != 1 else dict(b)
    for rr, av in a.items():
        nv = out.get(rr, 0) - f * av
        if nv:
            out[rr] = nv
        else:
            out.pop(rr, None)
    return out


def _normalise(v: dict) -> None:
    """Divide an integer vector by the gcd of its entries (in place)."""
    g = 0
    for vv in v.values():
        g = math.gcd(g, vv)
        if g == 1:
            return
    if g > 1:
        for rr in v:
            v[rr] //= g


def _parallel(v: dict, w: dict) -> bool:
    """Whether two non-zero integer vectors are multiples of each other."""
    if len(v) != len(w):
        return False
    r = next(iter(v))
    a, b = v[r], w.get(r)
    if b is None:
        return False
    for rr, vv in v.items():
        ww = w.get(rr)
        if ww is None or vv * b != ww * a:
            return False
    return True


def _in_span(v: dict, basis: list[dict]) -> bool:
    """Whether ``v`` is a linear combination of the vectors in ``basis`` (exact, small sizes)."""
    if not v:
        return True
    basis = [b for b in basis if b]
    if not basis:
        return False
    if len(basis) == 1:
        return _parallel(v, basis[0])
    covered: set[int] = set()
    for b in basis:
        covered.update(b)
    if not covered.issuperset(v):
        return False
    echelon: list[tuple[int, dict]] = []

    def reduce(w: dict) -> dict:
        w = {rr: Fraction(vv) for rr, vv in w.items()}
        for r, e in echelon:
            f = w.get(r)
            if f:
                for rr, ev in e.items():
                    nv = w.get(rr, 0) - f * ev
                    if nv:
                        w[rr] = nv
                    else:
                        w.pop(rr, None)
        return w

    for b in basis:
        w = reduce(b)
        if w:
            r = min(w)
            p = w[r]
            echelon.append((r, {rr: vv / p for rr, vv in w.items()}))
    return not reduce(v)


# ----------------------------------------------------------------------------------------
# GAUSS secondary suppression


class _Eliminator:
    """The state of the elimination: the span of the published cells and the tracked columns.

    Published columns are kept as pivot vectors in the order they were made: pivot ``k`` has a
    non-zero at its pivot row and zeros at the pivot rows of pivots ``0..k-1``, so a new column
    is reduced by forward substitution.  Tracked columns -- the primary cells (B roles) and, for
    each row known to a sole respondent, the unit vector of that row (E roles) -- are kept
    reduced with respect to every pivot: they represent the cells modulo what is published.
    A primary cell is computable from the published cells when its reduced column is zero, and
    computable by a respondent when it lies in the span of the reduced unit vectors of the rows
    that respondent knows.
    """

    def __init__(self, n_inner: int, srow_group: dict[int, int], groups: list[list[int]]):
        self.piv_of_row: dict[int, int] = {}
        self.pivots: list[dict[int, int]] = []
        self.piv_rows: list[int] = []
        self.is_srow = bytearray(n_inner)
        for r in srow_group:
            self.is_srow[r] = 1
        self.srow_group = srow_group
        self.groups = groups
        self.has_groups = bool(groups)
        # tracked columns
        self.T: list[dict[int, int]] = []
        self.T_B: list[list[int]] = []     # roles that need protection
        self.T_E: list[int] = []           # group whose knowledge this is (row unit vector), or -1
        self.T_ns: list[int] = []          # number of non-singleton rows in the column
        self.group_E: list[list[int]] = [[] for _ in groups]
        self.rowT: dict[int, set[int]] = {}
        self.rowE: dict[int, set[int]] = {}   # the same for the knowledge columns only
        # columns with roles by their smallest row: a column lies in the span of vectors
        # only if its rows are among theirs, so its smallest row is (see ``check``)
        self.anchored: dict[int, set[int]] = {}
        self.anchor: dict[int, int] = {}
        self._key: dict[tuple, int] = {}
        # role -> groups whose knowledge does not count: the respondent whose own cell it is,
        # and respondents that cells which must be published already let compute it
        self.ignore: dict[int, set[int]] = {}

    # -- tracked columns
    def track(self, vec: dict[int, int]) -> int:
        key = tuple(sorted(vec.items()))
        i = self._key.get(key)
        if i is None:
            i = len(self.T)
            self._key[key] = i
            self.T.append(dict(vec))
            self.T_B.append([])
            self.T_E.append(-1)
            self.T_ns.append(sum(1 for r in vec if not self.is_srow[r]))
            for r in vec:
                self.rowT.setdefault(r, set()).add(i)
        return i

    def add_role(self, vec: dict[int, int], role: int, owner: int) -> None:
        i = self.track(vec)
        self.T_B[i].append(role)
        self.ignore[role] = {owner}
        if i not in self.anchor:
            self._anchor(i)

    def _anchor(self, i: int) -> None:
        old = self.anchor.get(i)
        new = min(self.T[i]) if self.T[i] else -1
        if old == new:
            return
        if old is not None and old >= 0:
            self.anchored[old].discard(i)
        self.anchor[i] = new
        if new >= 0:
            self.anchored.setdefault(new, set()).add(i)

    def add_knowledge(self, row: int, group: int) -> None:
        i = self.track({row: 1})
        self.T_E[i] = group
        self.group_E[group].append(i)
        for r in self.T[i]:
            self.rowE.setdefault(r, set()).add(i)

    def give_up(self, exposed: list[tuple[int, int]]) -> None:
        """Stop protecting roles that cells which must be published expose: a role computable
        by everybody is dropped, one computable by a respondent is no longer protected
        against that respondent only."""
        gone = {p for p, g in exposed if g < 0}
        for p, g in exposed:
            if g >= 0 and p not in gone:
                self.ignore[p].add(g)
        if gone:
            for i, rs in enumerate(self.T_B):
                if rs and gone.intersection(rs):
                    self.T_B[i] = [p for p in rs if p not in gone]

    # -- published columns
    def reduce(self, v: dict[int, int]) -> dict[int, int]:
        """Reduce ``v`` (in place) by every pivot: forward substitution in pivot order."""
        piv_of_row = self.piv_of_row
        heap = [piv_of_row[r] for r in v if r in piv_of_row]
        if not heap:
            return v
        heapq.heapify(heap)
        seen = set(heap)
        pivots, piv_rows = self.pivots, self.piv_rows
        while heap:
            k = heapq.heappop(heap)
            r = piv_rows[k]
            vr = v.get(r)
            if not vr:
                continue
            a = pivots[k]
            ar = a[r]
            if vr % ar == 0:
                f = vr // ar
            else:
                g = math.gcd(ar, vr)
                m, f = ar // g, vr // g
                if m < 0:
                    m, f = -m, -f
                for rr in v:
                    v[rr] *= m
            for rr, av in a.items():
                old = v.get(rr)
                if old is None:
                    v[rr] = -f * av
                    kk = piv_of_row.get(rr)
                    if kk is not None and kk not in seen:
                        seen.add(kk)
                        heapq.heappush(heap, kk)
                else:
                    nv = old - f * av
                    if nv:
                        v[rr] = nv
                    else:
                        del v[rr]
        _normalise(v)
        return v

    def choose_pivot(self, v: dict[int, int]) -> int:
        """A row of ``v`` to pivot on: rows not known to a sole respondent first, unit entries
        first, then the smallest row number (which keeps fill-in low on hierarchical tables)."""
        is_srow = self.is_srow
        best = best_unit = -1
        sbest = sbest_unit = -1
        for rr, vv in v.items():
            unit = vv == 1 or vv == -1
            if is_srow[rr]:
                if unit:
                    if sbest_unit < 0 or rr < sbest_unit:
                        sbest_unit = rr
                elif sbest < 0 or rr < sbest:
                    sbest = rr
            elif unit:
                if best_unit < 0 or rr < best_unit:
                    best_unit = rr
            elif best < 0 or rr < best:
                best = rr
        for r in (best_unit, best, sbest_unit, sbest):
            if r >= 0:
                return r
        raise AssertionError("empty vector has no pivot")

    # -- the test and the update
    def _plan(self, v: dict[int, int], r: int):
        """For each tracked column touched by pivot (r, v): (id, m, f, new_len, new_ns)."""
        ar = v[r]
        is_srow = self.is_srow
        plan = []
        for u in self.rowT.get(r, ()):
            b = self.T[u]
            br = b[r]
            g = math.gcd(ar, br)
            m, f = ar // g, br // g
            if m < 0:
                m, f = -m, -f
            added = removed = added_ns = removed_ns = 0
            for rr, vv in v.items():
                old = b.get(rr)
                if old is None:
                    added += 1
                    if not is_srow[rr]:
                        added_ns += 1
                elif m * old == f * vv:
                    removed += 1
                    if not is_srow[rr]:
                        removed_ns += 1
            plan.append((u, m, f, len(b) + added - removed,
                         self.T_ns[u] + added_ns - removed_ns))
        return plan

    def check(self, v: dict[int, int], r: int, collect: bool):
        """Roles that would become computable if ``v`` were published with pivot ``r``.

        Returns ``(plan, new_vectors, exposed)`` where ``exposed`` lists ``(role, group)``
        pairs, group -1 for everybody; with ``collect`` false it stops at the first one.
        """
        plan = self._plan(v, r)
        exposed: list[tuple[int, int]] = []
        T_B = self.T_B
        for u, _m, _f, new_len, _ns in plan:
            if new_len == 0 and T_B[u]:
                exposed.extend((p, -1) for p in T_B[u])
                if not collect:
                    return plan, {}, exposed
        new: dict[int, dict[int, int]] = {}
        if not self.has_groups:
            return plan, new, exposed
        # Respondents' knowledge: only columns lying wholly on rows known to sole respondents
        # can fall into the span of a respondent's known rows.
        T, T_E = self.T, self.T_E
        touched = {p[0] for p in plan}
        pure = []
        for u, m, f, new_len, new_ns in plan:
            if new_len and new_ns == 0 and (T_B[u] or T_E[u] >= 0):
                new[u] = _combine(T[u], v, m, f)
                pure.append(u)
        if not pure:
            return plan, new, exposed
        # A column lies in the span of a respondent's known rows only if all its rows are
        # among the rows those vectors cover: candidates are filtered by that first.
        tests: set[tuple[int, int]] = set()
        covered: dict[int, set[int]] = {}

        def rows_of(g: int) -> set[int]:
            rows = covered.get(g)
            if rows is None:
                rows = covered[g] = set()
                for e in self.group_E[g]:
                    rows.update(new[e] if e in new else T[e])
            return rows

        touched_E = [w for w in pure if T_E[w] >= 0]
        touched_rows: dict[int, set[int]] = {}   # row -> groups of changed knowledge on it
        for w in touched_E:
            for rho in new[w]:
                touched_rows.setdefault(rho, set()).add(T_E[w])
        rowE = self.rowE
        for u in pure:
            if not T_B[u]:
                continue
            # the groups whose knowledge covers every row of u
            groups = None
            for rho in new[u]:
                here = {T_E[w] for w in rowE.get(rho, ()) if w not in touched}
                here |= touched_rows.get(rho, set())
                groups = here if groups is None else groups & here
                if not groups:
                    break
            for g in groups or ():
                tests.add((u, g))
        anchored, T_ns = self.anchored, self.T_ns
        for g in {T_E[w] for w in touched_E}:
            rows = rows_of(g)
            for rho in rows:
                for u in anchored.get(rho, ()):
                    if T_B[u] and u not in touched and T_ns[u] == 0 and rows.issuperset(T[u]):
                        tests.add((u, g))
        ignore = self.ignore
        for u, g in tests:
            roles = [p for p in T_B[u] if g not in ignore[p]]
            if not roles:
                continue
            vec = new[u] if u in new else T[u]
            basis = [new[e] if e in new else T[e] for e in self.group_E[g]]
            if _in_span(vec, basis):
                exposed.extend((p, g) for p in roles)
                if not collect:
                    return plan, new, exposed
        return plan, new, exposed

    def commit(self, v: dict[int, int], r: int, plan, new) -> None:
        T, rowT = self.T, self.rowT
        for u, m, f, _new_len, new_ns in plan:
            b = T[u]
            knowledge = self.T_E[u] >= 0
            if knowledge:
                before = b.keys() - ()
            if u in new:
                nb = new[u]
                for rr in b.keys() - nb.keys():
                    rowT[rr].discard(u)
                for rr in nb.keys() - b.keys():
                    rowT.setdefault(rr, set()).add(u)
                T[u] = b = nb
            else:
                if m != 1:
                    for rr in b:
                        b[rr] *= m
                for rr, av in v.items():
                    old = b.get(rr)
                    if old is None:
                        b[rr] = -f * av
                        rowT.setdefault(rr, set()).add(u)
                    else:
                        nv = old - f * av
                        if nv:
                            b[rr] = nv
                        else:
                            del b[rr]
                            rowT[rr].discard(u)
            if m != 1:
                _normalise(b)
            self.T_ns[u] = new_ns
            if u in self.anchor:
                self._anchor(u)
            if knowledge:
                rowE = self.rowE
                for rr in before - b.keys():
                    rowE[rr].discard(u)
                for rr in b.keys() - before:
                    rowE.setdefault(rr, set()).add(u)
        self.piv_of_row[r] = len(self.pivots)
        self.pivots.append(v)
        self.piv_rows.append(r)


def _singleton_groups(cols: _Columns, cells: np.ndarray, zero_rows: set[int]):
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
    x = _as_csc(x, integer=True)
    n_inner, n_cells = x.shape
    primary = _bools(primary, n_cells, "primary")
    forbidden = _bools(forbidden, n_cells, "forbidden")
    singleton = _bools(singleton, n_cells, "singleton")
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
        extra = _as_csc(extra_primary, integer=True)
        if extra.shape[0] != n_inner:
            raise ValueError("extra_primary must have as many rows as x")

    result = primary.copy()
    if not primary.any() and (extra is None or extra.shape[1] == 0):
        return result

    cols = _Columns(x)
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
    elim = _Eliminator(n_inner, srow_group, groups)

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
        ecols = _Columns(extra)
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


# ----------------------------------------------------------------------------------------
# audit by linear programming


def _highs_api():
    """The HiGHS Python binding that lets one model be solved again and again (warm start):
    the copy scipy ships (``scipy.optimize._highspy``, a private module), else ``highspy``
    when installed; None means plain ``linprog``."""
    try:
        from scipy.optimize._highspy import _core

        return _core._Highs, _core
    except ImportError:  # pragma: no cover - depends on the scipy build
        pass
    try:  # pragma: no cover - only without scipy's binding
        import highspy

        return highspy.Highs, getattr(highspy, "_core", highspy)
    except ImportError:  # pragma: no cover
        return None


_INFEASIBLE = "the published cells contradict each other or the bounds"


def set_colwise_matrix(lp, A, core):
    """Give a HiGHS model the sparse column-wise (CSC) constraint matrix ``A``."""
    lp.a_matrix_.format_ = core.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)


class _HighsLP:
    """One LP (equalities ``A z = b``, bounds on ``z``) whose objective is changed between
    solves: after the first solve HiGHS restarts from the last basis with the primal simplex
    (the basis stays primal feasible when only the objective changes), which takes a few
    iterations per solve."""

    def __init__(self, api, A: sp.csc_matrix, b: np.ndarray, lo: np.ndarray, hi: np.ndarray):
        highs_cls, core = api
        self.data = (A, b, lo, hi)
        self.core = core
        self.h = h = highs_cls()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        lp = core.HighsLp()
        lp.num_col_ = A.shape[1]
        lp.num_row_ = A.shape[0]
        lp.col_cost_ = np.zeros(A.shape[1])
        lp.col_lower_ = lo
        lp.col_upper_ = hi
        lp.row_lower_ = b
        lp.row_upper_ = b
        set_colwise_matrix(lp, A, core)
        h.passModel(lp)
        self.cost_idx = np.zeros(0, dtype=np.int32)
        self.warm = False

    def solve(self, idx: np.ndarray, coef: np.ndarray, maximize: bool):
        """Optimal value (``±inf`` when unbounded) and the optimal point (or None)."""
        h, core = self.h, self.core
        if self.cost_idx.size:
            h.changeColsCost(self.cost_idx.size, self.cost_idx, np.zeros(self.cost_idx.size))
        idx = idx.astype(np.int32)
        h.changeColsCost(idx.size, idx, coef.astype(np.float64))
        self.cost_idx = idx
        h.changeObjectiveSense(core.ObjSense.kMaximize if maximize else core.ObjSense.kMinimize)
        h.run()
        status = h.getModelStatus()
        if status == core.HighsModelStatus.kOptimal:
            if not self.warm:
                self.warm = True
                h.setOptionValue("presolve", "off")
                h.setOptionValue("simplex_strategy", 4)
                h.setOptionValue("simplex_scale_strategy", 0)
            return h.getInfo().objective_function_value, np.asarray(h.getSolution().col_value)
        if status in (core.HighsModelStatus.kUnbounded,
                      core.HighsModelStatus.kUnboundedOrInfeasible):
            return (np.inf if maximize else -np.inf), None
        if status == core.HighsModelStatus.kInfeasible:
            if self.warm:  # the warm start's numerics: once more from scratch
                self.__init__((type(h), core), *self.data)
                return self.solve(idx, coef, maximize)
            raise InconsistentCells(_INFEASIBLE)
        raise RuntimeError(  # pragma: no cover - no time or iteration limits are set
            f"HiGHS stopped with {h.modelStatusToString(status)}")


class _LinprogLP:
    """The same through ``scipy.optimize.linprog``: one fresh solve per bound."""

    def __init__(self, A: sp.csc_matrix, b: np.ndarray, lo: np.ndarray, hi: np.ndarray):
        from scipy.optimize import linprog

        self.linprog = linprog
        self.A, self.b = A, b
        self.bnds = [(a if np.isfinite(a) else None, c if np.isfinite(c) else None)
                     for a, c in zip(lo.tolist(), hi.tolist(), strict=True)]

    def solve(self, idx: np.ndarray, coef: np.ndarray, maximize: bool):
        c = np.zeros(self.A.shape[1])
        c[idx] = -coef if maximize else coef
        res = self.linprog(c, A_eq=self.A, b_eq=self.b, bounds=self.bnds, method="highs")
        if res.status == 0:
            return (-res.fun if maximize else res.fun), res.x
        if res.status == 3:
            return (np.inf if maximize else -np.inf), None
        if res.status == 2:
            raise InconsistentCells(_INFEASIBLE)
        raise RuntimeError(res.message)  # pragma: no cover


def _box_terms(a: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Smallest and largest values of ``a_u * z_u`` for ``lo_u <= z_u <= hi_u`` (``a_u != 0``)."""
    with np.errstate(invalid="ignore"):
        t_lo, t_hi = a * lo, a * hi
    return np.minimum(t_lo, t_hi), np.maximum(t_lo, t_hi)


def _certified_bounds(A: sp.csr_matrix, rhs: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                      objs: list[tuple[np.ndarray, np.ndarray]]):
    """Valid lower and upper bounds of each objective that need no LP.

    For any equality ``a . z = rhs`` (and for ``a = 0``, which gives the box bounds),
    ``c . z = rhs - (a - c) . z``, and ``(a - c) . z`` is bounded by the box.  Only the
    equalities sharing a variable with the objective are tried.  When some feasible point
    found later attains such a bound, the bound is the optimum.
    """
    # per equality: the box range of a . z, as a finite sum plus a count of infinite terms
    row_of = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    mn, mx = _box_terms(A.data, lo[A.indices], hi[A.indices])
    fin_mn, fin_mx = np.isfinite(mn), np.isfinite(mx)
    n = A.shape[0]
    sum_mn = np.bincount(row_of, np.where(fin_mn, mn, 0.0), n).tolist()
    inf_mn = np.bincount(row_of, ~fin_mn, n).astype(np.int64).tolist()
    sum_mx = np.bincount(row_of, np.where(fin_mx, mx, 0.0), n).tolist()
    inf_mx = np.bincount(row_of, ~fin_mx, n).astype(np.int64).tolist()
    Ac = A.tocsc()
    indptr, indices, data = Ac.indptr.tolist(), Ac.indices.tolist(), Ac.data.tolist()
    lo_l, hi_l, rhs_l = lo.tolist(), hi.tolist(), rhs.tolist()
    inf = math.inf

    def term(d: float, u: int) -> tuple[float, float]:
        a, b = d * lo_l[u], d * hi_l[u]
        return (a, b) if a <= b else (b, a)

    lb = np.full(len(objs), -np.inf)
    ub = np.full(len(objs), np.inf)
    for o, (v, c) in enumerate(objs):
        v, c = v.tolist(), c.tolist()
        coef = [dict(zip(indices[indptr[u]:indptr[u + 1]], data[indptr[u]:indptr[u + 1]],
                         strict=True)) for u in v]
        best_lo, best_hi = -inf, inf
        for row in [-1, *indices[indptr[v[0]]:indptr[v[0] + 1]]]:
            if row < 0:
                r, s_mn, n_mn, s_mx, n_mx = 0.0, 0.0, 0, 0.0, 0
            else:
                r, s_mn, n_mn, s_mx, n_mx = rhs_l[row], sum_mn[row], inf_mn[row], \
                    sum_mx[row], inf_mx[row]
            for u, cu, cf in zip(v, c, coef, strict=True):
                a = cf.get(row, 0.0) if row >= 0 else 0.0
                if a:  # take a_u z_u out of the row's range ...
                    t0, t1 = term(a, u)
                    if t0 == -inf:
                        n_mn -= 1
                    else:
                        s_mn -= t0
                    if t1 == inf:
                        n_mx -= 1
                    else:
                        s_mx -= t1
                d = a - cu
                if d:  # ... and put (a_u - c_u) z_u in
                    t0, t1 = term(d, u)
                    if t0 == -inf:
                        n_mn += 1
                    else:
                        s_mn += t0
                    if t1 == inf:
                        n_mx += 1
                    else:
                        s_mx += t1
            if n_mn == 0 and r - s_mn < best_hi:
                best_hi = r - s_mn
            if n_mx == 0 and r - s_mx > best_lo:
                best_lo = r - s_mx
        lb[o], ub[o] = best_lo, best_hi
    return lb, ub


SCALE_TO = 2.0 ** 20   # a block's largest magnitude is brought down to about this


def _block_scale(rhs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """A power of two by which a block's right-hand sides and bounds are divided before
    HiGHS sees them, so that its absolute tolerances (1e-7) are tolerances relative to the
    block's magnitudes (about 1e-13): totals of billions are then solved as accurately as
    totals of hundreds. A power of two divides without rounding: exact data stays exact."""
    finite = [np.abs(a[np.isfinite(a)]) for a in (rhs, lo, hi)]
    largest = max((float(a.max()) for a in finite if a.size), default=0.0)
    if largest <= SCALE_TO:
        return 1.0
    return 2.0 ** math.floor(math.log2(largest / SCALE_TO))


def _block_bounds(A: sp.csc_matrix, rhs: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                  objs: list[tuple[np.ndarray, np.ndarray]], use_highs: bool, tol: float,
                  progress: Progress = None, offset: int = 0, total: int = 0):
    """Minimum and maximum of each objective over ``{z : A z = rhs, lo <= z <= hi}``."""
    factor = _block_scale(rhs, lo, hi)
    if factor != 1.0:
        low, high = _block_bounds(A, rhs / factor, lo / factor, hi / factor, objs, use_highs,
                                  tol, progress, offset, total)
        return low * factor, high * factor
    lb, ub = _certified_bounds(A.tocsr(), rhs, lo, hi, objs)
    n = len(objs)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([v.size for v, _ in objs])
    obj_mat = sp.csr_matrix((np.concatenate([c for _, c in objs]),
                             np.concatenate([v for v, _ in objs]), indptr), shape=(n, A.shape[1]))
    eps_lb = tol * np.maximum(1.0, np.abs(np.nan_to_num(lb, posinf=0.0, neginf=0.0)))
    eps_ub = tol * np.maximum(1.0, np.abs(np.nan_to_num(ub, posinf=0.0, neginf=0.0)))

    def absorb(z):
        val = obj_mat @ z
        hit = np.isnan(low) & (np.abs(val - lb) <= eps_lb)
        low[hit] = lb[hit]
        hit = np.isnan(high) & (np.abs(val - ub) <= eps_ub)
        high[hit] = ub[hit]

    api = _highs_api() if use_highs else None
    model = _HighsLP(api, A, rhs, lo, hi) if api is not None else _LinprogLP(A, rhs, lo, hi)
    step = max(1, total // 100)
    for o, (v, c) in enumerate(objs):
        for maximize, out in ((False, low), (True, high)):
            if np.isnan(out[o]):
                val, z = model.solve(v, c, maximize)
                out[o] = val
                if z is not None:
                    absorb(z)
        if progress is not None and (offset + o + 1) % step == 0:
            progress(offset + o + 1, total)
    return low, high


def _block_bounds_job(args):
    """Process-pool entry point: arrays in, arrays out."""
    (indptr, indices, data, shape), rhs, lo, hi, objs, use_highs, tol = args
    A = sp.csc_matrix((data, indices, indptr), shape=shape)
    return _block_bounds(A, rhs, lo, hi, objs, use_highs, tol)


def _rest(C: sp.csr_matrix, b: np.ndarray, filled: np.ndarray):
    """``b - C @ filled`` (what each published sum leaves once its known parts are taken
    off) and the float noise of each rest. The noise is at the scale of the sum, not of
    the rest: cells of 0.0 beside 536870852.4 leave -6e-8, which no non-negative cells add
    up to. A rest within its noise is exactly zero."""
    rest = b - C @ filled
    terms = np.diff(C.indptr) + 1
    noise = 4 * np.finfo(np.float64).eps * terms * (np.abs(b) + abs(C) @ np.abs(filled))
    rest[np.abs(rest) <= noise] = 0.0
    return rest, noise


def _known_inner(x: sp.csc_matrix, values: np.ndarray, published: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray, tol: float):
    """Inner cells whose value follows directly from the published cells: published inner
    cells, cells fixed by their bounds, and, repeatedly, the last unknown cell of a published
    sum.  Returns (known values with NaN for unknown, constraint matrix rows x inner, rhs)."""
    n_inner = x.shape[0]
    known = np.full(n_inner, np.nan)
    fixed = lo == hi
    known[fixed] = lo[fixed]
    pub = np.flatnonzero(published)
    C = x[:, pub].T.tocsr()          # one row per published cell
    b = values[pub].astype(np.float64)
    while True:
        unknown = np.isnan(known)
        K = C[:, unknown]
        cnt = np.diff(K.indptr)
        ones = np.flatnonzero(cnt == 1)
        if ones.size == 0:
            break
        rest, noise = _rest(C, b, np.where(unknown, 0.0, known))
        unknown_idx = np.flatnonzero(unknown)
        var = unknown_idx[K.indices[K.indptr[ones]]]
        coef = K.data[K.indptr[ones]]
        val = rest[ones] / coef
        slack = noise[ones] / np.abs(coef)
        # the same inner cell may be fixed by several sums: they must agree
        order = np.argsort(var, kind="stable")
        var, val, slack = var[order], val[order], slack[order]
        first = np.ones(var.size, dtype=bool)
        first[1:] = var[1:] != var[:-1]
        starts = np.diff(np.append(np.flatnonzero(first), var.size))
        base, base_slack = np.repeat(val[first], starts), np.repeat(slack[first], starts)
        source = ones[order]
        apart = np.flatnonzero(np.abs(val - base) >
                               tol * np.maximum(1.0, np.abs(base)) + slack + base_slack)
        if apart.size:
            k = int(apart[0])
            other = int(source[np.flatnonzero(var == var[k])[0]])
            raise InconsistentCells(
                f"{_INFEASIBLE}: two published cells give one inner cell two values "
                f"({base[k]:.15g} and {val[k]:.15g})", [pub[other], pub[source[k]]])
        v0, x0 = var[first], val[first]
        s0 = slack[first]
        outside = np.flatnonzero((x0 < lo[v0] - tol * np.maximum(1.0, np.abs(x0)) - s0) |
                                 (x0 > hi[v0] + tol * np.maximum(1.0, np.abs(x0)) + s0))
        if outside.size:
            k = int(outside[0])
            raise InconsistentCells(
                f"{_INFEASIBLE}: the published cells leave one inner cell the value "
                f"{x0[k]:.15g}, outside its bounds [{lo[v0[k]]:g}, {hi[v0[k]]:g}]",
                [pub[source[first][k]]])
        known[v0] = x0
    return known, C, b


def audit(x, values, suppressed, *, lower=0.0, upper=None, protection=None,
          progress: Progress = None, tol: float = 1e-6, engine: str = "auto",
          workers: int = 1, targets=None) -> list[dict]:
    """Feasible interval of every suppressed cell, by linear programming (HiGHS).

    The unknowns are the inner cells; each published cell ``j`` gives the equality
    ``x[:, j] . inner == values[j]``; the inner cells lie between ``lower`` (default 0: the
    values are non-negative; ``None`` for no bound) and ``upper`` (default none), each a
    scalar or an array over the inner cells (an attacker who knows some inner cells can be
    modelled by ``lower == upper`` there).  For each suppressed cell its value is minimised
    and maximised.

    Returns one dict per suppressed cell, in cell order: ``{"cell", "value", "low", "high",
    "exposed"}``.  ``exposed`` is true when ``high - low`` is zero (to ``tol``, relative to the
    value), or, when ``protection`` (a percentage, scalar or per cell) is given, when the
    interval does not reach ``protection`` % of the value below and above it.

    Inner cells fixed by what is published are eliminated first and the LP is split into
    independent blocks.  Each block is one HiGHS model re-solved with a new objective
    (``engine="highs"``; scipy's own HiGHS binding, or ``highspy`` without it), or
    ``scipy.optimize.linprog`` is called per bound (``engine="linprog"``); ``"auto"`` takes the
    first when available.  A bound is not solved for when a valid bound derived from one
    published sum is attained by a point found by an earlier solve.  ``workers > 1`` shares
    the objectives of large blocks among that many processes.  ``targets`` (booleans over the
    cells) limits the bounds computed to those suppressed cells (the others still count as
    unknown).
    """
    x = _as_csc(x, integer=False)
    n_inner, n_cells = x.shape
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (n_cells,):
        raise ValueError(f"values must have shape ({n_cells},)")
    if not np.all(np.isfinite(values)):
        raise ValueError("values must be finite numbers")
    suppressed = _bools(suppressed, n_cells, "suppressed")
    lo = _per_item(lower, n_inner, "lower", -np.inf)
    hi = _per_item(upper, n_inner, "upper", np.inf)
    if np.any(lo > hi):
        raise ValueError("lower exceeds upper for some inner cell")
    if protection is not None:
        protection = _per_item(protection, n_cells, "protection", 0.0)
    if engine not in ("auto", "highs", "linprog"):
        raise ValueError("engine must be 'auto', 'highs' or 'linprog'")
    use_highs = engine != "linprog" and _highs_api() is not None
    if engine == "highs" and not use_highs:
        raise RuntimeError("no HiGHS binding available")

    cells = np.flatnonzero(suppressed if targets is None
                           else suppressed & _bools(targets, n_cells, "targets"))
    if cells.size == 0:
        return []
    known, C, b = _known_inner(x, values, ~suppressed, lo, hi, tol)
    pub = np.flatnonzero(~suppressed)   # the cell of each row of C
    unknown = np.isnan(known)
    var_of_row = np.full(n_inner, -1, dtype=np.int64)
    var_rows = np.flatnonzero(unknown)
    var_of_row[var_rows] = np.arange(var_rows.size)
    rhs, _noise = _rest(C, b, np.where(unknown, 0.0, known))
    K = C[:, unknown].tocsr()
    has = np.diff(K.indptr) > 0
    scale = np.maximum(1.0, np.abs(b))
    wrong = np.flatnonzero(~has & (np.abs(rhs) > tol * scale))
    if wrong.size:
        k = int(wrong[0])
        raise InconsistentCells(
            f"{_INFEASIBLE}: a published cell is {b[k]:.15g} but its parts, all known, add "
            f"up to {b[k] - rhs[k]:.15g}", [pub[k]])
    K, rhs, pub = K[has], rhs[has], pub[has]
    nv, nc = var_rows.size, K.shape[0]
    # independent blocks: connected components of the variables-constraints graph
    if nv:
        graph = sp.bmat([[None, K.T], [K, None]], format="csr") if nc else sp.csr_matrix((nv, nv))
        n_blocks, label = connected_components(graph, directed=False)
        label = label[:nv]
        cons_label = label[K.indices[K.indptr[:-1]]] if nc else np.zeros(0, dtype=np.int64)
    else:
        n_blocks, label, cons_label = 0, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)

    # split each suppressed cell's objective into a constant and one part per block; equal
    # parts (duplicate cells) are solved once
    low = np.zeros(cells.size)
    high = np.zeros(cells.size)
    parts: dict[int, dict[tuple, list]] = {}
    for i, j in enumerate(cells.tolist()):
        s, e = x.indptr[j], x.indptr[j + 1]
        rows, coef = x.indices[s:e], x.data[s:e]
        k = ~unknown[rows]
        low[i] = high[i] = float(coef[k] @ known[rows[k]])
        if (~k).any():
            v, cv = var_of_row[rows[~k]], coef[~k]
            lab = label[v]
            for comp in np.unique(lab).tolist():
                m = lab == comp
                key = (v[m].tobytes(), cv[m].tobytes())
                entry = parts.setdefault(comp, {}).setdefault(key, [v[m], cv[m], []])
                entry[2].append(i)

    var_order = np.argsort(label, kind="stable")
    var_start = np.searchsorted(label[var_order], np.arange(n_blocks + 1))
    cons_order = np.argsort(cons_label, kind="stable")
    cons_start = np.searchsorted(cons_label[cons_order], np.arange(n_blocks + 1))
    total = sum(len(p) for p in parts.values())
    done = 0
    jobs = []
    for comp, entries in parts.items():
        items = list(entries.values())
        cvars = var_order[var_start[comp]:var_start[comp + 1]]
        ccons = cons_order[cons_start[comp]:cons_start[comp + 1]]
        local = np.full(nv, -1, dtype=np.int64)
        local[cvars] = np.arange(cvars.size)
        clo, chi = lo[var_rows[cvars]], hi[var_rows[cvars]]
        objs = [(local[v], cv) for v, cv, _ in items]
        if ccons.size == 0:
            # an inner cell in no published sum: its bounds are its interval
            mins = [float(np.minimum(c * clo[v], c * chi[v]).sum()) for v, c in objs]
            maxs = [float(np.maximum(c * clo[v], c * chi[v]).sum()) for v, c in objs]
        else:
            A = K[ccons][:, cvars].tocsc()
            if workers > 1 and len(objs) >= 200:
                jobs.append((items, A, rhs[ccons], clo, chi, objs, pub[ccons]))
                continue
            try:
                mins, maxs = _block_bounds(A, rhs[ccons], clo, chi, objs, use_highs, tol,
                                           progress, done, total)
            except InconsistentCells:
                raise _diagnose(A, rhs[ccons], clo, chi, pub[ccons], tol) from None
        for (_v, _c, owners), mn, mx in zip(items, mins, maxs, strict=True):
            for i in owners:
                low[i] += mn
                high[i] += mx
        done += len(items)
        if progress is not None:
            progress(done, total)
    if jobs:
        done = _run_parallel(jobs, workers, use_highs, tol, low, high, progress, done, total)
    if progress is not None:
        progress(total, total)

    out = []
    for i, j in enumerate(cells.tolist()):
        v = float(values[j])
        eps = tol * max(1.0, abs(v))
        lo_i, hi_i = float(low[i]), float(high[i])
        exposed = hi_i - lo_i <= eps
        if protection is not None and not exposed:
            need = protection[j] / 100.0 * abs(v)
            exposed = (v - lo_i < need - eps) or (hi_i - v < need - eps)
        out.append({"cell": j, "value": v, "low": lo_i, "high": hi_i, "exposed": bool(exposed)})
    return out


def _diagnose(A: sp.csc_matrix, rhs: np.ndarray, lo: np.ndarray, hi: np.ndarray,
              cells: np.ndarray, tol: float) -> InconsistentCells:
    """Which published cells of a block the LP found infeasible are to blame: the first
    whose equality alone cannot hold within the bounds of its unknown parts, else all."""
    R = A.tocsr()
    row_of = np.repeat(np.arange(R.shape[0]), np.diff(R.indptr))
    mn, mx = _box_terms(R.data, lo[R.indices], hi[R.indices])
    with np.errstate(invalid="ignore"):
        low = np.bincount(row_of, mn, R.shape[0])
        high = np.bincount(row_of, mx, R.shape[0])
    eps = tol * np.maximum(1.0, np.abs(rhs))
    alone = np.flatnonzero((rhs < low - eps) | (rhs > high + eps))
    if alone.size:
        k = int(alone[0])
        return InconsistentCells(
            f"{_INFEASIBLE}: a published cell needs its unknown parts to add up to "
            f"{rhs[k]:.15g}, but they can only reach [{low[k]:.15g}, {high[k]:.15g}]",
            [cells[k]])
    return InconsistentCells(
        f"{_INFEASIBLE}: no values of the {A.shape[1]} unknown inner cells agree with "
        f"the {A.shape[0]} published cells they make up", cells.tolist())


def _run_parallel(jobs, workers, use_highs, tol, low, high, progress, done, total):
    """Large blocks: their objectives in ``workers`` chunks, one process each (spawned, so
    that it is safe in a threaded server)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    tasks = []
    for items, A, rhs, clo, chi, objs, cells in jobs:
        mat = (A.indptr, A.indices, A.data, A.shape)
        for k in range(workers):
            sel = list(range(k, len(objs), workers))
            tasks.append((items, sel, (mat, rhs, clo, chi, [objs[s] for s in sel], use_highs,
                                       tol), (A, rhs, clo, chi, cells)))
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [(items, sel, pool.submit(_block_bounds_job, args), block)
                   for items, sel, args, block in tasks]
        for items, sel, fut, block in futures:
            try:
                mins, maxs = fut.result()
            except InconsistentCells:
                raise _diagnose(*block, tol) from None
            for s, mn, mx in zip(sel, mins, maxs, strict=True):
                for i in items[s][2]:
                    low[i] += mn
                    high[i] += mx
            done += len(sel)
            if progress is not None:
                progress(done, total)
    return done
