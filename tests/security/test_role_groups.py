"""Role groups are registered data: a role an add-on registers joins the groups it names and
gets what those groups get; the statportal.staff permission; grants of a feature's
permissions on core types (config.add_permission_grant)."""

import sys
import warnings
from pathlib import Path

import pytest
from pyramid import testing as pyramid_testing
from pyramid.exceptions import ConfigurationError, ConfigurationExecutionError
from pyramid.request import Request

from statportal.security.permissions import STAFF, VIEW
from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)

PKGS = Path(__file__).parents[1] / "pkgs"


@pytest.fixture
def addon_app(tmp_path, monkeypatch):
    """The application with the add-on ``auditor_ext``, two of its users and the demo."""
    from statportal.content.registry import get_content_registry
    from statportal.demo import add_demo_content

    monkeypatch.syspath_prepend(str(PKGS))
    sys.modules.pop("auditor_ext", None)
    app = make_app(make_settings(tmp_path, **{"statportal.includes": "auditor_ext"}))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
        content = get_content_registry(app.registry)
        for login, role in (("olga", "Auditor"), ("vlad", "Visitor")):
            user = content.create("User", fullname=login, email=f"{login}@x.kz", roles={role})
            user.set_password(DEMO_PASSWORD, app.registry)
            portal["principals"]["users"].add(login, user)
    yield app
    close_app(app)


def _client(app, login=None):
    from webtest import TestApp

    client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                         "REMOTE_ADDR": "127.0.0.1"})
    if login:
        client.authorization = basic_auth(login)
    return client


def test_an_addon_role_joins_the_groups_it_names(addon_app):
    from statportal.security.roles import get_roles

    roles = get_roles(addon_app.registry)
    assert "Auditor" in roles.members("staff") and "Auditor" in roles.members("office")
    assert "Visitor" not in roles.members("office")
    assert roles.groups_of("Auditor") == ["staff", "office"]
    # the staff group: every account (Authenticated) and every role that joins it
    assert roles.members("staff")[0] == "Authenticated"


def test_an_addon_role_in_the_office_group_sees_the_office_pages(addon_app):
    # The plan is the office's (group:office); the add-on's Auditor joined that group.
    assert _client(addon_app, "olga").get("/++api++/plan", status=200).json["@type"] == \
        "WorkPlan"
    _client(addon_app, "vlad").get("/++api++/plan", status=403)
    _client(addon_app).get("/++api++/plan", status=401)
    # The staff pages (the portal's contents, my work) are every account's.
    for login in ("olga", "vlad"):
        _client(addon_app, login).get("/@@my-work", headers={"Accept": "text/html"},
                                      status=200)
    refused = _client(addon_app).get("/@@my-work", headers={"Accept": "text/html"},
                                     status=302)
    assert "/login" in refused.location


def test_the_staff_permission(addon_app):
    """statportal.staff: every account, nowhere the public, also where inheritance stops."""
    with open_portal(addon_app) as portal:
        users = portal["principals"]["users"]
        places = [portal, portal["principals"], portal["requests"], portal["plan"],
                  portal["official-statistics"]]

        def staff(login, place):
            request = Request.blank("/")
            request.registry = addon_app.registry
            request._statportal_portal = portal
            request._statportal_identity = users[login] if login else None
            return bool(request.has_permission(STAFF, place))

        for place in places:
            assert not staff(None, place), place
            for login in ("aigerim", "serik", "admin", "olga", "vlad"):
                assert staff(login, place), (login, place)


def test_is_staff_asks_the_staff_permission(addon_app):
    from statportal.security.staff import is_staff

    with open_portal(addon_app) as portal:
        request = Request.blank("/")
        request.registry = addon_app.registry
        request._statportal_portal = portal
        request._statportal_identity = None
        assert not is_staff(request)
        request = Request.blank("/")
        request.registry = addon_app.registry
        request._statportal_portal = portal
        request._statportal_identity = portal["principals"]["users"]["vlad"]
        assert is_staff(request)


@pytest.fixture
def config():
    with pyramid_testing.testConfig(autocommit=False, settings={"statportal.secret": "s"}) as cfg:
        cfg.include("statportal.content.registry")
        cfg.include("statportal.workflow")
        cfg.include("statportal.security.roles")
        cfg.include("statportal.security.grants")
        yield cfg


def test_a_role_naming_an_unknown_group_is_refused(config):
    config.add_role("Auditor", groups=("auditors",))
    with pytest.raises(ConfigurationExecutionError, match="no role group 'auditors'"):
        config.commit()


def test_bad_role_and_group_registrations(config):
    with pytest.raises(ConfigurationError, match="sequence"):
        config.add_role("Auditor", groups="staff")
    with pytest.raises(ConfigurationError, match="no ':'"):
        config.add_role_group("group:x")
    with pytest.raises(ConfigurationError, match="non-empty"):
        config.add_role("")


def test_a_group_registered_after_the_role_and_a_role_added_after_the_acl(config):
    from statportal.security.acl import aces_from_map
    from statportal.security.roles import get_roles

    config.add_role("Auditor", groups=("auditors",))
    config.add_role_group("auditors", "Auditors")
    config.commit()
    permission_map = {VIEW: ("group:auditors",)}
    assert [ace[1] for ace in aces_from_map(permission_map, config.registry)] == \
        ["role:Auditor"]
    config.add_role("Inspector", groups=("auditors",))
    config.commit()  # later: the same map now gives the new role too
    assert [ace[1] for ace in aces_from_map(permission_map, config.registry)] == \
        ["role:Auditor", "role:Inspector"]
    intr = config.registry.introspector.get("statportal role groups", "auditors")
    assert intr["group"].name == "auditors"
    assert get_roles(config.registry).groups_of("Inspector") == ["auditors"]


def test_the_old_add_role_call_keeps_a_builtin_roles_groups(config):
    from statportal.security.roles import get_roles

    config.commit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old call is still a plain call
        config.add_role("Moderator", "Moderator (local title)", "Places materials.")
    config.commit()
    roles = get_roles(config.registry)
    assert roles.roles["Moderator"].title == "Moderator (local title)"
    assert "Moderator" in roles.members("publishers")


def test_grants_on_unknown_types_states_and_groups_are_refused(config):
    config.add_permission_grant("Nothing", "x.perm", ("group:staff",))
    with pytest.raises(ConfigurationExecutionError, match="no content type 'Nothing'"):
        config.commit()


def test_grants_on_unknown_states_and_groups_are_refused(config):
    config.add_permission_grant("material:private", "x.perm", ("group:staff",))
    with pytest.raises(ConfigurationExecutionError, match="no workflow state"):
        config.commit()


def test_grants_name_known_groups(config):
    from statportal.content.resources import Portal
    from statportal.content.schemas import container_schema

    config.add_content_type("Portal", Portal, container_schema, permissions={})
    config.add_permission_grant("Portal", "x.perm", ("group:nobody",))
    with pytest.raises(ConfigurationExecutionError, match="no role group 'group:nobody'"):
        config.commit()


def test_grants_apply_to_the_type_and_are_introspectable(addon_app):
    """The features' permissions are granted from their includeme, not the core's maps."""
    from statportal.content.registry import get_content_registry
    from statportal.security.grants import get_grants

    types = get_content_registry(addon_app.registry).types
    core = {"view", "statportal.manage", "statportal.add", "statportal.edit",
            "statportal.delete", "statportal.share", "statportal.staff", "*"}
    for name in ("Portal", "Section", "Container"):
        assert set(types[name].permissions) <= core, name
    grants = get_grants(addon_app.registry)
    assert grants.for_type("Portal")["statportal.currency"] == ("group:coordinators",)
    assert grants.for_type("Section")["statportal.material.add"] == ("group:publishers",)
    assert grants.for_type("OrgUnits")["statportal.request.create"] == ("group:executors",)
    found = addon_app.registry.introspector.get_category("statportal permission grants")
    assert {i["introspectable"]["target"] for i in found} >= {"Portal", "Section", "OrgUnits"}
    # and they take effect: the coordinator's currency dashboard, nobody else's
    _client(addon_app, "dana").get("/++api++/@currency", status=200)
    _client(addon_app, "olga").get("/++api++/@currency", status=403)
