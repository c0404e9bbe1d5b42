"""What the writers share: the texts in the asked language, the rounded values, the masks
of confidential and missing cells, the long form's index columns, the file name."""

import re
from decimal import ROUND_HALF_EVEN, Decimal

import numpy

from statportal.disclosure.output import FOOTNOTE
from statportal.i18n import LANGUAGES, _, interpolate, timezone, translate_for
from statportal.taldau import store

#: the store's status codes, under the short names the writers use
NONE, PRIMARY, SECONDARY = store.NONE, store.CONFIDENTIAL_PRIMARY, store.CONFIDENTIAL_SECONDARY
PROVISIONAL, REVISED = store.PROVISIONAL, store.REVISED
#: the store's texts by code, as an array: ``STATUS_TEXT[codes]`` labels a whole array
STATUS_TEXT = numpy.array([store.STATUS_TEXT.get(code, "") for code in range(
    max(store.STATUS_TEXT) + 1)], dtype=object)

DEFAULT_AGENCY = "KZ_BNS"
AGENCY_SETTING = "statportal.data.sdmx_agency"

#: the notes beside ``X`` (FOOTNOTE, translated already), ``p`` and ``r``
PROVISIONAL_NOTE = _("p – provisional data.")
REVISED_NOTE = _("r – revised data.")


class Context:
    """The language of the texts a format adds, their translation, the zone of times and
    the SDMX agency: the application's when a registry is given."""

    def __init__(self, lang, registry=None):
        self.lang = lang if lang in LANGUAGES else "en"
        self.registry = registry
        settings = getattr(registry, "settings", None) or {}
        self.agency = settings.get(AGENCY_SETTING) or DEFAULT_AGENCY
        self.zone = timezone(settings)

    def translate(self, message):
        if self.registry is None:
            return interpolate(message)
        return translate_for(self.registry, message, self.lang)

    @property
    def footnote(self):
        return FOOTNOTE[self.lang]


def masks(result):
    """``(confidential, missing)`` boolean arrays shaped like the values: a confidential
    cell is never missing (it is X), a missing one is NaN without a confidential status."""
    status = numpy.asarray(result.status, dtype=numpy.uint8)
    confidential = (status == PRIMARY) | (status == SECONDARY)
    missing = numpy.isnan(result.values) & ~confidential
    return confidential, missing


def decimals_of(result):
    """The digits to write after the point: ``result.decimals``, 0 when None or below,
    at most 12 (what a float64 holds beside a large whole part)."""
    return min(max(int(result.decimals or 0), 0), 12)


def rounded(result):
    """The values rounded to ``decimals`` by the rule of the published tables
    (``Table.units``: the value's shortest decimal text, rounded half to even, so 2.675
    is 2.68 with two decimals, where a float multiplication gives 2.67), as the float
    nearest that decimal (``7471.9``); NaN at confidential cells whatever the array held,
    ``0.0`` never ``-0.0``. Vectorised; only the cells within a hair of a half are
    rounded again one by one, exactly."""
    values = numpy.array(result.values, dtype=numpy.float64)
    decimals = decimals_of(result)
    scale = 10.0 ** decimals
    scaled = values * scale
    units = numpy.rint(scaled)
    with numpy.errstate(invalid="ignore"):
        halfway = numpy.abs(numpy.abs(scaled - numpy.trunc(scaled)) - 0.5) <= \
            numpy.abs(scaled) * 1e-14 + 1e-12
    for index in zip(*numpy.nonzero(halfway), strict=True):
        exact = Decimal(repr(float(values[index]))).scaleb(decimals)
        units[index] = float(exact.to_integral_value(ROUND_HALF_EVEN))
    values = units / scale + 0.0
    confidential, _missing = masks(result)
    values[confidential] = numpy.nan
    return values


def texts(result, values=None):
    """The rounded values as text with exactly ``decimals`` digits (``"120.0"``, ``"7"``),
    ``"X"`` at confidential cells, ``""`` at missing ones; a flat object array."""
    values = rounded(result) if values is None else values
    confidential, missing = (m.ravel() for m in masks(result))
    flat = values.ravel()
    out = numpy.full(flat.shape, "", dtype=object)
    present = ~(confidential | missing)
    if present.any():
        out[present] = numpy.char.mod(f"%.{decimals_of(result)}f", flat[present])
    out[confidential] = "X"
    return out


def long_codes(dims, which="codes"):
    """``{dimension code: flat array of member codes (or labels)}`` of every cell of the
    array the ``dims`` span, in its (C) order: the long form's index columns, made by
    repeat and tile, no loop per cell."""
    shape = [len(dim.codes) for dim in dims]
    total = int(numpy.prod(shape)) if shape else 0
    columns, after = {}, total
    for size, dim in zip(shape, dims, strict=True):
        after //= max(size, 1)
        before = total // (after * max(size, 1)) if total else 0
        members = numpy.asarray(getattr(dim, which), dtype=object)
        columns[dim.code] = numpy.tile(numpy.repeat(members, after), before)
    return columns


#: ``2026-10-15T04:00:00Z`` (kept in the store, which imports no format, so that a
#: vintage's ``describe`` writes its times as every answer does).
iso_utc = store.iso_utc


def filename(result, extension):
    """``<id>.<extension>`` made of ASCII letters, digits, ``-``, ``_`` and ``.`` only, safe
    in a Content-Disposition header; ``data`` when the id leaves nothing."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", result.indicator_id or "").strip("._")
    return f"{stem or 'data'}.{extension}"
