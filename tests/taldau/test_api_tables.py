"""``GET /data/@tables``: the indicators the caller may see, found by words of their id, code
or title in any language, by ``pastDays``, paged; bad parameters named."""

from datetime import UTC, datetime

import pytest
from webtest import TestApp

from statportal.testing import close_app, make_app, make_settings, open_portal
from tests.helpers.taldau import LONG_AGO, REGIONS, dimension, make_indicator

RECENT = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # 3 days before the tests' NOW


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    app = make_app(make_settings(tmp_path_factory.mktemp("taldau-tables"), **{
        "statportal.data.requests_per_minute": "100000"}))
    with open_portal(app) as portal:
        from statportal.content.registry import get_content_registry

        topic = get_content_registry(app.registry).create(
            "DataTopic", title={"en": "Prices", "ru": "Цены", "kk": "Бағалар"})
        portal["data"].add("prices", topic, send_events=False)
    regions = [dimension("region", ("Өңір", "Регион", "Region"), REGIONS)]
    make_indicator(app, "data/population", dimensions=regions, values=[[1.0, 2.0]] * 4,
                   periods=(2024, 2025), code="POP",
                   title={"kk": "Халық саны", "ru": "Численность населения",
                          "en": "Population"})
    make_indicator(app, "data/prices/cpi", periodicity="quarterly", dimensions=regions,
                   values=[[100.0, 101.0, 102.0]] * 4, periods=(8100, 8101, 8102),
                   code="CPI", now=RECENT,
                   title={"kk": "Тұтыну бағаларының индексі", "ru": "Индекс цен",
                          "en": "Consumer price index"})
    make_indicator(app, "data/prices/empty", dimensions=regions, code="EMPTY")  # no data
    yield app
    close_app(app)


@pytest.fixture
def api(shared):
    return TestApp(shared, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                          "REMOTE_ADDR": "127.0.0.1"})


def ids(answer):
    return [item["id"] for item in answer.json["items"]]


def test_every_indicator_with_data(api):
    answer = api.get("/data/@tables")
    # the folders' order (the topic came first); "empty" has no data: not listed
    assert ids(answer) == ["cpi", "population"]
    cpi, population = answer.json["items"]
    assert population["label"] == "Population" and population["code"] == "POP"
    assert (population["firstPeriod"], population["lastPeriod"]) == ("2024", "2025")
    assert population["updated"] == LONG_AGO.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (cpi["firstPeriod"], cpi["lastPeriod"]) == ("2025-Q1", "2025-Q3")
    assert cpi["periodicity"] == "quarterly"
    assert cpi["links"]["data"].endswith("/data/prices/cpi/@data")
    assert answer.json["items_total"] == 2
    assert answer.headers["Last-Modified"] == "Sat, 28 Nov 2026 04:00:00 GMT"


@pytest.mark.parametrize(("query", "found"), [
    ("cpi", ["cpi"]), ("POP", ["population"]), ("численность", ["population"]),
    ("ИНДЕКС цен", ["cpi"]), ("бағаларының", ["cpi"]), ("price index", ["cpi"]),
    ("wages", []), ("", ["cpi", "population"]),
])
def test_query_matches_id_code_and_titles_in_any_language(api, query, found):
    assert ids(api.get("/data/@tables", {"query": query})) == found


def test_labels_in_the_language_asked(api):
    assert [i["label"] for i in api.get("/data/@tables", {"lang": "kk"}).json["items"]] == [
        "Тұтыну бағаларының индексі", "Халық саны"]


def test_past_days(api, frozen):
    assert ids(api.get("/data/@tables", {"pastDays": "7"})) == ["cpi"]
    assert ids(api.get("/data/@tables", {"pastDays": "2"})) == []
    assert ids(api.get("/data/@tables", {"pastDays": "400"})) == ["cpi", "population"]


def test_paged(api):
    first = api.get("/data/@tables", {"b_size": "1"}).json
    assert [i["id"] for i in first["items"]] == ["cpi"]
    assert first["items_total"] == 2 and "next" in first["batching"]
    second = api.get("/data/@tables", {"b_size": "1", "b_start": "1"}).json
    assert [i["id"] for i in second["items"]] == ["population"]
    assert "query=" not in first["batching"]["next"]
    kept = api.get("/data/@tables", {"b_size": "1", "lang": "ru"}).json["batching"]["next"]
    assert "lang=ru" in kept and "b_start=1" in kept


@pytest.mark.parametrize(("query", "field"), [
    ({"pastDays": "-1"}, "pastDays"), ({"pastDays": "a week"}, "pastDays"),
    ({"lang": "de"}, "lang"), ({"b_size": "0"}, "b_size"), ({"b_start": "x"}, "b_start"),
])
def test_bad_parameters(api, query, field):
    answer = api.get("/data/@tables", query, status=400)
    assert [e["field"] for e in answer.json["errors"]] == [field]
