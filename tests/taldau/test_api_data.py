"""``GET|POST /data/<id>/@data`` and ``@metadata`` against the real app: selections, formats,
languages, ``asOf``, the embargo (body and headers unchanged for the public), caching, and
every bad input refused with 400 naming its field, nothing stored.

One indicator (4 regions × 3 sexes × 6 months, one X cell, one provisional cell) in an app
shared by the module's read-only tests; the tests that add vintages make their own."""

from datetime import UTC, datetime

import numpy as np
import pytest
from webtest import TestApp

from statportal.taldau.periods import ordinal
from statportal.testing import close_app, last_transaction, make_app, make_settings, open_portal
from tests.helpers.placement import as_user
from tests.helpers.taldau import LONG_AGO, REGIONS, SEXES, columns_for, dimension, make_indicator

URL = "/data/wages"
MONTHS = [ordinal(f"2026-{m:02d}", "monthly") for m in range(1, 7)]
LATER = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


def wage_values(shift=0.0):
    values = np.arange(4 * 3 * 6, dtype=np.float64).reshape(4, 3, 6) * 10 + 0.5 + shift
    status = np.zeros(values.shape, dtype=np.uint8)
    values[2, 2, 5], status[2, 2, 5] = np.nan, 1  # Almaty, women, June: confidential
    status[0, 0, 5] = 3  # provisional
    return values, status


def add_wages(app, **fields):
    values, status = wage_values()
    make_indicator(app, "data/wages", periodicity="monthly",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                               dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
                   values=values, periods=MONTHS, status=status, decimals=1,
                   title={"kk": "Орташа жалақы", "ru": "Средняя зарплата",
                          "en": "Average wage"},
                   unit_of_measure={"kk": "теңге", "ru": "тенге", "en": "tenge"},
                   code="WAGE_AVG", unit="/orgunits/labour-statistics",
                   executor_email="aliya@stat.example.kz", **fields)


def add_vintage(app, values, status, *, now, embargoed):
    from statportal.taldau.store import add_vintage as store

    with open_portal(app) as portal:
        indicator = portal["data"]["wages"]
        store(indicator, columns_for(indicator, values, MONTHS, status), filename="w.csv",
              actor="test", now=now, embargoed=embargoed)


def client(app):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                       "REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    app = make_app(make_settings(tmp_path_factory.mktemp("taldau-api"), **{
        "statportal.data.requests_per_minute": "100000"}))
    add_wages(app)
    yield app
    close_app(app)


@pytest.fixture
def api(shared):
    return client(shared)


@pytest.fixture
def own(tmp_path):
    """An app of the test's own (vintages are added to it), with the demo's users."""
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD

    app = make_app(make_settings(tmp_path, **{"statportal.data.max_cells": "40"}))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    add_wages(app)
    yield app
    close_app(app)


def test_everything_in_json_stat_by_default(api):
    answer = api.get(f"{URL}/@data")
    assert answer.content_type == "application/json"
    data = answer.json
    assert data["class"] == "dataset" and data["label"] == "Average wage"
    assert data["id"][:2] == ["region", "sex"] and data["id"][-1] == "period"
    assert data["size"][:2] == [4, 3] and data["size"][-1] == 6
    assert list(data["dimension"]["period"]["category"]["index"]) == [
        f"2026-{m:02d}" for m in range(1, 7)]
    assert len(data["value"]) == 72
    assert data["value"][0] == 0.5 and data["value"][5] == 50.5
    x_index = (2 * 3 + 2) * 6 + 5
    assert data["value"][x_index] is None and data["status"][str(x_index)] == "X"
    assert data["status"]["5"] == "p"
    assert answer.headers["ETag"].startswith('W/"')
    assert answer.headers["Last-Modified"] == "Mon, 05 Jan 2026 04:00:00 GMT"


def test_a_selection_by_get_and_by_post(api):
    query = {"valuecodes[region]": "KZ-ALA,KZ-AST", "valuecodes[sex]": "F",
             "valuecodes[period]": "top(2)"}
    got = api.get(f"{URL}/@data", query).json
    assert got["size"][:2] == [2, 1] and got["size"][-1] == 2
    assert list(got["dimension"]["region"]["category"]["index"]) == ["KZ-AST", "KZ-ALA"]
    assert list(got["dimension"]["period"]["category"]["index"]) == ["2026-05", "2026-06"]
    assert got["value"] == [(1 * 3 + 2) * 60 + 40.5, (1 * 3 + 2) * 60 + 50.5,
                            (2 * 3 + 2) * 60 + 40.5, None]
    posted = api.post_json(f"{URL}/@data", {"valuecodes": {
        "region": ["KZ-AST", "KZ-ALA"], "sex": "F", "period": "top(2)"}}).json
    assert posted == got
    frm = api.get(f"{URL}/@data", {"valuecodes[period]": "from(2026-05)",
                                   "valuecodes[region]": "top(1)"}).json
    assert list(frm["dimension"]["region"]["category"]["index"]) == ["KZ"]
    assert frm["size"][-1] == 2


def test_labels_follow_lang_and_the_request_language(api):
    ru = api.get(f"{URL}/@data", {"lang": "ru", "valuecodes[region]": "KZ-KAR"}).json
    assert ru["label"] == "Средняя зарплата"
    assert ru["dimension"]["region"]["label"] == "Регион"
    assert ru["dimension"]["region"]["category"]["label"] == {
        "KZ-KAR": "Карагандинская область"}
    kk = api.get(f"{URL}/@data", {"valuecodes[sex]": "F"},
                 headers={"Accept-Language": "kk"}).json
    assert kk["dimension"]["sex"]["category"]["label"] == {"F": "Әйелдер"}
    # the periods: ISO codes, labelled readably in the language
    periods = {"valuecodes[period]": "2026-05,2026-06", "valuecodes[sex]": "F"}
    for lang, may, june in (("ru", "Май 2026", "Июнь 2026"), ("kk", "Мамыр 2026",
                                                            "Маусым 2026"),
                            ("en", "May 2026", "June 2026")):
        period = api.get(f"{URL}/@data", {**periods, "lang": lang}).json["dimension"][
            "period"]
        assert list(period["category"]["index"]) == ["2026-05", "2026-06"]
        assert period["category"]["label"] == {"2026-05": may, "2026-06": june}
        values = api.get(f"{URL}/@metadata", {"lang": lang}).json["dimensions"][-1]["values"]
        assert {v["code"]: v["label"] for v in values if v["code"] >= "2026-05"} == {
            "2026-05": may, "2026-06": june}


@pytest.mark.parametrize("output", ["csv", "xlsx", "sdmx-csv"])
def test_every_format(api, output):
    answer = api.get(f"{URL}/@data", {"outputFormat": output, "valuecodes[region]": "KZ-ALA",
                                      "valuecodes[sex]": "F"})
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    last = answer.text.strip().splitlines()[-1].split(",") if output != "xlsx" else None
    if output == "csv":
        assert answer.content_type == "text/csv"
        # the confidential cell: X, no number; the period's code, then its readable label
        assert last[-4:] == ["2026-06", "June 2026", "X", "X"]
    elif output == "xlsx":
        assert answer.body[:2] == b"PK"
    else:
        assert answer.headers["Content-Type"].startswith(
            "application/vnd.sdmx.data+csv; version=2.0.0")
        assert last[5:7] == ["2026-06", ""] and last[-1] == "C"


@pytest.mark.parametrize(("query", "field"), [
    ({"valuecodes[age]": "*"}, "valuecodes[age]"),
    ({"valuecodes[region]": "KZ-XXX"}, "valuecodes[region]"),
    ({"valuecodes[period]": "top(0)"}, "valuecodes[period]"),
    ({"valuecodes[period]": "top(-1)"}, "valuecodes[period]"),
    ({"valuecodes[sex]": "top(x)"}, "valuecodes[sex]"),
    ({"valuecodes[sex]": "from(Z)"}, "valuecodes[sex]"),
    ({"valuecodes[sex]": "M,(F"}, "valuecodes[sex]"),
    ({"valuecodes[period]": "2031-01"}, "valuecodes[period]"),
    ({"valuecodes": "KZ"}, "valuecodes"),
    ({"lang": "de"}, "lang"),
    ({"outputFormat": "px"}, "outputFormat"),
    ({"asOf": "yesterday"}, "asOf"),
    ({"asOf": "2025-01-01"}, "asOf"),  # before the first vintage (5 January 2026)
])
def test_bad_input_is_refused_naming_the_field(shared, api, query, field):
    before = last_transaction(shared)
    answer = api.get(f"{URL}/@data", query, status=400)
    assert answer.content_type == "application/json"
    assert [e["field"] for e in answer.json["errors"]] == [field]
    assert last_transaction(shared) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"valuecodes": {"region": 7}}, "valuecodes[region]"),
    ({"valuecodes": {"region": []}}, "valuecodes[region]"),
    ({"valuecodes": ["region"]}, "valuecodes"),
    ({"valuecodes": {"sex": "top(0)"}}, "valuecodes[sex]"),
    ({"lang": "xx"}, "lang"),
    ({"selection": []}, "selection"),
    ([1, 2], "body"),
])
def test_bad_post_bodies(api, body, field):
    answer = api.post_json(f"{URL}/@data", body, status=400)
    assert [e["field"] for e in answer.json["errors"]] == [field]
    answer = api.post(f"{URL}/@data", "{not json", content_type="application/json",
                      status=400)  # refused before the view, by the API's body reader
    assert answer.json["errors"][0]["type"] == "invalid"


def test_too_many_cells_names_both_counts(own):
    api = client(own)
    answer = api.get(f"{URL}/@data", status=400).json
    assert answer["errors"][0]["field"] == "valuecodes"
    assert "72" in answer["message"] and "40" in answer["message"]
    assert api.get(f"{URL}/@data", {"valuecodes[region]": "KZ"}).json["size"][-1] == 6


def test_as_of_reads_the_data_as_they_were(own):
    values, status = wage_values(shift=1000)
    add_vintage(own, values, status, now=LATER, embargoed=False)
    api = client(own)
    query = {"valuecodes[region]": "KZ", "valuecodes[sex]": "T"}
    now = api.get(f"{URL}/@data", query).json
    assert now["value"][0] == 1000.5
    assert now["status"]["0"] == "r"  # revised by the second vintage
    then = api.get(f"{URL}/@data", {**query, "asOf": "2026-03-01"}).json
    assert then["value"][0] == 0.5 and "0" not in then.get("status", {})
    api.get(f"{URL}/@data", {**query, "asOf": "2026-01-05T08:59:00+05:00"}, status=400)
    assert api.get(f"{URL}/@data", {**query, "asOf": "2026-01-05T09:00:00+05:00"}
                   ).json["value"][0] == 0.5
    # curl's unescaped + arrives as a space: read as the offset it was
    raw = api.get(f"{URL}/@data?valuecodes[region]=KZ&valuecodes[sex]=T"
                  "&asOf=2026-01-05T09:00:00+05:00").json
    assert raw["value"][0] == 0.5
    assert api.get(f"{URL}/@metadata").json["updated"].startswith("2026-06-01")


def test_an_embargoed_vintage_changes_nothing_the_public_receives(own):
    api = client(own)
    one = "valuecodes[region]=KZ,KZ-ALA"  # within this app's max_cells (40)
    urls = [f"{URL}/@data?{one}", f"{URL}/@data?outputFormat=csv&{one}", f"{URL}/@metadata",
            "/data/@tables"]
    before = {url: api.get(url) for url in urls}
    values, status = wage_values(shift=5000)
    add_vintage(own, values, status, now=LATER, embargoed=True)
    for url in urls:
        after = api.get(url)
        assert after.body == before[url].body, url
        for header in ("ETag", "Last-Modified", "Content-Type", "Content-Disposition"):
            assert after.headers.get(header) == before[url].headers.get(header), (url, header)
    as_user(api, "dana")  # the office sees the embargoed vintage
    staff = api.get(f"{URL}/@data", {"valuecodes[region]": "KZ", "valuecodes[sex]": "T"})
    assert staff.json["value"][0] == 5000.5
    assert staff.headers["ETag"] != before[urls[0]].headers["ETag"]
    assert "no-store" in staff.headers["Cache-Control"]


def test_an_indicator_without_public_data_is_not_found_for_the_public(tmp_path):
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD

    app = make_app(make_settings(tmp_path))
    try:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        add_wages(app, embargoed=True)
        api = client(app)
        for name in ("@data", "@metadata"):
            assert api.get(f"{URL}/{name}", status=404).json["errors"][0]["type"] == \
                "not_found"
        assert api.get("/data/@tables").json["items_total"] == 0
        as_user(api, "dana")
        assert api.get(f"{URL}/@data").json["size"][-1] == 6
        assert [i["id"] for i in api.get("/data/@tables").json["items"]] == ["wages"]
    finally:
        close_app(app)


def test_not_modified_when_the_client_has_it(api):
    first = api.get(f"{URL}/@data", {"valuecodes[sex]": "M"})
    again = api.get(f"{URL}/@data", {"valuecodes[sex]": "M"},
                    headers={"If-None-Match": first.headers["ETag"]}, status=304)
    assert again.headers["ETag"] == first.headers["ETag"] and not again.body
    other = api.get(f"{URL}/@data", {"valuecodes[sex]": "F"},
                    headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_int == 200 and other.headers["ETag"] != first.headers["ETag"]
    meta = api.get(f"{URL}/@metadata")
    api.get(f"{URL}/@metadata", headers={"If-None-Match": meta.headers["ETag"]}, status=304)


def test_metadata_in_the_language_asked(api):
    meta = api.get(f"{URL}/@metadata", {"lang": "ru"}).json
    assert meta["label"] == "Средняя зарплата" and meta["unit"] == "тенге"
    assert meta["language"] == "ru" and meta["periodicity"] == "monthly"
    region, sex, period = meta["dimensions"]
    assert region["label"] == "Регион"
    assert region["values"][1] == {"code": "KZ-AST", "parent": "KZ", "label": "Астана"}
    assert [v["code"] for v in sex["values"]] == ["T", "M", "F"]
    assert period["code"] == "period"
    assert [v["code"] for v in period["values"]][::5] == ["2026-01", "2026-06"]
    assert (meta["firstPeriod"], meta["lastPeriod"]) == ("2026-01", "2026-06")
    assert meta["decimals"] == 1 and meta["updated"] == LONG_AGO.strftime("%Y-%m-%dT%H:%M:%SZ")
    # the public is pointed to the unit and the questions service, not to a person
    assert meta["contact"]["unit"] == "/orgunits/labour-statistics"
    assert "email" not in meta["contact"]
    assert "aliya@" not in api.get(f"{URL}/@metadata").text
    api.get(f"{URL}/@metadata", {"lang": "fr"}, status=400)


def test_metadata_for_the_staff_and_the_next_release(own, frozen):
    from tests.helpers.calendar import add

    api = client(own)
    add(api, release_at="2026-12-21T10:00:00+05:00", section="/official-statistics/social",
        title={"en": "Wages, November 2026"})
    add(api, release_at="2026-12-10T10:00:00+05:00")  # sooner, but of prices
    with open_portal(own) as portal:
        portal["data"]["wages"].section = "/official-statistics/social"
    as_user(api, None)
    meta = api.get(f"{URL}/@metadata").json
    assert meta["nextUpdate"]["at"] == "2026-12-21T05:00:00+00:00"  # 10:00 in Almaty
    assert meta["nextUpdate"]["title"] == "Wages, November 2026"
    assert meta["nextUpdate"]["exact"] is True
    assert "email" not in meta["contact"]
    as_user(api, "dana")
    assert api.get(f"{URL}/@metadata").json["contact"]["email"] == "aliya@stat.example.kz"
