"""The Manager's page of users and groups: a search (``?q=``, login, name, e-mail), the
users batched, and for each user and group the global roles and the places where they
hold local roles."""

from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config

from statportal.batching import Batch, read_batch
from statportal.content.paths import find_by_path, path_of
from statportal.content.resources import get_portal
from statportal.i18n import pick
from statportal.labels import language_title
from statportal.numbers import NumberError
from statportal.security.permissions import MANAGE_PRINCIPALS, VIEW
from statportal.security.principals import (
    Principals,
    User,
    group_principal,
    matches,
    search_users,
)
from statportal.security.sharing import local_grants, roles_of_principals


def _places(grants, principal_ids, groups):
    """[(place, roles, group or None)] in path order: the grants to the principals."""
    found = []
    for place, roles, pid in roles_of_principals(grants, principal_ids):
        via = groups.get(pid.partition(":")[2]) if pid.startswith("group:") else None
        found.append((path_of(place), place, roles, via))
    return [(place, roles, via) for _path, place, roles, via in sorted(found, key=lambda f: f[0])]


@view_config(context=Principals, accept="text/html", permission=MANAGE_PRINCIPALS,
             renderer="statportal.views:templates/principals.pt")
def principals(context, request):
    portal = get_portal(request)
    query = request.GET.get("q", "").strip()[:200]
    try:
        b_start, b_size = read_batch(request)
    except NumberError as exc:
        raise HTTPBadRequest(f"{exc.field}: {request.localizer.translate(exc.message)}") \
            from None
    # E-mail addresses are personal data: searched and shown only to those who manage users
    # (the page's own permission, asked again so that a wider view permission cannot leak).
    personal = bool(request.has_permission(MANAGE_PRINCIPALS, context))
    users = search_users(portal, query, with_email=personal)
    batch = Batch(b_start, b_size, len(users))
    groups = dict(context["groups"].items())
    shown = batch.slice(users)
    found_groups = [(name, group) for name, group in sorted(groups.items())
                    if matches(query, name, pick(request, group.title)[0],
                               *(group.title or {}).values())]
    # One walk for the whole page, none when nothing is shown.
    grants = local_grants(portal) if shown or found_groups else {}
    rows = []
    for login, user in shown:
        member_of = [groups[name] for name in user.groups if name in groups]
        rows.append({
            "login": login, "user": user, "groups": member_of,
            "group_roles": [(group, group.roles) for group in member_of if group.roles],
            "places": _places(grants, user.principal_ids(), groups),
        })
    group_rows = [{"name": name, "group": group,
                   "places": _places(grants, [group_principal(name)], {})}
                  for name, group in found_groups]
    return {"rows": rows, "group_rows": group_rows, "query": query, "personal": personal,
            "batch": batch.page(urlencode({"q": query}) if query else ""),
            "total": len(users),
            "unit_of": lambda path: find_by_path(portal, path) if path else None}


#: The user's fields this page shows in words (the rest, other features' fields, as they are).
_SHOWN = ("fullname", "email", "roles", "groups", "org_unit", "active", "language")


@view_config(context=User, accept="text/html", permission=VIEW,
             renderer="statportal.views:templates/user.pt")
def user_view(context, request):
    """A user's page: the account in words (roles by title, the unit by name) and where the
    user holds roles (the users page's list, for one user)."""
    from statportal.api.serialize import bound_schema, json_value
    from statportal.content.registry import get_content_registry

    portal = get_portal(request)
    groups = dict(portal["principals"]["groups"].items())
    member_of = [groups[name] for name in context.groups if name in groups]
    info = get_content_registry(request.registry).typeof(context)
    others = [(node.title, json_value(node, getattr(context, node.name, None)))
              for node in bound_schema(request, context, info).children
              if node.name not in (*_SHOWN, "title") and not getattr(node, "writeonly", False)]
    return {
        "account": context, "groups": member_of,
        "group_roles": [(group, group.roles) for group in member_of if group.roles],
        "places": _places(local_grants(portal), context.principal_ids(), groups),
        "unit": find_by_path(portal, context.org_unit) if context.org_unit else None,
        "language": language_title(getattr(context, "language", "")),
        "personal": bool(request.has_permission(MANAGE_PRINCIPALS, context)),
        "others": others,
    }
