"""Colander schemas of the core types: each serves the deform form and the JSON API.

Multilingual fields are mappings keyed by language (``{"kk": …, "ru": …,
"en": …}``); a required one needs a text in at least one language.
"""

import colander
import deform.widget

from statportal.i18n import LANGUAGES, _
from statportal.labels import language_title

LANGUAGE_TITLES = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}

TITLE_MAX = 200
DESCRIPTION_MAX = 2000


def multilingual(name, title, *, required=False, max_length=TITLE_MAX, textarea=False,
                 description=None):
    node = colander.SchemaNode(
        colander.Mapping(unknown="raise"),
        name=name,
        title=title,
        description=description,
        missing={} if not required else colander.required,
        validator=_require_one_language if required else None,
        widget=deform.widget.MappingWidget(css_class="multilingual"),
    )
    length = colander.Length(max=max_length, max_err=_(
        "At most ${max} characters.", mapping={"max": max_length}))
    for lang in LANGUAGES:
        node.add(colander.SchemaNode(
            colander.String(),
            name=lang,
            title=LANGUAGE_TITLES[lang],
            missing="",
            validator=length if textarea else colander.All(length, _single_line),
            widget=(deform.widget.TextAreaWidget(rows=3) if textarea
                    else deform.widget.TextInputWidget()),
        ))
    return node


def _single_line(node, value):
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise colander.Invalid(node, _("One line, without line breaks or control characters."))


def _require_one_language(node, value):
    if not any((value or {}).get(lang, "").strip() for lang in LANGUAGES):
        # the languages by name, not code (the message is read by editors, not integrators)
        raise colander.Invalid(node, _(
            "Give it in at least one language: ${languages}.",
            mapping={"languages": ", ".join(language_title(lang) for lang in LANGUAGES)}))


def title_and_description():
    return [
        multilingual("title", _("Title"), required=True),
        multilingual("description", _("Description"), max_length=DESCRIPTION_MAX, textarea=True),
    ]


class ContentSchema(colander.MappingSchema):
    """Title and description in kk, ru and en: the fields every content type has."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        for position, node in enumerate(title_and_description()):
            self.insert(position, node)


class SectionSchema(ContentSchema):
    pass


def section_schema():
    return SectionSchema()


def container_schema():
    return ContentSchema()
