"""An indicator's observations as one dense cube: its visible vintages applied in order.

Every axis is a numpy axis (a dimension's codes in hierarchy order, then the periods
present), so a vintage is applied with one ``ravel_multi_index`` and fancy assignments,
never a Python loop per observation: 2.3 million cells are a few arrays. Cubes are kept
in a small LRU of the registry (no process global), keyed by what they are made of: the
indicator's oid and serial and each applied vintage's number and serial, so a vintage
that changes state (a new serial) or a new vintage is a new key, in every process.
Building a cube writes nothing (a GET writes nothing).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from statportal.directives import utility
from statportal.interfaces import ICubeCache
from statportal.taldau.store import CONFIDENTIAL, lookup, merge, visible_vintages

CACHE_SETTING = "statportal.data.cached_cubes"


@dataclass(frozen=True, eq=False)
class Cube:
    #: ``((dimension code, (member codes in hierarchy order…)), …)``
    dims: tuple
    #: the period ordinals present, ascending (the last axis)
    periods: tuple
    #: float64 ``[members of each dim…, periods]``; NaN: no observation, or X
    values: np.ndarray
    #: uint8, the same shape: the store's status codes
    status: np.ndarray
    #: the newest applied vintage's ``public_at`` (staff reads: its ``created``)
    updated: datetime
    #: the numbers of the applied vintages
    vintages: tuple
    decimals: int

    @property
    def shape(self):
        return self.values.shape

    def lookup(self, columns):
        """``(values, status)`` of the cube at the cells of store ``columns`` (NaN and
        NONE where the cube has no such cell: a period it does not have)."""
        return lookup(tuple(code for code, _members in self.dims), self.periods,
                      self.values, self.status, columns)


def apply_vintages(indicator, vintages, staff=True):
    """The cube of ``vintages`` (uncached; None when there are none): ``store.merge``."""
    vintages = sorted(vintages, key=lambda v: v.number)
    if not vintages:
        return None
    periods, values, status = merge(indicator, vintages)
    values.flags.writeable = False
    status.flags.writeable = False
    decimals = indicator.decimals
    if decimals is None:
        decimals = max(int(v.decimals or 0) for v in vintages)
    updated = max((v.created if staff else v.public_at) for v in vintages)
    return Cube(dims=tuple((code, indicator.member_codes(code))
                           for code in indicator.dimension_codes()),
                periods=tuple(int(p) for p in periods), values=values, status=status,
                updated=updated, vintages=tuple(v.number for v in vintages),
                decimals=decimals)


class CubeCache:
    """The registry's LRU of cubes (``ICubeCache``); shared by the request threads."""

    def __init__(self, size=8):
        self.size = max(0, int(size))
        self._cubes = OrderedDict()
        self._lock = threading.Lock()
        self._building = {}  # key -> [Event, cube]: the one build under way for that key
        self.hits = self.misses = self.builds = 0

    def get_or_build(self, key, build):
        """The cube of ``key``, built by ``build()`` once however many readers ask at the
        same time: the first builds, the others wait for its cube (a cold 2.3-million-cell
        indicator is ~1 s and ~150 MB a build). A failed build lets each waiter try."""
        with self._lock:
            cube = self._cubes.get(key)
            if cube is not None:
                self._cubes.move_to_end(key)
                self.hits += 1
                return cube
            self.misses += 1
            pending = self._building.get(key)
            if pending is None:
                pending = self._building[key] = [threading.Event(), None]
                builder = True
            else:
                builder = False
        if not builder:
            pending[0].wait()
            if pending[1] is not None:
                return pending[1]
            return self.get_or_build(key, build)  # the build failed: one waiter tries
        try:
            cube = build()
            with self._lock:
                self.builds += 1
            pending[1] = cube
            self.put(key, cube)
            return cube
        finally:
            with self._lock:
                self._building.pop(key, None)
            pending[0].set()

    def get(self, key):
        with self._lock:
            cube = self._cubes.get(key)
            if cube is not None:
                self._cubes.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return cube

    def put(self, key, cube):
        if not self.size:
            return
        with self._lock:
            self._cubes[key] = cube
            self._cubes.move_to_end(key)
            while len(self._cubes) > self.size:
                self._cubes.popitem(last=False)

    def clear(self):
        with self._lock:
            self._cubes.clear()


def get_cube_cache(registry):
    settings = getattr(registry, "settings", None) or {}
    return utility(registry, ICubeCache,
                   lambda: CubeCache(int(settings.get(CACHE_SETTING) or 8)))


def _cache_key(indicator, vintages, staff):
    """What the cube is made of, or None when something is not yet committed (a change
    of this transaction has no serial of its own: such a cube is not shared)."""
    if indicator._p_oid is None or indicator._p_changed:
        return None
    parts = []
    for vintage in vintages:
        if vintage._p_oid is None or vintage._p_changed:
            return None
        parts.append((vintage.number, vintage._p_serial))
    return (indicator._p_oid, indicator._p_serial, bool(staff), tuple(parts))


def cube_of(registry, indicator, *, as_of=None, staff=False):
    """The cube a reader sees (``staff``: embargoed vintages too; ``as_of``: as it was
    then), or None when nothing is visible. Shared: its arrays are read-only.

    The public's earlier ``asOf`` never shows a number that is X now: a cell confidential
    in the current public cube is X in the earlier one too (``mask_confidential``)."""
    vintages = visible_vintages(indicator, as_of=as_of, staff=staff)
    if not vintages:
        return None
    cube = _cached(registry, indicator, vintages, staff)
    if staff or as_of is None:
        return cube
    current = visible_vintages(indicator, staff=False)
    if not current or [v.number for v in current] == list(cube.vintages):
        return cube
    now = _cached(registry, indicator, current, False)
    key, now_key = _cache_key(indicator, vintages, False), _cache_key(indicator, current, False)
    if key is None or now_key is None:
        return mask_confidential(cube, now)
    return get_cube_cache(registry).get_or_build(
        ("masked", key, now_key), lambda: mask_confidential(cube, now))


def _cached(registry, indicator, vintages, staff):
    key = _cache_key(indicator, vintages, staff)
    if key is None:
        return apply_vintages(indicator, vintages, staff=staff)
    return get_cube_cache(registry).get_or_build(
        key, lambda: apply_vintages(indicator, vintages, staff=staff))


def mask_confidential(cube, now):
    """``cube`` with every cell X that is X in ``now`` (the same indicator's current public
    cube) X too, with ``now``'s status and no value: "never the number, in any format, at
    any asOf". ``cube`` itself when nothing changes."""
    if tuple(code for code, _m in cube.dims) != tuple(code for code, _m in now.dims):
        return cube
    # the members are the indicator's hierarchy (codes only appended): align the shorter
    sizes = [min(len(a), len(b)) for (_c, a), (_d, b) in zip(cube.dims, now.dims, strict=True)]
    now_periods = np.asarray(now.periods, dtype=np.int64)
    periods = np.asarray(cube.periods, dtype=np.int64)
    at = np.searchsorted(now_periods, periods)
    at = np.minimum(at, max(len(now_periods) - 1, 0))
    shared = (now_periods[at] == periods) if len(now_periods) else np.zeros(len(periods), bool)
    if not shared.any():
        return cube
    index = tuple(slice(0, size) for size in sizes)
    hidden_now = np.isin(now.status[index][..., at[shared]], CONFIDENTIAL)
    if not hidden_now.any():
        return cube
    values, status = cube.values.copy(), cube.status.copy()
    region = (*index, np.flatnonzero(shared))
    block_values, block_status = values[region], status[region]
    block_values[hidden_now] = np.nan
    block_status[hidden_now] = now.status[index][..., at[shared]][hidden_now]
    values[region], status[region] = block_values, block_status
    values.flags.writeable = False
    status.flags.writeable = False
    return Cube(dims=cube.dims, periods=cube.periods, values=values, status=status,
                updated=cube.updated, vintages=cube.vintages, decimals=cube.decimals)
