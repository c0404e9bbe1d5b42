"""Numbers in queries are read by one reader: odd digits are a 400 naming the parameter, never
a 500, on every listing and its JSON twin."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webtest import TestApp

from statportal.testing import (
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)
from tests.helpers.placement import REQUESTS, as_user


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
