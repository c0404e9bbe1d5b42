"""Who may view an object, from its ACL: the catalogs' ``allowed`` index.

``view_principals`` walks the ACLs the policy walks (``acl.permits``: the object's and
its parents', explicit ``__acl__``, workflow state and type maps, the ``inherit=False``
stop) and keeps each principal whose first matching entry allows ``view``. A role
principal (``role:X``) stands for the users who hold X globally (the query's principals
carry it) and for the principals granted X locally on the object, its parents or its
local role sources (``localroles.local_roles_in``): those are added by their own ids.
A Deny entry decides for its principal as the policy does (first match wins); a Deny
for ``Everyone`` (``DENY_ALL``) ends the walk.
"""

from pyramid.authorization import Allow, Everyone
from pyramid.location import lineage

from statportal.security.permissions import VIEW


def local_places(obj):
    """The objects whose local roles reach ``obj``: its lineage and its sources'."""
    sources = getattr(obj, "local_role_sources", None)
    for place in (obj, *(sources() if sources is not None else ())):
        yield from lineage(place)


def local_role_places(obj):
    """The paths of ``local_places(obj)`` (the catalogs' ``places`` index)."""
    from statportal.content.paths import path_of

    return {path_of(place) for place in local_places(obj)}


def local_holders(obj):
    """``{role: {principal ids granted it locally on obj, above it or on its sources}}``."""
    holders = {}
    for place in local_places(obj):
        for pid, roles in (getattr(place, "__local_roles__", None) or {}).items():
            for role in roles:
                holders.setdefault(role, set()).add(pid)
    return holders


def view_principals(obj, registry, permission=VIEW):
    """The principals allowed ``permission`` (view) on ``obj``, as the catalog stores them."""
    from statportal.security.acl import acl_for, covers

    holders = None
    decided, allowed = set(), set()
    for location in lineage(obj):
        for action, principal, permissions in acl_for(location, registry):
            if not covers(permissions, permission):
                continue
            tokens = [principal]
            if principal.startswith("role:"):
                if holders is None:
                    holders = local_holders(obj)
                tokens.extend(sorted(holders.get(principal[5:], ())))
            for token in tokens:
                if token not in decided:
                    decided.add(token)
                    if action == Allow:
                        allowed.add(token)
            if principal == Everyone and action != Allow:
                return allowed  # DENY_ALL: nobody else is reached
    return allowed
