"""Granting and revoking local roles: the rules behind the Sharing page and its JSON, and
the Manager's view of where grants are (``local_grants``)."""

from statportal.content.editing import EditError
from statportal.content.events import ObjectModified
from statportal.i18n import _
from statportal.security.localroles import LocalRolesMixin
from statportal.security.principals import group_principal, matches, user_principal
from statportal.security.roles import get_roles


def principal_exists(portal, principal_id):
    kind, _sep, name = principal_id.partition(":")
    folder = {"user": "users", "group": "groups"}.get(kind)
    return bool(folder and name and name in portal["principals"][folder])


def change_grant(registry, portal, context, principal_id, role, grant=True):
    if not role:
        raise EditError(_("Choose a role."), "role", type="required")
    if role not in get_roles(registry):
        raise EditError(_("Unknown role ${role}.", mapping={"role": role}), "role",
                        type="unknown_role")
    if not principal_id:
        raise EditError(_("Choose a user or group."), "principal", type="required")
    if not principal_exists(portal, principal_id):
        raise EditError(_("No user or group ${id}.", mapping={"id": principal_id}), "principal",
                        type="unknown_principal")
    changed = context.grant(principal_id, role) if grant else context.revoke(principal_id, role)
    if changed:
        registry.notify(ObjectModified(context, ("__local_roles__",)))
    return changed


def principal_choices(portal, translate_title, query=""):
    """[(principal id, label)] of the users and groups whose login, name, id or title
    holds ``query`` (all of them when it is empty), for the Sharing form. No e-mail: the
    Sharing page is not the place for personal data."""
    users = [(user_principal(login), f"{user.fullname or login} ({login})")
             for login, user in portal["principals"]["users"].items()
             if matches(query, login, user.fullname)]
    groups = []
    for name, group in portal["principals"]["groups"].items():
        title = translate_title(group.title) or name
        if matches(query, name, title, *(group.title or {}).values()):
            groups.append((group_principal(name), f"{title} ({name})"))
    return sorted(users, key=lambda c: c[1].lower()) + sorted(groups, key=lambda c: c[1].lower())


def local_grants(root):
    """``{principal id: [(place, roles), ...]}`` of every local grant at or below ``root``.

    Only the places that hold local roles are walked (the portal, sections, org units:
    ``LocalRolesMixin`` folders); their other children (materials, requests) are passed
    over unread. A walk rather than an index kept by the sharing code: over the demo it
    takes about a millisecond, over 5,000 sections about a tenth of a second (docs/
    administrators.md), and an index could drift from the grants it mirrors.
    """
    from statportal.content.folder import Folder

    found = {}
    stack = [root]
    while stack:
        place = stack.pop()
        for pid, roles in (getattr(place, "__local_roles__", None) or {}).items():
            found.setdefault(pid, []).append((place, tuple(roles)))
        if isinstance(place, Folder):
            stack.extend(child for child in place.values_by_id()
                         if isinstance(child, LocalRolesMixin))
    return found


def roles_of_principals(grants, principal_ids):
    """``[(place, roles, principal id)]``: ``principal_ids``' entries of ``local_grants``."""
    return [(place, roles, pid) for pid in principal_ids for place, roles in grants.get(pid, ())]
