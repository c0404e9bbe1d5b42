"""The persistent base of every content object."""

from persistent import Persistent

from statportal import clock
from statportal.i18n import LANGUAGES


def utcnow():
    """The portal's clock (:mod:`statportal.clock`), in UTC."""
    return clock.now()


def multilingual(value=None):
    """A plain dict keyed by language, with only the languages that have text."""
    value = value or {}
    if isinstance(value, str):
        value = {LANGUAGES[0]: value}
    return {lang: value[lang] for lang in LANGUAGES if value.get(lang)}


class Content(Persistent):
    """Id (``__name__``), kk/ru/en title and description, created, modified, creator.

    Multilingual values are plain dicts that are replaced, never mutated, so
    persistence sees every change.
    """

    __name__ = None
    __parent__ = None
    __content_type__ = None

    def __init__(self, title=None, description=None, creator=None):
        self.title = multilingual(title)
        self.description = multilingual(description)
        self.created = self.modified = utcnow()
        self.creator = creator

    def touch(self):
        self.modified = utcnow()
