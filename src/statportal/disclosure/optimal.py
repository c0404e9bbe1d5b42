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
To get there sooner, cuts are first separated at the master's LP relaxation, each short
master pattern is also completed greedily and pruned (``prune.py``) into a protected
incumbent, and a master that cannot beat the incumbent proves it optimal. With a time
limit the best incumbent is returned with the master's lower bound.

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
    unprotected_pairs: list = field(default_factory=list)   # likewise, pairs
    seconds: float = 0.0

    def count(self, state):
        return sum(1 for s in self.status.values() if s == state)


# ----------------------------------------------------------------------------------------
# the attacker's LP for one pattern


class PatternLP:
    """The attacker's LP: unknown inner cells ``z`` (``>= lower``, or free), one row per
    cell of the table, whose bounds say what is known of it (see :meth:`set_pattern`).

    ``bound(j, maximize)`` -> ``(value, point, duals)``: the extreme of cell ``j``, an inner
    point attaining it (None when unbounded) and ``{cell: dual}`` (HiGHS's row duals:
    ``x_j = Σ_k dual_k · row_k + reduced costs``; for a maximum, positive duals sit on
    upper row bounds, negative on lower ones, and the other way round for a minimum).

    HiGHS sees the values divided by a power of two (``factor``, as the audit's blocks:
    ``gauss._block_scale``), so that its absolute tolerances are relative to the table's
    magnitudes; bounds and points are given back in value units, duals are unchanged."""

    def __init__(self, x, values, suppressed=None, lower=0.0):
        from statportal.disclosure.gauss import _block_scale, _highs_api, set_colwise_matrix

        self.x = sp.csc_matrix(x, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float64)
        self.factor = _block_scale(self.values, np.zeros(0), np.zeros(0))
        n_inner, n = self.x.shape
        self.n = n
        self.nonneg = lower is not None and lower >= 0
        self.lo = np.full(n_inner, -np.inf if lower is None else float(lower))
        api = _highs_api()
        if api is None:  # pragma: no cover - scipy ships its HiGHS binding
            raise RuntimeError("scipy's HiGHS binding is needed")
        highs_cls, core = api
        self.core = core
        self.h = h = highs_cls()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("presolve", "off")  # duals of the model as given
        A = self.x.T.tocsc()                   # rows: cells, columns: inner cells
        lp = core.HighsLp()
        lp.num_col_, lp.num_row_ = n_inner, n
        lp.col_cost_ = np.zeros(n_inner)
        lp.col_lower_ = self.lo
        lp.col_upper_ = np.full(n_inner, np.inf)
        lp.row_lower_ = np.full(n, -np.inf)
        lp.row_upper_ = np.full(n, np.inf)
        set_colwise_matrix(lp, A, core)
        h.passModel(lp)
        self.cost_idx = np.zeros(0, dtype=np.int32)
        self.row_lo = np.full(n, -np.inf)
        self.row_hi = np.full(n, np.inf)
        if suppressed is not None:
            self.set_pattern(np.asarray(suppressed, dtype=np.float64))

    def set_pattern(self, s):
        """Row bounds for a pattern ``s`` (0 published … 1 suppressed, per cell): a
        published cell is fixed to its value; a suppressed one is free; a partly
        suppressed one (a fractional master solution) may fall by ``s_j · v_j`` and rise
        without bound when the inner cells are non-negative (free otherwise)."""
        lo = np.full(self.n, -np.inf)
        hi = np.full(self.n, np.inf)
        published = s <= 1e-9
        lo[published] = hi[published] = self.values[published]
        if self.nonneg:
            part = ~published & (s < 1 - 1e-9)
            lo[part] = self.values[part] * (1.0 - s[part])
        changed = np.flatnonzero((lo != self.row_lo) | (hi != self.row_hi))
        if changed.size:
            f = self.factor
            for j, a, b in zip(changed.tolist(), lo[changed].tolist(), hi[changed].tolist(),
                               strict=True):
                self.h.changeRowBounds(j, a / f, b / f)
            self.row_lo, self.row_hi = lo, hi
            self.h.setOptionValue("simplex_strategy", 1)  # dual: the basis stays dual feasible

    def set_row(self, j, published):
        """Publish (fix) or suppress (free) cell ``j`` alone."""
        lo, hi = (self.values[j], self.values[j]) if published else (-np.inf, np.inf)
        self.h.changeRowBounds(int(j), lo / self.factor, hi / self.factor)
        self.row_lo[j], self.row_hi[j] = lo, hi
        self.h.setOptionValue("simplex_strategy", 1)

    def bound(self, j, maximize):
        s, e = self.x.indptr[j], self.x.indptr[j + 1]
        idx, coef = self.x.indices[s:e].astype(np.int32), self.x.data[s:e]
        h, core = self.h, self.core
        if self.cost_idx.size:
            h.changeColsCost(self.cost_idx.size, self.cost_idx, np.zeros(self.cost_idx.size))
        h.changeColsCost(idx.size, idx, coef)
        self.cost_idx = idx
        h.changeObjectiveSense(core.ObjSense.kMaximize if maximize else core.ObjSense.kMinimize)
        h.run()
        status = h.getModelStatus()
        if status in (core.HighsModelStatus.kUnbounded,
                      core.HighsModelStatus.kUnboundedOrInfeasible):
            return (math.inf if maximize else -math.inf), None, None
        if status == core.HighsModelStatus.kInfeasible:
            from statportal.disclosure.gauss import _INFEASIBLE, InconsistentCells

            raise InconsistentCells(_INFEASIBLE)
        if status != core.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS stopped with {h.modelStatusToString(status)}")
        h.setOptionValue("simplex_strategy", 4)  # primal: only the objective changes next
        solution = h.getSolution()
        y = np.asarray(solution.row_dual, dtype=np.float64)
        nz = np.flatnonzero(np.abs(y) > DUAL_TOL)
        f = self.factor
        return (h.getInfo().objective_function_value * f,
                np.asarray(solution.col_value) * f,
                dict(zip(nz.tolist(), y[nz].tolist(), strict=True)))


def _short(lp, j, need, skip=(), exact=True, tol=TOL):
    """The bounds of primary ``j`` that fall short of ``need`` (in value units): a list of
    ``(direction, target, duals)``, direction +1 (the maximum must reach ``target``) or -1
    (the minimum must go down to it), or 0 when the range is a point and no level is asked
    (``exact``; the duals of both bounds merged). Directions in ``skip`` (known to be
    impossible) are not reported."""
    v = lp.values[j]
    eps = tol * max(1.0, abs(v))
    hi, _z, y_hi = lp.bound(j, True)
    lo, _z, y_lo = lp.bound(j, False)
    found = []
    if need > 0 and hi - v < need - eps and 1 not in skip:
        found.append((1, v + need, y_hi))
    if need > 0 and v - lo < need - eps and -1 not in skip:
        found.append((-1, v - need, y_lo))
    if exact and not found and hi - lo <= eps and 0 not in skip:
        found.append((0, v, {k: 1.0 for k in set(y_hi or ()) | set(y_lo or ())}))
    return found


def _cut(direction, target, duals, values, capacity):
    """``{cell: coefficient}`` of the cut ``Σ coef · s >= 1`` that every pattern meeting
    ``target`` satisfies (None when the duals do not show a shortfall)."""
    if direction == 0 or not capacity:
        return {j: 1.0 for j in duals}
    yv = sum(y * values[j] for j, y in duals.items())
    gap = (target - yv) if direction > 0 else (yv - target)
    if gap <= TOL * max(1.0, abs(target)):
        return None
    cut = {}
    for j, y in duals.items():
        if (y > 0) == (direction > 0):  # the cell's bound that way is infinite
            cut[j] = 1.0
        else:  # it can only fall to 0: |y| v_j
            cut[j] = min(1.0, math.ceil(abs(y) * abs(values[j]) / gap * 1e6) / 1e6)
    return cut


# ----------------------------------------------------------------------------------------
# the master problem and the loop


def _with_pairs(x, keys, values, pairs):
    """The model with one more cell per pair: the sum of the pair's two columns. Its key is
    the first cell's (only used to order checks by nearness), its value the sum."""
    from statportal.disclosure.protect import _pair_columns

    x = sp.csc_matrix(x, dtype=np.float64)
    column = {key: j for j, key in enumerate(keys)}
    sums = np.array([values[column[a]] + values[column[b]] for a, b in pairs])
    return (sp.hstack([x, _pair_columns(x, column, pairs)]).tocsc(),
            list(keys) + [a for a, _b in pairs], np.concatenate([values, sums]))


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
                     lower="auto", progress=None, mip_rel_gap=0.0, search_gap=0.02,
                     extra_cuts=3, relaxation_rounds=100, start=None, pairs=()):
    """The cheapest complementary cells (``cost``: ``"count"`` or ``"value"``) that give
    every primary cell (``primary_keys``: keys or a ``{key: …}`` dict) an LP range reaching
    ``protection`` % (a number, or ``{key: percent}``) below and above its value.

    ``lower``: the inner cells' lower bound, 0, None (free) or ``"auto"`` (0 unless some
    inner value is negative).

    The search: cuts are separated at the master's LP relaxation (up to
    ``relaxation_rounds`` rounds, until one adds few; a partly suppressed cell may fall by
    its share of its value). Then the master is solved as a MILP (to ``search_gap`` while
    its patterns fall short, else to ``mip_rel_gap``) and its pattern audited: each short
    bound gives a cut, and up to ``extra_cuts`` more with that cut's cells suppressed on
    trial. A short pattern is also completed greedily (the cell in most open cuts first)
    and pruned, gathering cuts on the way; the cheapest protected pattern found is kept,
    and the search stops when its cost reaches the master's lower bound (proved optimal)
    or after ``time_limit`` seconds (not proved; ``bound`` is the best lower bound).
    ``progress(phase, round, cuts_added, best_cost, bound)`` is called after each audit.
    ``start``: a pattern found elsewhere (the keys it suppresses, e.g. ``protect``'s
    status); when it is protected it is the first incumbent, so the result is never worse.
    ``pairs``: pairs of primary keys whose sum must not be derivable exactly either (two
    primaries with too few respondents together, ``protect.small_pairs``); their sums are
    cells of the model that are always suppressed and never in the result.
    Returns an :class:`OptimalSuppression`."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    if cost not in ("count", "value"):
        raise ValueError("cost must be 'count' or 'value'")
    began = time.perf_counter()
    x, keys, inner = table.model_matrix()
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
    rank = np.zeros(n)
    rank[sorted(np.flatnonzero(free).tolist(),
                key=lambda j: (cells[j].respondents, abs(values[j]), j))] = np.arange(free.sum())

    cuts, hopeless = _relation_cuts(table, keys, primary, free, values, needs, capacity)
    n_cells = n
    if pairs:
        x, keys, values = _with_pairs(x, keys, values, pairs)
        n = len(keys)
        more = n - n_cells
        primary = np.concatenate([primary, np.ones(more, dtype=bool)])
        forbidden = np.concatenate([forbidden, np.zeros(more, dtype=bool)])
        free = np.concatenate([free, np.zeros(more, dtype=bool)])
        needs, weights, rank = (np.concatenate([a, np.zeros(more)])
                                for a in (needs, weights, rank))
    seen = {tuple(sorted(c.items())): tag for tag, c, rhs in cuts if rhs == 1.0}
    result = OptimalSuppression(status={}, cuts=len(cuts))
    lb = np.where(primary, 1.0, 0.0)
    ub = np.where(forbidden, 0.0, 1.0)
    targets = np.flatnonzero(primary).tolist()
    lp = PatternLP(x, values, lower=lower)
    state = {"bound": 0.0, "best": None, "cost": math.inf}
    short = set()   # the primaries the last audit found short

    def left():
        return time_limit - (time.perf_counter() - began)

    def offer(p, direction, target, duals, s):
        """The cut of a short bound (free cells only), added unless known; None when
        pattern ``s`` meets it or no pattern can."""
        cut = _cut(direction, target, duals, values, capacity)
        if cut is None:
            return None
        cut = {j: c for j, c in cut.items() if free[j]}
        if sum(cut.values()) < 1.0 - 1e-9:
            hopeless.add((p, direction))
            return None
        if sum(c * s[j] for j, c in cut.items()) > 1.0 - 1e-6:
            return None  # not violated (a fractional point may meet it)
        key = tuple(sorted(cut.items()))
        old = seen.get(key)
        if old is None or old in hopeless:  # both directions can give the same cut
            seen[key] = (p, direction)
            cuts.append(((p, direction), cut, 1.0))
            result.cuts += 1
        return cut

    def audit(s, exact, extra=0, only=None):
        """The cuts pattern ``s`` (integer or fractional) violates, added to the master.
        With ``extra``, each short bound gives up to that many more: the cells of its cut
        are suppressed on trial and the bound audited again. ``only``: the primaries to
        audit (default all)."""
        lp.set_pattern(s)
        found = []
        for p in targets if only is None else only:
            if (p, 0) in hopeless or (not exact and needs[p] <= 0):
                continue
            skip = {d for d in (1, -1) if (p, d) in hopeless}
            found += [(p, *item) for item in _short(lp, p, needs[p], skip, exact)]
        violated = []
        short.clear()
        short.update(p for p, *_rest in found)
        for p, direction, target, duals in found:
            cut = offer(p, direction, target, duals, s)
            freed = []
            for _round in range(extra):
                if not cut:
                    break
                violated.append(cut)
                for j in cut:
                    lp.set_row(j, published=False)
                freed += list(cut)
                again = _short(lp, p, needs[p], {d for d in (1, -1, 0) if d != direction},
                               exact)
                cut = offer(p, *again[0], s) if again else None
            if cut:
                violated.append(cut)
            for j in freed:
                lp.set_row(j, published=True)
        return violated

    def keep(s):
        c = float(weights[s > 0.5].sum())
        if c < state["cost"] - 1e-9:
            state["best"], state["cost"] = s.copy(), c

    def repair(s):
        """Complete pattern ``s`` greedily until it is protected (greedy set cover of the
        cuts it violates: most open cuts per cost first, then art. 23's order), then
        publish back what the completion added and turned out not to need."""
        from statportal.disclosure.prune import prune_pattern

        start = s > 0.5
        s = s.copy()
        only = None   # suppressing more only widens ranges: re-audit the short ones
        while left() > 0 or state["best"] is None:
            open_cuts = audit(s, exact=True, only=only)
            only = sorted(short)
            if not open_cuts:
                added = np.flatnonzero((s > 0.5) & ~start)
                order_ = sorted(added.tolist(), key=lambda j: (-weights[j], -rank[j]))
                pruned = prune_pattern(x, keys, values, primary, s > 0.5, needs, order_,
                                       lower)
                keep(pruned.astype(np.float64))
                return
            lhs = [0.0] * len(open_cuts)
            while True:
                score = {}
                for c, cut in enumerate(open_cuts):
                    if lhs[c] < 1.0 - 1e-6:
                        for j, coef in cut.items():
                            if not s[j]:
                                score[j] = score.get(j, 0.0) + coef
                if not score:
                    break
                j = max(score, key=lambda j: (score[j] / max(weights[j], 1e-12), -rank[j]))
                s[j] = 1.0
                for c, cut in enumerate(open_cuts):
                    lhs[c] += cut.get(j, 0.0)

    def proved_by_bound():
        bound = state["bound"]
        if cost == "count":
            bound = math.ceil(bound - 1e-6)
        return state["cost"] <= bound + 1e-9 * max(1.0, bound)

    def matrix():
        active = [(c, rhs) for tag, c, rhs in cuts if tag not in hopeless]
        rows, cols, data = [], [], []
        for r, (c, _rhs) in enumerate(active):
            rows += [r] * len(c)
            cols += list(c)
            data += list(c.values())
        return (sp.csr_matrix((data, (rows, cols)), shape=(len(active), n)),
                np.array([rhs for _c, rhs in active]))

    def relax(rounds):
        """Separate at the master's LP relaxation (its optimum is a lower bound) until a
        round adds fewer cuts than 2 % of the primaries."""
        for r in range(1, rounds + 1):
            if left() <= 0:
                return
            A, rhs = matrix()
            res = linprog(weights, A_ub=-A if A.shape[0] else None,
                          b_ub=-rhs if A.shape[0] else None,
                          bounds=np.column_stack([lb, ub]), method="highs")
            if res.status != 0:  # pragma: no cover - hopeless cuts are dropped beforehand
                raise RuntimeError(f"the master's relaxation failed: {res.message}")
            state["bound"] = max(state["bound"], float(res.fun))
            before = result.cuts
            audit(np.clip(res.x, 0.0, 1.0), exact=False)
            if progress is not None:
                progress("relaxation", r, result.cuts - before, state["cost"], state["bound"])
            if result.cuts - before < max(1, len(targets) // 50):
                return

    if start is not None:
        given = set(start)
        s0 = np.array([primary[j] or (free[j] and keys[j] in given) for j in range(n)],
                      dtype=np.float64)
        if not audit(s0, exact=True):
            keep(s0)
    relax(relaxation_rounds)
    tight = mip_rel_gap >= search_gap
    while left() > 0 and not proved_by_bound():
        A, rhs = matrix()
        constraints = [LinearConstraint(A, rhs, np.inf)] if A.shape[0] else []
        if state["best"] is not None:  # only a cheaper pattern is of interest
            cutoff = state["cost"] - 1.0 if cost == "count" else \
                state["cost"] * (1.0 - max(mip_rel_gap, 1e-9))
            constraints.append(LinearConstraint(weights[None, :], -np.inf, cutoff + 1e-6))
        res = milp(weights, integrality=np.ones(n), bounds=Bounds(lb, ub),
                   constraints=constraints or None,
                   options={"time_limit": left(), "disp": False,
                            "mip_rel_gap": mip_rel_gap if tight else search_gap})
        result.iterations += 1
        if res.status == 2:  # infeasible: nothing cheaper than the best pattern exists
            if state["best"] is None:  # pragma: no cover - hopeless cuts are dropped
                raise RuntimeError("the master problem is infeasible")
            state["bound"] = max(state["bound"], state["cost"])
            break
        if res.x is None:
            break
        dual = getattr(res, "mip_dual_bound", None)
        if dual is not None and np.isfinite(dual):
            state["bound"] = max(state["bound"], float(dual))
        pattern = (res.x > 0.5).astype(np.float64)
        before = result.cuts
        violated = audit(pattern, exact=True, extra=extra_cuts)
        if progress is not None:
            progress("milp", result.iterations, result.cuts - before, state["cost"],
                     state["bound"])
        if not violated:
            keep(pattern)
            if res.status == 0 and tight:
                state["bound"] = max(state["bound"], float(res.fun))
        else:
            repair(pattern)
        if res.status != 0:
            break
        tight = not violated or mip_rel_gap >= search_gap
        if violated:
            relax(5)

    if state["best"] is None:  # out of time before any protected pattern
        repair(primary.astype(np.float64))
    chosen = state["best"] > 0.5
    result.status = {keys[j]: "primary" if primary[j] else "secondary"
                     for j in np.flatnonzero(chosen[:n_cells]).tolist()}
    result.cost = state["cost"]
    result.optimal = proved_by_bound()
    result.bound = result.cost if result.optimal else min(state["bound"], result.cost)
    result.unprotected = sorted({keys[p] for p, _d in hopeless if p < n_cells})
    result.unprotected_pairs = sorted({pairs[p - n_cells] for p, _d in hopeless
                                       if p >= n_cells})
    result.seconds = time.perf_counter() - began
    return result
