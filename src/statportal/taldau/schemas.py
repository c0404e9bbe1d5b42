"""One colander schema per type of ``/data``: the deform form and the JSON API.

The indicator's dimensions are checked here, where a client's mistake is named by its
field (``dimensions.1.hierarchy.3.parent``): codes are identifiers and unique, ``period``
is implicit, a parent is a code of the same dimension and no chain of parents loops.
Once vintages are stored, their blobs hold code *positions*: the dimensions and their
existing codes stay where they are (codes may only be appended) and the periodicity
stays as it is.
"""

import re

import colander
import deform.widget

from statportal.content.paths import canonical_path, find_by_path
from statportal.content.schemas import DESCRIPTION_MAX, ContentSchema, multilingual
from statportal.i18n import _
from statportal.taldau.periods import PERIODICITIES

PERIODICITY_TITLES = {"monthly": _("Monthly"), "quarterly": _("Quarterly"),
                      "annual": _("Annual")}
DIMENSION_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: Member and indicator codes: no comma (a list separator of ``valuecodes``), no space.
MEMBER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
CODE_MAX = 50
DIMENSIONS_MAX = 8
MEMBERS_MAX = 5000
DECIMALS_MAX = 6


def _code(node, value, pattern=MEMBER_CODE):
    if len(value) > CODE_MAX or not pattern.fullmatch(value):
        raise colander.Invalid(node, _(
            "A code of Latin letters, digits and ${chars} (at most ${max} characters), "
            "starting with a letter or digit.",
            mapping={"chars": "'_'" if pattern is DIMENSION_CODE else "'.', '_', '-'",
                     "max": CODE_MAX}))


#: Column names of an import file (``status``, ``value``, ``shown``), JSON-stat's metric
#: dimension (``ContentsCode``) and the SDMX-CSV columns (``ACTION``, ``OBS_VALUE`` ...):
#: a dimension of one of these names could never be imported or exported, so none may
#: have it (compared without case, as the import does). Nor may a code end in ``_label``:
#: the CSV export adds a ``<code>_label`` column beside each dimension's.
RESERVED_CODES = ("status", "value", "shown", "contentscode", "action", "obs_value",
                  "time_period", "structure", "structure_id", "obs_status", "conf_status")
RESERVED_SUFFIX = "_label"


def _dimension_code(node, value):
    _code(node, value, DIMENSION_CODE)
    if value.lower() == "period":
        raise colander.Invalid(node, _("The period is every indicator's own dimension: "
                                       "do not list it."))
    if value.lower() in RESERVED_CODES or value.lower().endswith(RESERVED_SUFFIX):
        raise colander.Invalid(node, _(
            "${code} is a column of the import file or of the exports: choose another "
            "code for the dimension (status, value, shown, ContentsCode, STRUCTURE, "
            "STRUCTURE_ID, ACTION, TIME_PERIOD, OBS_VALUE, OBS_STATUS, CONF_STATUS and "
            "codes ending in _label are taken).",
            mapping={"code": value}))


def member_schema():
    node = colander.SchemaNode(colander.Mapping(unknown="raise"), name="member",
                               title=_("Code"))
    node.add(colander.SchemaNode(colander.String(), name="code", title=_("Code"),
                                 validator=_code))
    node.add(colander.SchemaNode(colander.String(), name="parent", title=_("Parent code"),
                                 missing="", validator=_code))
    node.add(multilingual("label", _("Label"), required=True))
    return node


def dimension_schema():
    node = colander.SchemaNode(colander.Mapping(unknown="raise"), name="dimension",
                               title=_("Dimension"))
    node.add(colander.SchemaNode(colander.String(), name="code", title=_("Code"),
                                 validator=_dimension_code))
    node.add(multilingual("title", _("Title"), required=True))
    node.add(colander.SchemaNode(
        colander.Sequence(), member_schema(), name="hierarchy", title=_("Codes"),
        validator=colander.Length(min=1, max=MEMBERS_MAX, min_err=_("At least one code."),
                                  max_err=_("At most ${max} codes.",
                                            mapping={"max": MEMBERS_MAX}))))
    return node


def _fail(errors, node, index, field_path, message):
    """Add ``message`` for ``dimensions.<index>.<field_path…>`` to ``errors``."""
    at = colander.Invalid(node.children[0])
    errors.add(at, index)
    child = node.children[0]
    for part in field_path:
        if isinstance(part, int):  # a position in a sequence
            inner = colander.Invalid(child.children[0])
            at.add(inner, part)
            at, child = inner, child.children[0]
        else:
            sub = child[part]
            inner = colander.Invalid(sub, message if part == field_path[-1] else None)
            at.add(inner, child.children.index(sub))
            at, child = inner, sub


def check_dimensions(node, value, stored=()):
    """The rules across dimensions and codes; ``stored``: the dimensions vintages refer to."""
    errors = colander.Invalid(node)
    seen = set()
    for i, dim in enumerate(value):
        if dim["code"] in seen:
            _fail(errors, node, i, ("code",), _("Another dimension has this code."))
        seen.add(dim["code"])
        codes = [item["code"] for item in dim["hierarchy"]]
        parents = {}
        for j, item in enumerate(dim["hierarchy"]):
            if item["code"] in parents:
                _fail(errors, node, i, ("hierarchy", j, "code"),
                      _("The code ${code} is listed twice.", mapping={"code": item["code"]}))
            parents[item["code"]] = item["parent"]
        for j, item in enumerate(dim["hierarchy"]):
            parent = item["parent"]
            if parent and parent not in parents:
                _fail(errors, node, i, ("hierarchy", j, "parent"),
                      _("No code ${code} in this dimension.", mapping={"code": parent}))
            elif parent and _loops(item["code"], parents):
                _fail(errors, node, i, ("hierarchy", j, "parent"),
                      _("The parents of ${code} come back to it.",
                        mapping={"code": item["code"]}))
        if i < len(stored):
            old = stored[i]
            old_codes = [item["code"] for item in old["hierarchy"]]
            if dim["code"] != old["code"]:
                _fail(errors, node, i, ("code",), _(
                    "Stored data refer to the dimension ${code} here: it cannot change.",
                    mapping={"code": old["code"]}))
            elif codes[:len(old_codes)] != old_codes:
                _fail(errors, node, i, ("hierarchy",), _(
                    "Stored data refer to these codes by their place: keep them in their "
                    "order (${codes}) and add new codes after them.",
                    mapping={"codes": ", ".join(old_codes)}))
    if stored and len(value) != len(stored):
        errors.msg = _("Stored data have the dimensions ${codes}: they cannot be added "
                       "or removed.", mapping={"codes": ", ".join(d["code"] for d in stored)})
    if errors.children or errors.msg:
        raise errors


def _loops(code, parents):
    seen = {code}
    parent = parents.get(code)
    while parent:
        if parent in seen:
            return True
        seen.add(parent)
        parent = parents.get(parent)
    return False


def _stored_indicator(kw):
    context = kw.get("context")
    if kw.get("adding") or not getattr(context, "vintages", None):
        return None
    return context


@colander.deferred
def dimensions_validator(node, kw):
    indicator = _stored_indicator(kw)
    stored = indicator.dimensions if indicator is not None else ()
    return colander.All(colander.Length(max=DIMENSIONS_MAX),
                        lambda node, value: check_dimensions(node, value, stored))


@colander.deferred
def periodicity_validator(node, kw):
    indicator = _stored_indicator(kw)

    def validate(node, value):
        if value not in PERIODICITIES:
            raise colander.Invalid(node, _("One of: ${values}.",
                                           mapping={"values": ", ".join(PERIODICITIES)}))
        if indicator is not None and value != indicator.periodicity:
            # the periodicity's own title, translated with the message (not the raw code)
            title = PERIODICITY_TITLES.get(indicator.periodicity, indicator.periodicity)
            request = kw.get("request")
            if request is not None:  # colander translates the message, not its mapping
                title = request.localizer.translate(title)
            raise colander.Invalid(node, _("The stored data have the periodicity "
                                           "“${periodicity}”: it cannot change.",
                                           mapping={"periodicity": title}))
    return validate


def _path_validator(type_name, message):
    """A path of an object of ``type_name`` in the portal; ``message(path)`` says it is not."""
    @colander.deferred
    def deferred(node, kw):
        from statportal.content.resources import get_portal

        request = kw["request"]

        def validate(node, value):
            found = find_by_path(get_portal(request), value)
            if found is None or getattr(found, "__content_type__", None) != type_name:
                raise colander.Invalid(node, message(value))
        return validate
    return deferred


section_validator = _path_validator(
    "Section", lambda path: _("No section at ${path}.", mapping={"path": path}))
unit_validator = _path_validator(
    "OrgUnit", lambda path: _("No org unit at ${path}.", mapping={"path": path}))


#: Gives an indicator to an org unit (its ``unit``, whose executors then answer for it):
#: who adds indicators (publishers, administrators), not the executors that unit makes
#: responsible (granted on Indicator in the package's permission map).
ASSIGN = "statportal.data.assign"


def _may_assign(kw):
    """Whoever adds the indicator, or holds ``ASSIGN`` on it, chooses its org unit."""
    return kw.get("adding") or kw["request"].has_permission(ASSIGN, kw.get("context"))


@colander.deferred
def unit_widget(node, kw):
    from statportal.security.schemas import orgunit_paths

    choices = [("", "—"), *orgunit_paths(kw["request"])]
    if not _may_assign(kw):  # the executor's form shows the unit, and only it
        current = getattr(kw.get("context"), "unit", "") or ""
        choices = [choice for choice in choices if choice[0] == current] or [(current,
                                                                                current)]
    return deform.widget.SelectWidget(values=choices)


@colander.deferred
def unit_change_validator(node, kw):
    """The indicator's org unit changes only by who holds ``ASSIGN`` (publishers,
    administrators, as for adding indicators): the unit's executors answer for the
    indicator through it (``Indicator.local_role_sources``) and may not hand it, and
    their rights, to another unit or to none. Its section likewise: the import checks
    the chosen release against it, so an executor clearing or moving it would bind the
    data to any release. Sending either unchanged is fine (a PATCH of what a GET
    returned). Checked on the whole mapping: clearing a field ("" is colander's
    missing) runs no validator of the field."""
    if _may_assign(kw):
        return None
    context = kw.get("context")
    messages = {
        "unit": _("The org unit of an indicator is changed by a publisher or an "
                  "administrator: its executors answer for it through their unit."),
        "section": _("The section of an indicator is changed by a publisher or an "
                     "administrator."),
    }

    def validate(node, value):
        error = colander.Invalid(node)
        for name, message in messages.items():
            current = getattr(context, name, "") or ""
            if name in value and (value[name] or "") != current:
                error[name] = message
        if error.children:
            raise error
    return validate


def _section_node():
    return colander.SchemaNode(
        colander.String(), name="section", title=_("Section of the portal"),
        description=_("The path of the section this mirrors, e.g. /economy."),
        missing="", preparer=canonical_path, validator=section_validator)


class DataTopicSchema(ContentSchema):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.add(_section_node())


def topic_schema():
    return DataTopicSchema()


def data_root_schema():
    return ContentSchema()


def indicator_schema():
    schema = colander.SchemaNode(colander.Mapping(), validator=unit_change_validator)
    schema.add(colander.SchemaNode(colander.String(), name="code", title=_("Code"),
                                   validator=_code))
    schema.add(multilingual("title", _("Title"), required=True))
    schema.add(multilingual("definition", _("Definition"), max_length=DESCRIPTION_MAX,
                            textarea=True))
    schema.add(multilingual("unit_of_measure", _("Unit of measure")))
    schema.add(colander.SchemaNode(
        colander.String(), name="periodicity", title=_("Periodicity"),
        validator=periodicity_validator,
        widget=deform.widget.SelectWidget(values=list(PERIODICITY_TITLES.items()))))
    schema.add(colander.SchemaNode(
        colander.Sequence(), dimension_schema(), name="dimensions", title=_("Dimensions"),
        description=_("Besides the period, which every indicator has."), missing=(),
        validator=dimensions_validator))
    schema.add(_section_node())
    schema.add(colander.SchemaNode(colander.String(), name="unit", title=_("Org unit"),
                                   description=_("The unit responsible for the indicator."),
                                   missing="", preparer=canonical_path,
                                   validator=unit_validator, widget=unit_widget))
    schema.add(colander.SchemaNode(colander.String(), name="executor_email",
                                   title=_("Executor's e-mail"), missing="",
                                   validator=colander.Email()))
    schema.add(multilingual("source", _("Source")))
    schema.add(colander.SchemaNode(colander.String(), name="methodology_url",
                                   title=_("Methodology (address)"), missing="",
                                   validator=colander.url))
    schema.add(colander.SchemaNode(
        colander.Integer(), name="decimals", title=_("Decimals"),
        description=_("Digits after the point; empty: as many as the data have."),
        missing=None, validator=colander.Range(0, DECIMALS_MAX)))
    schema.add(multilingual("notes", _("Notes"), max_length=DESCRIPTION_MAX, textarea=True))
    return schema
