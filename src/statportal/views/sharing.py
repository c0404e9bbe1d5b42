"""The Sharing page: local roles on a section or an org unit."""

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.content.editing import EditError
from statportal.content.resources import get_portal
from statportal.i18n import _, pick
from statportal.security.localroles import LocalRolesMixin, inherited_grants
from statportal.security.permissions import SHARE
from statportal.security.roles import get_roles
from statportal.security.sharing import change_grant, principal_choices


def _grants(context):
    return sorted(context.local_roles().items())


def revoke_question(request, context, principal, role, who):
    """What Revoke will do, in words (the dialog's and the confirmation page's)."""
    found = get_roles(request.registry).roles.get(role)
    return request.localizer.translate(_(
        "Revoke the role ${role} of ${who} on ${place}: they lose what it allows here and "
        "below, unless another grant gives it.",
        mapping={"role": request.localizer.translate(found.title) if found else role,
                 "who": who,
                 "place": pick(request, getattr(context, "title", None) or {})[0]
                 or context.__name__ or "/"}))


def _ask_revoke(request, context):
    from statportal.views.actions import ask

    principal, role = request.POST.get("principal", ""), request.POST.get("role", "")
    portal = get_portal(request)
    who = dict(principal_choices(portal, lambda value: pick(request, value)[0])).get(
        principal, principal)
    return ask(request, context, request.localizer.translate(_("Revoke")),
               revoke_question(request, context, principal, role, who),
               [("principal", principal), ("role", role), ("revoke", "1")])


@view_config(context=LocalRolesMixin, name="sharing", accept="text/html", permission=SHARE,
             renderer="statportal.views:templates/sharing.pt")
def sharing(context, request):
    """Grant and revoke (POST: ``principal``, ``role`` and ``grant`` or ``revoke``, the CSRF
    token); ``?q=`` narrows the users and groups offered, none of them chosen in advance."""
    portal = get_portal(request)
    error = None
    chosen = {"principal": "", "role": ""}
    if request.method == "POST":
        grant = "grant" in request.POST
        if not grant and request.POST.get("confirmed") != "1":
            # Revoke asks first, also without script (statportal.views.actions)
            return _ask_revoke(request, context)
        try:
            changed = change_grant(request.registry, portal, context,
                                   request.POST.get("principal", ""),
                                   request.POST.get("role", ""), grant=grant)
        except EditError as exc:
            error = exc
            request.response.status = 400
            chosen = {key: request.POST.get(key, "") for key in chosen}
        else:
            if changed:
                request.session.flash(request.localizer.translate(
                    _("Role granted.") if grant else _("Role revoked.")), "success")
            return HTTPFound(request.resource_url(context, "@@sharing"))
    query = request.GET.get("q", "").strip()[:200]

    def title(value):
        return pick(request, value)[0]

    labels = dict(principal_choices(portal, title))
    offered = principal_choices(portal, title, query) if query else list(labels.items())
    return {
        "grants": _grants(context),
        "inherited": inherited_grants(context),
        "roles": list(get_roles(request.registry)),
        "principals": offered,
        "labels": labels,
        "revoke_question": lambda pid, role: revoke_question(request, context, pid, role,
                                                             labels.get(pid, pid)),
        "query": query,
        "chosen": chosen,
        "error": error,
    }


@view_config(context=LocalRolesMixin, name="@sharing", accept="application/json",
             renderer="json", permission=SHARE, request_method="GET")
def sharing_json(context, request):
    return {
        "local_roles": {pid: list(roles) for pid, roles in _grants(context)},
        "inherited": [{"@id": request.resource_url(loc).rstrip("/"), "principal": pid,
                       "roles": list(roles)} for loc, pid, roles in inherited_grants(context)],
        "available_roles": [role.name for role in get_roles(request.registry)],
    }


@view_config(context=LocalRolesMixin, name="@sharing", accept="application/json",
             renderer="json", permission=SHARE, request_method="POST")
def sharing_json_post(context, request):
    """``{"principal": "user:x", "grant": [role, ...], "revoke": [role, ...]}`` (the role
    names of ``available_roles``)."""
    try:
        payload = request.json_body
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("principal"), str):
        return json_error(request, 400, _("The request has errors."), [
            {"field": "principal", "message": _("Required"), "type": "required"}])
    unknown = sorted(set(payload) - {"principal", "grant", "revoke"})
    if unknown:
        return json_error(request, 400, _("The request has errors."), [
            {"field": key, "message": _("Unknown field."), "type": "unknown_field"}
            for key in unknown])
    portal = get_portal(request)
    try:
        for key, grant in (("grant", True), ("revoke", False)):
            roles = payload.get(key, [])
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise EditError(_("A list of role names is expected."), key)
            for role in roles:
                change_grant(request.registry, portal, context, payload["principal"], role,
                             grant=grant)
    except EditError as exc:
        request.tm.doom()
        return json_error(request, exc.status, exc.message,
                          [{"field": exc.field, "message": exc.message, "type": exc.type}])
    return sharing_json(context, request)
