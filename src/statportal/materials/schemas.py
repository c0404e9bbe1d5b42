"""The Material schema: one colander schema for the deform form and the JSON API."""

import re

import colander
import deform.widget

from statportal.content.schemas import DESCRIPTION_MAX, multilingual
from statportal.files.upload import FilesSchema, files_widget
from statportal.i18n import LANGUAGES, _
from statportal.materials.categories import CATEGORIES, CATEGORY_TITLES

BODY_MAX = 20000


class Keywords(colander.SchemaType):
    """Keywords: a list (a JSON list, or one comma-separated line in the form), or lists by
    language, ``{"kk": [...], "ru": [...], "en": [...]}`` (in the form one line
    ``kk: …; ru: …; en: …``), which pages show in their language."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        if isinstance(appstruct, dict):
            return "; ".join(f"{lang}: {', '.join(appstruct[lang])}" for lang in LANGUAGES
                             if appstruct.get(lang))
        return ", ".join(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return ()
        if isinstance(cstruct, str) and _BY_LANGUAGE.match(cstruct):
            cstruct = self._split_languages(node, cstruct)
        if isinstance(cstruct, dict):
            unknown = sorted(set(cstruct) - set(LANGUAGES))
            if unknown:
                raise colander.Invalid(node, _("Keywords are given by language: kk, ru, en "
                                               "(not ${names}).",
                                               mapping={"names": ", ".join(unknown)}))
            by_language = {lang: self._words(node, cstruct[lang]) for lang in LANGUAGES
                           if lang in cstruct}
            return {lang: words for lang, words in by_language.items() if words} or ()
        return self._words(node, cstruct)

    @staticmethod
    def json_schema(node):
        line, words = {"type": "string"}, {"type": "array", "items": {"type": "string",
                                                                      "maxLength": 80}}
        return {"oneOf": [line, words, {
            "type": "object", "additionalProperties": False,
            "properties": {lang: {"oneOf": [line, words]} for lang in LANGUAGES}}]}

    @staticmethod
    def _split_languages(node, line):
        found = {}
        for part in filter(None, (p.strip() for p in line.split(";"))):
            match = _BY_LANGUAGE.match(part)
            if match is None or match.group(1) in found:
                raise colander.Invalid(node, _("Write the keywords of each language once, "
                                               "as kk: …; ru: …; en: …"))
            found[match.group(1)] = part[match.end():]
        return found

    @staticmethod
    def _words(node, cstruct):
        if cstruct in (None, ""):
            return ()
        if isinstance(cstruct, str):
            cstruct = cstruct.split(",")
        if not isinstance(cstruct, list | tuple) or not all(isinstance(k, str) for k in cstruct):
            raise colander.Invalid(node, _("A list of keywords is expected."))
        words = []
        for word in (" ".join(k.split()) for k in cstruct):
            if word and word not in words:
                words.append(word)
        if len(words) > 30 or any(len(w) > 80 for w in words):
            raise colander.Invalid(node, _("At most 30 keywords of 80 characters each."))
        return tuple(words)


_BY_LANGUAGE = re.compile(r"\s*(kk|ru|en)\s*:")


class MaterialFiles(FilesSchema):
    """New files; on an edit the current ones kept, replaced or removed."""


def _period_check(node, value):
    start, end = value.get("period_start"), value.get("period_end")
    if start and end and end < start:
        exc = colander.Invalid(node, "")
        exc["period_end"] = _("The period ends before it starts.")
        raise exc


class MaterialSchema(colander.MappingSchema):
    """Other features add their nodes and checks (``config.add_schema_extension``; the
    confidentiality's declaration and bases go after ``files``)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_period_check, **kw)
        self.insert(0, multilingual("title", _("Title"), required=True, max_length=500))
        self.insert(1, multilingual("description", _("Description"),
                                    max_length=DESCRIPTION_MAX, textarea=True))
        self.insert(2, multilingual("body", _("Text"), max_length=BODY_MAX, textarea=True))

    category = colander.SchemaNode(
        colander.String(), title=_("Category"), validator=colander.OneOf(CATEGORIES),
        widget=deform.widget.SelectWidget(values=list(CATEGORY_TITLES.items())))
    languages = colander.SchemaNode(
        colander.Set(), title=_("Languages"), missing=set(LANGUAGES), default=set(LANGUAGES),
        validator=colander.All(colander.ContainsOnly(LANGUAGES), colander.Length(
            min=1, min_err=_("Choose at least one language."))),
        widget=deform.widget.CheckboxChoiceWidget(values=[
            ("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]))
    files = MaterialFiles(title=_("Files"), missing=colander.drop, widget=files_widget)
    period_start = colander.SchemaNode(colander.Date(), title=_("Period covered: from"),
                                       missing=None)
    period_end = colander.SchemaNode(colander.Date(), title=_("Period covered: to"),
                                     missing=None)
    next_update = colander.SchemaNode(colander.Date(), title=_("Next update"), missing=None)
    unit = colander.SchemaNode(colander.String(), title=_("Responsible unit"), missing="",
                               validator=colander.Length(max=300))
    executor = colander.SchemaNode(colander.String(), title=_("Responsible executor"),
                                   missing="", validator=colander.Length(max=200))
    keywords = colander.SchemaNode(Keywords(), title=_("Keywords"), missing=(),
                                   description=_("Separated by commas; by language: "
                                                 "kk: …; ru: …; en: …"))


def material_schema():
    return MaterialSchema()
