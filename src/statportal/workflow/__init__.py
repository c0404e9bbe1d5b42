"""The workflow engine: workflows are registered data (``config.add_workflow``).

    config.add_workflow(workflow, content_types=("PlacementRequest",))

registers a ``Workflow`` (checked at once) and attaches it to content types;
objects of those types get the initial state when they are added, their ACL
starts with their state's permission map, and ``GET <obj>/@workflow`` and
``POST <obj>/@workflow/<transition>`` expose them in JSON.

    config.add_transition_guard("material", "publish", "mypkg.rules.embargo_guard")

adds a guard to another package's transition (:mod:`statportal.workflow.guards`).
State is read with ``state_of(obj)`` and changed only by ``fire(request, obj, name,
comment, system=...)``; ``note`` keeps a history entry that changes no state. A comment
the code writes is a ``_()`` message (``Term`` for a vocabulary value in its mapping), shown
in the reader's language by ``comment_text(request, entry)``.
"""

from pyramid.exceptions import ConfigurationError

from statportal.content.events import ObjectAdded
from statportal.interfaces import ITransitionGuards, IWorkflowRegistry
from statportal.workflow.comments import Term, comment_text
from statportal.workflow.definition import (
    Finding,
    State,
    Transition,
    Workflow,
    WorkflowDefinitionError,
)
from statportal.workflow.engine import (
    WorkflowError,
    WorkflowRegistry,
    adopt,
    available_transitions,
    fire,
    get_workflows,
    guards_of,
    history_of,
    initialize,
    note,
    request_for,
    state_of,
    step,
    transition,
    workflow_of,
)
from statportal.workflow.guards import TransitionGuards, add_transition_guard


def add_workflow(config, workflow, content_types=()):
    """Register ``workflow`` and attach it to ``content_types``.

    Discriminators: ``('statportal-workflow', name)`` and, per type,
    ``('statportal-workflow-for', type_name)`` — one workflow per type.
    """
    if isinstance(content_types, str):
        raise ConfigurationError(f"add_workflow: content_types is a sequence of type names, "
                                 f"not one string ({content_types!r})")
    try:
        workflow = config.maybe_dotted(workflow)
        workflow.check()
    except (WorkflowDefinitionError, AttributeError, ImportError, ValueError) as exc:
        raise ConfigurationError(f"add_workflow: {exc}") from exc
    workflows = get_workflows(config.registry)

    def register():
        workflows.workflows[workflow.name] = workflow

    intr = config.introspectable("statportal workflows", workflow.name, workflow.name,
                                 "statportal workflow")
    intr["workflow"] = workflow
    config.action(("statportal-workflow", workflow.name), register, introspectables=(intr,))
    for type_name in content_types:
        def attach(type_name=type_name):
            workflows.by_type[type_name] = workflow.name

        config.action(("statportal-workflow-for", type_name), attach, order=10)


class _NamePredicate:
    """``config.add_subscriber(fn, AfterTransition, workflow="material",
    transition=("publish", "place"))``: only the events of these workflows or
    transitions reach ``fn`` (a name or several)."""

    attr = None

    def __init__(self, value, config):
        self.names = frozenset((value,) if isinstance(value, str) else value)

    def text(self):
        return f"{self.attr} in {sorted(self.names)}"

    phash = text

    def __call__(self, event):
        return getattr(getattr(event, self.attr, None), "name", None) in self.names


class WorkflowPredicate(_NamePredicate):
    attr = "workflow"


class TransitionPredicate(_NamePredicate):
    attr = "transition"


def _initialize_added(event):
    from pyramid.threadlocal import get_current_registry, get_current_request

    request = get_current_request()
    actor = request.authenticated_userid if request is not None else None
    initialize(get_current_registry(), event.object, actor)


def includeme(config):
    if config.registry.queryUtility(IWorkflowRegistry) is None:
        config.registry.registerUtility(WorkflowRegistry(), IWorkflowRegistry)
    if config.registry.queryUtility(ITransitionGuards) is None:
        config.registry.registerUtility(TransitionGuards(), ITransitionGuards)
    config.add_directive("add_workflow", add_workflow)
    config.add_directive("add_transition_guard", add_transition_guard)
    config.add_subscriber_predicate("workflow", WorkflowPredicate)
    config.add_subscriber_predicate("transition", TransitionPredicate)
    config.add_subscriber(_initialize_added, ObjectAdded)


__all__ = [
    "Finding", "State", "Term", "Transition", "Workflow", "WorkflowError",
    "add_transition_guard", "add_workflow", "adopt", "available_transitions", "comment_text",
    "fire", "guards_of", "history_of", "note",
    "request_for", "state_of", "step", "transition", "workflow_of",
]
