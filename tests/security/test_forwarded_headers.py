"""Forwarded headers are believed only from a configured proxy."""

import pytest
from webtest import TestApp

from statportal.testing import (
    close_app,
    login_html,
    make_app,
    make_settings,
)

# -- (d) forwarded headers only from a configured proxy --------------------------------------
FORWARDED = {"HTTP_X_FORWARDED_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "https",
             "HTTP_X_FORWARDED_FOR": "192.0.2.7"}


def login_location(client):
    """Where the portal sends an anonymous visitor of a staff page: an absolute URL."""
    return client.get("/requests", headers={"Accept": "text/html"}, status="*")


def _absolute_urls(response):
    return response.headers.get("Location", "") + response.text


@pytest.fixture
def proxied_app(tmp_path):
    app = make_app(make_settings(tmp_path, **{"statportal.trusted_proxies": "10.0.0.0/24"}))
    yield app
    close_app(app)


def test_forwarded_headers_from_anyone_else_are_ignored(proxied_app):
    client = TestApp(proxied_app, extra_environ={"REMOTE_ADDR": "203.0.113.9", **FORWARDED})
    seen = client.get("/++api++/", status=200).json["@id"]
    assert seen.startswith("http://localhost"), seen
    assert "evil.example" not in _absolute_urls(login_location(client))


def test_forwarded_headers_from_the_configured_proxy_are_applied(proxied_app):
    client = TestApp(proxied_app, extra_environ={"REMOTE_ADDR": "10.0.0.5", **FORWARDED})
    assert client.get("/++api++/", status=200).json["@id"].startswith("https://evil.example")


def test_by_default_no_proxy_is_trusted(testapp):
    seen = testapp.get("/++api++/", extra_environ=FORWARDED, status=200).json["@id"]
    assert seen.startswith("http://localhost"), seen


def test_apply_forwarded_client_address_and_bad_host():
    from statportal.security.edge import apply_forwarded, parse_proxies

    networks = parse_proxies("127.0.0.1, 10.0.0.0/24")
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "portal.example",
               "wsgi.url_scheme": "http", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.2",
               "HTTP_X_FORWARDED_HOST": "bad host/<x>", "HTTP_FORWARDED": "for=1.2.3.4"}
    apply_forwarded(environ, networks)
    assert environ == {"REMOTE_ADDR": "198.51.100.2", "HTTP_HOST": "portal.example",
                       "wsgi.url_scheme": "http"}
    apply_forwarded(environ, networks)        # a retried request: nothing left to apply
    assert environ["REMOTE_ADDR"] == "198.51.100.2"


def test_a_bad_trusted_proxies_setting_stops_the_start(tmp_path):
    from pyramid.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="statportal.trusted_proxies"):
        make_app(make_settings(tmp_path, **{"statportal.trusted_proxies": "proxy.local"}))


def test_forwarded_for_is_not_believed(app, demo):
    from webtest import TestApp

    client = TestApp(app, extra_environ={"REMOTE_ADDR": "10.1.1.1"})
    for n in range(30):
        login_html(client, f"nobody{n}", "wrong-password")
        client.reset()
    fresh = TestApp(app, extra_environ={"REMOTE_ADDR": "10.1.1.1",
                                        "HTTP_X_FORWARDED_FOR": "192.0.2.7"})
    assert login_html(fresh, "dana").status_int == 429
