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

__all__ = ["UnprotectedCellsWarning", "audit", "gauss_suppress"]

Progress = Callable[[int, int], object] | None


class UnprotectedCellsWarning(UserWarning):
    """Primary cells that no suppression pattern can protect.

    Cells that must be published (``forbidden`` or not among the candidates) may make a primary
    cell computable, and a primary cell with an empty column (no inner cell) is always known.
    ``cells`` lists them (indices into the columns of ``x``; extra primary cells are numbered
    from ``x.shape[1]`` on).
    """

    def __init__(self, message: str, cells: list[int]):
        super().__init__(message)
        self.cells = cells


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
        self._key: dict[tuple, int] = {}
        self.owner: dict[int, int] = {}    # role -> group that owns it (knows it), or -1

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
        self.owner[role] = owner

    def add_knowledge(self, row: int, group: int) -> None:
        i = self.track({row: 1})
        self.T_E[i] = group
        self.group_E[group].append(i)

    def drop_roles(self, roles) -> None:
        roles = set(roles)
        for i, rs in enumerate(self.T_B):
            if rs and roles.intersection(rs):
                self.T_B[i] = [p for p in rs if p not in roles]

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

        Returns ``(plan, new_vectors, exposed_roles)``; with ``collect`` false it stops at the
        first exposed role.
        """
        plan = self._plan(v, r)
        exposed: list[int] = []
        T_B = self.T_B
        for u, _m, _f, new_len, _ns in plan:
            if new_len == 0 and T_B[u]:
                exposed.extend(T_B[u])
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
        tests: set[tuple[int, int]] = set()
        srow_group, rowT = self.srow_group, self.rowT
        touched_E = [w for w in pure if T_E[w] >= 0]
        for u in pure:
            if not T_B[u]:
                continue
            nu = new[u]
            for rho in nu:
                tests.add((u, srow_group[rho]))
                for w in rowT.get(rho, ()):
                    if T_E[w] >= 0 and w not in touched:
                        tests.add((u, T_E[w]))
            for w in touched_E:
                if not new[w].keys().isdisjoint(nu):
                    tests.add((u, T_E[w]))
        for w in touched_E:
            g = T_E[w]
            rows: set[int] = set()
            for e in self.group_E[g]:
                rows.update(new[e] if e in new else T[e])
            for rho in rows:
                for u in rowT.get(rho, ()):
                    if T_B[u] and u not in touched and self.T_ns[u] == 0:
                        tests.add((u, g))
            for u in pure:
                if T_B[u] and not rows.isdisjoint(new[u]):
                    tests.add((u, g))
        owner = self.owner
        for u, g in tests:
            roles = [p for p in T_B[u] if owner[p] != g]
            if not roles:
                continue
            vec = new[u] if u in new else T[u]
            basis = [new[e] if e in new else T[e] for e in self.group_E[g]]
            if _in_span(vec, [b for b in basis if b]):
                exposed.extend(roles)
                if not collect:
                    return plan, new, exposed
        return plan, new, exposed

    def commit(self, v: dict[int, int], r: int, plan, new) -> None:
        T, rowT = self.T, self.rowT
        for u, m, f, _new_len, new_ns in plan:
            b = T[u]
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
                unprotectable.extend(exposed)
                elim.drop_roles(exposed)
            else:
                result[c] = True
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    if unprotectable:
        cells = sorted(set(unprotectable))
        warnings.warn(UnprotectedCellsWarning(
            f"{len(cells)} primary cell(s) cannot be protected: their value follows from cells "
            f"that must be published: {cells[:20]}", cells), stacklevel=2)
    return result


# ----------------------------------------------------------------------------------------
# audit by linear programming


def _highs_api():
    """The HiGHS Python binding that lets one model be solved again and again (warm start):
    ``highspy`` when installed, else the copy that scipy ships (``scipy.optimize._highspy``,
    a private module, hence the fallback to plain ``linprog``)."""
    try:
        import highspy

        core = highspy._core if hasattr(highspy, "_core") else highspy
        return highspy.Highs, core
    except ImportError:
        pass
    try:
        from scipy.optimize._highspy import _core

        return _core._Highs, _core
    except ImportError:  # pragma: no cover - depends on the scipy build
        return None


class _HighsLP:
    """One LP (equalities ``A z = b``, bounds on ``z``) whose objective is changed between
    solves, so HiGHS restarts from the last basis."""

    def __init__(self, api, A: sp.csc_matrix, b: np.ndarray, lo: np.ndarray, hi: np.ndarray):
        highs_cls, core = api
        self.core = core
        self.h = h = highs_cls()
        h.setOptionValue("output_flag", False)
        lp = core.HighsLp()
        lp.num_col_ = A.shape[1]
        lp.num_row_ = A.shape[0]
        lp.col_cost_ = np.zeros(A.shape[1])
        lp.col_lower_ = lo
        lp.col_upper_ = hi
        lp.row_lower_ = b
        lp.row_upper_ = b
        lp.a_matrix_.format_ = core.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(np.float64)
        h.passModel(lp)
        self.cost_idx = np.zeros(0, dtype=np.int32)

    def bounds(self, idx: np.ndarray, coef: np.ndarray) -> tuple[float, float]:
        h, core = self.h, self.core
        if self.cost_idx.size:
            h.changeColsCost(self.cost_idx.size, self.cost_idx, np.zeros(self.cost_idx.size))
        idx = idx.astype(np.int32)
        h.changeColsCost(idx.size, idx, coef.astype(np.float64))
        self.cost_idx = idx
        out = []
        for sense, sign in ((core.ObjSense.kMinimize, 1.0), (core.ObjSense.kMaximize, -1.0)):
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == core.HighsModelStatus.kOptimal:
                out.append(h.getInfo().objective_function_value)
            elif status in (core.HighsModelStatus.kUnbounded,
                            core.HighsModelStatus.kUnboundedOrInfeasible):
                out.append(-sign * np.inf)
            elif status == core.HighsModelStatus.kInfeasible:
                raise ValueError("the published cells contradict each other or the bounds")
            else:  # pragma: no cover - time or iteration limits are not set
                raise RuntimeError(f"HiGHS stopped with {h.modelStatusToString(status)}")
        return out[0], out[1]


class _LinprogLP:
    """The same through ``scipy.optimize.linprog``: one fresh solve per bound."""

    def __init__(self, A: sp.csc_matrix, b: np.ndarray, lo: np.ndarray, hi: np.ndarray):
        from scipy.optimize import linprog

        self.linprog = linprog
        self.A, self.b = A, b
        self.bnds = np.column_stack([lo, hi])
        self.bnds = [(None if not np.isfinite(a) else a, None if not np.isfinite(c) else c)
                     for a, c in self.bnds]

    def bounds(self, idx: np.ndarray, coef: np.ndarray) -> tuple[float, float]:
        c = np.zeros(self.A.shape[1])
        c[idx] = coef
        out = []
        for sign in (1.0, -1.0):
            res = self.linprog(sign * c, A_eq=self.A, b_eq=self.b, bounds=self.bnds,
                               method="highs")
            if res.status == 0:
                out.append(sign * res.fun)
            elif res.status == 3:
                out.append(-sign * np.inf)
            elif res.status == 2:
                raise ValueError("the published cells contradict each other or the bounds")
            else:  # pragma: no cover
                raise RuntimeError(res.message)
        return out[0], out[1]


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
        filled = np.where(unknown, 0.0, known)
        rest = b - C @ filled
        unknown_idx = np.flatnonzero(unknown)
        var = unknown_idx[K.indices[K.indptr[ones]]]
        coef = K.data[K.indptr[ones]]
        val = rest[ones] / coef
        # the same inner cell may be fixed by several sums: they must agree
        order = np.argsort(var, kind="stable")
        var, val = var[order], val[order]
        first = np.ones(var.size, dtype=bool)
        first[1:] = var[1:] != var[:-1]
        base = np.repeat(val[first], np.diff(np.append(np.flatnonzero(first), var.size)))
        if np.any(np.abs(val - base) > tol * np.maximum(1.0, np.abs(base))):
            raise ValueError("the published cells contradict each other")
        known[var[first]] = val[first]
    return known, C, b


def audit(x, values, suppressed, *, lower=0.0, upper=None, protection=None,
          progress: Progress = None, tol: float = 1e-6, engine: str = "auto") -> list[dict]:
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
    independent blocks; each block is one HiGHS model re-solved with a new objective
    (``engine="highs"``), or ``scipy.optimize.linprog`` is called per bound
    (``engine="linprog"``); ``"auto"`` takes the first when available.
    """
    x = _as_csc(x, integer=False)
    n_inner, n_cells = x.shape
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (n_cells,):
        raise ValueError(f"values must have shape ({n_cells},)")
    suppressed = _bools(suppressed, n_cells, "suppressed")
    lo = _per_item(lower, n_inner, "lower", -np.inf)
    hi = _per_item(upper, n_inner, "upper", np.inf)
    if np.any(lo > hi):
        raise ValueError("lower exceeds upper for some inner cell")
    if protection is not None:
        protection = _per_item(protection, n_cells, "protection", 0.0)
    if engine not in ("auto", "highs", "linprog"):
        raise ValueError("engine must be 'auto', 'highs' or 'linprog'")
    api = _highs_api() if engine != "linprog" else None
    if engine == "highs" and api is None:
        raise RuntimeError("no HiGHS binding available")

    cells = np.flatnonzero(suppressed)
    if cells.size == 0:
        return []
    known, C, b = _known_inner(x, values, ~suppressed, lo, hi, tol)
    unknown = np.isnan(known)
    var_of_row = np.full(n_inner, -1, dtype=np.int64)
    var_rows = np.flatnonzero(unknown)
    var_of_row[var_rows] = np.arange(var_rows.size)
    filled = np.where(unknown, 0.0, known)
    rhs = b - C @ filled
    K = C[:, unknown].tocsr()
    has = np.diff(K.indptr) > 0
    scale = np.maximum(1.0, np.abs(b))
    if np.any(np.abs(rhs[~has]) > tol * scale[~has]):
        raise ValueError("the published cells contradict each other")
    K, rhs = K[has], rhs[has]
    nv, nc = var_rows.size, K.shape[0]
    # independent blocks: connected components of the variables-constraints graph
    if nv:
        graph = sp.bmat([[None, K.T], [K, None]], format="csr")
        _, label = connected_components(graph, directed=False)
        label = label[:nv]
        cons_label = label[K.indices[K.indptr[:-1]]] if nc else np.zeros(0, dtype=np.int64)
    else:
        label = cons_label = np.zeros(0, dtype=np.int64)

    # split each suppressed cell's objective into a constant and one part per block
    low = np.zeros(cells.size)
    high = np.zeros(cells.size)
    parts: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {}
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
                parts.setdefault(comp, []).append((i, v[m], cv[m]))

    total = sum(len(p) for p in parts.values())
    done = 0
    step = max(1, total // 100)
    cons_order = np.argsort(cons_label, kind="stable")
    cons_start = np.searchsorted(cons_label[cons_order], np.arange(label.max() + 2)) \
        if nv else np.zeros(1, dtype=np.int64)
    var_order = np.argsort(label, kind="stable")
    var_start = np.searchsorted(label[var_order], np.arange(label.max() + 2)) \
        if nv else np.zeros(1, dtype=np.int64)
    for comp, items in parts.items():
        cvars = var_order[var_start[comp]:var_start[comp + 1]]
        ccons = cons_order[cons_start[comp]:cons_start[comp + 1]]
        local = np.full(nv, -1, dtype=np.int64)
        local[cvars] = np.arange(cvars.size)
        clo, chi = lo[var_rows[cvars]], hi[var_rows[cvars]]
        if ccons.size == 0:
            # a free inner cell: its bounds are its interval
            for i, v, cv in items:
                a, z = cv * clo[local[v]], cv * chi[local[v]]
                low[i] += float(np.minimum(a, z).sum())
                high[i] += float(np.maximum(a, z).sum())
            done += len(items)
        else:
            A = K[ccons][:, cvars].tocsc()
            if api is not None:
                model = _HighsLP(api, A, rhs[ccons], clo, chi)
            else:
                model = _LinprogLP(A, rhs[ccons], clo, chi)
            for i, v, cv in items:
                a, z = model.bounds(local[v], cv)
                low[i] += a
                high[i] += z
                done += 1
                if progress is not None and done % step == 0:
                    progress(done, total)
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
