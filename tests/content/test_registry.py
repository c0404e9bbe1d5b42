"""The content type registry and its directive, including an integrator's package."""

import sys
from pathlib import Path

import pytest
from pyramid import testing
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError

PKGS = str(Path(__file__).parents[1] / "pkgs")


@pytest.fixture
def config():
    with testing.testConfig(autocommit=False, settings={"statportal.secret": "s"}) as config:
        config.include("statportal.content.registry")
        yield config


@pytest.fixture
def pkgs_on_path(monkeypatch):
    monkeypatch.syspath_prepend(PKGS)
    for name in ("sample_ext", "rival_ext"):
        sys.modules.pop(name, None)


def _registry(config):
    from statportal.content.registry import get_content_registry

    config.commit()
    return get_content_registry(config.registry)


def _schema():
    import colander

    return colander.MappingSchema()


class Dummy:
    def __init__(self, **kw):
        self.kw = kw


class TestAddContentType:
    def test_registers_typeinfo_and_introspectable(self, config):
        config.add_content_type("Thing", Dummy, _schema, addable_to=("Section",),
                                permissions={"view": ["Anonymous"]}, workflow="wf", icon="x")
        content = _registry(config)
        info = content["Thing"]
        assert info.factory is Dummy and info.workflow == "wf" and info.meta == {"icon": "x"}
        assert info.permissions == {"view": ("Anonymous",)}
        assert info.is_addable_to("Section") and not info.is_addable_to("Portal")
        intr = config.registry.introspector.get("statportal content types", "Thing")
        assert intr["typeinfo"] is info

    def test_create_marks_type(self, config):
        config.add_content_type("Thing", Dummy, _schema)
        content = _registry(config)
        obj = content.create("Thing", a=1)
        assert obj.kw == {"a": 1} and content.typeof(obj).name == "Thing"

    def test_same_name_twice_conflicts(self, config):
        config.add_content_type("Thing", Dummy, _schema)
        config.add_content_type("Thing", Dummy, _schema)
        with pytest.raises(ConfigurationConflictError):
            config.commit()

    def test_after_commit_overrides(self, config):
        config.add_content_type("Thing", Dummy, _schema, title="old")
        config.commit()
        config.add_content_type("Thing", Dummy, _schema, title="new")
        assert _registry(config)["Thing"].title == "new"

    def test_bad_arguments(self, config):
        with pytest.raises(ConfigurationError):
            config.add_content_type("", Dummy, _schema)
        with pytest.raises(ConfigurationError):
            config.add_content_type("Thing", Dummy, "not callable")
        with pytest.raises(ConfigurationError):
            config.add_content_type("Thing", Dummy, 42)

    def test_dotted_names(self, config):
        config.add_content_type("Sec", "statportal.content.resources.Section",
                                "statportal.content.schemas.section_schema")
        from statportal.content.resources import Section

        assert _registry(config)["Sec"].factory is Section


class TestContentTypeDecorator:
    def test_callback_calls_directive(self, config):
        from statportal.content.registry import content_type

        class DummyVenusian:
            def attach(self, wrapped, callback, category):
                self.callback = callback
                return type("Info", (), {"module": sys.modules[__name__]})()

        venusian = DummyVenusian()
        decorator = content_type("Deco", schema=_schema, addable_to=("Portal",))
        decorator.venusian = venusian
        cls = decorator(Dummy)
        assert cls is Dummy
        venusian.callback(type("Ctx", (), {"config": config})(), "Dummy", Dummy)
        assert _registry(config)["Deco"].addable_to == ("Portal",)

    def test_without_statportal_is_an_error(self):
        from statportal.content.registry import content_type

        class DummyVenusian:
            def attach(self, wrapped, callback, category):
                self.callback = callback
                return type("Info", (), {"module": sys.modules[__name__]})()

        venusian = DummyVenusian()
        decorator = content_type("Deco", schema=_schema)
        decorator.venusian = venusian
        decorator(Dummy)
        with testing.testConfig(autocommit=False) as bare:
            with pytest.raises(ConfigurationError, match="not included"):
                venusian.callback(type("Ctx", (), {"config": bare})(), "Dummy", Dummy)


def test_every_core_type_is_registered(app):
    """Guard against silent non-registration: the introspector lists each core type."""
    names = {entry["introspectable"].title
             for entry in app.registry.introspector.get_category("statportal content types")}
    assert {"Portal", "Section", "Container", "Principals", "Users", "Groups", "User", "Group",
            "OrgUnits", "OrgUnit"} <= names


class TestIntegratorPackage:
    def test_adds_a_type_through_include_only(self, tmp_path, pkgs_on_path):
        from webtest import TestApp

        from statportal.testing import basic_auth, close_app, make_app, make_settings, open_portal

        app = make_app(make_settings(tmp_path, **{"statportal.includes": "sample_ext"}))
        try:
            from statportal.demo import add_demo_content

            with open_portal(app) as portal:
                add_demo_content(app.registry, portal, password_factory=lambda: "demo-password-1")
            client = TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
            client.authorization = basic_auth("admin")
            created = client.post_json("/++api++/official-statistics", {
                "@type": "Report", "id": "cpi", "title": {"en": "CPI"},
                "periodicity": "monthly"}, status=201)
            assert created.json["@type"] == "Report"
            assert created.json["periodicity"] == "monthly"
            refused = client.post_json("/++api++/official-statistics", {
                "@type": "Report", "title": {"en": "x"}, "periodicity": "daily"}, status=400)
            assert refused.json["errors"][0]["field"] == "periodicity"
            # The overridden Section makes new sections with the integrator's factory.
            client.post_json("/++api++/", {"@type": "Section", "id": "wide",
                                           "title": {"en": "W"}}, status=201)
            with open_portal(app) as portal:
                assert getattr(portal["wide"], "wide", False) is True
                assert type(portal["official-statistics"]["cpi"]).__name__ == "Report"
            # The add form of the new type is there for editors too.
            page = client.get("/official-statistics/@@add?type=Report",
                              headers={"Accept": "text/html"})
            assert 'name="periodicity"' in page.text
        finally:
            close_app(app)

    def test_two_addons_registering_one_type_conflict(self, config, pkgs_on_path):
        config.include("sample_ext")
        config.include("rival_ext")
        with pytest.raises(ConfigurationConflictError):
            config.commit()
