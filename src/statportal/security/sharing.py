"""Granting and revoking local roles: the rules behind the Sharing page and its JSON."""

from statportal.content.editing import EditError
from statportal.content.events import ObjectModified
from statportal.i18n import _
from statportal.security.principals import group_principal, user_principal
from statportal.security.roles import get_roles


def principal_exists(portal, principal_id):
    kind, _sep, name = principal_id.partition(":")
    folder = {"user": "users", "group": "groups"}.get(kind)
    return bool(folder and name and name in portal["principals"][folder])


def change_grant(registry, portal, context, principal_id, role, grant=True):
    if role not in get_roles(registry):
        raise EditError(_("Unknown role ${role}.", mapping={"role": role}), "role",
                        type="unknown_role")
    if not principal_exists(portal, principal_id):
        raise EditError(_("No user or group ${id}.", mapping={"id": principal_id}), "principal",
                        type="unknown_principal")
    changed = context.grant(principal_id, role) if grant else context.revoke(principal_id, role)
    if changed:
        registry.notify(ObjectModified(context, ("__local_roles__",)))
    return changed


def principal_choices(portal, translate_title):
    """[(principal id, label)] of every user and group, for the Sharing form."""
    users = [(user_principal(login), f"{user.fullname or login} ({login})")
             for login, user in portal["principals"]["users"].items()]
    groups = [(group_principal(name), f"{translate_title(group.title) or name} ({name})")
              for name, group in portal["principals"]["groups"].items()]
    return sorted(users, key=lambda c: c[1].lower()) + sorted(groups, key=lambda c: c[1].lower())
