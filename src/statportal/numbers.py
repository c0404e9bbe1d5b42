"""The one reader of whole numbers given in a request (query parameters, form fields).

Python's ``int`` takes more than a person means: ``"²".isdigit()`` is true yet ``int("²")``
fails, ``int("٣")`` is 3, ``int(" 1_0 ")`` is 10 and a 5,000-digit number is refused by
the interpreter. Listings read their numbers here: ASCII digits only, at most
``MAX_DIGITS`` of them, within the bounds the caller gives; anything else is a
``NumberError`` that names the parameter, which the views answer with 400.
"""

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
