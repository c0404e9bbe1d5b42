"""Publishing a material before its release time: asked by one moderator, confirmed by
another (JSON ``@publish-now`` and the page ``@@publish-now``)."""

from pyramid.view import view_config

from statportal.api.serialize import PayloadError
from statportal.content.editing import EditError
from statportal.i18n import _
from statportal.releases.views import HTML, when


# -- publish now (two people) -----------------------------------------------------------------
def _publish_now(request, context, typed, reason):
    """Ask, or (a second person) confirm; returns ``(state, message)``."""
    from statportal import clock
    from statportal.releases import embargo

    now = clock.now()
    actor = request.authenticated_userid
    pending = getattr(context, "early_release", None)
    if pending and pending["requested_by"] != actor:
        embargo.confirm_early(request.registry, context, actor, typed, now)
        return "published", _("Published before its release time; recorded.")
    if pending:
        raise EditError(_("A second person must confirm publishing before the release "
                          "time."), None, status=403, type="second_person")
    embargo.request_early(context, actor, typed, reason, now)
    return "requested", _("Asked; a second person with the right must confirm.")


@view_config(context="statportal.materials.resources.Material", name="@publish-now",
             request_method="POST", renderer="json",
             permission="statportal.material.publish_now")
def publish_now_json(context, request):
    from statportal.api.content import _error, json_body

    try:
        payload = json_body(request)
        if not isinstance(payload, dict):
            raise EditError(_("The body must be a JSON object."), None)
        state, message = _publish_now(request, context, payload.get("confirm"),
                                      payload.get("reason"))
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        return _error(request, exc)
    return {"state": state, "message": request.localizer.translate(message),
            "early_release": _early_json(context)}


def _early_json(material):
    pending = getattr(material, "early_release", None)
    if not pending:
        return None
    return {**pending, "requested_at": pending["requested_at"].isoformat()}


@view_config(context="statportal.materials.resources.Material", name="publish-now",
             accept=HTML, renderer="statportal.releases:templates/publish_now.pt",
             permission="statportal.material.publish_now")
def publish_now_page(context, request):
    from pyramid.httpexceptions import HTTPFound

    from statportal.releases import embargo
    from statportal.views.content import flash

    entry, _item = embargo.waiting_item(context)
    error = None
    if request.method == "POST":
        from pyramid.csrf import check_csrf_token

        check_csrf_token(request)
        try:
            state, message = _publish_now(request, context, request.POST.get("confirm"),
                                          request.POST.get("reason"))
        except EditError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error = exc
        else:
            flash(request, message)
            return HTTPFound(request.resource_url(context))
    return {"entry": entry, "pending": getattr(context, "early_release", None),
            "error": error, "when": when(request, entry) if entry is not None else None}
