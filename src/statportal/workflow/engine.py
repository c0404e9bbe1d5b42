"""The engine: the state of an object, the transitions a user may take, taking one.

State and history live on the object: ``__workflow_state__`` (a mapping
workflow name -> state, so one object may carry several workflows) and
``__workflow_history__`` (a PersistentList of entries ``{action, actor,
time, from, to, comment}``). Every transition sends BeforeTransition and
AfterTransition.
"""

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

from statportal.content.base import utcnow
from statportal.i18n import _
from statportal.interfaces import IWorkflowRegistry
from statportal.workflow.definition import Finding
from statportal.workflow.events import AfterTransition, BeforeTransition


class WorkflowError(Exception):
    """A refused transition: 400 bad input, 403 not this user, 404 unknown, 409 state or guard."""

    def __init__(self, message, status=409, findings=(), field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.findings = tuple(findings)
        self.field = field


class WorkflowRegistry:
    def __init__(self):
        self.workflows = {}
        self.by_type = {}

    def for_type(self, type_name):
        name = self.by_type.get(type_name)
        return self.workflows.get(name) if name else None


def get_workflows(registry):
    return registry.getUtility(IWorkflowRegistry)


def workflow_of(registry, obj):
    workflows = registry.queryUtility(IWorkflowRegistry)
    if workflows is None:
        return None
    return workflows.for_type(getattr(obj, "__content_type__", None))


def state_of(obj, workflow, default=None):
    """The object's state in ``workflow`` (a Workflow, or its name: then ``default`` where
    the object has none; a Workflow's own default is its initial state)."""
    states = getattr(obj, "__workflow_state__", None) or {}
    if isinstance(workflow, str):
        return states.get(workflow, default)
    return states.get(workflow.name, workflow.initial_state)


def history_of(obj):
    return list(getattr(obj, "__workflow_history__", None) or ())


def _record(obj, workflow, action, actor, from_state, to_state, comment):
    if getattr(obj, "__workflow_state__", None) is None:
        obj.__workflow_state__ = PersistentMapping()
    if getattr(obj, "__workflow_history__", None) is None:
        obj.__workflow_history__ = PersistentList()
    obj.__workflow_state__[workflow.name] = to_state
    entry = {"action": action, "actor": actor, "time": utcnow(), "from": from_state,
             "to": to_state, "comment": comment or "", "workflow": workflow.name}
    obj.__workflow_history__.append(entry)
    return entry


def initialize(registry, obj, actor=None):
    """Put a new object in its workflow's initial state (called when it is added)."""
    workflow = workflow_of(registry, obj)
    if workflow is None or workflow.name in (getattr(obj, "__workflow_state__", None) or {}):
        return None
    return _record(obj, workflow, "create", actor, None, workflow.initial_state, None)


def available_transitions(request, obj):
    """The transitions this user may take now (the others are not shown)."""
    workflow = workflow_of(request.registry, obj)
    if workflow is None:
        return []
    state = state_of(obj, workflow)
    return [t for t in workflow.transitions
            if state in t.from_states and request.has_permission(t.permission, obj)]


def transition(request, obj, name, comment=None):
    """Take transition ``name``; returns the history entry or raises WorkflowError."""
    registry = request.registry
    workflow = workflow_of(registry, obj)
    if workflow is None:
        raise WorkflowError(_("This object has no workflow."), status=404)
    chosen = workflow.transition(name)
    if chosen is None:
        raise WorkflowError(_("No transition ${name} in this workflow.", mapping={"name": name}),
                            status=404)
    state = state_of(obj, workflow)
    if state not in chosen.from_states:  # first: the state decides, whoever asks
        raise WorkflowError(_("${name} is not possible in the state ${state}.",
                              mapping={"name": name, "state": state}), status=409)
    if not request.has_permission(chosen.permission, obj):
        raise WorkflowError(_("You may not ${name} this.", mapping={"name": name}), status=403)
    comment = (comment or "").strip()
    if chosen.requires_comment and not comment:
        raise WorkflowError(_("Give the reason in the comment."), status=400, field="comment")
    request.workflow_comment = comment  # what guards may read, e.g. "why out of order"
    findings = [finding for guard in chosen.guards
                for finding in (guard(obj, request, chosen) or ())]
    if findings:
        raise WorkflowError(_("${name} is refused: see the findings.", mapping={"name": name}),
                            status=409, findings=findings)
    registry.notify(BeforeTransition(obj, workflow, chosen, request, comment))
    entry = _record(obj, workflow, chosen.name, request.authenticated_userid, state,
                    chosen.target(obj), comment)
    obj.touch()
    registry.notify(AfterTransition(obj, workflow, chosen, request, comment, entry))
    return entry


def step(obj, workflow, action, to_state, actor=None, comment=None):
    """A step that the system takes on the object's behalf (a placement, the release
    worker, the demo), from its current state to ``to_state``, kept in the history.
    Returns the history entry."""
    return _record(obj, workflow, action, actor, state_of(obj, workflow), to_state, comment)


def note(obj, action, comment="", actor=None, request=None):
    """Record in the history a step that is not a transition (a correction, a
    declaration): in the object's current state, by ``actor`` (by default the request's
    user). Returns the history entry."""
    from pyramid.threadlocal import get_current_registry, get_current_request

    request = request if request is not None else get_current_request()
    registry = request.registry if request is not None else get_current_registry()
    workflow = workflow_of(registry, obj)
    if workflow is None:
        raise WorkflowError(_("This object has no workflow."), status=404)
    if actor is None and request is not None:
        actor = request.authenticated_userid
    state = state_of(obj, workflow)
    return _record(obj, workflow, action, actor, state, state, comment)


__all__ = ["Finding", "WorkflowError", "available_transitions", "note", "state_of", "step",
           "transition"]
