"""Roles and role groups as registered data (``config.add_role``, ``config.add_role_group``).

A role held by a user, globally or as a local role on an object or one of its
parents, becomes the principal ``role:<Name>``; ACLs grant permissions to
those principals. ``Anonymous`` and ``Authenticated`` in a permission map name
Pyramid's ``Everyone`` and ``Authenticated``.

A role group names a duty (``staff``, ``publishers``, ...): its members are the roles
registered with it in ``groups`` and the roles it was registered with. A permission map
names a group as ``group:<name>``; the ACL is computed from the groups' members as they
are when it is asked for, so a role an add-on registers later in ``groups`` gets what the
group gets. Nothing outside ``statportal.security``, the workflow definitions and the
demo names a role: features name groups.
"""

from dataclasses import dataclass, field

from pyramid.authorization import Authenticated, Everyone
from pyramid.exceptions import ConfigurationError

from statportal.directives import check_name, utility
from statportal.i18n import _
from statportal.interfaces import IRoleRegistry

GROUP_PREFIX = "group:"


@dataclass(frozen=True)
class Role:
    name: str
    title: object
    description: object = None
    groups: tuple = ()


@dataclass
class RoleGroup:
    name: str
    title: object
    description: object = None
    roles: list = field(default_factory=list)  # members named at registration


#: (name, title, description, members): the duties the built-in features grant to.
BUILTIN_GROUPS = (
    ("staff", _("Staff"), _("Every account: the office's staff (the public never logs "
                            "in). The staff pages and the statportal.staff permission."),
     ("Authenticated",)),
    ("office", _("Office"), _("The office's working roles: the incidents and calendar "
                              "pages, the publication plan."), ()),
    ("editors", _("Editors"), _("Prepare materials, see them before publication, shape "
                                "the sections."), ()),
    ("executors", _("Executors"), _("Prepare requests and answers for a unit."), ()),
    ("unit_heads", _("Heads of unit"), _("Approve a unit's requests and answers."), ()),
    ("coordinators", _("Coordinators"), _("Register requests, keep the calendars, route "
                                          "questions."), ()),
    ("publishers", _("Publishers"), _("Place, replace and remove materials; report "
                                      "incidents."), ()),
    ("support", _("Support"), _("Handle outages."), ()),
    ("international", _("International cooperation"),
     _("Approve answers to international organisations."), ()),
    ("administrators", _("Administrators"), _("Everything: users, groups, org units, "
                                              "sections, settings."), ()),
)

OFFICE = ("staff", "office")
BUILTIN_ROLES = (
    Role("Executor", _("Executor"),
         _("Staff of a structural unit: prepares materials and requests for the unit."),
         (*OFFICE, "editors", "executors")),
    Role("HeadOfUnit", _("Head of unit"), _("Approves the unit's requests and answers."),
         (*OFFICE, "editors", "unit_heads")),
    Role("Coordinator", _("Coordinator"),
         _("Registers requests, monitors the portal, routes questions, keeps the calendars."),
         (*OFFICE, "editors", "coordinators")),
    Role("Moderator", _("Moderator"),
         _("Places, replaces and removes materials in queue order."),
         (*OFFICE, "editors", "publishers")),
    Role("Support", _("Support"), _("Handles portal outages and posts outage notices."),
         (*OFFICE, "support")),
    Role("IntlCoop", _("International cooperation"),
         _("Approves answers to international organisations."), (*OFFICE, "international")),
    Role("Manager", _("Manager"), _("Administers users, groups, org units, sections, settings."),
         ("staff", "administrators")),
)

PSEUDO_ROLES = {"Anonymous": Everyone, "Authenticated": Authenticated}

#: Who sees the staff pages, in a permission map: the ``staff`` group (every account).
STAFF = ("group:staff",)


def role_principal(name):
    return PSEUDO_ROLES.get(name) or f"role:{name}"


class RoleRegistry:
    """The roles and role groups; ``serial`` moves on every change (the ACL caches' key)."""

    def __init__(self):
        self.roles = {}
        self.groups = {}
        self.serial = 0
        self.acl_cache = {}  # statportal.security.acl: the ACLs' part from the maps

    def __contains__(self, name):
        return name in self.roles

    def __iter__(self):
        return iter(self.roles.values())

    def names(self):
        return list(self.roles)

    def add_role(self, role):
        self.roles[role.name] = role
        self.serial += 1

    def add_group(self, group):
        known = self.groups.get(group.name)
        if known is not None:  # registered again (an override): members named add up
            group.roles = [*known.roles, *(r for r in group.roles if r not in known.roles)]
        self.groups[group.name] = group
        self.serial += 1

    def members(self, group_name):
        """The role names of a group: those registered with it, then the roles that named
        it in ``groups``, in registration order. Unknown group: KeyError."""
        group = self.groups[group_name]
        found = list(group.roles)
        found.extend(role.name for role in self.roles.values()
                     if group_name in role.groups and role.name not in found)
        return found

    def expand(self, names):
        """Role names for ``names`` (roles, pseudo-roles and ``group:<name>``)."""
        found = []
        for name in (names,) if isinstance(names, str) else names:
            if name.startswith(GROUP_PREFIX):
                members = self.members(name[len(GROUP_PREFIX):])
            else:
                members = (name,)
            found.extend(m for m in members if m not in found)
        return found

    def groups_of(self, role_name):
        """The groups a role belongs to (by its own ``groups`` or the group's members)."""
        return [name for name in self.groups if role_name in self.members(name)]


def get_roles(registry):
    return registry.getUtility(IRoleRegistry)


def _registry(config):
    return utility(config.registry, IRoleRegistry, RoleRegistry)


def add_role(config, name, title=None, description=None, groups=None):
    """Register a role that users may hold globally or locally; ``groups``: the role
    groups it joins (registered by ``add_role_group``, checked at commit). An override of
    a built-in role that names no ``groups`` (the call before groups existed) keeps the
    built-in role's groups."""
    check_name("add_role", name)
    if isinstance(groups, str):
        raise ConfigurationError(f"add_role {name!r}: groups is a sequence of group names, "
                                 "not one string")
    if groups is None:
        groups = next((r.groups for r in BUILTIN_ROLES if r.name == name), ())
    role = Role(name, title or name, description, tuple(groups))
    roles = _registry(config)

    def register():
        unknown = [g for g in role.groups if g not in roles.groups]
        if unknown:
            raise ConfigurationError(f"add_role {name!r}: no role group {unknown[0]!r} is "
                                     f"registered (known: {', '.join(sorted(roles.groups))})")
        roles.add_role(role)

    intr = config.introspectable("statportal roles", name, name, "statportal role")
    intr["role"] = role
    intr["groups"] = role.groups
    for group in role.groups:
        intr.relate("statportal role groups", group)
    # after the groups (order 0), so a role may name a group registered later in the config
    config.action(("statportal-role", name), register, order=1, introspectables=(intr,))


def add_role_group(config, name, title=None, description=None, roles=()):
    """Register a role group (a duty that permission maps grant to as ``group:<name>``);
    ``roles``: members named here (roles or ``Authenticated``), beside the roles that
    name the group in ``add_role(..., groups=...)``; an unknown one is a
    ``ConfigurationError`` at commit."""
    check_name("add_role_group", name)
    if name.startswith(GROUP_PREFIX) or ":" in name:
        raise ConfigurationError(f"add_role_group {name!r}: a group's name has no ':'")
    if isinstance(roles, str):
        raise ConfigurationError(f"add_role_group {name!r}: roles is a sequence of role "
                                 "names, not one string")
    group = RoleGroup(name, title or name, description, list(roles))
    registry = _registry(config)
    intr = config.introspectable("statportal role groups", name, name,
                                 "statportal role group")
    intr["group"] = group
    config.action(("statportal-role-group", name), lambda: registry.add_group(group),
                  introspectables=(intr,))

    def check_members():  # a misspelt member would add nobody, silently
        unknown = [r for r in group.roles if r not in registry and r not in PSEUDO_ROLES]
        if unknown:
            raise ConfigurationError(f"add_role_group {name!r}: no role {unknown[0]!r} is "
                                     f"registered (known: {', '.join(registry.names())})")

    config.action(None, check_members, order=2)  # after the roles (order 1)


def includeme(config):
    _registry(config)
    config.add_directive("add_role", add_role)
    config.add_directive("add_role_group", add_role_group)
    for name, title, description, members in BUILTIN_GROUPS:
        config.add_role_group(name, title, description, roles=members)
    for role in BUILTIN_ROLES:
        config.add_role(role.name, role.title, role.description, groups=role.groups)
