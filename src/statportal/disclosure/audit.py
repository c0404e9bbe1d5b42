"""The audit of a suppression pattern by linear programming.

:func:`audit` computes, by linear programming (HiGHS, through ``lp.py``), the interval in
which each suppressed cell may lie given the published cells and bounds on the inner cells,
and says which cells are exposed (the interval is a point, or does not reach a required
protection percentage). The table is a matrix as for GAUSS (``elimination.py``): one row
per inner cell, one column per publishable cell.

Inner cells that the published ones fix are found first without an LP; the rest splits
into independent blocks, each one HiGHS model re-solved per bound, and a bound that a
published sum certifies and an earlier solution attains is not solved for at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from statportal.disclosure import lp
from statportal.disclosure.lp import (
    INFEASIBLE,
    HighsLP,
    InconsistentCells,
    LinprogLP,
    as_csc,
    bools,
    per_item,
)

__all__ = ["audit"]

Progress = Callable[[int, int], object] | None


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



def _block_bounds(A: sp.csc_matrix, rhs: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                  objs: list[tuple[np.ndarray, np.ndarray]], use_highs: bool, tol: float,
                  progress: Progress = None, offset: int = 0, total: int = 0):
    """Minimum and maximum of each objective over ``{z : A z = rhs, lo <= z <= hi}``."""
    factor = lp.block_scale(rhs, lo, hi)
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

    api = lp.highs_api() if use_highs else None
    model = HighsLP(api, A, rhs, lo, hi) if api is not None else LinprogLP(A, rhs, lo, hi)
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
                f"{INFEASIBLE}: two published cells give one inner cell two values "
                f"({base[k]:.15g} and {val[k]:.15g})", [pub[other], pub[source[k]]])
        v0, x0 = var[first], val[first]
        s0 = slack[first]
        outside = np.flatnonzero((x0 < lo[v0] - tol * np.maximum(1.0, np.abs(x0)) - s0) |
                                 (x0 > hi[v0] + tol * np.maximum(1.0, np.abs(x0)) + s0))
        if outside.size:
            k = int(outside[0])
            raise InconsistentCells(
                f"{INFEASIBLE}: the published cells leave one inner cell the value "
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
    (``engine="highs"``, through ``highspy``), or
    ``scipy.optimize.linprog`` is called per bound (``engine="linprog"``); ``"auto"`` takes the
    first when available.  A bound is not solved for when a valid bound derived from one
    published sum is attained by a point found by an earlier solve.  ``workers > 1`` shares
    the objectives of large blocks among that many processes.  ``targets`` (booleans over the
    cells) limits the bounds computed to those suppressed cells (the others still count as
    unknown).
    """
    x = as_csc(x, integer=False)
    n_inner, n_cells = x.shape
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (n_cells,):
        raise ValueError(f"values must have shape ({n_cells},)")
    if not np.all(np.isfinite(values)):
        raise ValueError("values must be finite numbers")
    suppressed = bools(suppressed, n_cells, "suppressed")
    lo = per_item(lower, n_inner, "lower", -np.inf)
    hi = per_item(upper, n_inner, "upper", np.inf)
    if np.any(lo > hi):
        raise ValueError("lower exceeds upper for some inner cell")
    if protection is not None:
        protection = per_item(protection, n_cells, "protection", 0.0)
    if engine not in ("auto", "highs", "linprog"):
        raise ValueError("engine must be 'auto', 'highs' or 'linprog'")
    use_highs = engine != "linprog" and lp.highs_api() is not None
    if engine == "highs" and not use_highs:
        raise RuntimeError("no HiGHS binding available")

    cells = np.flatnonzero(suppressed if targets is None
                           else suppressed & bools(targets, n_cells, "targets"))
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
            f"{INFEASIBLE}: a published cell is {b[k]:.15g} but its parts, all known, add "
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
            f"{INFEASIBLE}: a published cell needs its unknown parts to add up to "
            f"{rhs[k]:.15g}, but they can only reach [{low[k]:.15g}, {high[k]:.15g}]",
            [cells[k]])
    return InconsistentCells(
        f"{INFEASIBLE}: no values of the {A.shape[1]} unknown inner cells agree with "
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
