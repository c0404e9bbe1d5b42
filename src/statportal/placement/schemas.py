"""The placement request form of the methodology's annex, as one colander schema."""

import colander
import deform.widget

from statportal.content.paths import canonical_path, find_by_path
from statportal.content.references import reference_preparer
from statportal.content.schemas import multilingual
from statportal.files.upload import FilesSchema, files_widget
from statportal.i18n import LANGUAGES, _
from statportal.materials.categories import CATEGORIES, CATEGORY_TITLES  # noqa: F401 (here before)
from statportal.placement import prefill
from statportal.placement.period import Period
from statportal.security.permissions import VIEW
from statportal.views.picker import picker

PLACEMENT_TYPES = ("new", "replace", "delete")


@colander.deferred
def unit_validator(node, kw):
    """An org unit where this user may create requests (Executor there, or above)."""
    from statportal.placement.permissions import CREATE_REQUEST

    request = kw["request"]

    def validate(node, value):
        unit = resolve(request, value)
        if unit is None or getattr(unit, "__content_type__", None) != "OrgUnit":
            raise colander.Invalid(node, _("No org unit at ${path}.", mapping={"path": value}))
        if not request.has_permission(CREATE_REQUEST, unit):
            raise colander.Invalid(node, _("You do not prepare requests for this unit."))
    return validate


def unit_choices(request):
    """``[(path, title)]`` of the org units where this user prepares requests (once per
    request: the widget and the defaults ask)."""
    from statportal.placement.permissions import CREATE_REQUEST
    from statportal.security.schemas import orgunit_paths

    found = request.__dict__.get("_statportal_unit_choices")
    if found is None:
        found = request.__dict__["_statportal_unit_choices"] = [
            (path, title) for path, title in orgunit_paths(request)
            if request.has_permission(CREATE_REQUEST, resolve(request, path))]
    return found


def start_unit(request):
    """The unit the add form starts with: her own when she prepares its requests."""
    return prefill.default_unit(request, unit_choices(request))


@colander.deferred
def unit_widget(node, kw):
    """The org units where this user prepares requests."""
    return deform.widget.SelectWidget(values=unit_choices(kw["request"]))


@colander.deferred
def section_widget(node, kw):
    """Every section, indented as the tree."""
    from statportal.content.listing import visible
    from statportal.content.resources import get_portal
    from statportal.i18n import pick

    request = kw["request"]
    choices = []

    def walk(folder, prefix, depth):
        for name, child in visible(request, folder):
            if getattr(child, "__content_type__", None) != "Section":
                continue
            path = f"{prefix}/{name}"
            choices.append((path, "\u2003" * depth + (pick(request, child.title)[0] or name)))
            walk(child, path, depth + 1)

    portal = get_portal(request)
    walk(portal, "", 0)
    return deform.widget.SelectWidget(values=choices)


@colander.deferred
def section_validator(node, kw):
    request = kw["request"]

    def validate(node, value):
        section = resolve(request, value)
        if section is None or getattr(section, "__content_type__", None) != "Section":
            raise colander.Invalid(node, _("No section at ${path}.", mapping={"path": value}))
    return validate


def resolve(request, path):
    """The object at a portal path, or None."""
    from statportal.content.resources import get_portal

    return find_by_path(get_portal(request), path)


@colander.deferred
def replaces_validator(node, kw):
    """Replace and Delete name an existing material; New names none."""
    request, context = kw["request"], kw.get("context")

    def stored(name):
        # A PATCH sends some fields: check them together with what the request has.
        if getattr(context, "__content_type__", None) == "PlacementRequest":
            return getattr(context, name, None)
        return None

    def validate(node, value):
        placement_type = value.get("placement_type", stored("placement_type"))
        replaces = value["replaces"] if "replaces" in value else stored("replaces")
        release = value["release"] if "release" in value else stored("release")
        if placement_type == "delete" and release:
            message = _("A removal takes effect at once; it is not tied to a release.")
            if "release" in [child.name for child in node.children]:
                exc = colander.Invalid(node, "")
                exc["release"] = message
            else:
                exc = colander.Invalid(node, message)
            raise exc
        if placement_type not in ("replace", "delete"):
            return
        message = None
        if not replaces:
            message = _("Name the material that is replaced or removed.")
        else:
            material = resolve(request, replaces)
            # one the user may not view is as unknown as none: its title, its existence
            # are not hers to learn from the answer (a draft of another unit, the embargo)
            if material is None or getattr(material, "__content_type__", None) != "Material" \
                    or not request.has_permission(VIEW, material):
                message = _("No material at ${path}.", mapping={"path": replaces})
        if message is not None:
            if "replaces" in [child.name for child in node.children]:
                exc = colander.Invalid(node, "")
                exc["replaces"] = message
            else:
                exc = colander.Invalid(node, message)
            raise exc
    return validate


#: the references; other features' checks follow (``config.add_schema_extension``: the
#: confidentiality's declaration and bases)
request_validator = replaces_validator


@colander.deferred
def release_validator(node, kw):
    """A release entry that may still come out (not cancelled)."""
    request = kw["request"]

    def validate(node, value):
        entry = resolve(request, value)
        if entry is None or getattr(entry, "__content_type__", None) != "ReleaseEntry":
            raise colander.Invalid(node, _("No release of the calendar at ${path}.",
                                           mapping={"path": value}))
        if entry.status == "cancelled":
            raise colander.Invalid(node, _("The release ${path} is cancelled.",
                                           mapping={"path": value}))
    return validate


@colander.deferred
def plan_item_validator(node, kw):
    """A plan item of the Statistical Works Plan the user may view."""
    request = kw["request"]

    def validate(node, value):
        item = resolve(request, value)
        if getattr(item, "__content_type__", None) != "WorkPlanItem" or \
                not request.has_permission(VIEW, item):
            raise colander.Invalid(node, _("No plan item at ${path}.",
                                           mapping={"path": value}))
    return validate


@colander.deferred
def files_validator(node, kw):
    """A new request needs a file; an edit without uploads keeps the files it has, and
    one that removes files leaves at least one."""
    if kw.get("adding"):
        return colander.Length(min=1, min_err=_("Attach at least one file."))

    def validate(node, value):
        if value and all("remove" in item for item in value):
            raise colander.Invalid(node, _("Attach at least one file."))
    return validate


@colander.deferred
def files_missing(node, kw):
    return colander.required if kw.get("adding") else colander.drop


class StrictText(colander.String):
    """A JSON string and nothing else: ``""`` clears it; ``0``, ``false`` or ``[]`` are
    refused by name instead of being read as "not given"."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if not isinstance(cstruct, str):
            raise colander.Invalid(node, _("A text is expected."))
        return cstruct.strip()


@colander.deferred
def register_note_validator(node, kw):
    """Only who holds the register permission on the request writes the register's note
    (art. 12.5): the coordinator, before, at and after registration. Others may send the
    note back unchanged (a PATCH of what a GET returned)."""
    from statportal.placement.permissions import REGISTER

    request, context = kw["request"], kw.get("context")

    def validate(node, value):
        if len(value) > 2000:
            raise colander.Invalid(node, _("At most ${n} characters.", mapping={"n": 2000}))
        current = getattr(context, "register_note", "") if \
            getattr(context, "__content_type__", None) == "PlacementRequest" else ""
        if value != (current or "") and not request.has_permission(REGISTER, context):
            raise colander.Invalid(node, _("The register's note is written by the "
                                           "coordinator who registers the request."))
    return validate


@colander.deferred
def register_note_widget(node, kw):
    """A text area for the coordinator; the executor's form carries it unseen, unchanged."""
    from statportal.placement.permissions import REGISTER

    if kw["request"].has_permission(REGISTER, kw.get("context")):
        return deform.widget.TextAreaWidget(rows=3)
    return deform.widget.HiddenWidget()


class Files(FilesSchema):
    """New files; on an edit the current ones kept, replaced or removed (the JSON API sends
    only what it has; empty slots of the form are dropped)."""


UNIT_DEFAULT = prefill.unit_default(start_unit)
HEAD_DEFAULT = prefill.head_default(start_unit)


class PlacementRequestSchema(colander.MappingSchema):
    def __init__(self, *args, **kw):
        super().__init__(*args, validator=request_validator, **kw)
        self.insert(0, multilingual("title", _("Title of the material"), required=True,
                                    max_length=500))
        self["title"].description = _("A name that says what the material holds (art. 7).")
        # first: she picks the plan item, and what it knows fills in (issue 18)
        self.insert(0, colander.SchemaNode(
            colander.String(), name="plan_item", title=_("Plan item"), missing="",
            preparer=reference_preparer, validator=plan_item_validator,
            widget=picker("WorkPlanItem"),
            description=_("Type words of the plan item's title and choose, or paste its "
                          "address: the empty fields below are filled from it (title, "
                          "section, category, languages, its release).")))

    def deserialize(self, cstruct=colander.null):
        """Empty fields filled from the chosen plan item or release entry before they
        are checked (``prefill.fill_from_references``), with or without JavaScript."""
        request = (self.bindings or {}).get("request")
        mismatch = None
        if request is not None and isinstance(cstruct, dict):
            cstruct, mismatch = prefill.fill_from_references(
                request, self, cstruct, adding=bool(self.bindings.get("adding")),
                context=self.bindings.get("context"))
        try:
            appstruct = super().deserialize(cstruct)
        except colander.Invalid as invalid:
            if mismatch and "release" in self:
                invalid["release"] = mismatch
            raise
        if mismatch and "release" in self:
            invalid = colander.Invalid(self, "")
            invalid["release"] = mismatch
            raise invalid
        return appstruct

    # No category is preselected: the executor chooses (issue 18).
    category = colander.SchemaNode(
        colander.String(), title=_("Category"), validator=colander.OneOf(CATEGORIES),
        missing_msg=_("Choose the category of the material."),
        widget=deform.widget.SelectWidget(values=[("", _("Choose…")),
                                                  *CATEGORY_TITLES.items()]),
        description=_("Where the material is listed and in which order materials are "
                      "updated (art. 9): latest data, press releases, express information "
                      "and bulletins, compilations."))
    unit = colander.SchemaNode(colander.String(), title=_("Structural unit"),
                               preparer=canonical_path, default=UNIT_DEFAULT,
                               validator=unit_validator, widget=unit_widget,
                               description=_("The unit that prepared the material (annex)."))
    section = colander.SchemaNode(colander.String(), title=_("Section of the portal"),
                                  preparer=canonical_path,
                                  default=prefill.section_default,
                                  validator=section_validator, widget=section_widget,
                                  description=_("Where on the portal the material goes, "
                                                "section and subsection (art. 8)."))
    placement_type = colander.SchemaNode(
        colander.String(), title=_("Placement"), validator=colander.OneOf(PLACEMENT_TYPES),
        default="new",  # the form starts with the common case; the API still asks
        widget=deform.widget.RadioChoiceWidget(values=[
            ("new", _("New")), ("replace", _("Replace")), ("delete", _("Delete"))]),
        description=_("New, a replacement of a placed material, or its removal (annex, "
                      "field 4)."))
    replaces = colander.SchemaNode(
        colander.String(), title=_("Material replaced or removed"), missing=None,
        preparer=reference_preparer, widget=picker("Material"),
        description=_("For a replacement or a removal: type words of its title and "
                      "choose, or paste its address from the browser (annex, field 4)."))
    languages = colander.SchemaNode(
        colander.Set(), title=_("Languages"),
        validator=colander.All(colander.ContainsOnly(LANGUAGES), colander.Length(
            min=1, min_err=_("Choose at least one language."))),
        widget=deform.widget.CheckboxChoiceWidget(values=[
            ("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]),
        description=_("The languages the material is submitted in (annex, field 5)."))
    files = Files(title=_("Files"), validator=files_validator, missing=files_missing,
        # The current files' rows and slots for new ones, without JavaScript; the API
        # takes any number.
        widget=files_widget,
        description=_("Each file with its extension, in the formats of art. 7; sheets "
                      "without data are removed from .xls files (annex, fields 2 and 3)."))
    release = colander.SchemaNode(
        colander.String(), title=_("Release of the calendar"), missing="",
        preparer=reference_preparer, validator=release_validator,
        widget=picker("ReleaseEntry"),
        description=_("Type words of the release's title and choose, or paste its "
                      "address; the material stays scheduled (under embargo) until its "
                      "time."))
    period = colander.SchemaNode(
        Period(), title=_("Period covered"), missing="",
        description=_("As 2026, 2026-10 (a month), 2026-Q3 (a quarter) or 2026-01/2026-10 "
                      "(January–October); the material shows it and is found by its "
                      "years."))
    next_update = colander.SchemaNode(
        colander.Date(), title=_("Next update"), missing=None,
        description=_("The day the material is due to be updated; the portal reminds "
                      "the unit when it is past."))
    executor_email = colander.SchemaNode(colander.String(), title=_("Executor's e-mail"),
                                         validator=colander.Email(),
                                         default=prefill.executor_email_default,
                                         description=_("Filled from your account "
                                                       "(annex, field 1)."))
    executor = colander.SchemaNode(colander.String(), title=_("Responsible executor"),
                                   validator=colander.Length(min=1, max=200),
                                   default=prefill.executor_default,
                                   description=_("Answers for the material's quality, "
                                                 "completeness and timeliness (art. 4.2)."))
    head_of_unit = colander.SchemaNode(colander.String(), title=_("Head of unit"),
                                       validator=colander.Length(min=1, max=200),
                                       default=HEAD_DEFAULT,
                                       description=_("Filled with the head of your unit; "
                                                     "approves the request (annex)."))
    page_count = colander.SchemaNode(colander.Integer(), title=_("Number of pages"),
                                     missing=None, validator=colander.Range(min=0, max=100000),
                                     description=_("Left empty, it is counted from the "
                                                   "files where their format tells (annex, "
                                                   "field 6)."))
    paper_number = colander.SchemaNode(colander.String(),
                                       title=_("Outgoing number of the paper copy"),
                                       missing="", validator=colander.Length(max=50),
                                       description=_("Of the signed paper copy (annex, "
                                                     "field 7)."))
    paper_date = colander.SchemaNode(colander.Date(), title=_("Date of the paper copy"),
                                     missing=None)
    note = colander.SchemaNode(colander.String(), title=_("Note"), missing="",
                               validator=colander.Length(max=2000),
                               widget=deform.widget.TextAreaWidget(rows=3))
    register_note = colander.SchemaNode(
        StrictText(), title=_("Register note"), missing=colander.drop,
        validator=register_note_validator, widget=register_note_widget,
        description=_("The coordinator's note in the register (art. 12); the executor's "
                      "note stays apart."))


def placement_request_schema():
    return PlacementRequestSchema()
