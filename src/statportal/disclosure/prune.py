"""A post-pass for any suppression pattern: publish complementary cells back, one by one,
the largest value first, wherever the pattern stays safe.

    status = prune(table, protect(table, rules, protection=10).status, protection=10)

"Safe" is the LP audit's notion: every primary cell's range (non-negative inner cells,
the published cells fixed) still reaches ``protection`` % below and above its value, or,
with no level, is still not a point; a primary that fell short before the pass is not
made worse. The sole-respondent attacker model of GAUSS is not re-checked, so prune a
pattern made with ``singletons=False`` (or accept that model's loss).

Each primary keeps a point of the inner cells attaining each of its bounds; publishing a
cell that agrees with all of them changes no bound and needs no LP, so most trials are
free and the rest re-solve only the bounds they may change.
"""

import numpy as np
import scipy.sparse as sp

from statportal.disclosure.optimal import TOL, PatternLP, _percentages


def prune(table, status, protection=None, lower="auto"):
    """A copy of ``status`` (``{key: "primary" | "secondary"}``) with every secondary cell
    that can be published without making a primary cell less protected than
    ``protection`` (a percentage, ``{key: percent}`` or None) published, tried in order of
    decreasing |value| (then more respondents first)."""
    x, keys, inner = table.model_matrix()
    x = sp.csc_matrix(x, dtype=np.float64)
    cells = [table.cells[k] for k in keys]
    values = np.array([c.value for c in cells], dtype=np.float64)
    primary = np.array([status.get(k) == "primary" for k in keys])
    suppressed = np.array([status.get(k, "published") != "published" for k in keys])
    if lower == "auto":
        lower = None if any(table.cells[k].value < 0 for k in inner) else 0.0
    needs = _percentages(protection, keys, primary) / 100.0 * np.abs(values)
    targets = np.flatnonzero(primary).tolist()
    eps = {p: TOL * max(1.0, abs(values[p])) for p in targets}

    lp = PatternLP(x, values, suppressed.astype(np.float64), lower)
    floor, ceiling, points = {}, {}, {}
    for p in targets:
        v, need = values[p], needs[p]
        hi, z_hi, _y = lp.bound(p, True)
        lo, z_lo, _y = lp.bound(p, False)
        points[p] = (z_hi, z_lo)
        # what the bounds must stay beyond: the level, or where they are when short of it
        ceiling[p] = min(v + need - eps[p], hi) if need > 0 else None
        floor[p] = max(v - need + eps[p], lo) if need > 0 else None
        if need <= 0 and hi - lo <= eps[p]:
            ceiling[p] = floor[p] = None  # already a point: nothing to keep
            points[p] = None

    def safe(p, hi, lo):
        if points[p] is None:
            return True
        if needs[p] > 0:
            return hi >= ceiling[p] and lo <= floor[p]
        return hi - lo > eps[p]

    def agrees(z, j):
        if z is None:
            return False
        s, e = x.indptr[j], x.indptr[j + 1]
        return abs(x.data[s:e] @ z[x.indices[s:e]] - values[j]) <= TOL * max(1.0, abs(values[j]))

    order = sorted(np.flatnonzero(suppressed & ~primary).tolist(),
                   key=lambda j: (-abs(values[j]), -cells[j].respondents, j))
    for j in order:
        affected = [p for p in targets if points[p] is not None
                    and not (agrees(points[p][0], j) and agrees(points[p][1], j))]
        found, ok = {}, True
        if affected:
            lp.set_row(j, published=True)
            for p in affected:
                hi, z_hi, _y = lp.bound(p, True)
                lo, z_lo, _y = lp.bound(p, False)
                if not safe(p, hi, lo):
                    ok = False
                    break
                found[p] = (z_hi, z_lo)
            if not ok:
                lp.set_row(j, published=False)
        if ok:
            suppressed[j] = False
            points.update(found)
    return {k: ("primary" if primary[n] else "secondary")
            for n, k in enumerate(keys) if suppressed[n]}
