"""Guards added to a workflow's transitions from outside its definition.

    config.add_transition_guard("material", "publish", "mypkg.rules.embargo_guard")

A feature refuses a transition of another feature's workflow without that workflow
importing it (the releases feature guards the material's "publish", confidentiality
the placement's "place"). The engine runs the registered guards after the definition's
own, in the order the registrations are committed; a guard has the definition's
signature, ``guard(context, request, transition) -> [Finding]``.
"""

from pyramid.exceptions import ConfigurationError

from statportal.directives import check_name, resolve, utility
from statportal.interfaces import ITransitionGuards

DIRECTIVE = "add_transition_guard"


class TransitionGuards:
    """``(workflow name, transition name) -> [guard, ...]``, the registry's utility."""

    def __init__(self):
        self.guards = {}

    def add(self, workflow, transition, guard):
        found = self.guards.setdefault((workflow, transition), [])
        if guard not in found:
            found.append(guard)

    def get(self, workflow, transition):
        return tuple(self.guards.get((workflow, transition), ()))


def get_guards(registry):
    return utility(registry, ITransitionGuards, TransitionGuards)


def _workflow_name(config, workflow):
    """A Workflow, its name, or a dotted name of a Workflow."""
    if isinstance(workflow, str) and ("." in workflow or ":" in workflow):
        workflow = resolve(config, DIRECTIVE, workflow, workflow, "the workflow",
                           required=False)
    name = getattr(workflow, "name", workflow)
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError(
            f"{DIRECTIVE}: {workflow!r} is neither a workflow nor its name")
    return name


def add_transition_guard(config, workflow, transition, guard):
    """Run ``guard`` whenever ``transition`` of ``workflow`` is taken (by a user or the
    system), beside the transition's own guards. ``guard`` may be a dotted name. An
    unknown workflow or transition is a ``ConfigurationError`` at commit."""
    from statportal.interfaces import IWorkflowRegistry

    workflow_name = _workflow_name(config, workflow)
    check_name(DIRECTIVE, transition)
    guard = resolve(config, DIRECTIVE, f"{workflow_name}.{transition}", guard, "the guard")
    registry = config.registry

    def register():
        defined = registry.getUtility(IWorkflowRegistry).workflows.get(workflow_name)
        if defined is None:
            raise ConfigurationError(
                f"{DIRECTIVE}: no workflow {workflow_name!r} is registered")
        if defined.transition(transition) is None:
            raise ConfigurationError(
                f"{DIRECTIVE}: workflow {workflow_name!r} has no transition "
                f"{transition!r}")
        get_guards(registry).add(workflow_name, transition, guard)

    guard_name = f"{getattr(guard, '__module__', '?')}.{getattr(guard, '__qualname__', guard)}"
    discriminator = ("statportal-transition-guard", workflow_name, transition, guard_name)
    intr = config.introspectable("statportal transition guards", discriminator,
                                 f"{workflow_name}.{transition}: {guard_name}",
                                 "statportal transition guard")
    intr["workflow"], intr["transition"], intr["guard"] = workflow_name, transition, guard
    intr.relate("statportal workflows", workflow_name)
    # after add_workflow's actions (order 0, and 10 for attaching types)
    config.action(discriminator, register, order=20, introspectables=(intr,))
