"""Vintages: each import of an indicator's observations, kept whole in one ZODB blob.

Never one persistent object per observation: a vintage's blob is an ``.npz`` of columns
(one ``int32`` array of code positions per dimension, ``period`` ordinals, ``value``
float64 with NaN where confidential, ``status`` uint8), read with
``numpy.load(allow_pickle=False)``. A vintage is ``embargoed`` until its release,
``public`` after it, or ``cancelled`` (kept, never shown). What people read is the cube of
the visible vintages applied in order (``cube``).
"""

import io
from datetime import UTC

import numpy as np
from persistent import Persistent
from ZODB.blob import Blob

NONE = 0
CONFIDENTIAL_PRIMARY = 1
CONFIDENTIAL_SECONDARY = 2
PROVISIONAL = 3
REVISED = 4
STATUS_TEXT = {CONFIDENTIAL_PRIMARY: "X", CONFIDENTIAL_SECONDARY: "X", PROVISIONAL: "p",
               REVISED: "r"}
CONFIDENTIAL = (CONFIDENTIAL_PRIMARY, CONFIDENTIAL_SECONDARY)

EMBARGOED = "embargoed"
PUBLIC = "public"
CANCELLED = "cancelled"
STATES = (EMBARGOED, PUBLIC, CANCELLED)


class VintageError(ValueError):
    """A change a vintage's state does not allow (publishing a cancelled one)."""


class Vintage(Persistent):
    """One import: who, when, from which file, for which release, and its columns."""

    release = ""
    public_at = None
    cancelled_at = None
    decimals = 0
    periods = None      # (first, last) ordinal
    summary = None

    def __init__(self, number, *, created, created_by, filename, release, state,
                 public_at, rows, summary, decimals, periods, columns):
        self.number = number
        self.created = created
        self.created_by = created_by
        self.filename = filename
        self.release = release or ""
        self.state = state
        self.public_at = public_at
        self.rows = rows
        self.summary = summary
        self.decimals = decimals
        self.periods = periods
        self.blob = Blob()
        buffer = io.BytesIO()
        np.savez(buffer, **columns)
        with self.blob.open("w") as f:
            f.write(buffer.getvalue())

    def columns(self):
        """``{name: array}`` as stored (read from the blob each time: cubes are cached)."""
        with self.blob.open("r") as f, np.load(f, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}

    def describe(self):
        """What the API and pages say of a vintage (no observations)."""
        return {"number": self.number, "state": self.state,
                "created": iso_utc(self.created), "created_by": self.created_by,
                "filename": self.filename, "release": self.release,
                "public_at": iso_utc(self.public_at),
                "rows": self.rows, "summary": dict(self.summary or {}),
                "decimals": self.decimals,
                "periods": list(self.periods) if self.periods else None}


def iso_utc(moment):
    """An aware or naive-UTC datetime as ``2026-10-15T04:00:00Z``; None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalised_columns(indicator, columns):
    """The columns with the store's dtypes, checked for shape; an X cell's value dropped
    (NaN: a confidential figure is never stored, whatever the file had)."""
    names = (*indicator.dimension_codes(), "period", "value", "status")
    missing = [name for name in names if name not in columns]
    if missing:
        raise ValueError(f"columns missing: {', '.join(missing)}")
    found = {name: np.ascontiguousarray(columns[name], dtype=np.int32)
             for name in (*indicator.dimension_codes(), "period")}
    found["value"] = np.array(columns["value"], dtype=np.float64)
    found["status"] = np.ascontiguousarray(columns["status"], dtype=np.uint8)
    lengths = {len(array) for array in found.values()}
    if len(lengths) > 1:
        raise ValueError("columns of different lengths")
    for dim in indicator.dimension_codes():
        size = len(indicator.member_codes(dim))
        if len(found[dim]) and (found[dim].min() < 0 or found[dim].max() >= size):
            raise ValueError(f"positions of {dim} outside its {size} codes")
    found["value"][np.isin(found["status"], CONFIDENTIAL)] = np.nan
    return found


def _decimals(values):
    """The most digits after the point among ``values`` (at most 6; integers: 0)."""
    finite = values[np.isfinite(values)]
    for places in range(7):
        scaled = finite * 10 ** places
        # within a float's own error of a whole number (relative: values reach 1e9)
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1, np.abs(scaled))):
            return places
    return 6


def add_vintage(indicator, columns, *, filename, release="", actor, now, embargoed):
    """Store ``columns`` (validated by the import) as the indicator's next vintage;
    ``embargoed=False``: public at ``now``. The summary counts the cells that are new,
    those whose value changed (revised), the confidential ones and all of them: against
    what its readers saw before, the public's view (the public vintages) for a vintage
    public at once, the staff's (every vintage not cancelled) for an embargoed one."""
    found = normalised_columns(indicator, columns)
    rows = len(found["value"])
    earlier = [v for v in indicator.vintages
               if (v.state != CANCELLED if embargoed else v.state == PUBLIC)]
    new, revised = rows, 0
    if earlier and rows:
        old_values, old_status = lookup(indicator.dimension_codes(),
                                        *merge(indicator, earlier), found)
        had = ~np.isnan(old_values) | (old_status != NONE)
        new = int(np.count_nonzero(~had))
        changed = had & ~np.isnan(found["value"]) & ~np.isnan(old_values) & (
            found["value"] != old_values)
        revised = int(np.count_nonzero(changed))
    summary = {"new": new, "revised": revised,
               "confidential": int(np.count_nonzero(np.isin(found["status"], CONFIDENTIAL))),
               "cells": rows}
    periods = ((int(found["period"].min()), int(found["period"].max())) if rows else None)
    vintage = Vintage(
        len(indicator.vintages) + 1, created=now, created_by=actor, filename=filename,
        release=release, state=EMBARGOED if embargoed else PUBLIC,
        public_at=None if embargoed else now, rows=rows, summary=summary,
        decimals=_decimals(found["value"]), periods=periods, columns=found)
    indicator.vintages.append(vintage)
    _tree_changed(indicator)
    return vintage


def _tree_changed(indicator):
    """What the tree shows changed (a first public vintage makes the indicator listed):
    the anonymous pages' cached parts are keyed by the tree's serial, which content and
    workflow events bump; a vintage is neither (a release's publication is its entry's
    transition: bumped there)."""
    from types import SimpleNamespace

    from statportal.content.events import bump_tree_serial

    if getattr(indicator, "__parent__", None) is not None:
        bump_tree_serial(SimpleNamespace(object=indicator, parent=None))


def merge(indicator, vintages):
    """``(periods, values, status)`` of ``vintages`` applied in number order: dense arrays
    shaped ``[members of each dimension…, periods present]``. Later vintages overwrite
    earlier ones cell by cell, with one ``ravel_multi_index`` and fancy assignments each
    (no loop per observation); a cell whose value differs from the one an earlier vintage
    gave, with no status of its own, is REVISED (and stays so while later vintages repeat
    the value); a confidential cell never has a value."""
    codes = indicator.dimension_codes()
    loaded = [vintage.columns() for vintage in sorted(vintages, key=lambda v: v.number)]
    periods = np.unique(np.concatenate(
        [np.zeros(0, dtype=np.int32), *(columns["period"] for columns in loaded)]))
    shape = (*(len(indicator.member_codes(code)) for code in codes), len(periods))
    values = np.full(shape, np.nan)
    status = np.zeros(shape, dtype=np.uint8)
    filled = np.zeros(shape, dtype=bool)
    flat_values, flat_status, flat_filled = (values.reshape(-1), status.reshape(-1),
                                             filled.reshape(-1))
    for columns in loaded:
        if not len(columns["value"]):
            continue
        at = np.searchsorted(periods, columns["period"])
        flat = np.ravel_multi_index((*(columns[code] for code in codes), at), shape)
        new_values, new_status = columns["value"], columns["status"].copy()
        old_values, old_status, had = flat_values[flat], flat_status[flat], flat_filled[flat]
        both = had & ~np.isnan(old_values) & ~np.isnan(new_values)
        changed = both & (old_values != new_values)
        still = both & (old_values == new_values) & (old_status == REVISED)
        new_status[(new_status == NONE) & (changed | still)] = REVISED
        flat_values[flat] = new_values
        flat_status[flat] = new_status
        flat_filled[flat] = True
    values[np.isin(status, CONFIDENTIAL)] = np.nan
    return tuple(int(p) for p in periods), values, status


def lookup(codes, periods, values, status, columns):
    """``(values, status)`` of merged arrays at the cells of store ``columns`` (NaN and
    NONE where there is no such cell: a period the arrays do not have)."""
    periods = np.asarray(periods, dtype=np.int64)
    count = len(columns["period"])
    found_values = np.full(count, np.nan)
    found_status = np.zeros(count, dtype=np.uint8)
    at = np.searchsorted(periods, columns["period"])
    inside = at < len(periods)
    inside[inside] = periods[at[inside]] == columns["period"][inside]
    if inside.any():
        flat = np.ravel_multi_index((*(columns[code][inside] for code in codes), at[inside]),
                                    values.shape)
        found_values[inside] = values.reshape(-1)[flat]
        found_status[inside] = status.reshape(-1)[flat]
    return found_values, found_status


def publish_vintage(vintage, now):
    """An embargoed vintage goes public at ``now`` (one already public stays as it is)."""
    if vintage.state == CANCELLED:
        raise VintageError(f"vintage {vintage.number} is cancelled")
    if vintage.state == EMBARGOED:
        vintage.state = PUBLIC
        vintage.public_at = now
    return vintage


def cancel_vintage(vintage, now):
    """An embargoed vintage is withdrawn for good (its release was cancelled). A public
    one cannot be: what the public read stays what it read (import a correction)."""
    if vintage.state == PUBLIC:
        raise VintageError(f"vintage {vintage.number} is public")
    if vintage.state == EMBARGOED:
        vintage.state = CANCELLED
        vintage.cancelled_at = now
    return vintage


def visible_vintages(indicator, *, as_of=None, staff=False, now=None):
    """The vintages a reader sees, in number order. Staff: every one not cancelled
    (``as_of``: created by then); the public: those public by ``as_of`` (default: now)."""
    from statportal import clock

    if staff:
        return [v for v in indicator.vintages
                if v.state != CANCELLED and (as_of is None or v.created <= as_of)]
    limit = as_of or now or clock.now()
    return [v for v in indicator.vintages
            if v.state == PUBLIC and v.public_at is not None and v.public_at <= limit]
