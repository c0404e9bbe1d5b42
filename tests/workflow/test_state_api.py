"""The one state API: ``fire`` (a user's or the system's transition), ``state_of(obj)``,
guards added by ``config.add_transition_guard``, the deprecated ``transition``/``step``."""

import warnings
from types import SimpleNamespace

import pytest
from pyramid import testing
from pyramid.exceptions import ConfigurationError

from statportal.workflow import Finding, State, Transition, Workflow, WorkflowError


def blocked_guard(obj, request, transition):
    return [Finding("blocked by the definition", code="own")] if obj.blocked else []


def registered_guard(obj, request, transition):
    return [Finding("refused by the add-on", code="added")] if obj.refused else []


WORKFLOW = Workflow(
    name="thing", initial_state="a",
    states=(State("a"), State("b"), State("c")),
    transitions=(
        Transition("go", ("a",), "b", "thing.go", guards=(blocked_guard,)),
        Transition("tick", ("a", "b"), "c", None, system=True, targets=("b",),
                   guards=(blocked_guard,)),
    ),
)


class Thing:
    __content_type__ = "Thing"

    def __init__(self):
        self.blocked = self.refused = False
        self.touched = 0

    def touch(self):
        self.touched += 1


@pytest.fixture
def config():
    config = testing.setUp(settings={})
    config.include("statportal.content")
    config.include("statportal.workflow")
    config.add_workflow(WORKFLOW, content_types=("Thing",))
    # the workflow by itself, or by a dotted name; the guard by itself, or by a dotted name
    config.add_transition_guard(WORKFLOW, "tick", registered_guard)
    config.add_transition_guard(f"{__name__}.WORKFLOW", "go", f"{__name__}.registered_guard")
    config.commit()
    yield config
    testing.tearDown()


@pytest.fixture
def events(config):
    from statportal.workflow.events import AfterTransition, BeforeTransition

    seen = []
    config.add_subscriber(lambda e: seen.append(("before", e.transition.name)),
                          BeforeTransition)
    config.add_subscriber(lambda e: seen.append(("after", e.transition.name, e.entry["to"])),
                          AfterTransition)
    config.commit()
    return seen


def new_thing(config):
    from statportal.workflow.engine import initialize

    thing = Thing()
    initialize(config.registry, thing, "maker")
    return thing


def user_request(config, allowed=True, user="aigerim"):
    return SimpleNamespace(registry=config.registry, authenticated_userid=user,
                           has_permission=lambda permission, context=None: allowed)


def test_a_system_fire_sends_the_events_and_runs_every_guard(config, events):
    from statportal.workflow import fire, history_of, state_of

    thing = new_thing(config)
    entry = fire(None, thing, "tick", "at its time", system="system:worker")
    assert events == [("before", "tick"), ("after", "tick", "c")]
    assert state_of(thing) == "c" and thing.touched == 1
    assert (entry["action"], entry["actor"], entry["from"], entry["to"], entry["comment"]) == (
        "tick", "system:worker", "a", "c", "at its time")
    assert history_of(thing)[-1] is entry

    for flag, message in (("blocked", "blocked by the definition"),
                          ("refused", "refused by the add-on")):
        other = new_thing(config)
        setattr(other, flag, True)
        with pytest.raises(WorkflowError) as refused:
            fire(None, other, "tick", system=True)
        assert refused.value.status == 409
        assert [f.message for f in refused.value.findings] == [message]
        assert state_of(other) == "a" and len(history_of(other)) == 1
    assert len(events) == 2  # nothing sent for the refused ones


def test_a_system_fire_names_the_requests_user_and_may_choose_a_declared_target(config):
    from statportal.workflow import fire, state_of

    thing = new_thing(config)
    entry = fire(user_request(config, allowed=False, user="yerlan"), thing, "tick",
                 system=True, to_state="b")
    assert entry["actor"] == "yerlan" and state_of(thing) == "b"
    with pytest.raises(ValueError):
        fire(None, new_thing(config), "tick", system=True, to_state="a")
    with pytest.raises(ValueError):  # only the system names the state
        fire(user_request(config), new_thing(config), "go", to_state="c")


def test_users_are_refused_system_transitions_and_never_offered_them(config):
    from statportal.workflow import available_transitions, fire, state_of

    thing = new_thing(config)
    request = user_request(config)
    assert [t.name for t in available_transitions(request, thing)] == ["go"]
    with pytest.raises(WorkflowError) as refused:
        fire(request, thing, "tick")
    assert refused.value.status == 403 and state_of(thing) == "a"
    with pytest.raises(WorkflowError) as refused:
        fire(user_request(config, allowed=False), thing, "go")
    assert refused.value.status == 403
    thing.refused = True  # the registered guard runs for users too
    with pytest.raises(WorkflowError) as refused:
        fire(request, thing, "go")
    assert [f.code for f in refused.value.findings] == ["added"]
    thing.refused = False
    assert fire(request, thing, "go")["actor"] == "aigerim" and state_of(thing) == "b"


def test_state_of_with_the_object_alone(config):
    from statportal.workflow import fire, state_of

    thing = new_thing(config)
    assert state_of(thing) == "a" == state_of(thing, WORKFLOW) == state_of(thing, "thing")
    assert state_of(thing, "other", "none") == "none"
    assert state_of(SimpleNamespace(), default="no workflow") == "no workflow"
    fire(None, thing, "tick", system=True)
    assert state_of(thing) == "c"
    legacy = Thing()  # stored before its type had the workflow: the type says its state
    legacy.__legacy_state__ = lambda name: "b" if name == "thing" else None
    assert state_of(legacy) == "b" and state_of(legacy, "thing", "x") == "b"


def test_the_old_calls_still_work_with_a_warning(config, events):
    from statportal.workflow import state_of, step, transition

    thing = new_thing(config)
    with pytest.warns(DeprecationWarning):
        transition(user_request(config), thing, "go", "ok")
    with pytest.warns(DeprecationWarning):
        entry = step(thing, WORKFLOW, "tick", "c", "system:demo")
    assert entry["actor"] == "system:demo" and state_of(thing) == "c"
    assert [e[1] for e in events if e[0] == "after"] == ["go", "tick"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert step(thing, WORKFLOW, "correction", "c", "x")["action"] == "correction"


@pytest.mark.parametrize(("workflow", "transition", "says"), [
    ("nowhere", "go", "no workflow 'nowhere'"),
    ("thing", "fly", "has no transition 'fly'"),
])
def test_a_guard_for_an_unknown_workflow_or_transition_is_refused_at_commit(
        workflow, transition, says):
    from pyramid.config import Configurator

    config = Configurator(settings={})  # not autocommitting: the check is at commit
    config.include("statportal.content")
    config.include("statportal.workflow")
    config.add_workflow(WORKFLOW, content_types=("Thing",))
    config.add_transition_guard(workflow, transition, registered_guard)
    with pytest.raises(ConfigurationError, match=says):
        config.commit()


def test_a_guard_that_is_not_callable_is_refused_at_once(config):
    with pytest.raises(ConfigurationError, match="must be a callable"):
        config.add_transition_guard("thing", "go", 42)
    with pytest.raises(ConfigurationError, match="cannot be imported"):
        config.add_transition_guard("thing", "go", "statportal.nowhere.guard")
    with pytest.raises(ConfigurationError, match="non-empty string"):
        config.add_transition_guard("thing", "", registered_guard)


def test_registered_guards_are_introspectable(config):
    found = config.registry.introspector.get_category("statportal transition guards")
    assert {(i["introspectable"]["workflow"], i["introspectable"]["transition"],
             i["introspectable"]["guard"]) for i in found} == {
        ("thing", "tick", registered_guard), ("thing", "go", registered_guard)}


def test_subscribers_filtered_by_workflow_and_transition(config):
    from statportal.workflow import fire
    from statportal.workflow.events import AfterTransition

    seen = []
    config.add_subscriber(lambda e: seen.append(e.transition.name), AfterTransition,
                          workflow="thing", transition=("go",))
    config.add_subscriber(lambda e: seen.append("other"), AfterTransition, workflow="other")
    config.commit()
    thing = new_thing(config)
    fire(user_request(config), thing, "go")
    fire(None, thing, "tick", system=True)
    assert seen == ["go"]


def test_a_system_transition_needs_no_permission_and_its_targets_are_checked():
    from statportal.workflow import WorkflowDefinitionError

    def with_transitions(*transitions):
        return Workflow(name="w", initial_state="a", states=(State("a"), State("b")),
                        transitions=transitions)

    assert with_transitions(Transition("tick", ("a",), "b", None, system=True)).check()
    with pytest.raises(WorkflowDefinitionError, match="has no permission"):
        with_transitions(Transition("go", ("a",), "b", None)).check()
    with pytest.raises(WorkflowDefinitionError, match="unknown states"):
        with_transitions(Transition("tick", ("a",), "b", None, system=True,
                                    targets=("nowhere",))).check()


def test_a_refusal_reads_with_its_values_in_logs():
    from statportal.i18n import _
    from statportal.workflow import WorkflowError

    error = WorkflowError(_("${name} is refused: see the findings.", mapping={"name": "publish"}))
    assert str(error) == "publish is refused: see the findings."
    assert error.message.mapping == {"name": "publish"}  # the view still translates it
