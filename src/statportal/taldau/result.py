"""What a selection of an indicator's cube gives the formats: one plain object, the only
thing ``statportal.taldau.formats`` reads (they never touch the store or the request).

The values are already what the asker may see: ``values`` holds NaN for a missing cell AND
for a confidential one (the number of an X cell never reaches a result), ``status`` says
which is which (the store's codes: 0 none, 1 primary X, 2 secondary X, 3 provisional,
4 revised)."""

from dataclasses import dataclass, field
from datetime import datetime

import numpy


@dataclass
class ResultDim:
    """One dimension of a result, in the order of the result's axes."""

    #: the dimension's code (``region``); ``period`` for the time dimension
    code: str
    #: the dimension's title in the result's language
    label: str
    #: the selected member codes, in hierarchy order (ISO periods for ``period``:
    #: ``2026``, ``2026-Q3``, ``2026-10``)
    codes: list[str]
    #: the members' labels in the result's language, parallel to ``codes``
    labels: list[str]
    #: ``"geo"`` for a geographic dimension, ``"time"`` for ``period``, else None
    role: str | None = None


@dataclass
class Result:
    """A selection of an indicator's cube, labelled in one language."""

    #: the indicator's id (its ``__name__``): the file name of an export
    indicator_id: str
    #: the indicator's code (the SDMX structure id is built from it)
    code: str
    #: the indicator's title in ``lang``
    title: str
    #: the language of every label (``kk``, ``ru`` or ``en``)
    lang: str
    #: the unit of measure's label in ``lang`` ("" if none)
    unit: str
    #: the source's label in ``lang`` ("" if none)
    source: str
    #: when the newest applied vintage became visible (UTC datetime), or None
    updated: datetime | None
    #: digits after the point to write values with (the indicator's setting or the data's)
    decimals: int
    #: the axes of ``values``; the last one is always the time dimension ``period``
    dims: list[ResultDim]
    #: float64 array shaped ``[len(d.codes) for d in dims]``; NaN = missing or confidential
    values: numpy.ndarray
    #: uint8 array of the same shape holding the store's status codes
    status: numpy.ndarray
    #: notes in ``lang`` (the indicator's notes and any said of the selection)
    notes: list[str] = field(default_factory=list)
    #: the ``asOf`` instant the result was read at (a datetime), or None for "now"
    asof: datetime | None = None
