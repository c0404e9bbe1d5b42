"""Object ids: validation and readable ids made from titles."""

import re

from statportal.i18n import LANGUAGES, _

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
MAX_NAME_LENGTH = 100

_TRANSLIT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}


class InvalidName(ValueError):
    """An id that cannot be used; ``str()`` says why."""


def check_name(name, reserved=()):
    """Raise ``InvalidName`` with the reason when ``name`` cannot be an id."""
    if not isinstance(name, str) or not name:
        raise InvalidName(_("An id is required."))
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(_("An id may have at most ${n} characters.",
                           mapping={"n": MAX_NAME_LENGTH}))
    if name.startswith(("@", "+", "_", ".")):
        raise InvalidName(_(
            "An id may not start with '@', '+', '_' or '.': such names are reserved "
            "for views and API endpoints."))
    if not NAME_RE.fullmatch(name):
        raise InvalidName(_("An id may contain only Latin letters, digits, '.', '_', '~' and '-'."))
    if name in reserved:
        raise InvalidName(_("The id ${name} is reserved.", mapping={"name": name}))
    return name


def slugify(text):
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].rstrip("-")


def name_from_title(title, taken, reserved=()):
    """A readable id from a multilingual title (English first), unique in ``taken``."""
    title = title or {}
    base = ""
    for lang in ("en", *LANGUAGES):
        if title.get(lang):
            base = slugify(title[lang])
            if base:
                break
    base = base or "item"
    name, n = base, 1
    while name in taken or name in reserved:
        n += 1
        name = f"{base}-{n}"
    return name
