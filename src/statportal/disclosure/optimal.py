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
limit the best incumbent is returned with the master's lower bound. The search and its
state (cuts, incumbent, bound, the attacker's LP) are an :class:`OptimalSearch`.

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
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from statportal.disclosure.heuristic import relations
from statportal.disclosure.lp import TOL, PatternLP, pair_columns, percentages
from statportal.disclosure.prune import prune_pattern

__all__ = ["OptimalSearch", "OptimalSuppression", "PatternLP", "optimal_suppress"]


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
# cuts


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
    x = sp.csc_matrix(x, dtype=np.float64)
    column = {key: j for j, key in enumerate(keys)}
    sums = np.array([values[column[a]] + values[column[b]] for a, b in pairs])
    return (sp.hstack([x, pair_columns(x, column, pairs)]).tocsc(),
            list(keys) + [a for a, _b in pairs], np.concatenate([values, sums]))


def _relation_cuts(table, keys, primary, free, values, needs, capacity):
    """Cuts ``(tag, {cell: coef}, rhs)`` from each primary cell's own relations: some other
    cell of the relation must be suppressed (exactness), and with non-negative inner cells
    the suppressed siblings of a child must add up to its protection need unless the parent
    is suppressed (upper bound), the suppressed children of a parent likewise (lower)."""
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


class OptimalSearch:
    """One search for the cheapest protected pattern of a table (see the module's text and
    :func:`optimal_suppress` for the options): the model (cells, values, what is free,
    each primary's need), the cuts found so far, the incumbent and the lower bound, and
    the attacker's LP that audits each pattern. :meth:`run` searches once."""

    def __init__(self, table, primary_keys, protection=10.0, cost="count", time_limit=300.0,
                 lower="auto", progress=None, mip_rel_gap=0.0, search_gap=0.02,
                 extra_cuts=3, relaxation_rounds=100, pairs=()):
        if cost not in ("count", "value"):
            raise ValueError("cost must be 'count' or 'value'")
        self.began = time.perf_counter()
        self.cost_kind, self.time_limit, self.progress = cost, time_limit, progress
        self.mip_rel_gap, self.search_gap = mip_rel_gap, search_gap
        self.extra_cuts, self.relaxation_rounds, self.pairs = extra_cuts, relaxation_rounds, pairs
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
        self.capacity = lower is not None and lower >= 0
        needs = percentages(protection, keys, primary) / 100.0 * np.abs(values)
        weights = np.where(free, 1.0 if cost == "count" else np.abs(values), 0.0)
        rank = np.zeros(n)
        rank[sorted(np.flatnonzero(free).tolist(),
                    key=lambda j: (cells[j].respondents, abs(values[j]), j))] = \
            np.arange(free.sum())
        self.cuts, self.hopeless = _relation_cuts(table, keys, primary, free, values, needs,
                                                  self.capacity)
        self.n_cells = n
        if pairs:  # one more cell per pair, always suppressed and never in the result
            x, keys, values = _with_pairs(x, keys, values, pairs)
            n = len(keys)
            more = n - self.n_cells
            primary = np.concatenate([primary, np.ones(more, dtype=bool)])
            forbidden = np.concatenate([forbidden, np.zeros(more, dtype=bool)])
            free = np.concatenate([free, np.zeros(more, dtype=bool)])
            needs, weights, rank = (np.concatenate([a, np.zeros(more)])
                                    for a in (needs, weights, rank))
        self.x, self.keys, self.values, self.n, self.lower = x, keys, values, n, lower
        self.primary, self.free, self.needs = primary, free, needs
        self.weights, self.rank = weights, rank
        self.seen = {tuple(sorted(c.items())): tag for tag, c, rhs in self.cuts if rhs == 1.0}
        self.result = OptimalSuppression(status={}, cuts=len(self.cuts))
        self.lb = np.where(primary, 1.0, 0.0)
        self.ub = np.where(forbidden, 0.0, 1.0)
        self.targets = np.flatnonzero(primary).tolist()
        self.lp = PatternLP(x, values, lower=lower)
        self.bound, self.best, self.best_cost = 0.0, None, math.inf
        self.short = set()   # the primaries the last audit found short

    def left(self):
        return self.time_limit - (time.perf_counter() - self.began)

    def offer(self, p, direction, target, duals, s):
        """The cut of a short bound (free cells only), added unless known; None when
        pattern ``s`` meets it or no pattern can."""
        cut = _cut(direction, target, duals, self.values, self.capacity)
        if cut is None:
            return None
        cut = {j: c for j, c in cut.items() if self.free[j]}
        if sum(cut.values()) < 1.0 - 1e-9:
            self.hopeless.add((p, direction))
            return None
        if sum(c * s[j] for j, c in cut.items()) > 1.0 - 1e-6:
            return None  # not violated (a fractional point may meet it)
        key = tuple(sorted(cut.items()))
        old = self.seen.get(key)
        if old is None or old in self.hopeless:  # both directions can give the same cut
            self.seen[key] = (p, direction)
            self.cuts.append(((p, direction), cut, 1.0))
            self.result.cuts += 1
        return cut

    def audit(self, s, exact, extra=0, only=None):
        """The cuts pattern ``s`` (integer or fractional) violates, added to the master.
        With ``extra``, each short bound gives up to that many more: the cells of its cut
        are suppressed on trial and the bound audited again. ``only``: the primaries to
        audit (default all)."""
        lp, needs, hopeless = self.lp, self.needs, self.hopeless
        lp.set_pattern(s)
        found = []
        for p in self.targets if only is None else only:
            if (p, 0) in hopeless or (not exact and needs[p] <= 0):
                continue
            skip = {d for d in (1, -1) if (p, d) in hopeless}
            found += [(p, *item) for item in _short(lp, p, needs[p], skip, exact)]
        violated = []
        self.short.clear()
        self.short.update(p for p, *_rest in found)
        for p, direction, target, duals in found:
            cut = self.offer(p, direction, target, duals, s)
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
                cut = self.offer(p, *again[0], s) if again else None
            if cut:
                violated.append(cut)
            for j in freed:
                lp.set_row(j, published=True)
        return violated

    def keep(self, s):
        """Make pattern ``s`` (protected) the incumbent if it is cheaper."""
        c = float(self.weights[s > 0.5].sum())
        if c < self.best_cost - 1e-9:
            self.best, self.best_cost = s.copy(), c

    def repair(self, s):
        """Complete pattern ``s`` greedily until it is protected (greedy set cover of the
        cuts it violates: most open cuts per cost first, then art. 23's order), then
        publish back what the completion added and turned out not to need."""
        weights, rank = self.weights, self.rank
        start = s > 0.5
        s = s.copy()
        only = None   # suppressing more only widens ranges: re-audit the short ones
        while self.left() > 0 or self.best is None:
            open_cuts = self.audit(s, exact=True, only=only)
            only = sorted(self.short)
            if not open_cuts:
                added = np.flatnonzero((s > 0.5) & ~start)
                order = sorted(added.tolist(), key=lambda j: (-weights[j], -rank[j]))
                pruned = prune_pattern(self.x, self.keys, self.values, self.primary, s > 0.5,
                                       self.needs, order, self.lower)
                self.keep(pruned.astype(np.float64))
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

    def proved_by_bound(self):
        bound = self.bound
        if self.cost_kind == "count":
            bound = math.ceil(bound - 1e-6)
        return self.best_cost <= bound + 1e-9 * max(1.0, bound)

    def matrix(self):
        """The master's cuts (those not hopeless) as ``A s >= rhs``."""
        active = [(c, rhs) for tag, c, rhs in self.cuts if tag not in self.hopeless]
        rows, cols, data = [], [], []
        for r, (c, _rhs) in enumerate(active):
            rows += [r] * len(c)
            cols += list(c)
            data += list(c.values())
        return (sp.csr_matrix((data, (rows, cols)), shape=(len(active), self.n)),
                np.array([rhs for _c, rhs in active]))

    def relax(self, rounds):
        """Separate at the master's LP relaxation (its optimum is a lower bound) until a
        round adds fewer cuts than 2 % of the primaries."""
        result = self.result
        for r in range(1, rounds + 1):
            if self.left() <= 0:
                return
            A, rhs = self.matrix()
            res = linprog(self.weights, A_ub=-A if A.shape[0] else None,
                          b_ub=-rhs if A.shape[0] else None,
                          bounds=np.column_stack([self.lb, self.ub]), method="highs")
            if res.status != 0:  # pragma: no cover - hopeless cuts are dropped beforehand
                raise RuntimeError(f"the master's relaxation failed: {res.message}")
            self.bound = max(self.bound, float(res.fun))
            before = result.cuts
            self.audit(np.clip(res.x, 0.0, 1.0), exact=False)
            if self.progress is not None:
                self.progress("relaxation", r, result.cuts - before, self.best_cost,
                              self.bound)
            if result.cuts - before < max(1, len(self.targets) // 50):
                return

    def run(self, start=None):
        """Search (``start``: the keys a pattern found elsewhere suppresses) and return
        the :class:`OptimalSuppression`."""
        result, weights, n = self.result, self.weights, self.n
        mip_rel_gap, search_gap = self.mip_rel_gap, self.search_gap
        if start is not None:
            given = set(start)
            s0 = np.array([self.primary[j] or (self.free[j] and self.keys[j] in given)
                           for j in range(n)], dtype=np.float64)
            if not self.audit(s0, exact=True):
                self.keep(s0)
        self.relax(self.relaxation_rounds)
        tight = mip_rel_gap >= search_gap
        while self.left() > 0 and not self.proved_by_bound():
            A, rhs = self.matrix()
            constraints = [LinearConstraint(A, rhs, np.inf)] if A.shape[0] else []
            if self.best is not None:  # only a cheaper pattern is of interest
                cutoff = self.best_cost - 1.0 if self.cost_kind == "count" else \
                    self.best_cost * (1.0 - max(mip_rel_gap, 1e-9))
                constraints.append(LinearConstraint(weights[None, :], -np.inf, cutoff + 1e-6))
            res = milp(weights, integrality=np.ones(n), bounds=Bounds(self.lb, self.ub),
                       constraints=constraints or None,
                       options={"time_limit": self.left(), "disp": False,
                                "mip_rel_gap": mip_rel_gap if tight else search_gap})
            result.iterations += 1
            if res.status == 2:  # infeasible: nothing cheaper than the best pattern exists
                if self.best is None:  # pragma: no cover - hopeless cuts are dropped
                    raise RuntimeError("the master problem is infeasible")
                self.bound = max(self.bound, self.best_cost)
                break
            if res.x is None:
                break
            dual = getattr(res, "mip_dual_bound", None)
            if dual is not None and np.isfinite(dual):
                self.bound = max(self.bound, float(dual))
            pattern = (res.x > 0.5).astype(np.float64)
            before = result.cuts
            violated = self.audit(pattern, exact=True, extra=self.extra_cuts)
            if self.progress is not None:
                self.progress("milp", result.iterations, result.cuts - before, self.best_cost,
                              self.bound)
            if not violated:
                self.keep(pattern)
                if res.status == 0 and tight:
                    self.bound = max(self.bound, float(res.fun))
            else:
                self.repair(pattern)
            if res.status != 0:
                break
            tight = not violated or mip_rel_gap >= search_gap
            if violated:
                self.relax(5)
        return self._finish()

    def _finish(self):
        if self.best is None:  # out of time before any protected pattern
            self.repair(self.primary.astype(np.float64))
        result, keys, primary, n_cells = self.result, self.keys, self.primary, self.n_cells
        chosen = self.best > 0.5
        result.status = {keys[j]: "primary" if primary[j] else "secondary"
                         for j in np.flatnonzero(chosen[:n_cells]).tolist()}
        result.cost = self.best_cost
        result.optimal = self.proved_by_bound()
        result.bound = result.cost if result.optimal else min(self.bound, result.cost)
        result.unprotected = sorted({keys[p] for p, _d in self.hopeless if p < n_cells})
        result.unprotected_pairs = sorted({self.pairs[p - n_cells] for p, _d in self.hopeless
                                           if p >= n_cells})
        result.seconds = time.perf_counter() - self.began
        return result


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
    search = OptimalSearch(table, primary_keys, protection=protection, cost=cost,
                           time_limit=time_limit, lower=lower, progress=progress,
                           mip_rel_gap=mip_rel_gap, search_gap=search_gap,
                           extra_cuts=extra_cuts, relaxation_rounds=relaxation_rounds,
                           pairs=pairs)
    return search.run(start)
