"""The one reader of numbers: whole numbers given in a request (query parameters, form
fields; ``read_int``) and numbers written in tables (``read_number``, below: what previews
show and what the confidentiality check reads, by one rule).

Python's ``int`` takes more than a person means: ``"²".isdigit()`` is true yet ``int("²")``
fails, ``int("٣")`` is 3, ``int(" 1_0 ")`` is 10 and a 5,000-digit number is refused by
the interpreter. Listings read their numbers here: ASCII digits only, at most
``MAX_DIGITS`` of them, within the bounds the caller gives; anything else is a
``NumberError`` that names the parameter, which the views answer with 400.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from statportal.i18n import _

MAX_DIGITS = 9


class NumberError(ValueError):
    """A parameter that is not a whole number within its bounds."""

    def __init__(self, field, message):
        super().__init__(field)
        self.field, self.message = field, message

    def error(self):
        """The error as the JSON API lists it."""
        return {"field": self.field, "type": "invalid", "message": self.message}


def read_int(params, name, default=None, low=0, high=None, message=None):
    """The whole number ``params[name]`` (the last if it is repeated), or ``default`` when
    it is absent or empty; ``NumberError`` naming ``name`` when it is anything else."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip() if isinstance(raw, str) else None
    value = None
    if text and len(text) <= MAX_DIGITS and text.isascii() and text.isdigit():
        value = int(text)
    if value is None or (low is not None and value < low) or \
            (high is not None and value > high):
        if message is None:
            if high is not None:
                message = _("Must be a whole number (${limit}).",
                            mapping={"limit": f"{low}–{high}"})
            else:
                message = _("Must be a whole number (${limit}).",
                            mapping={"limit": f"≥ {low}"})
        raise NumberError(name, message)
    return value


def read_year(params, name="year"):
    """A year of four digits (1900–2200), or None when absent or empty."""
    return read_int(params, name, low=1900, high=2200, message=_("A year is four digits."))


# -- numbers written in tables (previews and the confidentiality check) -------------------
#
# The one rule, for the Kazakh and Russian data the office publishes and the English
# spreadsheets beside it:
#
# * a comma or a point is the decimal mark: ``12,5`` and ``12.5`` are 12.5;
# * a space (also a no-break or a narrow no-break space) groups thousands: ``1 234 567,8``;
# * commas group thousands only where a comma cannot be the decimal mark: ``1,234,567`` and
#   ``1,234.5``;
# * ``1,234`` (one comma before exactly three digits, after one to three digits that do
#   not start with 0) reads both ways, 1.234 and 1234: the caller says which
#   (``decimal_comma``: True in a ``;``-separated csv, False in a ``,``-separated one),
#   else it is ``AmbiguousNumber`` -- an error that a caller cannot mistake for "not a
#   number", so the confidentiality check reports it and a preview shows it as written;
# * a leading ``-`` (or the minus sign, or an en dash) makes it negative;
# * nothing else is a number: a code with a leading zero (``011000000``), ``1.234,5``,
#   ``1e5``, ``12 %``, a footnote mark (``412,5¹``), more than 30 digits or 10 decimals.

_SPACE_GROUPED = re.compile(r"(\d{1,3}(?: \d{3})+)(?:([.,])(\d+))?", re.ASCII)
_COMMA_GROUPED = re.compile(r"([1-9]\d{0,2}(?:,\d{3})+)(?:(\.)(\d+))?", re.ASCII)
_PLAIN = re.compile(r"(\d+)(?:([.,])(\d+))?", re.ASCII)


class AmbiguousNumber(ValueError):
    """Text that reads as two different numbers (``1,234``: 1.234 or 1234)."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text


class Number(NamedTuple):
    value: Decimal
    decimals: int      # digits written after the decimal mark
    grouped: bool      # thousands were grouped


def read_number(text, decimal_comma=None):
    """The ``Number`` that ``text`` unmistakably writes, None when it writes none;
    ``AmbiguousNumber`` for ``1,234`` when ``decimal_comma`` is None (see the rule above)."""
    candidate = " ".join(str(text).split()).replace("\u2212", "-").replace("\u2013", "-")
    negative = candidate.startswith("-")
    candidate = candidate[1:].lstrip() if negative else candidate
    for pattern in (_SPACE_GROUPED, _PLAIN, _COMMA_GROUPED):  # 1,234 is _PLAIN's
        match = pattern.fullmatch(candidate)
        if match:
            break
    else:
        return None
    integer, mark, fraction = match.group(1), match.group(2), match.group(3) or ""
    grouped = pattern is not _PLAIN
    if pattern is _PLAIN and len(integer) > 1 and integer.startswith("0"):
        return None  # a code (КАТО, ОКЭД…), not a number
    if pattern is _PLAIN and mark == "," and len(fraction) == 3 and len(integer) <= 3 \
            and not integer.startswith("0") and not decimal_comma:
        if decimal_comma is None:
            raise AmbiguousNumber(str(text))
        integer, fraction, grouped = integer + fraction, "", True
    if len(fraction) > 10 or len(re.sub(r"\D", "", integer)) > 30:
        return None
    try:
        value = Decimal(re.sub(r"\D", "", integer) + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None
    return Number(-value if negative else value, len(fraction), grouped)
