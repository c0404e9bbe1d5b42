"""One colander schema per type of the calendar and the plan: the deform form and the JSON API."""

import colander
import deform.widget

from statportal.content.paths import canonical_path
from statportal.content.references import reference_preparer
from statportal.content.schemas import DESCRIPTION_MAX, multilingual
from statportal.i18n import LANGUAGES, _
from statportal.placement.schemas import (
    CATEGORIES,
    CATEGORY_TITLES,
    resolve,
    section_validator,
    section_widget,
)
from statportal.releases.entries import STATUSES
from statportal.views.picker import picker

STATUS_TITLES = {"provisional": _("Provisional"), "confirmed": _("Confirmed"),
                 "published": _("Published"), "cancelled": _("Cancelled"),
                 "postponed": _("Postponed")}
PERIODICITIES = ("monthly", "quarterly", "half_yearly", "annual", "one_off")
PERIODICITY_TITLES = {"monthly": _("Monthly"), "quarterly": _("Quarterly"),
                      "half_yearly": _("Half-yearly"), "annual": _("Annual"),
                      "one_off": _("One-off")}


def release_at_validator(node, value):
    from statportal.content.editing import EditError
    from statportal.releases.timing import parse_release_time

    try:
        parse_release_time(value)
    except EditError as exc:
        raise colander.Invalid(node, exc.message) from None


def path_of_type(type_name, message):
    """A deferred validator: the value is the path of an object of ``type_name``."""
    @colander.deferred
    def deferred(node, kw):
        request = kw["request"]

        def validate(node, value):
            found = resolve(request, value)
            if getattr(found, "__content_type__", None) != type_name:
                raise colander.Invalid(node, _(message, mapping={"path": value}))
        return validate
    return deferred


plan_item_validator = path_of_type("WorkPlanItem", _("No plan item at ${path}."))


class TextOrTexts(colander.Mapping):
    """A text given in the languages it has, ``{"kk": …, "ru": …, "en": …}``, or one text
    whose language is not said (kept as it is); pages show it in their language."""

    def __init__(self):
        super().__init__(unknown="raise")

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, str):
            return cstruct
        if cstruct is not colander.null and not isinstance(cstruct, dict):
            raise colander.Invalid(node, _("A text, or texts by language (kk, ru, en), "
                                           "is expected."))
        return super().deserialize(node, cstruct)

    @staticmethod
    def json_schema(node):
        text = {"type": "string", "maxLength": 1000}
        return {"oneOf": [text, {"type": "object", "additionalProperties": False,
                                 "properties": {lang: text for lang in LANGUAGES}}]}


def reason_node():
    """The reason of a move: one field per language in the form; JSON takes a text or
    ``{"kk", "ru", "en"}``."""
    node = multilingual("reason", _("Reason for the change of date"), max_length=1000,
                        textarea=True, description=_(
                            "Shown to the public with the change, in the page's language "
                            "(another one where it is not given)."))
    node.typ = TextOrTexts()
    node.missing = ""
    return node


def _writeonly(node):
    node.writeonly = True
    return node


class ReleaseEntrySchema(colander.MappingSchema):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.insert(0, multilingual("title", _("Title"), required=True, max_length=500))
        self.insert(1, multilingual("description", _("Description"),
                                    max_length=DESCRIPTION_MAX, textarea=True))
        self.add(multilingual("cancel_notice", _("Notice of cancellation"),
                              max_length=DESCRIPTION_MAX, textarea=True))

    release_at = colander.SchemaNode(
        colander.String(), title=_("Release time"), validator=release_at_validator,
        description=_("Date and time with the offset, like 2027-03-12T10:00:00+05:00; a "
                      "provisional release may give a month (2027-03) or months "
                      "(2027-03/2027-05)."))
    status = colander.SchemaNode(
        colander.String(), title=_("Status"), missing="provisional",
        validator=colander.OneOf(STATUSES),
        widget=deform.widget.SelectWidget(values=[(s, STATUS_TITLES[s]) for s in STATUSES]))
    category = colander.SchemaNode(
        colander.String(), title=_("Category"), validator=colander.OneOf(CATEGORIES),
        widget=deform.widget.SelectWidget(values=list(CATEGORY_TITLES.items())))
    section = colander.SchemaNode(colander.String(), title=_("Section of the portal"),
                                  preparer=canonical_path, validator=section_validator,
                                  widget=section_widget)
    plan_item = colander.SchemaNode(
        colander.String(), title=_("Plan item"), missing="", preparer=reference_preparer,
        validator=plan_item_validator, widget=picker("WorkPlanItem"),
        description=_("Type words of the plan item's title and choose, or paste its "
                      "address."))
    reason = _writeonly(reason_node())
    non_working_confirmed = _writeonly(colander.SchemaNode(
        colander.Boolean(), title=_("Release on a non-working day"), missing=False))


    def after_bind(self, node, kw):
        """A new entry has no reason for a move nor a notice of cancellation, and starts
        provisional or confirmed; the form offers only that."""
        if kw.get("adding"):
            for name in ("reason", "cancel_notice"):
                if name in self:
                    del self[name]
            self["status"].validator = colander.OneOf(("provisional", "confirmed"))
            self["status"].widget = deform.widget.SelectWidget(values=[
                (s, STATUS_TITLES[s]) for s in ("provisional", "confirmed")])


def release_entry_schema():
    return ReleaseEntrySchema()


class PlannedDates(colander.SequenceSchema):
    day = colander.SchemaNode(colander.Date(), title=_("Date"))


orgunit_validator = path_of_type("OrgUnit", _("No org unit at ${path}."))


@colander.deferred
def orgunit_widget(node, kw):
    from statportal.security.schemas import orgunit_paths

    return deform.widget.SelectWidget(values=orgunit_paths(kw["request"]))


class WorkPlanItemSchema(colander.MappingSchema):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.insert(0, multilingual("title", _("Title"), required=True, max_length=500))

    year = colander.SchemaNode(colander.Integer(), title=_("Year of the plan"),
                               validator=colander.Range(2000, 2100))
    unit = colander.SchemaNode(colander.String(), title=_("Responsible unit"),
                               preparer=canonical_path, validator=orgunit_validator,
                               widget=orgunit_widget)
    executor = colander.SchemaNode(colander.String(), title=_("Responsible executor"),
                                   validator=colander.Length(min=1, max=200))
    executor_email = colander.SchemaNode(colander.String(), title=_("Executor's e-mail"),
                                         validator=colander.Email())
    category = colander.SchemaNode(
        colander.String(), title=_("Category"), validator=colander.OneOf(CATEGORIES),
        widget=deform.widget.SelectWidget(values=list(CATEGORY_TITLES.items())))
    periodicity = colander.SchemaNode(
        colander.String(), title=_("Periodicity"), validator=colander.OneOf(PERIODICITIES),
        widget=deform.widget.SelectWidget(values=list(PERIODICITY_TITLES.items())))
    section = colander.SchemaNode(colander.String(), title=_("Section of the portal"),
                                  preparer=canonical_path, validator=section_validator,
                                  widget=section_widget)
    languages = colander.SchemaNode(
        colander.Set(), title=_("Languages"), missing=set(LANGUAGES), default=set(LANGUAGES),
        validator=colander.All(colander.ContainsOnly(LANGUAGES), colander.Length(
            min=1, min_err=_("Choose at least one language."))),
        widget=deform.widget.CheckboxChoiceWidget(values=[
            ("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]))
    release_day = colander.SchemaNode(
        colander.Integer(), title=_("Day of the month of release"), missing=15,
        validator=colander.Range(1, 28))
    planned_dates = PlannedDates(
        title=_("Planned release dates"), missing=(),
        description=_("Left empty, they are made from the periodicity."))


def plan_item_schema():
    return WorkPlanItemSchema()


def year_schema():
    from statportal.content.schemas import container_schema

    return container_schema()
