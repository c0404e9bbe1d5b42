"""Features grant their permissions on other packages' types and states
(``config.add_permission_grant``), so the core's permission maps name only the core's.

``config.add_permission_grant("Portal", "statportal.currency", ("group:coordinators",))``
adds to the Portal type's map; ``"material:private"`` (``<workflow>:<state>``) adds to a
workflow state's map. The ACL of an object is computed from the maps with these grants
(``acl.acl_for``), so a grant applies at once to every existing object.
"""

from pyramid.exceptions import ConfigurationError

from statportal.directives import check_name, utility
from statportal.interfaces import IPermissionGrants


class PermissionGrants:
    """``{target: {permission: (roles or groups)}}``; ``serial`` moves on every change."""

    def __init__(self):
        self.maps = {}
        self.serial = 0

    def add(self, target, permission, roles):
        grants = self.maps.get(target, {})
        known = grants.get(permission, ())
        # A new map, not the old one changed: ACEs are kept per map object
        # (acl.aces_from_map), so a grant after an ACL was computed is not missed.
        self.maps[target] = {**grants, permission: (*known, *(r for r in roles
                                                             if r not in known))}
        self.serial += 1

    def for_type(self, type_name):
        return self.maps.get(type_name)

    def for_state(self, workflow_name, state_name):
        return self.maps.get(f"{workflow_name}:{state_name}")


def get_grants(registry):
    return registry.queryUtility(IPermissionGrants)


def add_permission_grant(config, target, permission, roles):
    """Grant ``permission`` to ``roles`` (role names, ``Anonymous``, ``Authenticated`` or
    ``group:<name>``) on the content type ``target``, or on the workflow state
    ``"<workflow>:<state>"``. An unknown type, workflow, state, role or group is a
    ``ConfigurationError`` at commit."""
    directive = "add_permission_grant"
    check_name(directive, target)
    check_name(directive, permission)
    roles = (roles,) if isinstance(roles, str) else tuple(roles or ())
    if not roles or not all(isinstance(r, str) and r for r in roles):
        raise ConfigurationError(f"{directive} {target!r}: roles must name at least one role "
                                 f"or group, not {roles!r}")
    registry = config.registry
    grants = utility(registry, IPermissionGrants, PermissionGrants)

    def register():
        from statportal.content.registry import get_content_registry
        from statportal.security.roles import GROUP_PREFIX, PSEUDO_ROLES, get_roles
        from statportal.workflow.engine import get_workflows

        workflow_name, sep, state_name = target.partition(":")
        if sep:
            workflow = get_workflows(registry).workflows.get(workflow_name)
            if workflow is None or workflow.state(state_name) is None:
                raise ConfigurationError(f"{directive}: no workflow state {target!r} is "
                                         "registered")
        elif target not in get_content_registry(registry).types:
            raise ConfigurationError(f"{directive}: no content type {target!r} is registered")
        known = get_roles(registry)
        for name in roles:
            if name.startswith(GROUP_PREFIX):
                if name[len(GROUP_PREFIX):] not in known.groups:
                    raise ConfigurationError(f"{directive} {target!r}: no role group {name!r}")
            elif name not in known and name not in PSEUDO_ROLES:
                # a typo would grant nobody, silently
                raise ConfigurationError(f"{directive} {target!r}: no role {name!r} is "
                                         "registered (a role, Anonymous, Authenticated or "
                                         "group:<name>)")
        grants.add(target, permission, roles)

    discriminator = ("statportal-permission-grant", target, permission, roles)
    intr = config.introspectable("statportal permission grants", discriminator,
                                 f"{target}: {permission} to {', '.join(roles)}",
                                 "statportal permission grant")
    intr["target"], intr["permission"], intr["roles"] = target, permission, roles
    # after types (order 0), workflows (0, 10) and roles (1) are registered
    config.action(discriminator, register, order=20, introspectables=(intr,))


def includeme(config):
    utility(config.registry, IPermissionGrants, PermissionGrants)
    config.add_directive("add_permission_grant", add_permission_grant)
