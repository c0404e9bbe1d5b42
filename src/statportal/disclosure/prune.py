"""A post-pass for any suppression pattern: publish complementary cells back, one by one,
the largest value first, wherever the pattern stays safe.

    status = prune(table, protect(table, rules, protection=10).status, protection=10)

"Safe" is the LP audit's notion: every primary cell's range (non-negative inner cells,
the published cells fixed) still reaches ``protection`` % below and above its value, or,
with no level, still reaches beyond the value on one side; a primary that fell short
before the pass is not made worse. The sole-respondent attacker model of GAUSS is not
re-checked, so prune a pattern made with ``singletons=False`` (or accept that model's loss).

Most trials need no LP. Each primary bound keeps a few witnesses: inner points that agree
with every published cell and reach the bound's target. Publishing cell j keeps the bound
if a witness agrees with j, or if two witnesses miss j on opposite sides (a mix of the two
agrees with j and still reaches the target; the mixes become the new witnesses). Only
otherwise is the bound solved again, those of primaries in the cell's row or column first, so
that a trial that fails fails fast.
"""

import numpy as np
import scipy.sparse as sp

from statportal.disclosure.lp import TOL, PatternLP, percentages

POOL = 4   # witnesses kept per bound


def prune(table, status, protection=None, lower="auto", candidates=None):
    """A copy of ``status`` (``{key: "primary" | "secondary"}``) with every secondary cell
    that can be published without making a primary cell less protected than
    ``protection`` (a percentage, ``{key: percent}`` or None) published, tried in order of
    decreasing |value| (then more respondents first). ``candidates``: the secondary cells
    to try (keys; default all)."""
    x, keys, inner = table.model_matrix()
    cells = [table.cells[k] for k in keys]
    values = np.array([c.value for c in cells], dtype=np.float64)
    primary = np.array([status.get(k) == "primary" for k in keys])
    suppressed = np.array([status.get(k, "published") != "published" for k in keys])
    if lower == "auto":
        lower = None if any(table.cells[k].value < 0 for k in inner) else 0.0
    needs = percentages(protection, keys, primary) / 100.0 * np.abs(values)
    trial = suppressed & ~primary
    if candidates is not None:
        wanted = set(candidates)
        trial &= np.array([k in wanted for k in keys])
    order = sorted(np.flatnonzero(trial).tolist(),
                   key=lambda j: (-abs(values[j]), -cells[j].respondents, j))
    suppressed = prune_pattern(x, keys, values, primary, suppressed, needs, order, lower)
    return {k: ("primary" if primary[n] else "secondary")
            for n, k in enumerate(keys) if suppressed[n]}


def prune_pattern(x, keys, values, primary, suppressed, needs, order, lower=0.0):
    """The array form of :func:`prune`: ``x`` the model matrix with its ``keys``, boolean
    ``primary`` and ``suppressed`` arrays, ``needs`` (in value units) per cell, ``order``
    the cells to try. Returns the new ``suppressed`` array."""
    x = sp.csc_matrix(x, dtype=np.float64)
    xt = x.T.tocsr()
    tol = TOL * np.maximum(1.0, np.abs(values))
    suppressed = np.array(suppressed, dtype=bool)
    lp = PatternLP(x, values, suppressed.astype(np.float64), lower)

    # per bound (p, d): the threshold its extreme must stay beyond, witnesses as
    # (points, their deviations on every cell), and its margin (to order the LP checks)
    threshold, pools, margin = {}, {}, {}
    for p in np.flatnonzero(primary).tolist():
        v, need, eps = values[p], needs[p], tol[p]
        bounds = {d: lp.bound(p, d > 0)[:2] for d in (1, -1)}
        if need > 0:  # both sides; one already short must not get shorter
            goals = {1: min(v + need - eps, bounds[1][0]), -1: max(v - need + eps, bounds[-1][0])}
        else:  # no level: keep the side that reaches further beyond the value
            d = max((1, -1), key=lambda d: d * (bounds[d][0] - v))
            if d * (bounds[d][0] - v) <= eps:
                continue  # a point already: nothing to keep
            goals = {d: v + d * eps}
        for d, goal in goals.items():
            threshold[p, d] = goal
            margin[p, d] = d * (bounds[d][0] - goal)
            pools[p, d] = _pool([bounds[d][1]], xt, values)

    def keeps(key, j):
        """Whether the witnesses alone show that publishing ``j`` keeps bound ``key``."""
        devs = pools[key][1]
        if not devs.shape[0]:
            return False
        dj = devs[:, j]
        return bool(np.any(np.abs(dj) <= tol[j]) or (dj.max() > tol[j] and dj.min() < -tol[j]))

    def lean(key, j):
        devs = pools[key][1]
        return float(np.abs(devs[:, j]).min()) if devs.shape[0] else 0.0

    for j in order:
        # primaries in the same row or column as j first (they are the ones that fail),
        # then the bounds whose witnesses lean hardest on j with the least room
        unknown = sorted((key for key in threshold if not keeps(key, j)),
                         key=lambda key: (sum(a != b for a, b in zip(keys[key[0]], keys[j],
                                                                     strict=True)),
                                          margin[key] / max(lean(key, j), 1e-300)))
        found = {}
        if unknown:
            lp.set_row(j, published=True)
            for p, d in unknown:
                bound, z, _y = lp.bound(p, d > 0)
                room = d * (bound - threshold[p, d])
                if room < 0:
                    break
                found[p, d] = (z, room)
            if len(found) < len(unknown):
                lp.set_row(j, published=False)
                continue
        suppressed[j] = False
        for key in threshold:
            mixed = _mix(pools[key], j, tol[j])
            if key in found:
                z, margin[key] = found[key]
                fresh = _pool([z], xt, values)
                mixed = (np.vstack([fresh[0], mixed[0]])[:POOL] if mixed[0].size else fresh[0],
                         np.vstack([fresh[1], mixed[1]])[:POOL])
            pools[key] = mixed
    return suppressed


def _pool(points, xt, values):
    points = [z for z in points if z is not None]
    if not points:
        return np.zeros((0, 0)), np.zeros((0, values.size))
    z = np.array(points)
    return z, (xt @ z.T).T - values


def _mix(pool, j, tol):
    """The witnesses that agree with cell ``j``, and mixes of pairs that miss it on
    opposite sides, at most :data:`POOL`."""
    points, devs = pool
    dj = devs[:, j]
    zero = np.flatnonzero(np.abs(dj) <= tol).tolist()
    pos = np.flatnonzero(dj > tol).tolist()
    neg = np.flatnonzero(dj < -tol).tolist()
    new_points = [points[k] for k in zero]
    new_devs = [devs[k] for k in zero]
    for a in pos:
        for b in neg:
            if len(new_points) >= POOL:
                break
            wa, wb = -dj[b], dj[a]   # wa·dev_a + wb·dev_b = 0 at j
            s = wa + wb
            new_points.append((wa * points[a] + wb * points[b]) / s)
            new_devs.append((wa * devs[a] + wb * devs[b]) / s)
    new_points, new_devs = new_points[:POOL], new_devs[:POOL]
    if not new_points:
        return np.zeros((0, 0)), np.zeros((0, devs.shape[1]))
    return np.array(new_points), np.array(new_devs)
