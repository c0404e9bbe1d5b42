"""``GET <obj>/@workflow`` and ``POST <obj>/@workflow/<transition>`` (plone.restapi's shapes)."""

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError, bound_schema, deserialize, url_of
from statportal.content.base import Content
from statportal.content.editing import EditError
from statportal.i18n import _, label
from statportal.security.permissions import VIEW
from statportal.security.staff import is_staff
from statportal.workflow import (
    WorkflowError,
    available_transitions,
    comment_text,
    fire,
    history_of,
    state_of,
    workflow_of,
)


def describe(request, obj, entry=None):
    """The state, this user's transitions (with the question each asks first and whether
    it can be undone), the history with each action's title; after ``entry`` was taken,
    its ``message`` (what the page would say, in plain text)."""
    from statportal import labels
    from statportal.workflow.messages import confirmation, said

    workflow = workflow_of(request.registry, obj)
    if workflow is None:
        return None
    state = state_of(obj, workflow)
    base = url_of(request, obj)

    def asks(chosen):
        asked = confirmation(request, obj, workflow, chosen)
        return asked["text"] if asked else None

    data = {
        "@id": f"{base}/@workflow",
        "workflow": workflow.name,
        "state": {"id": state, "title": label(request, workflow.state(state).title, state)},
        "transitions": [
            {"@id": f"{base}/@workflow/{t.name}", "id": t.name,
             "title": label(request, t.title, t.name), "requires_comment": t.requires_comment,
             "confirm": asks(t), "irreversible": t.irreversible}
            for t in available_transitions(request, obj)
        ],
        "history": [
            {**entry, "time": entry["time"].isoformat(),
             "title": labels.action_title(request, workflow, entry["action"]),
             # in the request's language; ``comment_message`` (when the code wrote it)
             # keeps the msgid and its mapping for a client that translates itself
             "comment": comment_text(request, entry)}
            for entry in history_of(obj)
        ],
    }
    if entry is not None:
        data["message"] = said(request, obj, workflow, workflow.transition(entry["action"]),
                               entry)["text"]
    return data


@view_config(context=Content, name="@workflow", accept="application/json", renderer="json",
             permission=VIEW, request_method="GET")
def workflow_get(context, request):
    if request.subpath:
        return json_error(request, 405, _("Use POST to take a transition."))
    if not is_staff(request):  # who did what, and why, is for staff
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
    workflow = workflow_of(request.registry, context)
    chosen = workflow.transition(request.subpath[0]) if workflow is not None else None
    fields = set(chosen.fields) if chosen is not None else set()
    try:
        payload = request.json_body if request.body else {}
    except ValueError:
        payload = None
    errors = []
    if not isinstance(payload, dict):
        errors.append({"field": None, "type": "invalid", "message": _(
            "The body must be a JSON object.")})
    else:
        errors += [{"field": key, "type": "unknown_field", "message": _("Unknown field.")}
                   for key in sorted(set(payload) - {"comment", *fields})]
        if not isinstance(payload.get("comment", ""), str):
            errors.append({"field": "comment", "type": "invalid",
                           "message": _("The comment is a text.")})
    if errors:
        request.tm.doom()
        return json_error(request, 400, _("The request has errors."), errors)
    try:
        changes = {key: value for key, value in payload.items() if key in fields}
        if changes:
            _write_fields(request, context, changes, chosen.permission)
        entry = fire(request, context, request.subpath[0], payload.get("comment"))
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        from statportal.api.content import _error

        return _error(request, exc)
    except WorkflowError as exc:
        request.tm.doom()
        errors = [{"field": f.field, "message": f.message, "type": f.code,
                   "location": f.location} for f in exc.findings] or [
            {"field": exc.field, "message": exc.message, "type": "workflow"}]
        return json_error(request, exc.status, exc.message, errors)
    return describe(request, context, entry)


def _write_fields(request, context, changes, permission=None):
    """The transition's fields, through the type's schema and update rules (EDIT needed,
    or the transition's own permission: the fields it declares are its actor's to set, as
    the register's note is the registering coordinator's)."""
    from pyramid.httpexceptions import HTTPForbidden

    from statportal.content.editing import update
    from statportal.content.registry import get_content_registry
    from statportal.security.permissions import EDIT

    if not (request.has_permission(EDIT, context)
            or (permission and request.has_permission(permission, context))):
        raise HTTPForbidden()
    info = get_content_registry(request.registry).typeof(context)
    schema = bound_schema(request, context, info)
    update(request.registry, context, deserialize(request, schema, changes, current=context),
           actor=request.authenticated_userid)
