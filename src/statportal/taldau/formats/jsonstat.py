"""JSON-stat 2.0 (https://json-stat.org/full/): one ``dataset``, the default format and the
one PxWeb API 2.0 clients read.

Like PxWeb, the dataset has a metric dimension ``ContentsCode`` of one category (the
indicator's code) just before ``period``: it is where JSON-stat keeps the unit of measure
and the decimals (``category.unit``). Being of size 1 it changes nothing in the order of
``value``, which is the result's array flattened in row-major order (JSON-stat's order:
the last dimension varies fastest). ``value`` is dense, ``null`` for a missing cell and
for a confidential one; ``status`` is an object ``{index: "X" | "p" | "r"}`` naming only
the cells that have one. The number of an ``X`` cell is never written."""

import json

import numpy

from statportal.i18n import _
from statportal.taldau.formats.common import STATUS_TEXT, decimals_of, iso_utc, masks, rounded

CONTENTS = "ContentsCode"
STATUS_LABELS = {"X": _("confidential"), "p": _("provisional"), "r": _("revised")}


def dataset(result, context):
    """The JSON-stat 2.0 dataset as a dict (``value`` and ``status`` included)."""
    ids = [dim.code for dim in result.dims]
    dimension = {}
    for dim in result.dims:
        dimension[dim.code] = {"label": dim.label, "category": {
            "index": {code: i for i, code in enumerate(dim.codes)},
            "label": dict(zip(dim.codes, dim.labels, strict=True))}}
    role = {"time": [dim.code for dim in result.dims
                     if dim.role == "time" or dim.code == "period"]}
    geo = [dim.code for dim in result.dims if dim.role == "geo"]
    if geo:
        role["geo"] = geo
    if CONTENTS not in dimension:
        unit = {"decimals": decimals_of(result)}
        if result.unit:
            unit["label"] = result.unit
        code = result.code or result.indicator_id
        dimension[CONTENTS] = {"label": result.title, "category": {
            "index": {code: 0}, "label": {code: result.title}, "unit": {code: unit}}}
        ids.insert(max(len(ids) - 1, 0), CONTENTS)
        role["metric"] = [CONTENTS]
    dimension = {code: dimension[code] for code in ids}
    sizes = [len(dimension[code]["category"]["index"]) for code in ids]
    confidential, _missing = masks(result)
    body = {
        "version": "2.0", "class": "dataset", "label": result.title,
        "source": result.source, "updated": iso_utc(result.updated),
        "id": ids, "size": sizes, "role": role, "dimension": dimension,
        "value": _values(result), "status": _status(result),
        "extension": {
            "indicator": result.indicator_id, "code": result.code, "lang": context.lang,
            "decimals": decimals_of(result), "asOf": iso_utc(result.asof),
            "confidentiality": context.footnote,
            "status": {key: context.translate(text) for key, text in STATUS_LABELS.items()},
        },
    }
    notes = list(result.notes)
    if confidential.any():
        notes.append(context.footnote)
    if notes:
        body["note"] = notes
    for key in ("source", "updated", "status"):
        if not body[key]:
            del body[key]
    return body


def _values(result):
    """The rounded values as a list of Python numbers (ints when ``decimals`` is 0) with
    None at missing and confidential cells: made by numpy, one pass, no loop per cell."""
    values = rounded(result).ravel()
    empty = numpy.isnan(values)
    if decimals_of(result) == 0:
        cells = numpy.where(empty, 0, values).astype(numpy.int64).astype(object)
    else:
        cells = values.astype(object)
    cells[empty] = None
    return cells.tolist()


def _status(result):
    codes = numpy.asarray(result.status, dtype=numpy.uint8).ravel()
    codes = numpy.where(codes < len(STATUS_TEXT), codes, 0)
    where = numpy.flatnonzero(codes)
    return dict(zip(map(str, where.tolist()), STATUS_TEXT[codes[where]].tolist(),
                    strict=True))


def write(result, context, _name):
    return json.dumps(dataset(result, context), ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")
