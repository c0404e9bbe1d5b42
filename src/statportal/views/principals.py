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
from statportal.numbers import NumberError
from statportal.security.permissions import MANAGE_PRINCIPALS
from statportal.security.principals import (
    Principals,
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
