"""Wiring checks over the real app: permissions on every view, ini files, start-up."""

import plaster
import pytest
from pyramid.interfaces import IExceptionResponse


def test_every_view_has_a_permission(app):
    """No view is reachable without a permission, except error pages and the 405 answer."""
    unguarded = []
    for entry in app.registry.introspector.get_category("views"):
        view = entry["introspectable"]
        context = view["context"]
        if view["exception_only"] or context is IExceptionResponse or (
                isinstance(context, type) and issubclass(context, Exception)):
            continue
        name = getattr(view["callable"], "__name__", repr(view["callable"]))
        if view["attr"] == "not_allowed" or view["route_name"] == "__static/":
            continue
        permissions = [related for related in entry["related"]
                       if related.category_name == "permissions"]
        if not permissions:
            unguarded.append((name, view["name"], view["attr"]))
    assert unguarded == []


def test_ini_files_listen_on_loopback_with_port_variable(monkeypatch):
    """`pserve etc/development.ini http_port=7000` listens on 7000, without it on 6543."""
    import waitress

    from statportal import server

    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append(kw["listen"]))
    for ini in ("etc/development.ini", "etc/production.ini"):
        loader = plaster.get_loader(ini, protocols=["wsgi"])
        loader.get_wsgi_server()(object())
        loader.get_wsgi_server(defaults={"http_port": "7000"})(object())
    assert calls == ["127.0.0.1:6543", "127.0.0.1:7000"] * 2
    with pytest.raises(ValueError, match="no value for 'port'"):
        server.listen_address("127.0.0.1:%(port)s", {})


def test_production_ini_is_strict():
    settings = plaster.get_loader("etc/production.ini", protocols=["wsgi"]).get_settings(
        "app:main")
    assert settings["statportal.cookie_secure"] == "true"
    assert "statportal.secret" not in settings  # only from the environment
    assert settings["pyramid.reload_templates"] == "false"


def test_portal_created_at_start_up(app):
    from statportal.testing import open_portal

    with open_portal(app) as portal:
        assert set(portal.keys()) >= {"orgunits", "principals", "requests", "calendar", "plan",
                                      "questions", "incidents"}
        assert set(portal["principals"].keys()) == {"users", "groups"}


def test_root_factory_creates_portal_in_a_fresh_database(tmp_path):
    """A database emptied after start-up gets its portal on the first request."""
    import transaction
    from webtest import TestApp

    from statportal.content.resources import ZODB_ROOT_KEY
    from statportal.testing import close_app, make_app, make_settings, open_portal

    app = make_app(make_settings(tmp_path))
    try:
        db = app.registry._zodb_databases[""]
        conn = db.open()
        del conn.root()[ZODB_ROOT_KEY]
        transaction.commit()
        conn.close()
        response = TestApp(app).get("/++api++/")
        assert response.json["@type"] == "Portal"
        # Of the fixed places the calendar, the data service, incidents and Q&A are for
        # the public.
        assert sorted(item["id"] for item in response.json["items"]) == [
            "calendar", "data", "incidents", "questions"]
        with open_portal(app) as portal:
            assert "requests" in portal and "principals" in portal
    finally:
        close_app(app)
