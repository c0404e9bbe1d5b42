"""The optimal suppression pattern, by mixed-integer programming (HiGHS): a yardstick for
GAUSS on small tables (up to a few thousand cells).

    result = optimal_suppress(table, primary_cells(table, rules), protection=10)
    result.status, result.optimal, result.iterations, result.bound

The pattern is the cheapest set of complementary cells (``cost="count"``: each cell costs
1; ``"value"``: its |value|) such that every primary cell's LP range — its minimum and
maximum over all non-negative inner cells that agree with the published cells — reaches
``protection`` % of its value below and above it (with 0: the range is not a point).

Constraint generation: a master problem over binary suppression variables s (primaries
fixed to 1, zero and empty cells to 0) is solved with ``scipy.optimize.milp``; its pattern
is audited by LP, one bound per primary cell and direction; every bound that falls short
gives a cut that each protected pattern satisfies, and the master is solved again. When no
bound falls short the pattern is protected and, the master being a relaxation, optimal.

The cut of a short upper bound ``hi = y · v`` (``y`` the LP's dual on the published
cells): keeping every cell with ``y_j ≠ 0`` published keeps ``y`` feasible, so at least one
must be suppressed (``Σ s_j ≥ 1`` over them). With non-negative inner cells a suppressed cell
can still only fall to 0, so the bound grows by at most ``|y_j| v_j`` for a cell with
``y_j < 0``; with ``gap`` the shortfall the cut becomes ``Σ_{y_j > 0} s_j + Σ_{y_j < 0}
min(1, |y_j| v_j / gap) s_j ≥ 1`` (Fischetti and Salazar's capacity cut), and likewise for
a short lower bound with the signs swapped. Before the first master, the same cuts are
written down for every primary cell and every relation (parent and children along one
dimension) it is in.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

TOL = 1e-6        # the audit's tolerance (relative to max(1, |value|))
DUAL_TOL = 1e-9   # duals smaller than this are taken as zero (more cells only weaken a cut)


@dataclass
class OptimalSuppression:
    status: dict                     # key -> "primary" | "secondary" (others published)
    cost: float = 0.0                # of the complementary cells
    bound: float = 0.0               # a lower bound of the optimal cost (= cost if optimal)
    optimal: bool = False            # proved optimal (no time limit hit)
    iterations: int = 0              # master problems solved
    cuts: int = 0                    # constraints generated (relation cuts included)
    unprotected: list = field(default_factory=list)   # primaries no pattern can protect
    seconds: float = 0.0

    def count(self, state):
        return sum(1 for s in self.status.values() if s == state)


# ----------------------------------------------------------------------------------------
# the attacker's LP for one pattern


class PatternLP:
    """Unknown inner cells ``z`` (``>= lower``, or free), one equality per published cell.

    ``bound(j, maximize)`` -> ``(value, point, duals)``: the extreme of cell ``j``, an inner
    point attaining it, and ``{published cell: dual}`` with ``value == Σ dual · v`` (None
    when unbounded, or when the duals could not be matched to the value)."""

    def __init__(self, x, values, suppressed, lower=0.0):
        from statportal.disclosure.gauss import _highs_api

        self.x = sp.csc_matrix(x, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float64)
        self.pub = np.flatnonzero(~np.asarray(suppressed, dtype=bool))
        self.b = self.values[self.pub]
        n_inner = self.x.shape[0]
        self.lo = np.full(n_inner, -np.inf if lower is None else float(lower))
        A = self.x[:, self.pub].T.tocsc()
        self.api = _highs_api()
        if self.api is None:  # pragma: no cover - scipy ships its HiGHS binding
            self.A = A
            return
        highs_cls, core = self.api
        self.core = core
        self.h = h = highs_cls()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("presolve", "off")  # duals of the model as given
        lp = core.HighsLp()
        lp.num_col_, lp.num_row_ = n_inner, A.shape[0]
        lp.col_cost_ = np.zeros(n_inner)
        lp.col_lower_ = self.lo
        lp.col_upper_ = np.full(n_inner, np.inf)
        lp.row_lower_ = self.b
        lp.row_upper_ = self.b
        lp.a_matrix_.format_ = core.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(np.float64)
        h.passModel(lp)
        self.cost_idx = np.zeros(0, dtype=np.int32)
        self.warm = False

    def objective(self, j):
        s, e = self.x.indptr[j], self.x.indptr[j + 1]
        return self.x.indices[s:e], self.x.data[s:e]

    def bound(self, j, maximize):
        idx, coef = self.objective(j)
        if self.api is None:  # pragma: no cover
            return self._linprog(idx, coef, maximize)
        h, core = self.h, self.core
        if self.cost_idx.size:
            h.changeColsCost(self.cost_idx.size, self.cost_idx, np.zeros(self.cost_idx.size))
        idx = idx.astype(np.int32)
        h.changeColsCost(idx.size, idx, coef)
        self.cost_idx = idx
        h.changeObjectiveSense(core.ObjSense.kMaximize if maximize else core.ObjSense.kMinimize)
        h.run()
        status = h.getModelStatus()
        if status in (core.HighsModelStatus.kUnbounded,
                      core.HighsModelStatus.kUnboundedOrInfeasible):
            return (math.inf if maximize else -math.inf), None, None
        if status != core.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS stopped with {h.modelStatusToString(status)}")
        if not self.warm:
            self.warm = True
            h.setOptionValue("simplex_strategy", 4)  # primal: the basis stays feasible
        value = h.getInfo().objective_function_value
        solution = h.getSolution()
        return value, np.asarray(solution.col_value), self._duals(solution.row_dual, value)

    def _duals(self, row_dual, value):
        y = np.asarray(row_dual, dtype=np.float64)
        if y.size == 0:
            return {}
        yv = float(y @ self.b)
        eps = 1e-6 * max(1.0, abs(value), float(np.abs(y) @ np.abs(self.b)))
        if abs(yv - value) <= eps:
            sign = 1.0
        elif abs(yv + value) <= eps:
            sign = -1.0
        else:  # pragma: no cover - numerical trouble: the caller falls back to a set cut
            return None
        nz = np.flatnonzero(np.abs(y) > DUAL_TOL)
        return {int(self.pub[k]): sign * float(y[k]) for k in nz}

    def _linprog(self, idx, coef, maximize):  # pragma: no cover - without HiGHS's binding
        from scipy.optimize import linprog

        c = np.zeros(self.x.shape[0])
        c[idx] = -coef if maximize else coef
        bounds = [(None if not np.isfinite(a) else a, None) for a in self.lo]
        res = linprog(c, A_eq=self.A if self.pub.size else None,
                      b_eq=self.b if self.pub.size else None, bounds=bounds, method="highs")
        if res.status == 3:
            return (math.inf if maximize else -math.inf), None, None
        if res.status != 0:
            raise RuntimeError(res.message)
        value = -res.fun if maximize else res.fun
        marg = res.eqlin.marginals if self.pub.size else np.zeros(0)
        return value, res.x, self._duals(marg, value)


def _short(lp, j, need, skip=(), tol=TOL):
    """The bounds of primary ``j`` that fall short of ``need`` (in value units): a list of
    ``(direction, gap, duals)``, direction +1 (upper) or -1 (lower) with the shortfall, or
    0 when the range is a point and no level is asked (the duals of both bounds merged).
    Directions in ``skip`` (known to be impossible) are not reported."""
    v = lp.values[j]
    eps = tol * max(1.0, abs(v))
    hi, _z, y_hi = lp.bound(j, True)
    lo, _z, y_lo = lp.bound(j, False)
    found = []
    if need > 0 and hi - v < need - eps and 1 not in skip:
        found.append((1, v + need - hi, y_hi))
    if need > 0 and v - lo < need - eps and -1 not in skip:
        found.append((-1, lo - (v - need), y_lo))
    if not found and hi - lo <= eps and 0 not in skip:
        merged = None if y_hi is None or y_lo is None else {
            k: 1.0 for k in set(y_hi) | set(y_lo)}
        found.append((0, 0.0, merged))
    return found


def _cut(direction, gap, duals, values, capacity):
    """``{cell: coefficient}`` of the cut ``Σ coef · s >= 1`` (None: no duals to read)."""
    if duals is None:
        return None
    if direction == 0 or not capacity:
        return {j: 1.0 for j in duals}
    cut = {}
    for j, y in duals.items():
        full = y > 0 if direction > 0 else y < 0   # the cell's bound is infinite that way
        if full:
            cut[j] = 1.0
        else:  # it can move at most to 0: |y| v_j
            cut[j] = min(1.0, math.ceil(abs(y) * abs(values[j]) / gap * 1e6) / 1e6)
    return cut


# ----------------------------------------------------------------------------------------
# the master problem and the loop


def _percentages(protection, keys, primary):
    if isinstance(protection, dict):
        return np.array([float(protection.get(k, 0.0)) if primary[n] else 0.0
                         for n, k in enumerate(keys)])
    return np.where(primary, float(protection or 0.0), 0.0)


def _relation_cuts(table, keys, primary, free, values, needs, capacity):
    """Cuts ``(tag, {cell: coef}, rhs)`` from each primary cell's own relations: some other
    cell of the relation must be suppressed (exactness), and with non-negative inner cells
    the suppressed siblings of a child must add up to its protection need unless the parent
    is suppressed (upper bound), the suppressed children of a parent likewise (lower)."""
    from statportal.disclosure.heuristic import relations

    column = {key: n for n, key in enumerate(keys)}
    cuts, hopeless = [], set()
    for relation in relations(table):
        cols = [column[k] for k in relation]
        for pos, p in enumerate(cols):
            if not primary[p]:
                continue
            others = [j for j in cols if j != p]
            need = needs[p]
            if capacity and need > 0:
                direction = -1 if pos == 0 else 1
                cut, rhs = {}, 1.0
                for j in others:
                    coef = 1.0 if (pos > 0 and j == cols[0]) else \
                        min(1.0, math.ceil(abs(values[j]) / need * 1e6) / 1e6)
                    if primary[j]:
                        rhs -= coef
                    elif free[j] and coef > 0:
                        cut[j] = coef
                if rhs <= 1e-9:
                    continue
                if sum(cut.values()) < rhs - 1e-9:
                    hopeless.add((p, direction))
                    continue
                cuts.append(((p, direction), cut, rhs))
            else:
                if any(primary[j] for j in others):
                    continue
                cut = {j: 1.0 for j in others if free[j]}
                if not cut:
                    hopeless.add((p, 0))
                    continue
                cuts.append(((p, 0), cut, 1.0))
    return cuts, hopeless


def optimal_suppress(table, primary_keys, protection=10.0, cost="count", time_limit=300.0,
                     lower="auto", progress=None, mip_rel_gap=0.0):
    """The cheapest complementary cells (``cost``: ``"count"`` or ``"value"``) that give
    every primary cell (``primary_keys``: keys or a ``{key: …}`` dict) an LP range reaching
    ``protection`` % (a number, or ``{key: percent}``) below and above its value.

    ``lower``: the inner cells' lower bound, 0, None (free) or ``"auto"`` (0 unless some
    inner value is negative). ``time_limit`` (seconds) covers the whole search: when it
    runs out, the last master pattern is completed greedily (still protected, not proved
    optimal; ``bound`` is then the master's lower bound). ``progress(iteration, short)`` is
    called after each audit. Returns an :class:`OptimalSuppression`."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    if cost not in ("count", "value"):
        raise ValueError("cost must be 'count' or 'value'")
    began = time.perf_counter()
    x, keys, inner = table.model_matrix()
    x = sp.csc_matrix(x, dtype=np.float64)
    n = len(keys)
    cells = [table.cells[k] for k in keys]
    values = np.array([c.value for c in cells], dtype=np.float64)
    primary_set = set(primary_keys)
    primary = np.array([k in primary_set for k in keys])
    forbidden = np.array([c.empty or c.value == 0 for c in cells]) & ~primary
    free = ~primary & ~forbidden
    if lower == "auto":
        lower = None if any(table.cells[k].value < 0 for k in inner) else 0.0
    capacity = lower is not None and lower >= 0
    needs = _percentages(protection, keys, primary) / 100.0 * np.abs(values)
    weights = np.where(free, 1.0 if cost == "count" else np.abs(values), 0.0)
    order = {j: r for r, j in enumerate(sorted(
        np.flatnonzero(free).tolist(), key=lambda j: (cells[j].respondents, abs(values[j]), j)))}

    cuts, hopeless = _relation_cuts(table, keys, primary, free, values, needs, capacity)
    seen = {(tuple(sorted(c.items())), rhs) for _t, c, rhs in cuts}
    result = OptimalSuppression(status={}, cuts=len(cuts))
    lb = np.where(primary, 1.0, 0.0)
    ub = np.where(forbidden, 0.0, 1.0)
    targets = np.flatnonzero(primary).tolist()
    bound, proved = 0.0, True
    pattern = primary.copy()

    def audit(pattern):
        lp = PatternLP(x, values, pattern, lower)
        found = []
        for p in targets:
            if (p, 0) in hopeless:
                continue
            skip = {d for d in (1, -1) if (p, d) in hopeless}
            found += [(p, *item) for item in _short(lp, p, needs[p], skip)]
        return found

    def add(p, direction, gap, duals):
        cut = _cut(direction, gap, duals, values, capacity)
        if cut is None:  # pragma: no cover - no duals: every published cell is a candidate
            cut = {j: 1.0 for j in np.flatnonzero(~pattern).tolist()}
        cut = {j: c for j, c in cut.items() if free[j]}
        if sum(cut.values()) < 1.0 - 1e-9:
            hopeless.add((p, direction))
            return False
        key = (tuple(sorted(cut.items())), 1.0)
        if key in seen:  # both directions of a cell can give the same cut
            return False
        seen.add(key)
        cuts.append(((p, direction), cut, 1.0))
        result.cuts += 1
        return True

    while True:
        remaining = time_limit - (time.perf_counter() - began)
        if remaining <= 0:
            proved = False
            break
        active = [(c, rhs) for tag, c, rhs in cuts if tag not in hopeless]
        constraints = []
        if active:
            rows, cols, data = [], [], []
            for r, (c, _rhs) in enumerate(active):
                rows += [r] * len(c)
                cols += list(c)
                data += list(c.values())
            A = sp.csr_matrix((data, (rows, cols)), shape=(len(active), n))
            constraints = [LinearConstraint(A, np.array([rhs for _c, rhs in active]), np.inf)]
        res = milp(weights, integrality=np.ones(n), bounds=Bounds(lb, ub),
                   constraints=constraints,
                   options={"time_limit": remaining, "mip_rel_gap": mip_rel_gap,
                            "disp": False})
        result.iterations += 1
        if res.x is None:
            if res.status == 2:  # pragma: no cover - hopeless cuts are dropped beforehand
                raise RuntimeError("the master problem is infeasible")
            proved = False
            break
        bound = float(getattr(res, "mip_dual_bound", None) or res.fun)
        if res.status != 0:
            proved = False
        pattern = res.x > 0.5
        short = audit(pattern)
        if progress is not None:
            progress(result.iterations, len(short))
        if not short:
            break
        if not proved:
            break
        added = [add(*item) for item in short]
        if not any(added) and all((p, d) not in hopeless for p, d, _g, _y in short):
            # every cut the pattern violates is already in the master  # pragma: no cover
            raise RuntimeError("constraint generation made no progress")

    # out of time: complete the last pattern greedily (the most valuable cell of each cut)
    while not proved:
        short = audit(pattern)
        if not short:
            break
        for p, direction, gap, duals in short:
            cut = _cut(direction, gap, duals, values, capacity) or {}
            cut = {j: c for j, c in cut.items() if free[j] and not pattern[j]}
            if not cut:
                hopeless.add((p, direction))
                continue
            best = max(cut, key=lambda j: (cut[j], -order[j]))
            pattern[best] = True

    result.status = {keys[j]: "primary" if primary[j] else "secondary"
                     for j in np.flatnonzero(pattern).tolist()}
    result.cost = float(weights[pattern].sum())
    result.optimal = proved
    result.bound = result.cost if proved else min(bound, result.cost)
    result.unprotected = sorted({keys[p] for p, _d in hopeless})
    result.seconds = time.perf_counter() - began
    return result
