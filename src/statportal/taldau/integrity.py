"""What an import may not do to the vintages already stored (checked by ``import_views``
before anything is stored, after every row of the file was read):

- confidentiality across vintages: a cell confidential (X, primary or secondary) in any
  earlier vintage not cancelled never gets a number later. Each vintage's suppression may
  be sound alone, but a reader who asks ``asOf`` before and after would combine them (the
  cell hidden in one is given by the other). A number becoming X later is harmless (it was
  public already): allowed, and it stays X. An X never public (only in waiting vintages of
  the import's own release) may be corrected: they go out together, no ``asOf`` parts them.
- the embargo: a row whose period only waiting (embargoed) vintages hold, or whose cell a
  waiting vintage changes (value or status differing from the public view: a revision not
  yet out), belongs to that vintage's release: an import not bound to that very release is
  refused (without a release it would be public at once; bound to another release it could
  come out first). A cell a waiting vintage merely repeats unchanged holds nothing back.
- nothing new: ``changes_nothing`` tells an import that adds no cell and changes no value
  nor status (the import then stores no vintage).

The earlier vintages are read once (``History``); cells are compared by their flat index
over the dimensions' codes and the periods present (numpy, no loop per observation).
"""

import numpy as np

from statportal.i18n import _
from statportal.taldau.store import (
    CANCELLED,
    CONFIDENTIAL,
    EMBARGOED,
    NONE,
    PUBLIC,
    REVISED,
    lookup,
    merge,
)

#: The errors of one kind listed at most (the others are counted).
MAX_ERRORS = 100


def rows_of(columns):
    """The spreadsheet rows of ``columns`` (``importing.Columns.rows``; else 2, 3, …)."""
    rows = getattr(columns, "rows", None)
    return np.arange(2, len(columns["period"]) + 2) if rows is None else np.asarray(rows)


class History:
    """The indicator's vintages not cancelled, each with its columns (read once)."""

    def __init__(self, indicator):
        self.indicator = indicator
        self.vintages = sorted((v for v in indicator.vintages if v.state != CANCELLED),
                               key=lambda v: v.number)
        self.columns = [v.columns() for v in self.vintages]
        self.codes = indicator.dimension_codes()

    def cells(self, new):
        """A function giving the flat cell index of store columns (``new``'s and every
        stored vintage's periods are on the axis)."""
        periods = np.unique(np.concatenate([np.zeros(0, dtype=np.int32), new["period"],
                                            *(c["period"] for c in self.columns)]))
        shape = (*(len(self.indicator.member_codes(c)) for c in self.codes),
                 max(len(periods), 1))

        def flat(columns):
            if not len(columns["period"]):
                return np.zeros(0, dtype=np.int64)
            at = np.searchsorted(periods, columns["period"])
            return np.ravel_multi_index((*(columns[c] for c in self.codes), at), shape)
        return flat

    def confidential_errors(self, new, value_column="value", release=""):
        """Errors for the rows of ``new`` giving a number to a cell confidential in an
        earlier vintage (the first such vintage named); waiting vintages of ``release``
        (the import's own) do not count: their X was never public."""
        flat = self.cells(new)
        cells = flat(new)
        with_number = ~np.isnan(np.asarray(new["value"], dtype=np.float64)) & ~np.isin(
            new["status"], CONFIDENTIAL)
        since = np.zeros(len(cells), dtype=np.int64)
        for vintage, columns in zip(self.vintages, self.columns, strict=True):
            if release and vintage.state == EMBARGOED and vintage.release == release:
                continue
            hidden = np.isin(columns["status"], CONFIDENTIAL)
            if not hidden.any():
                continue
            hit = (since == 0) & with_number & np.isin(cells, flat(columns)[hidden])
            since[hit] = vintage.number
        rows = rows_of(new)
        bad = np.flatnonzero(since)
        return len(bad), [{
            "field": "file", "row": int(rows[i]), "column": value_column,
            "type": "confidential", "message": _(
                "The cell is confidential (X) since vintage ${number}; a confidential "
                "cell stays confidential: leave the value empty and mark it X.",
                mapping={"number": int(since[i])})} for i in bad[:MAX_ERRORS]]

    def waiting_errors(self, new, release=""):
        """Errors (naming ``release``) for the rows of ``new`` whose period only waiting
        vintages hold, or whose cell a waiting vintage holds, unless ``new`` is bound to
        that vintage's ``release``: one error per period and release (its first row)."""
        from statportal.taldau.periods import label

        waiting = [(v, c) for v, c in zip(self.vintages, self.columns, strict=True)
                   if v.state == EMBARGOED and v.release != (release or "")]
        if not waiting or not len(new["period"]):
            return 0, []
        flat = self.cells(new)
        cells = flat(new)
        public_vintages = [v for v in self.vintages if v.state == PUBLIC]
        view = merge(self.indicator, public_vintages)   # what the public reads now
        unpublished = ~np.isin(new["period"], view[0])
        held_by = np.full(len(cells), -1)
        revision = np.zeros(len(cells), dtype=bool)
        for index, (_vintage, columns) in enumerate(waiting):
            whole = unpublished & np.isin(new["period"], columns["period"])
            cell = np.isin(cells, flat(columns)[self._changed(view, columns)])
            hit = (held_by < 0) & (whole | cell)
            held_by[hit], revision[hit] = index, ~whole[hit]
        rows, errors, seen = rows_of(new), [], set()
        for i in np.flatnonzero(held_by >= 0):
            key = (int(new["period"][i]), int(held_by[i]), bool(revision[i]))
            if key in seen:
                continue
            seen.add(key)
            mapping = {"period": label(key[0], self.indicator.periodicity),
                       "release": waiting[key[1]][0].release or "—"}
            errors.append({
                "field": "release", "row": int(rows[i]), "column": "period",
                "type": "waiting", "message": _(
                    "A revision of the period ${period} waits for the release ${release}: "
                    "bind the import to it.", mapping=mapping) if key[2] else _(
                    "The period ${period} waits for the release ${release}: bind the "
                    "import to it.", mapping=mapping)})
        return len(errors), errors[:MAX_ERRORS]

    def _changed(self, view, columns):
        """Which rows of ``columns`` differ in value or status from the merged ``view``
        (a repeated value keeps its ``r``: no status over a revised cell is the same)."""
        old_values, old_status = lookup(self.codes, *view, columns)
        values = np.asarray(columns["value"], dtype=np.float64)
        status = np.asarray(columns["status"], dtype=np.uint8)
        had = ~np.isnan(old_values) | (old_status != NONE)
        same_value = (np.isnan(values) & np.isnan(old_values)) | (values == old_values)
        same_status = (status == old_status) | ((status == NONE) & (old_status == REVISED))
        return ~(had & same_value & same_status)

    def changes_nothing(self, new):
        """Whether storing ``new`` would add no cell and change no value nor status of
        what is stored (every vintage not cancelled). A repeated value keeps its ``r``:
        a row without status over a revised cell of the same value changes nothing."""
        if not self.vintages or not len(new["period"]):
            return False
        return not self._changed(merge(self.indicator, self.vintages), new).any()
