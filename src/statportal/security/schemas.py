"""Schemas of users, groups and org units."""

import colander
import deform.widget

from statportal.content.paths import canonical_path, path_of
from statportal.content.schemas import ContentSchema
from statportal.i18n import _, pick
from statportal.security.orgunits import ORGUNIT_KINDS
from statportal.security.passwords import MIN_LENGTH, password_problem
from statportal.security.roles import get_roles


@colander.deferred
def role_choices(node, kw):
    request = kw["request"]
    return deform.widget.CheckboxChoiceWidget(values=[
        (role.name, request.localizer.translate(role.title))
        for role in get_roles(request.registry)
    ])


@colander.deferred
def role_validator(node, kw):
    return colander.ContainsOnly(get_roles(kw["request"].registry).names())


class _NoChoices(deform.widget.HiddenWidget):
    """A choice with nothing to choose from: not shown, and chooses nothing."""

    def serialize(self, field, cstruct, **kw):
        return ""

    def deserialize(self, field, pstruct):
        return colander.null


@colander.deferred
def group_choices(node, kw):
    from statportal.content.resources import get_portal

    request = kw["request"]
    groups = get_portal(request)["principals"]["groups"]
    if not len(groups):
        # no group to choose: no field (an empty "Groups" heading said nothing); the
        # schema keeps the node, so the API's "groups" is still read and checked
        return _NoChoices()
    return deform.widget.CheckboxChoiceWidget(values=[
        (name, pick(request, group.title)[0] or name) for name, group in groups.items()
    ])


@colander.deferred
def group_validator(node, kw):
    from statportal.content.resources import get_portal

    groups = get_portal(kw["request"])["principals"]["groups"]
    return colander.ContainsOnly(list(groups.keys()))


def orgunit_paths(request):
    """[(path, indented title)] of every org unit, in tree order."""
    from statportal.content.resources import get_portal

    found = []

    def walk(folder, depth):
        for name, unit in folder.items():
            path = f"{path_of(folder)}/{name}"
            found.append((path, "\u2003" * depth + (pick(request, unit.title)[0] or name)))
            walk(unit, depth + 1)

    walk(get_portal(request)["orgunits"], 0)
    return found


@colander.deferred
def orgunit_widget(node, kw):
    request = kw["request"]
    return deform.widget.SelectWidget(
        values=[("", request.localizer.translate(_("— none —"))), *orgunit_paths(request)])


@colander.deferred
def orgunit_validator(node, kw):
    paths = [path for path, _title in orgunit_paths(kw["request"])]
    return colander.OneOf(paths)


def _password_validator(node, value):
    problem = password_problem(value)
    if problem == "short":
        raise colander.Invalid(node, _("A password needs at least ${n} characters.",
                                       mapping={"n": MIN_LENGTH}))
    if problem == "spaces":
        raise colander.Invalid(node, _("A password may not start or end with a space."))


@colander.deferred
def password_missing(node, kw):
    return colander.required if kw.get("adding") else colander.drop


@colander.deferred
def password_description(node, kw):
    # On edit an empty password keeps the current one (the field is not required there);
    # a new user needs one.
    if kw.get("adding"):
        return _("At least ${n} characters.", mapping={"n": MIN_LENGTH})
    return _("Leave empty to keep the current password.")


@colander.deferred
def language_default(node, kw):
    """A new user's language: the page's when a Manager adds them through the UI; a user
    stored before the preference existed shows the portal's default, which they get."""
    from statportal.security.principals import default_language

    request = kw.get("request")
    if kw.get("adding") and getattr(request, "locale_name", None):
        return request.locale_name
    return default_language(getattr(request, "registry", None))


@colander.deferred
def language_missing(node, kw):
    """Left out (the API, a script): the portal's default on creation, unchanged on edit."""
    from statportal.security.principals import default_language

    request = kw.get("request")
    return default_language(getattr(request, "registry", None)) if kw.get("adding") \
        else colander.drop


def language_node(description=None):
    """The ``language`` preference: the language of the mail the user gets."""
    from statportal.i18n import LANGUAGE_NAMES, LANGUAGES

    return colander.SchemaNode(
        colander.String(), name="language", title=_("Language of the mail"),
        description=description or _(
            "The portal writes its notices to this person in this language only."),
        default=language_default, missing=language_missing,
        validator=colander.OneOf(LANGUAGES),
        widget=deform.widget.SelectWidget(values=[(code, LANGUAGE_NAMES[code])
                                                  for code in LANGUAGES]))


class UserSchema(colander.MappingSchema):
    fullname = colander.SchemaNode(colander.String(), title=_("Full name"),
                                   validator=colander.Length(min=1, max=200))
    email = colander.SchemaNode(colander.String(), title=_("E-mail"),
                                validator=colander.All(colander.Email(), colander.Length(max=254)))
    roles = colander.SchemaNode(colander.Set(), title=_("Global roles"), missing=(),
                                widget=role_choices, validator=role_validator)
    groups = colander.SchemaNode(colander.Set(), title=_("Groups"), missing=(),
                                 widget=group_choices, validator=group_validator)
    org_unit = colander.SchemaNode(colander.String(), title=_("Org unit"), missing=None,
                                   preparer=canonical_path, widget=orgunit_widget,
                                   validator=orgunit_validator)
    active = colander.SchemaNode(colander.Boolean(), title=_("Active"), missing=True,
                                 default=True)
    language = language_node()
    password = colander.SchemaNode(
        colander.String(), title=_("Password"), missing=password_missing,
        validator=_password_validator,
        description=password_description,
        widget=deform.widget.CheckedPasswordWidget(redisplay=False),
        writeonly=True,
    )


def user_schema():
    return UserSchema()


class GroupSchema(ContentSchema):
    roles = colander.SchemaNode(colander.Set(), title=_("Roles of its members"), missing=(),
                                widget=role_choices, validator=role_validator)


def group_schema():
    return GroupSchema()


class OrgUnitSchema(ContentSchema):
    kind = colander.SchemaNode(
        colander.String(), title=_("Kind"), missing="unit",
        validator=colander.OneOf(ORGUNIT_KINDS),
        widget=deform.widget.SelectWidget(values=[
            ("committee", _("Committee")),
            ("department", _("Department of the Committee")),
            ("territorial_body", _("Territorial body")),
            ("unit", _("Structural unit")),
        ]),
    )
    code = colander.SchemaNode(colander.String(), title=_("Code"), missing="",
                               validator=colander.Length(max=20))


def orgunit_schema():
    return OrgUnitSchema()

