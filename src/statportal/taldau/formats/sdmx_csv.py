"""SDMX-CSV 2.0 (SDMX 3.0 technical standards, section 6): one row per observation with
``STRUCTURE``, ``STRUCTURE_ID``, ``ACTION``, the dimensions by code, ``TIME_PERIOD``,
``OBS_VALUE``, ``OBS_STATUS`` and ``CONF_STATUS`` — what .Stat Suite and the ``sdmx``
libraries read.

- ``STRUCTURE`` ``dataflow``, ``STRUCTURE_ID`` ``<agency>:<indicator code>(1.0)``: the
  agency is the setting ``statportal.data.sdmx_agency`` (default ``KZ_BNS``, the Bureau of
  National Statistics); the indicator's code with any character SDMX does not allow in an
  id (``[A-Za-z0-9_@$-]``) written as ``_``. ``ACTION`` ``I`` (information: a download,
  not an instruction to a receiving database).
- A confidential cell: ``OBS_VALUE`` empty, ``CONF_STATUS`` ``C`` (primary) or ``D``
  (secondary); other cells ``F`` (free). ``OBS_STATUS`` ``P`` provisional, ``R`` revised,
  else ``A`` (normal).
- A missing cell is no observation: SDMX data carry only the observations that exist, so
  it has no row (a confidential cell has one: it exists, its value is withheld).
- ``TIME_PERIOD`` is SDMX's own: ``2026``, ``2026-Q3``, ``2026-10`` (the ISO periods the
  result holds already)."""

import io
import re

import numpy
import pandas

from statportal.taldau.formats.common import (
    DEFAULT_AGENCY,
    PRIMARY,
    PROVISIONAL,
    REVISED,
    SECONDARY,
    decimals_of,
    long_codes,
    masks,
    rounded,
)

VERSION = "1.0"


def structure_id(result, agency):
    """``KZ_BNS:GDP_Q(1.0)``."""
    flow = re.sub(r"[^A-Za-z0-9_@$-]", "_", result.code or result.indicator_id) or "DATA"
    # an agency id may be nested with dots (SDMX's NestedNCNameIDType)
    agency = re.sub(r"[^A-Za-z0-9_.-]", "_", agency) or DEFAULT_AGENCY
    return f"{agency}:{flow}({VERSION})"


def write(result, context, _name):
    confidential, missing = (m.ravel() for m in masks(result))
    keep = ~missing
    status = numpy.asarray(result.status, dtype=numpy.uint8).ravel()[keep]
    codes = long_codes(result.dims)
    columns = {"STRUCTURE": "dataflow", "STRUCTURE_ID": structure_id(result, context.agency),
               "ACTION": "I"}
    for dim in result.dims[:-1]:
        columns[dim.code] = codes[dim.code][keep]
    columns["TIME_PERIOD"] = codes[result.dims[-1].code][keep]
    # rounded() leaves NaN at confidential cells: written empty by na_rep
    columns["OBS_VALUE"] = rounded(result).ravel()[keep]
    columns["OBS_STATUS"] = numpy.select([status == PROVISIONAL, status == REVISED],
                                         ["P", "R"], "A")
    columns["CONF_STATUS"] = numpy.select([status == PRIMARY, status == SECONDARY],
                                          ["C", "D"], "F")
    names = list(columns)
    frame = pandas.DataFrame({i: columns[n] for i, n in enumerate(names)},
                             index=pandas.RangeIndex(int(keep.sum())))
    frame.columns = names
    stream = io.BytesIO()
    frame.to_csv(stream, index=False, encoding="utf-8", lineterminator="\r\n", na_rep="",
                 float_format=f"%.{decimals_of(result)}f")
    return stream.getvalue()
