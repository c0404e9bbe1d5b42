"""Roles as registered data (``config.add_role``), and their principals.

A role held by a user, globally or as a local role on an object or one of its
parents, becomes the principal ``role:<Name>``; ACLs grant permissions to
those principals. ``Anonymous`` and ``Authenticated`` in a permission map name
Pyramid's ``Everyone`` and ``Authenticated``.
"""

from dataclasses import dataclass

from pyramid.authorization import Authenticated, Everyone

from statportal.i18n import _
from statportal.interfaces import IRoleRegistry


@dataclass(frozen=True)
class Role:
    name: str
    title: object
    description: object = None


BUILTIN_ROLES = (
    Role("Executor", _("Executor"),
         _("Staff of a structural unit: prepares materials and requests for the unit.")),
    Role("HeadOfUnit", _("Head of unit"), _("Approves the unit's requests and answers.")),
    Role("Coordinator", _("Coordinator"),
         _("Registers requests, monitors the portal, routes questions, keeps the calendars.")),
    Role("Moderator", _("Moderator"),
         _("Places, replaces and removes materials in queue order.")),
    Role("Support", _("Support"), _("Handles portal outages and posts outage notices.")),
    Role("IntlCoop", _("International cooperation"),
         _("Approves answers to international organisations.")),
    Role("Manager", _("Manager"), _("Administers users, groups, org units, sections, settings.")),
)

PSEUDO_ROLES = {"Anonymous": Everyone, "Authenticated": Authenticated}

#: Who sees the staff pages: every account is a member of the office's staff (the
#: public never logs in), whatever roles it holds and wherever it holds them.
STAFF = ("Authenticated",)


def role_principal(name):
    return PSEUDO_ROLES.get(name) or f"role:{name}"


class RoleRegistry:
    def __init__(self):
        self.roles = {}

    def __contains__(self, name):
        return name in self.roles

    def __iter__(self):
        return iter(self.roles.values())

    def names(self):
        return list(self.roles)


def get_roles(registry):
    return registry.getUtility(IRoleRegistry)


def add_role(config, name, title=None, description=None):
    """Register a role that users may hold globally or locally."""
    role = Role(name, title or name, description)
    roles = get_roles(config.registry)

    def register():
        roles.roles[name] = role

    intr = config.introspectable("statportal roles", name, name, "statportal role")
    intr["role"] = role
    config.action(("statportal-role", name), register, introspectables=(intr,))


def includeme(config):
    if config.registry.queryUtility(IRoleRegistry) is None:
        config.registry.registerUtility(RoleRegistry(), IRoleRegistry)
    config.add_directive("add_role", add_role)
    for role in BUILTIN_ROLES:
        config.add_role(role.name, role.title, role.description)
