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
from statportal.interfaces import IRoleRegistry
from statportal.security.permissions import STAFF
from statportal.security.roles import role_principal

_ACES = {}  # id(permission map) -> (the map, key, its ACEs): maps are configuration


def aces_from_map(permission_map, registry=None):
    """ACEs from ``{permission: roles}``; the permission ``"*"`` means all permissions.
    ``group:<name>`` among the roles stands for the group's members in ``registry``'s role
    registry as they are now (a role registered later in the group is included)."""
    roles = registry.queryUtility(IRoleRegistry) if registry is not None else None
    key = (len(permission_map), id(roles), roles.serial if roles is not None else None)
    cached = _ACES.get(id(permission_map))
    if cached is not None and cached[0] is permission_map and cached[1] == key:
        return cached[2]
    aces = [
        (Allow, role_principal(role), ALL_PERMISSIONS if permission == "*" else permission)
        for permission, names in permission_map.items()
        for role in (roles.expand(names) if roles is not None else names)
    ]
    _ACES[id(permission_map)] = (permission_map, key, aces)
    return aces


def acl_for(obj, registry):
    """Explicit ``__acl__``, then the workflow state's map with the grants features made on
    that state, then the type's map with the grants on the type."""
    from statportal.security.grants import get_grants
    from statportal.workflow.engine import state_of, workflow_of

    workflow = workflow_of(registry, obj)
    state = workflow.state(state_of(obj, workflow)) if workflow is not None else None
    info = get_content_registry(registry).typeof(obj)
    explicit = getattr(obj, "__acl__", None)
    roles = registry.queryUtility(IRoleRegistry)
    grants = get_grants(registry)
    # The part from the maps depends on the state and the type only: computed once per
    # registry while the roles, groups, grants and the maps' sizes stay as they are.
    key = (id(state), id(info), len(state.permissions) if state is not None else -1,
           len(info.permissions) if info is not None else -1,
           roles.serial if roles is not None else None,
           grants.serial if grants is not None else None)
    cache = roles.acl_cache if roles is not None else {}
    cached = cache.get(key)
    if cached is None or cached[0] is not state or cached[1] is not info:
        cached = cache[key] = (state, info, _from_maps(registry, workflow, state, info, grants))
    return [*explicit, *cached[2]] if explicit else cached[2]


def _from_maps(registry, workflow, state, info, grants):
    aces = []
    inherit = True
    if state is not None:
        aces.extend(aces_from_map(state.permissions, registry))
        extra = grants.for_state(workflow.name, state.name) if grants is not None else None
        if extra:
            aces.extend(aces_from_map(extra, registry))
        inherit = state.inherit
    if info is not None:
        if inherit:
            aces.extend(aces_from_map(info.permissions, registry))
            extra = grants.for_type(info.name) if grants is not None else None
            if extra:
                aces.extend(aces_from_map(extra, registry))
        inherit = inherit and info.inherit
    if not inherit:
        # An ACL that stops inheritance keeps the administrators' rights and lets the staff
        # be known as staff (statportal.staff) there too.
        aces.extend(aces_from_map(_STOP, registry))
        aces.append(DENY_ALL)
    return tuple(aces)


_STOP = {"*": ("group:administrators",), STAFF: ("group:staff",)}


def permits(registry, context, principals, permission):
    """Walk the lineage of ``context``; the first ACE that matches decides."""
    principals = set(principals)
    for location in lineage(context):
        acl = acl_for(location, registry)
        for ace in acl:
            action, principal, permissions = ace
            if principal in principals and covers(permissions, permission):
                result = ACLAllowed if action == Allow else ACLDenied
                return result(ace, acl, permission, principals, location)
    return ACLDenied("<default deny>", None, permission, principals, context)


def covers(permissions, permission):
    """Whether an ACE's permissions (one, several or ALL_PERMISSIONS) include ``permission``."""
    if permissions is ALL_PERMISSIONS:
        return True
    if isinstance(permissions, str):
        return permissions == permission
    return permission in permissions
