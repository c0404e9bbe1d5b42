"""Issue 16, item 8 and its bad input: paths stored in one form, numbers in queries read
by one reader (never a 500), framing refused, forwarded headers believed only from a
configured proxy. WebTest against the real application on a FileStorage."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webtest import TestApp

from statportal.testing import (
    basic_auth,
    close_app,
    last_transaction,
    make_app,
    make_settings,
    open_portal,
)
from tests.test_placement import REQUESTS, as_user, payload


# -- (a) paths are stored as the canonical resource path ------------------------------------
def test_unit_and_section_paths_are_stored_canonical(app, testapp, demo):
    as_user(testapp, "aigerim")
    created = testapp.post_json(REQUESTS, payload(
        unit="orgunits//industry-statistics/",
        section=" official-statistics//economy/industry/ "), status=201).json
    assert created["unit"] == "/orgunits/industry-statistics"
    assert created["section"] == "/official-statistics/economy/industry"
    name = created["@id"].rsplit("/", 1)[1]
    with open_portal(app) as portal:
        stored = portal["requests"][name]
        assert (stored.unit, stored.section) == (
            "/orgunits/industry-statistics", "/official-statistics/economy/industry")
    # the unit's head finds it in the unit's register (the catalog indexes the one form)
    as_user(testapp, "marat")
    register = testapp.get(f"{REQUESTS}/@register").json
    assert [item["@id"] for item in register["items"]] == [created["@id"]]
    for written in ("/orgunits/industry-statistics", "orgunits//industry-statistics/"):
        found = testapp.get(f"{REQUESTS}/@register", {"unit": written}).json
        assert found["items_total"] == 1, written


def test_a_patched_path_is_stored_canonical(app, testapp, demo):
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(), status=201).json["@id"].replace(
        "http://localhost", "")
    changed = testapp.patch_json(url, {"section": "official-statistics/economy//industry//"},
                                 status=200)
    assert changed.status_int == 200
    assert testapp.get(url).json["section"] == "/official-statistics/economy/industry"


@pytest.mark.parametrize("field, value", [
    ("unit", "orgunits//nowhere/"), ("unit", "//"), ("section", "///"),
    ("section", "official-statistics//no-such-section"),
    ("release", "calendar//no-such-release")])
def test_a_path_that_resolves_to_nothing_is_400_naming_it(app, testapp, demo, field, value):
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    response = testapp.post_json(REQUESTS, payload(**{field: value}), status=400)
    assert field in [error["field"] for error in response.json["errors"]]
    assert last_transaction(app) == before


def test_replaced_material_path_resolving_to_nothing_is_400(app, testapp, demo):
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    response = testapp.post_json(REQUESTS, payload(
        placement_type="replace", replaces="official-statistics//economy/none/"), status=400)
    assert "replaces" in [error["field"] for error in response.json["errors"]]
    assert last_transaction(app) == before


# -- (b) numbers in queries: 400 naming the parameter, never 500 ----------------------------
@pytest.mark.parametrize("url", [f"{REQUESTS}/@register", "/++api++/@timeliness"])
@pytest.mark.parametrize("year", ["²", "٣٠٢٦", "２０２６", "99999999999999999999999", "20 26"])
def test_odd_year_is_400_naming_year(testapp, demo, url, year):
    as_user(testapp, "admin")
    response = testapp.get(url, {"year": year}, status=400)
    assert [error["field"] for error in response.json["errors"]] == ["year"]


def test_a_good_year_still_filters(testapp, demo):
    as_user(testapp, "admin")
    assert testapp.get("/++api++/@timeliness", {"year": "2026"}).status_int == 200
    assert testapp.get(f"{REQUESTS}/@register", {"year": "2026"}).json["items_total"] == 0


def test_batch_with_odd_digits_is_400_naming_it(testapp, demo):
    as_user(testapp, "admin")
    for name in ("b_start", "b_size"):
        response = testapp.get("/++api++/calendar/@releases", {name: "²"}, status=400)
        assert response.json["errors"][0]["field"] == name
    assert testapp.get("/questions", {"b_start": "٣"}, status=400).status_int == 400


def test_number_reader():
    from statportal.numbers import NumberError, read_int

    assert read_int({"n": "12"}, "n") == 12
    assert read_int({"n": ""}, "n", 7) == 7
    assert read_int({}, "n", 7) == 7
    for bad in ("²", "٣", "-1", "1_0", "0x1", "1" * 10, "1e3", "+4"):
        with pytest.raises(NumberError) as caught:
            read_int({"n": bad}, "n")
        assert caught.value.field == "n"
    with pytest.raises(NumberError):
        read_int({"n": "201"}, "n", high=200)


# Every listing with the parameters it reads; HTML pages and their JSON twins.
LISTINGS = [
    (f"{REQUESTS}/@register", "application/json",
     ("year", "b_start", "b_size", "state", "category", "unit", "sort", "order", "overdue",
      "format")),
    (f"{REQUESTS}/@register", "text/html",
     ("year", "b_start", "b_size", "state", "category", "unit", "sort", "order")),
    (f"{REQUESTS}/@queue", "application/json", ("b_start", "b_size", "year")),
    ("/@timeliness", "application/json", ("year", "month", "b_start")),
    ("/timeliness", "text/html", ("year", "month")),
    ("/@search", "application/json",
     ("SearchableText", "category", "section", "year", "language", "b_start", "b_size")),
    ("/search", "text/html",
     ("SearchableText", "category", "section", "year", "language", "b_start", "b_size")),
    ("/calendar/@releases", "application/json",
     ("view", "by", "category", "section", "b_start", "b_size", "year", "month")),
    ("/calendar", "text/html",
     ("view", "by", "category", "section", "b_start", "b_size", "year", "month")),
    ("/questions", "text/html", ("q", "topic", "language", "b_start", "b_size")),
    ("/questions/@published", "application/json", ("q", "topic", "language", "b_start")),
    ("/@working-calendar", "application/json", ("year", "month")),
    ("/official-statistics", "application/json", ("b_start", "b_size")),
    ("/official-statistics", "text/html", ("b_start", "b_size")),
]
NUMERIC = ("year", "month", "b_start", "b_size")
# Odd digits: superscripts, Arabic-Indic, fullwidth, Devanagari — str.isdigit() says yes to
# all of them, and int() takes some and refuses others.
DIGITS = "0123456789²³¹٠١٢٣٤٥٦٧٨٩０１２３４５６７８９०१२"
ODD = st.sampled_from([
    "", "²", "٣", "٢٠٢٦", "２０２６", "-1", "0", "1e9", "0x10", " 2026 ", "2026", "1_000",
    "9" * 30, "9" * 5000, "NaN", "inf", "%", "\x00", "/", "//", "..", "1" * 10, "200", "201"])
NUMBERS = ODD | st.text(alphabet=DIGITS, min_size=1, max_size=8) | \
    st.text(alphabet="²³¹٣２", min_size=1, max_size=4) | \
    st.integers(min_value=-10**30, max_value=10**30).map(str)
TEXTS = ODD | st.text(max_size=12)


def query(name):
    return st.tuples(st.just(name), NUMBERS if name in NUMERIC else TEXTS)


@pytest.fixture
def shared_app(tmp_path_factory):
    """One application for every drawn example (listings are GETs: they write nothing)."""
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD

    app = make_app(make_settings(tmp_path_factory.mktemp("listings")))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    yield app
    close_app(app)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_no_listing_parameter_gives_500(shared_app, data):
    """Each example asks every listing, with one of its numbers and up to three more
    parameters (a name may repeat)."""
    client = TestApp(shared_app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    client.authorization = basic_auth("admin")
    for url, accept, names in LISTINGS:
        numeric = [name for name in names if name in NUMERIC]
        pairs = data.draw(st.tuples(
            st.sampled_from(numeric).flatmap(query),
            st.lists(st.sampled_from(names).flatmap(query), max_size=3)).map(
                lambda drawn: [drawn[0], *drawn[1]]), label=f"{url} {accept}")
        response = client.get(f"{url}?{urlencode(pairs)}", headers={"Accept": accept},
                              status="*", expect_errors=True)
        assert response.status_int < 500, (url, pairs, response.status)
        if response.status_int == 400 and accept == "application/json":
            assert {error["field"] for error in response.json["errors"]} <= set(names)


# -- (c) framing -----------------------------------------------------------------------------
def test_pages_and_answers_refuse_framing(testapp, demo):
    for url, headers in (("/", {"Accept": "text/html"}), ("/login", {}),
                         ("/++api++/official-statistics", {}),
                         ("/no-such-page", {"Accept": "text/html"})):
        response = testapp.get(url, headers=headers, status="*")
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_framing_is_added_to_a_policy_a_view_set():
    from types import SimpleNamespace

    from webob import Response

    from statportal.security.edge import framing_headers

    response = Response()
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    framing_headers(SimpleNamespace(response=response))
    assert response.headers["Content-Security-Policy"] == \
        "sandbox; default-src 'none'; frame-ancestors 'none'"


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
