"""The state of GAUSS elimination (``elimination.py``): exact integer Gaussian
elimination on sparse columns held as ``{row: int}`` dicts.

:class:`Eliminator` keeps the span of the published cells and, reduced by it, the columns
that must not become computable; :func:`in_span` tells whether a sole respondent's
knowledge computes one. Integers (and fractions in the small span test) make every test
exact: no rounding can hide a derivable cell.
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction

import scipy.sparse as sp


class Columns:
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


def combine(b: dict, a: dict, m: int, f: int) -> dict:
    """A new dict ``m*b - f*a`` (zeros dropped)."""
    out = {rr: m * vv for rr, vv in b.items()} if m != 1 else dict(b)
    for rr, av in a.items():
        nv = out.get(rr, 0) - f * av
        if nv:
            out[rr] = nv
        else:
            out.pop(rr, None)
    return out


def normalise(v: dict) -> None:
    """Divide an integer vector by the gcd of its entries (in place)."""
    g = 0
    for vv in v.values():
        g = math.gcd(g, vv)
        if g == 1:
            return
    if g > 1:
        for rr in v:
            v[rr] //= g


def parallel(v: dict, w: dict) -> bool:
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


def in_span(v: dict, basis: list[dict]) -> bool:
    """Whether ``v`` is a linear combination of the vectors in ``basis`` (exact, small sizes)."""
    if not v:
        return True
    basis = [b for b in basis if b]
    if not basis:
        return False
    if len(basis) == 1:
        return parallel(v, basis[0])
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
# the elimination's state


class Eliminator:
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
        normalise(v)
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
                new[u] = combine(T[u], v, m, f)
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
            if in_span(vec, basis):
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
                normalise(b)
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
