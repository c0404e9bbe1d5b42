"""The linear-programming layer under the disclosure engine: what the audit
(``audit.py``), the optimal search (``optimal.py``) and its pruning (``prune.py``) share.

A table is a matrix ``x`` with one row per inner (finest-level) cell and one column per
publishable cell; column ``j`` holds the coefficients with which cell ``j`` adds up the
inner cells. This module turns such matrices into HiGHS models and solves them through
``highspy`` (HiGHS's own Python package; one model is solved again and again with a new
objective or new row bounds, which ``scipy.optimize.linprog`` cannot do), and keeps
``linprog`` as the second engine. It imports nothing else of the package, so every
module above can use it without an import cycle.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import scipy.sparse as sp

TOL = 1e-6        # the audit's tolerance (relative to max(1, |value|))
DUAL_TOL = 1e-9   # duals smaller than this are taken as zero (more cells only weaken a cut)
SCALE_TO = 2.0 ** 20   # a block's largest magnitude is brought down to about this
INFEASIBLE = "the published cells contradict each other or the bounds"


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
# input


def as_csc(x, integer: bool) -> sp.csc_matrix:
    """A copy of ``x`` (dense or sparse) as a csc matrix without duplicates or stored
    zeros: of int64 entries when ``integer`` (refused if some entry is not whole), of
    floats otherwise."""
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


def bools(a, n: int, name: str) -> np.ndarray:
    if a is None:
        return np.zeros(n, dtype=bool)
    a = np.asarray(a)
    if a.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), not {a.shape}")
    return a.astype(bool)


def per_item(a, n: int, name: str, default: float) -> np.ndarray:
    if a is None:
        return np.full(n, default, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return np.full(n, float(a))
    if a.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), not {a.shape}")
    return a.copy()


def pair_columns(x, column, pairs):
    """The columns of the pairs' sums: ``x`` times a 0/1 matrix with two ones per pair
    (``column``: key -> column of ``x``); None without pairs."""
    if not pairs:
        return None
    rows = [column[key] for pair in pairs for key in pair]
    cols = [k for k in range(len(pairs)) for _ in (0, 1)]
    pick = sp.csc_matrix((np.ones(len(rows), dtype=x.dtype), (rows, cols)),
                         shape=(x.shape[1], len(pairs)))
    return sp.csc_matrix(x @ pick)


def percentages(protection, keys, primary):
    """Each cell's protection percentage: ``protection`` (a number or ``{key: percent}``)
    for the primary cells, 0 for the others."""
    if isinstance(protection, dict):
        return np.array([float(protection.get(k, 0.0)) if primary[n] else 0.0
                         for n, k in enumerate(keys)])
    return np.where(primary, float(protection or 0.0), 0.0)


def block_scale(rhs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """A power of two by which a block's right-hand sides and bounds are divided before
    HiGHS sees them, so that its absolute tolerances (1e-7) are tolerances relative to the
    block's magnitudes (about 1e-13): totals of billions are then solved as accurately as
    totals of hundreds. A power of two divides without rounding: exact data stays exact."""
    finite = [np.abs(a[np.isfinite(a)]) for a in (rhs, lo, hi)]
    largest = max((float(a.max()) for a in finite if a.size), default=0.0)
    if largest <= SCALE_TO:
        return 1.0
    return 2.0 ** math.floor(math.log2(largest / SCALE_TO))


# ----------------------------------------------------------------------------------------
# HiGHS


@functools.cache
def highs_api():
    """``(new_model, module)``: a callable making a silent HiGHS model and the module of
    its enums (``HighsLp``, ``ObjSense``, ``HighsModelStatus``, ``MatrixFormat``); None
    when ``highspy`` is not installed (then only ``linprog`` is left)."""
    try:
        import highspy
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return _silent_model(highspy), highspy


def _silent_model(highspy):
    class Silent(highspy.Highs):
        # highspy.Highs enables its callbacks while being made, and HiGHS prints its
        # banner on stdout then unless the output is off by that time
        def enableCallbacks(self):
            self.setOptionValue("output_flag", False)
            super().enableCallbacks()

    def new_model():
        model = Silent()
        model.setOptionValue("output_flag", False)
        model.setOptionValue("threads", 1)
        return model

    return new_model


def set_colwise_matrix(lp, A, core):
    """Give a HiGHS model the sparse column-wise (CSC) constraint matrix ``A``."""
    lp.a_matrix_.format_ = core.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)


def _pass_model(h, core, A, col_lo, col_hi, row_lo, row_hi):
    lp = core.HighsLp()
    lp.num_col_ = A.shape[1]
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = np.zeros(A.shape[1])
    lp.col_lower_ = col_lo
    lp.col_upper_ = col_hi
    lp.row_lower_ = row_lo
    lp.row_upper_ = row_hi
    set_colwise_matrix(lp, A, core)
    h.passModel(lp)


def _set_objective(h, core, old_idx, idx, coef, maximize):
    """Replace the objective's non-zeros at ``old_idx`` by ``coef`` at ``idx``."""
    if old_idx.size:
        h.changeColsCost(old_idx.size, old_idx, np.zeros(old_idx.size))
    h.changeColsCost(idx.size, idx, coef)
    h.changeObjectiveSense(core.ObjSense.kMaximize if maximize else core.ObjSense.kMinimize)


class HighsLP:
    """One LP (equalities ``A z = b``, bounds on ``z``) whose objective is changed between
    solves: after the first solve HiGHS restarts from the last basis with the primal simplex
    (the basis stays primal feasible when only the objective changes), which takes a few
    iterations per solve."""

    def __init__(self, api, A: sp.csc_matrix, b: np.ndarray, lo: np.ndarray, hi: np.ndarray):
        new_model, core = api
        self.api = api
        self.data = (A, b, lo, hi)
        self.core = core
        self.h = new_model()
        _pass_model(self.h, core, A, lo, hi, b, b)
        self.cost_idx = np.zeros(0, dtype=np.int32)
        self.warm = False

    def solve(self, idx: np.ndarray, coef: np.ndarray, maximize: bool):
        """Optimal value (``±inf`` when unbounded) and the optimal point (or None)."""
        h, core = self.h, self.core
        idx = idx.astype(np.int32)
        _set_objective(h, core, self.cost_idx, idx, coef.astype(np.float64), maximize)
        self.cost_idx = idx
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
                self.__init__(self.api, *self.data)
                return self.solve(idx, coef, maximize)
            raise InconsistentCells(INFEASIBLE)
        raise RuntimeError(  # pragma: no cover - no time or iteration limits are set
            f"HiGHS stopped with {h.modelStatusToString(status)}")


class LinprogLP:
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
            raise InconsistentCells(INFEASIBLE)
        raise RuntimeError(res.message)  # pragma: no cover


class PatternLP:
    """The attacker's LP: unknown inner cells ``z`` (``>= lower``, or free), one row per
    cell of the table, whose bounds say what is known of it (see :meth:`set_pattern`).

    ``bound(j, maximize)`` -> ``(value, point, duals)``: the extreme of cell ``j``, an inner
    point attaining it (None when unbounded) and ``{cell: dual}`` (HiGHS's row duals:
    ``x_j = Σ_k dual_k · row_k + reduced costs``; for a maximum, positive duals sit on
    upper row bounds, negative on lower ones, and the other way round for a minimum).

    HiGHS sees the values divided by a power of two (``factor``, as the audit's blocks:
    :func:`block_scale`), so that its absolute tolerances are relative to the table's
    magnitudes; bounds and points are given back in value units, duals are unchanged."""

    def __init__(self, x, values, suppressed=None, lower=0.0):
        self.x = sp.csc_matrix(x, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float64)
        self.factor = block_scale(self.values, np.zeros(0), np.zeros(0))
        n_inner, n = self.x.shape
        self.n = n
        self.nonneg = lower is not None and lower >= 0
        self.lo = np.full(n_inner, -np.inf if lower is None else float(lower))
        api = highs_api()
        if api is None:  # pragma: no cover - highspy is a declared dependency
            raise RuntimeError("the highspy package is needed")
        new_model, core = api
        self.core = core
        self.h = h = new_model()
        h.setOptionValue("presolve", "off")  # duals of the model as given
        _pass_model(h, core, self.x.T.tocsc(),   # rows: cells, columns: inner cells
                    self.lo, np.full(n_inner, np.inf), np.full(n, -np.inf), np.full(n, np.inf))
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
        _set_objective(h, core, self.cost_idx, idx, coef, maximize)
        self.cost_idx = idx
        h.run()
        status = h.getModelStatus()
        if status in (core.HighsModelStatus.kUnbounded,
                      core.HighsModelStatus.kUnboundedOrInfeasible):
            return (math.inf if maximize else -math.inf), None, None
        if status == core.HighsModelStatus.kInfeasible:
            raise InconsistentCells(INFEASIBLE)
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
