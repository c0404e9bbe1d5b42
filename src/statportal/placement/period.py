"""The period a request's material covers, written as ISO 8601 reads it.

One line, so the form has one field and the JSON API one string:

- ``2026`` — the year; ``2026-10`` — a month; ``2026-Q3`` — a quarter; ``2026-H1`` — a
  half-year; ``2026-10-15`` — a day;
- ``A/B`` — from the start of A to the end of B (``2026-01/2026-10``: January–October).

It is stored as written (normalised: upper-case Q and H, no spaces) and becomes the
placed material's ``period_start`` and ``period_end`` (dates), which its years facet and
the currency checks read. A text that is none of these is refused with an example, not
kept as free text that nothing could read.
"""

import calendar
import re
from datetime import date

import colander

from statportal.i18n import _

_PART = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|([QH])(\d)))?$")


def _bounds(part):
    """``(first day, last day)`` of one ISO part, or None."""
    match = _PART.match(part)
    if match is None:
        return None
    year, month, day, kind, number = match.groups()
    year = int(year)
    try:
        if day:
            one = date(year, int(month), int(day))
            return one, one
        if month:
            month = int(month)
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if kind:
            number = int(number)
            size = 3 if kind == "Q" else 6
            if not 1 <= number <= 12 // size:
                return None
            first, last = (number - 1) * size + 1, number * size
            return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    except ValueError:
        return None
    return date(year, 1, 1), date(year, 12, 31)


def normalise(text):
    return re.sub(r"\s+", "", text or "").upper()


def period_bounds(text):
    """``(start, end)`` dates of a period line; ``(None, None)`` for none or a bad one."""
    text = normalise(text)
    if not text:
        return None, None
    parts = text.split("/")
    if len(parts) > 2:
        return None, None
    found = [_bounds(part) for part in parts]
    if any(b is None for b in found) or found[-1][1] < found[0][0]:
        return None, None
    return found[0][0], found[-1][1]


class Period(colander.String):
    """A period line (see the module); ``""`` for none."""

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None):
            return colander.null
        if not isinstance(cstruct, str):
            raise colander.Invalid(node, _("A text is expected."))
        text = normalise(cstruct)
        if not text:
            return ""
        if len(text) > 25 or period_bounds(text) == (None, None):
            raise colander.Invalid(node, _(
                "Write the period as 2026, 2026-10, 2026-Q3 or 2026-01/2026-10 "
                "(not ${value}).", mapping={"value": cstruct.strip()[:40]}))
        return text
