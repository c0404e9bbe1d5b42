"""The placement request form of the methodology's annex, as one colander schema."""

import colander
import deform.widget

from statportal.content.paths import canonical_path, find_by_path
from statportal.content.schemas import multilingual
from statportal.files.upload import FilesSchema, files_widget
from statportal.i18n import LANGUAGES, _
from statportal.materials.categories import CATEGORIES, CATEGORY_TITLES  # noqa: F401 (here before)

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


@colander.deferred
def unit_widget(node, kw):
    """The org units where this user prepares requests."""
    from statportal.placement.permissions import CREATE_REQUEST
    from statportal.security.schemas import orgunit_paths

    request = kw["request"]
    return deform.widget.SelectWidget(values=[
        (path, title) for path, title in orgunit_paths(request)
        if request.has_permission(CREATE_REQUEST, resolve(request, path))])


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
            if material is None or getattr(material, "__content_type__", None) != "Material":
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


class PlacementRequestSchema(colander.MappingSchema):
    def __init__(self, *args, **kw):
        super().__init__(*args, validator=request_validator, **kw)
        self.insert(0, multilingual("title", _("Title of the material"), required=True,
                                    max_length=500))

    category = colander.SchemaNode(
        colander.String(), title=_("Category"), validator=colander.OneOf(CATEGORIES),
        widget=deform.widget.SelectWidget(values=list(CATEGORY_TITLES.items())))
    unit = colander.SchemaNode(colander.String(), title=_("Structural unit"),
                               preparer=canonical_path,
                               validator=unit_validator, widget=unit_widget)
    section = colander.SchemaNode(colander.String(), title=_("Section of the portal"),
                                  preparer=canonical_path,
                                  validator=section_validator, widget=section_widget)
    placement_type = colander.SchemaNode(
        colander.String(), title=_("Placement"), validator=colander.OneOf(PLACEMENT_TYPES),
        widget=deform.widget.RadioChoiceWidget(values=[
            ("new", _("New")), ("replace", _("Replace")), ("delete", _("Delete"))]))
    replaces = colander.SchemaNode(colander.String(), title=_("Material replaced or removed"),
                                   missing=None, preparer=canonical_path)
    languages = colander.SchemaNode(
        colander.Set(), title=_("Languages"),
        validator=colander.All(colander.ContainsOnly(LANGUAGES), colander.Length(
            min=1, min_err=_("Choose at least one language."))),
        widget=deform.widget.CheckboxChoiceWidget(values=[
            ("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]))
    files = Files(title=_("Files"), validator=files_validator, missing=files_missing,
        # The current files' rows and slots for new ones, without JavaScript; the API
        # takes any number.
        widget=files_widget)
    release = colander.SchemaNode(
        colander.String(), title=_("Release of the calendar"), missing="",
        preparer=canonical_path, validator=release_validator,
        description=_("The path of the release entry; the material stays scheduled (under "
                      "embargo) until its time."))
    executor_email = colander.SchemaNode(colander.String(), title=_("Executor's e-mail"),
                                         validator=colander.Email())
    executor = colander.SchemaNode(colander.String(), title=_("Responsible executor"),
                                   validator=colander.Length(min=1, max=200))
    head_of_unit = colander.SchemaNode(colander.String(), title=_("Head of unit"),
                                       validator=colander.Length(min=1, max=200))
    page_count = colander.SchemaNode(colander.Integer(), title=_("Number of pages"),
                                     missing=None, validator=colander.Range(min=0, max=100000))
    paper_number = colander.SchemaNode(colander.String(),
                                       title=_("Outgoing number of the paper copy"),
                                       missing="", validator=colander.Length(max=50))
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
