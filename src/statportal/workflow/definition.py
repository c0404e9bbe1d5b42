"""Workflows as data: states with their permission maps, transitions with guards.

A ``Workflow`` is checked when it is registered (``check()``): every
transition names known states, the initial state exists, names are unique.
Guards are callables ``guard(context, request, transition) -> [Finding]``;
a transition with any finding is refused with all of them.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """Why a guard refuses: a message, and where (a field, a file, a table cell)."""

    message: object
    field: str | None = None
    code: str = "guard"
    location: object = None


@dataclass(frozen=True)
class State:
    name: str
    title: object = None
    #: permission -> roles on objects in this state; comes before the type's map.
    permissions: dict = field(default_factory=dict)
    #: False: nothing is granted from the type's map or the parents (a Manager still may).
    inherit: bool = True


@dataclass(frozen=True)
class Transition:
    name: str
    from_states: tuple
    to_state: str
    permission: str
    title: object = None
    guards: tuple = ()
    #: A comment (the reason) is required, e.g. for "return" and "reject".
    requires_comment: bool = False
    #: ``((state, predicate), ...)``: the first ``predicate(obj)`` that holds sends the
    #: object to its ``state`` instead of ``to_state`` (an answer to an international
    #: organisation goes on to be agreed, the others go out).
    branches: tuple = ()
    #: Fields of the type's schema the transition's body may set on the way, written by
    #: the type's own update rules first (an answer sent for approval with its text).
    fields: tuple = ()
    #: Taken only by the system (``fire(..., system=...)``: a placement, the worker): not
    #: offered to users, refused to them through ``@workflow``; it needs no permission.
    system: bool = False
    #: Other states a system ``fire(..., to_state=...)`` may name instead of ``to_state``
    #: (a placement's Place publishes, schedules or withdraws the material).
    targets: tuple = ()
    #: What the page says once it is taken: a ``_()`` text with named values
    #: (``${number}``, ``${title}``, ``${state}``, ``${action}``, ``${link}``, and those the
    #: workflow's ``values`` adds); None: a general "<title>: <state>" message.
    message: object = None
    #: What will happen, asked before it is taken (same named values); None: no question.
    confirm: object = None
    #: It cannot be undone by another transition (Place, Reject): a distinct, "danger" button.
    irreversible: bool = False

    def target(self, obj):
        return next((state for state, holds in self.branches if holds(obj)), self.to_state)


class WorkflowDefinitionError(ValueError):
    pass


@dataclass(frozen=True)
class Workflow:
    name: str
    states: tuple
    transitions: tuple
    initial_state: str
    title: object = None
    #: Titles of the history entries that are no transition (``note(obj, action)``):
    #: ``{"remove_empty_sheets": _("Empty sheets removed")}`` (statportal.labels).
    notes: dict = field(default_factory=dict)
    #: ``values(obj, request) -> dict``: the named values of this workflow's messages and
    #: confirmations beyond the general ones (a due time in the portal's time zone; a
    #: ``link``: ``(text, url)``). None: only the general ones.
    values: object = None

    def state(self, name):
        return self._states().get(name)

    def transition(self, name):
        for transition in self.transitions:
            if transition.name == name:
                return transition
        return None

    def _states(self):
        return {state.name: state for state in self.states}

    def check(self):
        states = self._states()
        if len(states) != len(self.states):
            raise WorkflowDefinitionError(f"workflow {self.name!r}: duplicate state names")
        if self.initial_state not in states:
            raise WorkflowDefinitionError(
                f"workflow {self.name!r}: initial state {self.initial_state!r} is not a state")
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise WorkflowDefinitionError(f"workflow {self.name!r}: duplicate transition names")
        for transition in self.transitions:
            unknown = [s for s in (*transition.from_states, transition.to_state,
                                   *(state for state, _holds in transition.branches),
                                   *transition.targets)
                       if s not in states]
            if unknown:
                raise WorkflowDefinitionError(
                    f"workflow {self.name!r}: transition {transition.name!r} names unknown "
                    f"states {unknown}")
            if not transition.permission and not transition.system:
                raise WorkflowDefinitionError(
                    f"workflow {self.name!r}: transition {transition.name!r} has no permission")
            if transition.name.startswith(("@", "_")) or "/" in transition.name:
                raise WorkflowDefinitionError(
                    f"workflow {self.name!r}: transition name {transition.name!r} is not usable "
                    "in a URL")
        return self
