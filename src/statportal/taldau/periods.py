"""Periods as whole numbers: one ordinal per period, so a cube's time axis sorts and
compares as integers (numpy arrays of int32) and the ISO text is made only for output.

annual ``2026`` → 2026; quarterly ``2026-Q3`` → 2026*4 + 2; monthly ``2026-10`` →
2026*12 + 9. The three scales never mix: an indicator has one periodicity.
"""

import re
from datetime import date
from functools import lru_cache

from statportal.i18n import _, interpolate

PERIODICITIES = ("monthly", "quarterly", "annual")
#: Periods per year of each periodicity.
PER_YEAR = {"annual": 1, "quarterly": 4, "monthly": 12}
#: Years outside this range are typing errors (a period 20026), not statistics.
FIRST_YEAR, LAST_YEAR = 1900, 2199

_PATTERNS = {
    "annual": re.compile(r"(\d{4})"),
    "quarterly": re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE),
    "monthly": re.compile(r"(\d{4})-(\d{2})"),
}
# One message per periodicity: the periodicity's word is part of the sentence to translate.
_NOT_A_PERIOD = {
    "annual": _("${period} is not an annual period (like 2026)."),
    "quarterly": _("${period} is not a quarterly period (like 2026-Q3)."),
    "monthly": _("${period} is not a monthly period (like 2026-10)."),
}


# The quarters' readable labels: one message each, so that a language writes the quarter
# its way (kk "${year}, III тоқсан", ru "III квартал ${year}").
_QUARTERS = (_("Q1 ${year}"), _("Q2 ${year}"), _("Q3 ${year}"), _("Q4 ${year}"))
#: babel's pattern of a month's label: the stand-alone month name and the year
MONTH_PATTERN = "LLLL y"


class PeriodError(ValueError):
    """A period that is malformed or does not fit the indicator's periodicity.
    ``message`` is a ``_()`` translation string with its mapping: the import and selection
    errors carry it to JSON and pages, which translate it in the asker's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):             # logs and tracebacks: the English text, interpolated
        return interpolate(self.message)


def _shown(text):
    return repr(text) if not isinstance(text, str) else f"'{text}'"


def _check_periodicity(periodicity):
    if periodicity not in PER_YEAR:
        raise PeriodError(_("Unknown periodicity ${periodicity} (one of ${choices}).",
                            mapping={"periodicity": _shown(periodicity),
                                     "choices": ", ".join(PERIODICITIES)}))


def ordinal(text, periodicity):
    """The ordinal of ``text`` (``2026``, ``2026-Q3``, ``2026-10``) at ``periodicity``."""
    _check_periodicity(periodicity)
    value = str(text).strip() if isinstance(text, str | int) else None
    match = _PATTERNS[periodicity].fullmatch(value) if value is not None else None
    if match is None:
        raise PeriodError(_(_NOT_A_PERIOD[periodicity], mapping={"period": _shown(text)}))
    year = int(match.group(1))
    sub = int(match.group(2)) if periodicity != "annual" else 1
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(_("${period}: the year is not between ${first} and ${last}.",
                            mapping={"period": _shown(text), "first": FIRST_YEAR,
                                     "last": LAST_YEAR}))
    if periodicity == "monthly" and not 1 <= sub <= 12:
        raise PeriodError(_("${period}: there is no month ${month}.",
                            mapping={"period": _shown(text), "month": sub}))
    return year * PER_YEAR[periodicity] + sub - 1


def label(number, periodicity):
    """The ISO text of an ordinal (what ``ordinal`` reads back)."""
    _check_periodicity(periodicity)
    year, sub = divmod(int(number), PER_YEAR[periodicity])
    if periodicity == "annual":
        return f"{year:04d}"
    if periodicity == "quarterly":
        return f"{year:04d}-Q{sub + 1}"
    return f"{year:04d}-{sub + 1:02d}"


def period_label(number, periodicity, lang, translate=None):
    """The readable label of an ordinal in ``lang``: monthly ``October 2026`` (``Қазан
    2026``, ``Октябрь 2026``), quarterly ``Q3 2026`` (translated), annual ``2026``.
    ``translate`` turns a ``_()`` message into ``lang`` (a localizer's ``translate``);
    without it, the English text. The codes stay ISO (``label``): this is for people."""
    _check_periodicity(periodicity)
    year, sub = divmod(int(number), PER_YEAR[periodicity])
    if periodicity == "annual":
        return f"{year:04d}"
    if periodicity == "quarterly":
        message = _(_QUARTERS[sub], mapping={"year": f"{year:04d}"})
        return (translate or interpolate)(message)
    return _month(year, sub + 1, lang or "en")


@lru_cache(maxsize=4096)
def _month(year, month, lang):
    """babel's month label, remembered: a 120-month answer would otherwise spend ~2 ms."""
    from babel.dates import format_date

    text = format_date(date(year, month, 1), MONTH_PATTERN, locale=lang)
    return text[:1].upper() + text[1:]   # a label starts a line: Октябрь, not октябрь


def first_day(number, periodicity):
    """The first day of the period (a chart's x position, SDMX's start)."""
    _check_periodicity(periodicity)
    year, sub = divmod(int(number), PER_YEAR[periodicity])
    return date(year, 1 + sub * (12 // PER_YEAR[periodicity]), 1)
