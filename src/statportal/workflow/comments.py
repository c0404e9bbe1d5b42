"""History comments the code writes, kept as messages to translate when shown.

``fire(..., comment=_("${number} (${kind})", mapping={...}))`` and ``note(obj, action,
_(...))`` take a ``_()`` translation string as the comment: the entry keeps ``comment``
(the English text, as older entries and scripts read it) and ``comment_message``, plain
data (never a TranslationString pickled into the ZODB):

    {"msgid": ..., "default": ..., "domain": ..., "mapping": {name: value}}

where a value is a text (a number, a file name, a person's reason: shown as it is), a
nested message (the same shape), or a vocabulary term ``{"code": "new", "title":
<message>}`` (:class:`Term`: stored as its code, shown by its title). ``comment_text``
shows an entry's comment in the reader's language; an entry without a message (a
person's words, an older entry) shows its ``comment`` as it is.
"""

from translationstring import TranslationString


class Term:
    """A vocabulary value inside a comment's mapping (a placement type, a category):
    stored as its code, shown by its title (a ``_()`` string) in the reader's language."""

    def __init__(self, code, title):
        self.code, self.title = code, title

    def __str__(self):  # the English text (the entry's plain ``comment``)
        return _english(self.title) if self.title is not None else str(self.code)


def _english(value):
    """The English text of a message, its nested messages and terms too (no catalog)."""
    if is_message(value):
        mapping = {k: _english(v) for k, v in (value.mapping or {}).items()}
        return TranslationString(value.default or str(value), mapping=mapping).interpolate()
    if hasattr(value, "interpolate"):  # an ngettext plural
        return value.interpolate()
    return "" if value is None else str(value)


def is_message(value):
    return isinstance(value, TranslationString)


def _stored_value(value):
    if isinstance(value, Term):
        title = _stored_message(value.title) if is_message(value.title) else None
        return {"code": str(value.code), "title": title}
    if is_message(value):
        return _stored_message(value)
    return _english(value)  # a text (a plural message: its English words)


def _stored_message(message):
    return {"msgid": str(message), "default": str(message.default or message),
            "domain": str(message.domain or ""),
            "mapping": {str(k): _stored_value(v) for k, v in (message.mapping or {}).items()}}


def stored(comment):
    """``(text, message)``: the entry's plain ``comment`` (English, interpolated) and
    its ``comment_message`` (plain data, or None for a person's words)."""
    if not is_message(comment):
        return comment or "", None
    return _english(comment), _stored_message(comment)


def _shown_value(source, value, language):
    from statportal import labels

    if isinstance(value, dict) and "code" in value:
        title = value.get("title")
        titles = {value["code"]: _message(source, title, language)} if title else {}
        return labels.term(source, titles, value["code"], language)
    if isinstance(value, dict) and "msgid" in value:
        return labels.words(source, _message(source, value, language), "", language)
    return value


def _message(source, data, language):
    mapping = {k: _shown_value(source, v, language)
               for k, v in (data.get("mapping") or {}).items()}
    return TranslationString(data["msgid"], domain=data.get("domain") or None,
                             default=data.get("default") or None, mapping=mapping)


def comment_text(source, entry, language=None):
    """An entry's comment for a reader: its message in ``source``'s language (a request,
    or a registry with ``language``), else its plain ``comment`` as it was written."""
    from statportal import labels

    data = entry.get("comment_message")
    if not isinstance(data, dict) or "msgid" not in data:
        return entry.get("comment") or ""
    return labels.words(source, _message(source, data, language), entry.get("comment") or "",
                        language)


__all__ = ["Term", "comment_text", "is_message", "stored"]
