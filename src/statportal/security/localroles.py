"""Local roles: roles granted to a user or group on one object and its subtree."""

from pyramid.location import lineage


class LocalRolesMixin:
    """Stores grants as ``{principal_id: (role, ...)}``, replaced on every change."""

    __local_roles__ = None

    def local_roles(self):
        return dict(self.__local_roles__ or {})

    def grant(self, principal_id, role):
        grants = self.local_roles()
        roles = grants.get(principal_id, ())
        if role not in roles:
            grants[principal_id] = tuple(sorted((*roles, role)))
            self.__local_roles__ = grants
            return True
        return False

    def revoke(self, principal_id, role):
        grants = self.local_roles()
        roles = tuple(r for r in grants.get(principal_id, ()) if r != role)
        if roles == grants.get(principal_id, ()):
            return False
        if roles:
            grants[principal_id] = roles
        else:
            grants.pop(principal_id, None)
        self.__local_roles__ = grants
        return True


def local_roles_in(context, principal_ids):
    """The roles ``principal_ids`` hold on ``context`` through grants on it or above.

    An object may name further places whose grants apply to it with
    ``local_role_sources()``: a placement request names its org unit, so the
    unit's executors and its territorial coordinator act on it.
    """
    roles = set()
    sources = getattr(context, "local_role_sources", None)
    places = [context, *(sources() if sources is not None else ())]
    for place in places:
        for location in lineage(place):
            grants = getattr(location, "__local_roles__", None)
            if grants:
                for pid in principal_ids:
                    roles.update(grants.get(pid, ()))
    return roles


def forget_principal(root, principal_id, notify=None):
    """Revoke every grant to ``principal_id`` under ``root``: a removed user's or group's
    grants must not pass to a new account that gets the same id. ``notify(obj)`` is told
    of each object changed (the catalogs recompute who may view what it reaches)."""
    from statportal.content.folder import Folder

    changed = 0
    stack = [root]
    while stack:
        obj = stack.pop()
        grants = getattr(obj, "__local_roles__", None)
        if grants and principal_id in grants:
            obj.__local_roles__ = {pid: roles for pid, roles in grants.items()
                                   if pid != principal_id}
            changed += 1
            if notify is not None:
                notify(obj)
        if isinstance(obj, LocalRolesMixin) and isinstance(obj, Folder):
            stack.extend(child for child in obj.values() if isinstance(child, LocalRolesMixin))
    return changed


def inherited_grants(context):
    """Grants on the parents of ``context``: [(location, principal_id, roles)]."""
    found = []
    for location in list(lineage(context))[1:]:
        for pid, roles in (getattr(location, "__local_roles__", None) or {}).items():
            found.append((location, pid, roles))
    return found
