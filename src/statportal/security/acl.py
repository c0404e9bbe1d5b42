"""ACLs derived from data: the permission map of each object's type.

Nothing is copied onto objects: the ACL of an object is computed from its
type's ``permissions`` map (later also its workflow state's), so a change of
the map applies at once to every existing object. An explicit ``__acl__`` on
an object comes first; a type registered with ``inherit=False`` ends its ACL
with DENY_ALL.
"""

from pyramid.authorization import (
    ALL_PERMISSIONS,
    DENY_ALL,
    ACLAllowed,
    ACLDenied,
    Allow,
)
from pyramid.location import lineage

from statportal.content.registry import get_content_registry
from statportal.security.roles import role_principal

_ACES = {}  # id(permission map) -> (the map, its ACEs): maps are configuration, built once


def aces_from_map(permission_map):
    """ACEs from ``{permission: roles}``; the permission ``"*"`` means all permissions."""
    cached = _ACES.get(id(permission_map))
    if cached is not None and cached[0] is permission_map and cached[2] == len(permission_map):
        return cached[1]
    aces = [
        (Allow, role_principal(role), ALL_PERMISSIONS if permission == "*" else permission)
        for permission, roles in permission_map.items()
        for role in roles
    ]
    _ACES[id(permission_map)] = (permission_map, aces, len(permission_map))
    return aces


def acl_for(obj, registry):
    """Explicit ``__acl__``, then the workflow state's map, then the type's map."""
    from statportal.workflow.engine import state_of, workflow_of

    aces = list(getattr(obj, "__acl__", None) or ())
    inherit = True
    workflow = workflow_of(registry, obj)
    if workflow is not None:
        state = workflow.state(state_of(obj, workflow))
        if state is not None:
            aces.extend(aces_from_map(state.permissions))
            inherit = state.inherit
    info = get_content_registry(registry).typeof(obj)
    if info is not None:
        if inherit:
            aces.extend(aces_from_map(info.permissions))
        inherit = inherit and info.inherit
    if not inherit:
        aces.append((Allow, role_principal("Manager"), ALL_PERMISSIONS))
        aces.append(DENY_ALL)
    return aces


def permits(registry, context, principals, permission):
    """Walk the lineage of ``context``; the first ACE that matches decides."""
    principals = set(principals)
    for location in lineage(context):
        acl = acl_for(location, registry)
        for ace in acl:
            action, principal, permissions = ace
            if principal in principals and _covers(permissions, permission):
                result = ACLAllowed if action == Allow else ACLDenied
                return result(ace, acl, permission, principals, location)
    return ACLDenied("<default deny>", None, permission, principals, context)


def _covers(permissions, permission):
    if permissions is ALL_PERMISSIONS:
        return True
    if isinstance(permissions, str):
        return permissions == permission
    return permission in permissions
