"""The engine: the state of an object, the transitions a user may take, taking one.

State and history live on the object: ``__workflow_state__`` (a mapping
workflow name -> state, so one object may carry several workflows) and
``__workflow_history__`` (a PersistentList of entries ``{action, actor,
time, from, to, comment}``; ``comment_message`` too when the code wrote the comment as
a ``_()`` message: :mod:`statportal.workflow.comments`). Every transition sends
BeforeTransition and AfterTransition; ``fire`` is the one way to take a transition, by a
user or the system.
"""

import warnings

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

from statportal.content.base import utcnow
from statportal.i18n import _
from statportal.interfaces import IWorkflowRegistry
from statportal.workflow.comments import is_message, stored
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

    def __str__(self):
        # Logs and scripts read the English text with its values, not the template.
        interpolate = getattr(self.message, "interpolate", None)
        return interpolate() if interpolate else str(self.message)


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


def state_of(obj, workflow=None, default=None):
    """The object's state: in its own workflow (found in the current registry) when
    ``workflow`` is not given, else in ``workflow`` (a Workflow, or its name: then
    ``default`` where the object has none; a Workflow's own default is its initial
    state). An object whose state predates its workflow answers its type's
    ``__legacy_state__(workflow name)`` (the release entry's old ``status``)."""
    if workflow is None:
        from pyramid.threadlocal import get_current_registry

        workflow = workflow_of(get_current_registry(), obj)
        if workflow is None:
            return default
    name = workflow if isinstance(workflow, str) else workflow.name
    states = getattr(obj, "__workflow_state__", None) or {}
    if name in states:
        return states[name]
    legacy = getattr(obj, "__legacy_state__", None)
    found = legacy(name) if legacy is not None else None
    if found is not None:
        return found
    return default if isinstance(workflow, str) else workflow.initial_state


def history_of(obj):
    return list(getattr(obj, "__workflow_history__", None) or ())


def _record(obj, workflow, action, actor, from_state, to_state, comment, at=None):
    if getattr(obj, "__workflow_state__", None) is None:
        obj.__workflow_state__ = PersistentMapping()
    if getattr(obj, "__workflow_history__", None) is None:
        obj.__workflow_history__ = PersistentList()
    obj.__workflow_state__[workflow.name] = to_state
    text, message = stored(comment)
    entry = {"action": action, "actor": actor, "time": at or utcnow(), "from": from_state,
             "to": to_state, "comment": text, "workflow": workflow.name}
    if message is not None:  # plain data: shown in the reader's language (comment_text)
        entry["comment_message"] = message
    obj.__workflow_history__.append(entry)
    return entry


def initialize(registry, obj, actor=None):
    """Put a new object in its workflow's initial state (called when it is added)."""
    workflow = workflow_of(registry, obj)
    if workflow is None or workflow.name in (getattr(obj, "__workflow_state__", None) or {}):
        return None
    return _record(obj, workflow, "create", actor, None, workflow.initial_state, None)


def adopt(registry, obj, state, actor=None, at=None):
    """Give an object stored before its type had a workflow the state it had then (an
    evolve step: the release entry's old ``status``), recorded as its ``create`` entry.
    Returns the entry, or None when the object already has a state in its workflow."""
    workflow = workflow_of(registry, obj)
    if workflow is None or workflow.name in (getattr(obj, "__workflow_state__", None) or {}):
        return None
    if workflow.state(state) is None:
        raise WorkflowError(f"{workflow.name} has no state {state!r}", status=400)
    return _record(obj, workflow, "create", actor, None, state,
                   _("the state it had before its workflow"), at)


def available_transitions(request, obj):
    """The transitions this user may take now (the others are not shown)."""
    workflow = workflow_of(request.registry, obj)
    if workflow is None:
        return []
    state = state_of(obj, workflow)
    return [t for t in workflow.transitions
            if not t.system and state in t.from_states
            and request.has_permission(t.permission, obj)]


def _acting_request(request, registry=None):
    """The request a transition runs with: the caller's, the current one (a script or the
    worker inside ``prepare``), else a blank one on ``registry`` (guards and subscribers
    read ``request.registry``)."""
    if request is not None:
        return request
    from pyramid.threadlocal import get_current_registry, get_current_request

    current = get_current_request()
    registry = registry or (current.registry if current is not None
                            else get_current_registry())
    if current is not None and current.registry is registry:
        return current
    from pyramid.request import Request

    blank = Request.blank("/")
    blank.registry = registry
    return blank


def request_for(registry):
    """A request to fire with where the caller has only the registry (the worker, a
    script): the current request when it is on ``registry``, else a blank one."""
    return _acting_request(None, registry)


def guards_of(registry, workflow, chosen):
    """The transition's own guards, then those other packages added
    (``config.add_transition_guard``)."""
    from statportal.workflow.guards import get_guards

    return (*chosen.guards, *get_guards(registry).get(workflow.name, chosen.name))


def fire(request, obj, name, comment=None, system=False, to_state=None, at=None):
    """Take transition ``name`` of the object's workflow: the one way state changes.
    ``comment``: a person's words, or a ``_()`` message (the code's words: the history
    shows them in the reader's language; guards and events get its English text).

    ``system`` (True, or the actor's name such as ``"system:worker"``): the system takes
    it (a placement, the worker, the demo): the user's permission is not asked, but the
    state, the required comment, the guards (the definition's and the registered ones)
    and the events are the same as a user's. The history names the actor: ``system``
    when it is a name, else the request's user (``"system"`` without one).
    ``to_state``: a system fire may choose one of the transition's declared states
    (``to_state``, ``targets``, the branches'); ``at``: the time its history records (the
    worker's pass: a release's materials and its entry share the moment).
    ``request`` may be None (a script): the current request, or a blank one, is used.
    Returns the history entry or raises WorkflowError."""
    request = _acting_request(request)
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
    if not system and (chosen.system or not request.has_permission(chosen.permission, obj)):
        raise WorkflowError(_("You may not ${name} this.", mapping={"name": name}), status=403)
    if to_state is not None and (not system or to_state not in (
            chosen.to_state, *chosen.targets, *(branch for branch, _holds in chosen.branches))):
        raise ValueError(f"{workflow.name}.{name} does not lead to {to_state!r}")
    if at is not None and not system:
        raise ValueError("only a system fire says when it happened")
    message = comment if is_message(comment) else None  # the code's words, translatable
    comment = stored(comment)[0].strip()
    if chosen.requires_comment and not comment:
        raise WorkflowError(_("Give the reason in the comment."), status=400, field="comment")
    request.workflow_comment = comment  # what guards may read, e.g. "why out of order"
    request.workflow_system = bool(system)  # and whether the system takes it
    findings = [finding for guard in guards_of(registry, workflow, chosen)
                for finding in (guard(obj, request, chosen) or ())]
    if findings:
        raise WorkflowError(_("${name} is refused: see the findings.", mapping={"name": name}),
                            status=409, findings=findings)
    if isinstance(system, str):
        actor = system
    else:
        actor = request.authenticated_userid or ("system" if system else None)
    registry.notify(BeforeTransition(obj, workflow, chosen, request, comment))
    entry = _record(obj, workflow, chosen.name, actor, state,
                    to_state or chosen.target(obj), message or comment, at)
    obj.touch()
    registry.notify(AfterTransition(obj, workflow, chosen, request, comment, entry))
    return entry


def transition(request, obj, name, comment=None):
    """Deprecated: ``fire(request, obj, name, comment)``."""
    warnings.warn("statportal.workflow.transition is deprecated: use fire(request, obj, "
                  "name, comment)", DeprecationWarning, stacklevel=2)
    return fire(request, obj, name, comment)


def step(obj, workflow, action, to_state, actor=None, comment=None):
    """Deprecated: ``fire(request, obj, action, comment, system=actor, to_state=...)``.
    An ``action`` that is no transition of the workflow is kept in the history as the
    old step did (in ``to_state``), without events."""
    warnings.warn("statportal.workflow.step is deprecated: fire the transition with "
                  "fire(request, obj, name, system=actor)", DeprecationWarning, stacklevel=2)
    workflow_name = workflow if isinstance(workflow, str) else workflow.name
    chosen = workflow.transition(action) if not isinstance(workflow, str) else None
    if chosen is not None and to_state in (chosen.target(obj), chosen.to_state,
                                           *chosen.targets):
        return fire(None, obj, action, comment, system=actor or True,
                    to_state=None if to_state == chosen.target(obj) else to_state)
    if isinstance(workflow, str):
        from statportal.workflow.definition import Workflow

        workflow = Workflow(workflow_name, (), (), "")
    return _record(obj, workflow, action, actor, state_of(obj, workflow_name), to_state,
                   comment)


def note(obj, action, comment="", actor=None, request=None):
    """Record in the history a step that is not a transition (a correction, a
    declaration): in the object's current state, by ``actor`` (by default the request's
    user). ``comment``: a person's words, or a ``_()`` message the history shows in the
    reader's language (:mod:`statportal.workflow.comments`). Returns the history entry."""
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


__all__ = ["Finding", "WorkflowError", "adopt", "available_transitions", "fire", "guards_of",
           "note", "request_for", "state_of", "step", "transition"]
