"""The Question schema: the public ask form, the staff's routing and answer, the JSON API.

Adding (the asker) has the asker's fields and the attachment; editing (the office) adds
``units`` and ``answer``, which the workflow's state lets change (``rules.STATE_FIELDS``).
"""

import colander
import deform.widget

from statportal.content.schemas import container_schema
from statportal.files.upload import Upload, UploadStore
from statportal.i18n import LANGUAGES, _
from statportal.security.staff import is_staff

__all__ = ["container_schema", "question_schema"]

NAME_MAX = 200
ORGANISATION_MAX = 300
ANSWER_MAX = 20000
UNITS_MAX = 10
#: Set by the office, never by the asker.
OFFICE_FIELDS = ("units", "answer", "public_text", "public_answer")
#: Refused in an attachment even where the portal's policy accepts them for materials.
ACTIVE_FORMATS = ("html", "htm")


def _setting(request, name):
    from statportal.settings import as_int

    return as_int(request.registry.settings, name)


def plain_line_ends(value):
    """Text with ``\\n`` line ends, however it came (a browser's textarea sends CRLF)."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n")


class QuestionUpload(Upload):
    """One file under the portal's format policy, less HTML, within the question's limits
    (far lower for the public: ``anonymous_attachment_max_mb`` and ``…_max_unpacked_mb``).

    The description a GET returned (``{"filename", "size", …}``, no ``data``) sent back
    unchanged is not a new file: it keeps the stored one."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, dict) and "data" not in cstruct and "fp" not in cstruct:
            stored = getattr((node.bindings or {}).get("context"), "attachment", None)
            sent = {key: None if value is colander.null else value   # JSON null came as
                    for key, value in cstruct.items()}               # colander.null
            if stored is not None and sent == stored.describe():
                return colander.drop
        return super().deserialize(node, cstruct)

    def policy_for(self, request):
        from dataclasses import replace

        from statportal.files.upload import policy_of

        policy = policy_of(request)
        if request is None:
            return policy
        limit = _setting(request, "statportal.questions.attachment_max_mb") * 1024 * 1024
        unpacked = policy.max_unpacked
        if not is_staff(request):  # the public: far lower limits
            limit = min(limit, _setting(
                request, "statportal.questions.anonymous_attachment_max_mb") * 1024 * 1024)
            unpacked = _setting(
                request, "statportal.questions.anonymous_attachment_max_unpacked_mb") * 1024 * 1024
        return replace(policy, max_bytes=min(policy.max_bytes, limit),
                       max_unpacked=min(policy.max_unpacked, unpacked),
                       extensions=tuple(e for e in policy.extensions
                                        if e not in ACTIVE_FORMATS))


@colander.deferred
def topic_widget(node, kw):
    from statportal.i18n import pick
    from statportal.questions.topics import get_topics

    request = kw["request"]
    return deform.widget.SelectWidget(values=[("", "—")] + [
        (name, pick(request, title)[0]) for name, title in
        get_topics(request.registry).items()])


@colander.deferred
def topic_validator(node, kw):
    from statportal.questions.topics import get_topics

    return colander.OneOf(list(get_topics(kw["request"].registry)))


@colander.deferred
def text_validator(node, kw):
    maximum = _setting(kw["request"], "statportal.questions.max_chars")
    return colander.Length(min=10, max=maximum, min_err=_(
        "Write the question: at least ${min} characters."), max_err=_(
        "The question is longer than ${max} characters: shorten it or attach a file."))


@colander.deferred
def language_default(node, kw):
    locale = getattr(kw["request"], "locale_name", None)
    return locale if locale in LANGUAGES else LANGUAGES[0]


@colander.deferred
def units_widget(node, kw):
    from statportal.security.schemas import orgunit_paths

    return deform.widget.CheckboxChoiceWidget(values=orgunit_paths(kw["request"]))


@colander.deferred
def units_validator(node, kw):
    from statportal.content.paths import find_by_path
    from statportal.content.resources import get_portal

    request = kw["request"]

    def validate(node, value):
        if len(value) > UNITS_MAX:
            raise colander.Invalid(node, _("At most ${n} units.", mapping={"n": UNITS_MAX}))
        for path in value:
            unit = find_by_path(get_portal(request), path)
            if getattr(unit, "__content_type__", None) != "OrgUnit":
                raise colander.Invalid(node, _("No org unit at ${path}.",
                                               mapping={"path": path}))
    return validate


def unit_path(value):
    """``/orgunits/a/b``, however it was written (``orgunits/a/b/``, ``//orgunits/a``)."""
    from statportal.content.paths import canonical_path

    return canonical_path(value)


class Units(colander.List):
    """Org-unit paths, written one way, in the order given, each once."""

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None):
            return colander.null
        if isinstance(cstruct, str) or not isinstance(cstruct, list | tuple | set):
            raise colander.Invalid(node, _("A list of org-unit paths is expected."))
        if not all(isinstance(item, str) for item in cstruct):
            raise colander.Invalid(node, _("A list of org-unit paths is expected."))
        return list(dict.fromkeys(unit_path(p) for p in cstruct if p.strip()))


class YesNo(colander.Boolean):
    """true or false, nothing else: ``"no"`` must not become consent. The form's
    checkbox sends ``"true"`` or ``"false"``."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if isinstance(cstruct, bool):
            return cstruct
        if cstruct in ("true", "false"):
            return cstruct == "true"
        raise colander.Invalid(node, _("Must be true or false."))


def _email(node, value):
    if value != value.strip() or any(ch.isspace() or not ch.isprintable() for ch in value):
        raise colander.Invalid(node, _("Not a valid e-mail address."))


class QuestionSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), title=_("Your name"),
                               preparer=plain_line_ends,
                               validator=colander.Length(1, NAME_MAX))
    email = colander.SchemaNode(colander.String(), title=_("E-mail"),
                                validator=colander.All(colander.Length(max=254), _email,
                                                       colander.Email(_("Not a valid e-mail "
                                                                        "address."))),
                                description=_("The answer and the link to follow it come "
                                              "here."))
    organisation = colander.SchemaNode(colander.String(), title=_("Organisation"),
                                       missing="", preparer=plain_line_ends,
                                       validator=colander.Length(max=ORGANISATION_MAX))
    international = colander.SchemaNode(
        YesNo(), title=_("I write on behalf of an international organisation"),
        missing=False, widget=deform.widget.CheckboxWidget())
    topic = colander.SchemaNode(colander.String(), title=_("Topic"), widget=topic_widget,
                                validator=topic_validator)
    language = colander.SchemaNode(
        colander.String(), title=_("Language of the question"), missing=language_default,
        default=language_default, validator=colander.OneOf(LANGUAGES),
        widget=deform.widget.SelectWidget(values=[("kk", "Қазақша"), ("ru", "Русский"),
                                                  ("en", "English")]))
    text = colander.SchemaNode(colander.String(), title=_("Question"),
                               validator=text_validator, preparer=plain_line_ends,
                               widget=deform.widget.TextAreaWidget(rows=8))
    attachment = colander.SchemaNode(
        QuestionUpload(), title=_("Attachment (optional)"), missing=colander.null,
        widget=deform.widget.FileUploadWidget(UploadStore()),
        description=_("One file: a document, a table or an image."))
    may_publish = colander.SchemaNode(
        YesNo(), missing=False, widget=deform.widget.CheckboxWidget(),
        title=_("The question and its answer may be published, without my name and "
                "e-mail"))
    units = colander.SchemaNode(Units(), title=_("Units that answer"), missing=colander.drop,
                                widget=units_widget, validator=units_validator,
                                description=_("Several units: they must agree, and the "
                                              "answer is due in five working days."))
    # "" clears a draft (JSON and the form alike); null, like leaving it out, changes nothing.
    answer = colander.SchemaNode(colander.String(allow_empty=True), title=_("Answer"),
                                 missing=colander.drop, preparer=plain_line_ends,
                                 validator=colander.Length(max=ANSWER_MAX),
                                 widget=deform.widget.TextAreaWidget(rows=10))
    public_text = colander.SchemaNode(
        colander.String(allow_empty=True), title=_("Question as published"),
        missing=colander.drop, preparer=plain_line_ends,
        validator=colander.Length(max=ANSWER_MAX), widget=deform.widget.TextAreaWidget(rows=5),
        description=_("What the public reads: the coordinator may take out names and "
                      "personal details. Empty: the question as asked."))
    public_answer = colander.SchemaNode(
        colander.String(allow_empty=True), title=_("Answer as published"),
        missing=colander.drop, preparer=plain_line_ends,
        validator=colander.Length(max=ANSWER_MAX), widget=deform.widget.TextAreaWidget(rows=8),
        description=_("Empty: the answer as sent."))

    def after_bind(self, node, kw):
        if kw.get("adding"):
            for name in OFFICE_FIELDS:
                del self[name]


def question_schema():
    return QuestionSchema()
