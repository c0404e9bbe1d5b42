"""Every statportal directive follows the same rules (house rule d5): a good registration
is introspectable under its category, a bad one is a ConfigurationError (at the call or at
commit). The test runs over the directives statportal actually registers: a new one without
a row below fails until it is given one."""

import tempfile
import warnings
from pathlib import Path

import colander
import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError

from statportal.testing import make_settings
from statportal.workflow import Finding, State, Transition, Workflow


def _statportal_config(tmp):
    config = Configurator(settings=make_settings(tmp))
    config.include("statportal")
    return config


def _registered_directives():
    """The directives statportal's includeme adds (not Pyramid's, nor other packages')."""
    with tempfile.TemporaryDirectory() as tmp:
        directives = _statportal_config(Path(tmp)).registry._directives
        return sorted(name for name, (func, _action_wrap) in directives.items()
                      if func.__module__.startswith("statportal"))


def nodes():
    return colander.SchemaNode(colander.String(), name="extra", missing="")


def guard(obj, request, transition):
    return [Finding("no", code="no")]


def validator(candidate, request):
    return []


def panel(context, request):
    return None


def factory(settings):
    return lambda check: []


def task(request, now):
    return {}


def step(portal, registry):
    return None


def provider(portal):
    return []


class Thing:
    pass


TINY = Workflow(name="tiny", initial_state="draft",
                states=(State("draft", {"en": "Draft"}, {"view": ("Manager",)}),
                        State("done", {"en": "Done"}, {"view": ("Anonymous",)})),
                transitions=(Transition("finish", ("draft",), "done", "statportal.edit",
                                        {"en": "Finish"}),))


def classification_csv(tmp):
    path = tmp / "regions.csv"
    path.write_text("code,parent,label\nKZ,,Kazakhstan\nKZ-AST,KZ,Astana\n", encoding="utf-8")
    return str(path)


#: directive -> (introspection category, a good call, bad calls); calls take (config, tmp)
CASES = {
    "add_content_type": ("statportal content types",
                         lambda c, t: c.add_content_type("Thing", Thing, colander.Schema),
                         [lambda c, t: c.add_content_type("", Thing, colander.Schema),
                          lambda c, t: c.add_content_type("Thing", Thing, "no.such.schema"),
                          lambda c, t: c.add_content_type("Thing", Thing, colander.Schema,
                                                          serialiser=validator)]),
    "add_schema_extension": ("statportal schema extensions",
                             lambda c, t: c.add_schema_extension("extra", "Section", nodes),
                             [lambda c, t: c.add_schema_extension("extra", "Section", 42),
                              lambda c, t: c.add_schema_extension("", "Section", nodes),
                              lambda c, t: c.add_schema_extension("extra", "Section", nodes,
                                                                  setters="bases")]),
    "add_workflow": ("statportal workflows",
                     lambda c, t: c.add_workflow(TINY, content_types=("Incidents",)),
                     [lambda c, t: c.add_workflow(TINY, content_types="Incidents"),
                      lambda c, t: c.add_workflow("no.such.workflow")]),
    "add_transition_guard": ("statportal transition guards",
                             lambda c, t: c.add_transition_guard("material", "publish", guard),
                             [lambda c, t: c.add_transition_guard("material", "fly", guard),
                              lambda c, t: c.add_transition_guard("material", "publish", 42),
                              lambda c, t: c.add_transition_guard("material", "publish",
                                                                  "no.such.guard"),
                              lambda c, t: c.add_transition_guard("no.such.workflow",
                                                                  "publish", guard),
                              lambda c, t: c.add_transition_guard("nosuch", "publish",
                                                                  guard)]),
    "add_material_validator": ("statportal material validators",
                               lambda c, t: c.add_material_validator("extra", validator),
                               [lambda c, t: c.add_material_validator("extra", 42),
                                lambda c, t: c.add_material_validator("", validator),
                                lambda c, t: c.add_material_validator("extra",
                                                                      "no.such.validator")]),
    "add_home_panel": ("statportal home panels",
                       lambda c, t: c.add_home_panel("extra", panel,
                                                     "statportal.materials:templates/home.pt"),
                       [lambda c, t: c.add_home_panel("", panel,
                                                      "statportal.materials:templates/home.pt"),
                        lambda c, t: c.add_home_panel("extra", 42,
                                                      "statportal.materials:templates/home.pt"),
                        lambda c, t: c.add_home_panel("extra", panel,
                                                      "statportal.materials:templates/no.pt"),
                        lambda c, t: c.add_home_panel("extra", panel, "home.pt"),
                        lambda c, t: c.add_home_panel("extra", panel,
                                                      "statportal.materials:templates/home.pt",
                                                      order="first")]),
    "add_material_panel": ("statportal material panels",
                           lambda c, t: c.add_material_panel(
                               "extra", panel, "statportal.materials:templates/home.pt"),
                           [lambda c, t: c.add_material_panel(
                               "", panel, "statportal.materials:templates/home.pt"),
                            lambda c, t: c.add_material_panel(
                                "extra", panel, "statportal.materials:templates/no.pt"),
                            lambda c, t: c.add_material_panel(
                                "extra", panel, "statportal.materials:templates/home.pt",
                                order="first")]),
    "add_alternate_links": ("statportal alternate links",
                            lambda c, t: c.add_alternate_links("extra", "Section", panel),
                            [lambda c, t: c.add_alternate_links("", "Section", panel),
                             lambda c, t: c.add_alternate_links("extra", "Section", 42),
                             lambda c, t: c.add_alternate_links("extra", "", panel),
                             lambda c, t: c.add_alternate_links("extra", "Section",
                                                                "no.such.provider")]),
    "add_object_tab": ("statportal object tabs",
                       lambda c, t: c.add_object_tab("extra", "Section", "@@extra", "Extra",
                                                     "statportal.edit"),
                       [lambda c, t: c.add_object_tab("", "Section", "@@extra", "Extra",
                                                      "statportal.edit"),
                        lambda c, t: c.add_object_tab("extra", "", "@@extra", "Extra",
                                                      "statportal.edit"),
                        lambda c, t: c.add_object_tab("extra", "Section", "", "Extra",
                                                      "statportal.edit"),
                        lambda c, t: c.add_object_tab("extra", "Section", "@@extra", "",
                                                      "statportal.edit"),
                        lambda c, t: c.add_object_tab("extra", "Section", "@@extra", "Extra",
                                                      None),
                        lambda c, t: c.add_object_tab("extra", "Section", "@@extra", "Extra",
                                                      "statportal.edit", order="first")]),
    "add_search_source": ("statportal search sources",
                          lambda c, t: c.add_search_source("extra", panel, title="Extra"),
                          [lambda c, t: c.add_search_source("", panel, title="Extra"),
                           lambda c, t: c.add_search_source("extra", 42, title="Extra"),
                           lambda c, t: c.add_search_source("extra", "no.such.source",
                                                            title="Extra"),
                           lambda c, t: c.add_search_source("extra", panel, title=""),
                           lambda c, t: c.add_search_source("extra", panel, title="Extra",
                                                            order="first")]),
    "add_disclosure_validator": ("statportal disclosure validators",
                                 lambda c, t: c.add_disclosure_validator("extra", factory),
                                 [lambda c, t: c.add_disclosure_validator("extra", 42),
                                  lambda c, t: c.add_disclosure_validator("extra", factory,
                                                                          nmae="x"),
                                  lambda c, t: c.add_disclosure_validator("extra")]),
    "add_classification": ("statportal classifications",
                           lambda c, t: c.add_classification("regions", classification_csv(t)),
                           [lambda c, t: c.add_classification("regions", str(t / "none.csv")),
                            lambda c, t: c.add_classification("regions", 42)]),
    "add_question_topic": ("statportal question topics",
                           lambda c, t: c.add_question_topic("tourism", {"en": "Tourism"}),
                           [lambda c, t: c.add_question_topic("tourism", "Tourism"),
                            lambda c, t: c.add_question_topic("", {"en": "Tourism"})]),
    "add_body_limit": ("statportal body limits",
                       lambda c, t: c.add_body_limit("reports", ("/reports",), 1024),
                       [lambda c, t: c.add_body_limit("reports", "/reports", 1024),
                        lambda c, t: c.add_body_limit("reports", ("/reports",), -1),
                        lambda c, t: c.add_body_limit("", ("/reports",), 1024),
                        lambda c, t: c.add_body_limit("reports", ("/reports",), 1024,
                                                      refuse="no.such.refuse"),
                        lambda c, t: c.add_body_limit("reports", ("/reports",), 1024,
                                                      signed_in_max_bytes="1 MB")]),
    "add_role": ("statportal roles",
                 lambda c, t: c.add_role("Auditor", "Auditor"),
                 [lambda c, t: c.add_role(None),
                  lambda c, t: c.add_role("Auditor", groups="auditors")]),
    "add_role_group": ("statportal role groups",
                       lambda c, t: c.add_role_group("auditors", roles=("Manager",)),
                       [lambda c, t: c.add_role_group(""),
                        lambda c, t: c.add_role_group("auditors", roles="Manager"),
                        lambda c, t: c.add_role_group("auditors",
                                                      roles=("Manager", "NoSuchRole"))]),
    "add_permission_grant": ("statportal permission grants",
                             lambda c, t: c.add_permission_grant("Section", "view",
                                                                 ("Manager",)),
                             [lambda c, t: c.add_permission_grant("NoSuchType", "view",
                                                                  ("Manager",)),
                              lambda c, t: c.add_permission_grant("Section", "view",
                                                                  ("group:nosuch",)),
                              lambda c, t: c.add_permission_grant("Section", "view",
                                                                  ("Manager", "NoSuchRole")),
                              lambda c, t: c.add_permission_grant("material:nosuch", "view",
                                                                  ("Manager",))]),
    "add_worker_task": ("statportal worker tasks",
                        lambda c, t: c.add_worker_task("extra", task, interval=60),
                        [lambda c, t: c.add_worker_task("extra", "no.such.task"),
                         lambda c, t: c.add_worker_task("", task)]),
    "add_currency_watch": ("statportal currency watches",
                           lambda c, t: c.add_currency_watch("extra", provider),
                           [lambda c, t: c.add_currency_watch("extra", "no.such.watch"),
                            lambda c, t: c.add_currency_watch("", provider),
                            lambda c, t: c.add_currency_watch("extra", 42)]),
    "add_embargo_probe_targets": ("statportal embargo probe targets",
                                  lambda c, t: c.add_embargo_probe_targets("extra", provider),
                                  [lambda c, t: c.add_embargo_probe_targets("extra",
                                                                            "no.such.provider"),
                                   lambda c, t: c.add_embargo_probe_targets("", provider),
                                   lambda c, t: c.add_embargo_probe_targets("extra", 42)]),
    "add_evolve_step": ("statportal evolve steps",
                        lambda c, t: c.add_evolve_step("extra_pkg", step, 1),
                        [lambda c, t: c.add_evolve_step("extra_pkg", step, "one"),
                         lambda c, t: c.add_evolve_step("extra_pkg", "no.such.step", 1)]),
    "add_fixed_place": ("statportal fixed places",
                        lambda c, t: c.add_fixed_place("extra", "Container", {"en": "Extra"}),
                        [lambda c, t: c.add_fixed_place("", "Container", {"en": "Extra"}),
                         lambda c, t: c.add_fixed_place("requests", "Container",
                                                        {"en": "Extra"}),
                         lambda c, t: c.add_fixed_place("@extra", "Container", {"en": "X"}),
                         lambda c, t: c.add_fixed_place("extra", "Container", "Extra"),
                         lambda c, t: c.add_fixed_place("extra", "Container", {"de": "X"}),
                         lambda c, t: c.add_fixed_place("extra", "NoSuchType",
                                                        {"en": "Extra"})]),
    "add_openapi_operation": ("statportal openapi operations",
                              lambda c, t: c.add_openapi_operation("/{path}/@extra", "get",
                                                                   summary="Extra"),
                              [lambda c, t: c.add_openapi_operation("/{path}/@extra", "fetch"),
                               lambda c, t: c.add_openapi_operation("@extra", "get"),
                               lambda c, t: c.add_openapi_operation("/x", "get",
                                                                    sumary="typo")]),
}

DIRECTIVES = _registered_directives()


def test_every_directive_has_a_case():
    assert set(DIRECTIVES) - set(CASES) == set(), "a directive without a row in CASES"
    assert set(CASES) - set(DIRECTIVES) == set(), "a row for a directive that is gone"


@pytest.fixture
def config(tmp_path):
    config = _statportal_config(tmp_path)
    config.commit()
    yield config
    for db in (getattr(config.registry, "_zodb_databases", None) or {}).values():
        db.close()


@pytest.mark.parametrize("directive", DIRECTIVES)
def test_a_registration_is_introspectable(config, tmp_path, directive):
    category, good, _bad = CASES[directive]
    before = len(config.registry.introspector.get_category(category) or ())
    good(config, tmp_path)
    config.commit()
    assert len(config.registry.introspector.get_category(category)) == before + 1


@pytest.mark.parametrize("directive", DIRECTIVES)
def test_a_bad_registration_is_a_configuration_error(config, tmp_path, directive):
    _category, _good, bad = CASES[directive]
    for call in bad:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            with pytest.raises(ConfigurationError):
                call(config, tmp_path)
                config.commit()  # some are known only then (an unknown workflow, a file)
        config.action_state.actions.clear()  # nothing of the refused one stays pending


def test_old_calls_still_work_and_say_so(config):
    from statportal.confidentiality.checks import get_disclosure_validators
    from statportal.content.registry import get_content_registry

    with pytest.warns(DeprecationWarning, match=r"add_disclosure_validator\('old', factory\)"):
        config.add_disclosure_validator(factory, name="old")
    with pytest.warns(DeprecationWarning, match="meta="):
        config.add_content_type("Old", Thing, colander.Schema, icon="x")
    config.commit()
    assert get_disclosure_validators(config.registry).factories["old"] is factory
    assert get_content_registry(config.registry)["Old"].meta == {"icon": "x"}


def test_the_hooks_are_keywords_and_may_be_dotted(config):
    from statportal.content.registry import get_content_registry

    config.add_content_type("Hooked", Thing, colander.Schema,
                            serializer="tests.content.test_directives.validator",
                            read_only=("number",), meta={"icon": "x"})
    config.commit()
    meta = get_content_registry(config.registry)["Hooked"].meta
    assert meta == {"serializer": validator, "read_only": ("number",), "icon": "x"}
    with pytest.raises(ConfigurationError, match="'serialiser'.*'serializer'"):
        config.add_content_type("Hooked", Thing, colander.Schema, serialiser=validator)


def test_the_previous_guides_calls_still_work(config):
    """Calls as docs/integrators.md showed them before issue 17 (commit 7e27402), written
    as it wrote them: each registers what it did; a changed signature warns."""
    from statportal.confidentiality.checks import get_disclosure_validators
    from statportal.content.registry import get_content_registry
    from statportal.security.roles import get_roles

    def ceiling(settings):
        return lambda check: []

    with pytest.warns(DeprecationWarning):
        config.add_disclosure_validator(ceiling, name="ceiling")
    config.add_role("Auditor", "Auditor", "Reads the plan")        # (name, title, description)
    config.add_role("Coordinator", "Coordinator", "Overridden")     # a built-in, overridden
    config.add_content_type("Login", Thing, colander.Schema, title="Login",
                            addable_to=("Section",), id_title="Login", id_required=True)
    config.commit()
    assert get_disclosure_validators(config.registry).factories["ceiling"] is ceiling
    roles = get_roles(config.registry)
    assert roles.roles["Auditor"].groups == ()
    assert "coordinators" in roles.roles["Coordinator"].groups  # keeps its built-in groups
    meta = get_content_registry(config.registry)["Login"].meta
    assert meta["id_title"] == "Login" and meta["id_required"] is True


def test_a_deprecation_names_the_line_of_the_old_call(config):
    """The warning points at the integrator's own call (not at Pyramid's action wrapper),
    so it says which line to change."""
    with pytest.warns(DeprecationWarning) as caught:
        config.add_disclosure_validator(factory, name="old")
        config.add_content_type("Old", Thing, colander.Schema, icon="x")
    assert [Path(w.filename).name for w in caught] == ["test_directives.py"] * 2
