"""``GET <obj>/@workflow`` and ``POST <obj>/@workflow/<transition>`` (plone.restapi's shapes)."""

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.api.serialize import url_of
from statportal.content.base import Content
from statportal.i18n import _, label
from statportal.security.permissions import VIEW
from statportal.workflow import (
    WorkflowError,
    available_transitions,
    history_of,
    state_of,
    transition,
    workflow_of,
)


def describe(request, obj):
    workflow = workflow_of(request.registry, obj)
    if workflow is None:
        return None
    state = state_of(obj, workflow)
    base = url_of(request, obj)
    return {
        "@id": f"{base}/@workflow",
        "workflow": workflow.name,
        "state": {"id": state, "title": label(request, workflow.state(state).title, state)},
        "transitions": [
            {"@id": f"{base}/@workflow/{t.name}", "id": t.name,
             "title": label(request, t.title, t.name), "requires_comment": t.requires_comment}
            for t in available_transitions(request, obj)
        ],
        "history": [
            {**entry, "time": entry["time"].isoformat()} for entry in history_of(obj)
        ],
    }


@view_config(context=Content, name="@workflow", accept="application/json", renderer="json",
             permission=VIEW, request_method="GET")
def workflow_get(context, request):
    if request.subpath:
        return json_error(request, 405, _("Use POST to take a transition."))
    if request.authenticated_userid is None:  # who did what, and why, is for staff
        return json_error(request, 404, _("Not found."))
    data = describe(request, context)
    if data is None:
        return json_error(request, 404, _("This object has no workflow."))
    return data


@view_config(context=Content, name="@workflow", accept="application/json", renderer="json",
             permission=VIEW, request_method="POST")
def workflow_post(context, request):
    if len(request.subpath) != 1:
        return json_error(request, 404, _("Name the transition: @workflow/<transition>."))
    try:
        payload = request.json_body if request.body else {}
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or set(payload) - {"comment"} or \
            not isinstance(payload.get("comment", ""), str):
        request.tm.doom()
        return json_error(request, 400, _("The request has errors."), [
            {"field": "comment", "type": "invalid",
             "message": _("The body is an object with an optional text \"comment\".")}])
    try:
        transition(request, context, request.subpath[0], payload.get("comment"))
    except WorkflowError as exc:
        request.tm.doom()
        errors = [{"field": f.field, "message": f.message, "type": f.code,
                   "location": f.location} for f in exc.findings] or [
            {"field": exc.field, "message": exc.message, "type": "workflow"}]
        return json_error(request, exc.status, exc.message, errors)
    return describe(request, context)
