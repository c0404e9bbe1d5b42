"""PxWeb API 2.0 under ``/api/v2``, driven the way a PxWeb client drives it (WebTest against
the real WSGI app): ask ``/config``, list the tables, read a table's metadata, build a
selection from the metadata's codes, POST it, read the JSON-stat 2.0 answer with pyjstat
and find the numbers of the native ``@data``; confidential cells null with status X; the
embargo; paging; every refusal Problem JSON naming its parameter."""

import pyjstat.pyjstat as pyjstat
import pytest
from webtest import TestApp

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings
from tests.helpers.taldau_pxweb import pxweb_app, wages_values

pytestmark = pytest.mark.filterwarnings(
    "ignore:Shouldn't use this function:DeprecationWarning")

API = "/api/v2"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with pxweb_app(tmp_path_factory.mktemp("pxweb"), **{
            "statportal.data.requests_per_minute": "100000",
            "statportal.data.max_cells": "40"}) as wsgi:
        yield wsgi


@pytest.fixture
def client(app):
    return TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})


def ours(tables):
    return [t for t in tables if t["id"] in ("wages", "prices", "secret")]


def frame_of(text):
    return pyjstat.Dataset.read(text).write("dataframe", naming="id")


# -- the journey of a PxWeb client ---------------------------------------------------------
def test_a_pxweb_client_lists_reads_metadata_selects_and_gets_the_native_numbers(client):
    config = client.get(f"{API}/config").json
    assert config["apiVersion"] == "2.0.0" and config["maxDataCells"] == 40
    assert config["maxCallsPerTimeWindow"] == 100000 and config["timeWindow"] == 60
    assert [lang["id"] for lang in config["languages"]] == ["kk", "ru", "en"]
    assert config["defaultDataFormat"] == "json-stat2"
    assert {"json-stat2", "csv", "xlsx"} <= set(config["dataFormats"])

    listing = client.get(f"{API}/tables", {"lang": "en", "query": "wages"}).json
    assert listing["language"] == "en"
    [table] = listing["tables"]
    assert table["id"] == "wages" and table["label"] == "Wages" and table["type"] == "Table"
    assert (table["firstPeriod"], table["lastPeriod"]) == ("2026-01", "2026-04")
    assert table["timeUnit"] == "Monthly" and table["updated"] == "2026-01-05T04:00:00Z"
    assert table["variableNames"] == ["Region", "Sex", "Period"]
    assert table["paths"] == [[{"id": "labour", "label": "Labour"}]]
    links = {link["rel"]: link["href"] for link in table["links"]}
    assert links["metadata"] == "http://localhost/api/v2/tables/wages/metadata?lang=en"

    meta = client.get(links["metadata"]).json
    assert meta["version"] == "2.0" and meta["class"] == "dataset" and meta["value"] == []
    assert meta["id"] == ["region", "sex", "ContentsCode", "period"]
    assert meta["size"] == [4, 3, 1, 4]
    assert meta["role"] == {"time": ["period"], "metric": ["ContentsCode"],
                            "geo": ["region"]}
    assert meta["dimension"]["sex"]["category"]["label"] == {
        "T": "Total", "M": "Men", "F": "Women"}
    assert meta["dimension"]["ContentsCode"]["category"]["unit"] == {
        "WAGE": {"decimals": 1, "label": "tenge"}}
    assert meta["extension"]["px"]["tableid"] == "wages"
    assert meta["extension"]["lastPeriod"] == "2026-04"

    # the selection a client builds from the metadata: the first two codes of each
    # variable, the last two periods
    selection = []
    for var in meta["id"]:
        codes = list(meta["dimension"][var]["category"]["index"])
        selection.append({"variableCode": var,
                          "valueCodes": codes[-2:] if var == "period" else codes[:2]})
    posted = client.post_json(f"{API}/tables/wages/data?lang=en", {"selection": selection})
    assert posted.content_type == "application/json"
    frame = frame_of(posted.text)
    native = client.get("/data/labour/wages/@data", {
        "lang": "en", "valuecodes[region]": "KZ,KZ-AST", "valuecodes[sex]": "T,M",
        "valuecodes[period]": "2026-03,2026-04"})
    assert frame.equals(frame_of(native.text))
    assert posted.json["value"] == native.json["value"]
    values, _status = wages_values()
    assert [round(v, 1) for v in frame["value"]] == \
        [round(v, 1) for v in values[:2, :2, 2:].ravel()]
    assert posted.json["status"] == {"1": "p"}        # KZ, T, 2026-04

    # the same selection as GET parameters
    got = client.get(f"{API}/tables/wages/data", {
        "lang": "en", "valuecodes[region]": "KZ,KZ-AST", "valuecodes[sex]": "T,M",
        "valuecodes[ContentsCode]": "*", "valuecodes[period]": "top(2)"})
    assert got.json["value"] == posted.json["value"]


def test_a_confidential_cell_is_null_with_status_x_in_every_format(client):
    data = client.post_json(f"{API}/tables/wages/data", {"selection": [
        {"variableCode": "region", "valueCodes": ["KZ-ALA"]},
        {"variableCode": "sex", "valueCodes": ["F"]},
        {"variableCode": "period", "valueCodes": ["2026-03", "2026-02"]}]}).json
    values, _status = wages_values()
    assert data["value"] == [round(values[2, 2, 1], 1), None]
    assert data["status"] == {"1": "X"}
    secret = f"{values[2, 2, 2]:.1f}"
    for output in ("csv", "xlsx", "sdmx-csv"):
        body = client.get(f"{API}/tables/wages/data", {
            "outputFormat": output, "valuecodes[region]": "KZ-ALA",
            "valuecodes[sex]": "F"}).body
        assert secret.encode() not in body


def test_csv_with_pxweb_separator_and_xlsx(client):
    csv = client.get(f"{API}/tables/prices/data", {
        "lang": "en", "outputFormat": "csv", "outputFormatParams": "SeparatorSemicolon"})
    assert csv.content_type == "text/csv"
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert ";" in lines[0] and "," not in lines[0]
    assert any("101.5" in line for line in lines[1:])
    xlsx = client.get(f"{API}/tables/prices/data", {"outputFormat": "xlsx"})
    assert xlsx.body[:2] == b"PK"
    assert 'filename="' in xlsx.headers["Content-Disposition"]


def test_every_language(client):
    for lang, region in (("kk", "Өңір"), ("ru", "Регион"), ("en", "Region")):
        meta = client.get(f"{API}/tables/wages/metadata", {"lang": lang}).json
        assert meta["dimension"]["region"]["label"] == region
        assert meta["extension"]["px"]["language"] == lang


# -- the embargo --------------------------------------------------------------------------
def test_the_public_sees_only_public_vintages(client):
    listing = client.get(f"{API}/tables", {"pageSize": "100"}).json
    assert {t["id"] for t in ours(listing["tables"])} == {"wages", "prices"}
    assert client.get(f"{API}/tables/wages").json["lastPeriod"] == "2026-04"
    meta = client.get(f"{API}/tables/wages/metadata").json
    assert "2026-05" not in meta["dimension"]["period"]["category"]["index"]
    data = client.get(f"{API}/tables/wages/data", {"valuecodes[period]": "top(1)"})
    assert "999" not in data.text
    client.get(f"{API}/tables/wages/data", {"valuecodes[period]": "2026-05"}, status=400)
    for path in ("", "/metadata", "/data"):
        answer = client.get(f"{API}/tables/secret{path}", status=404)
        assert answer.content_type == PROBLEM and answer.json["title"] == "Non-existent table"
    assert client.get(f"{API}/tables", {"query": "secret"}).json["tables"] == []


def test_the_staff_see_the_embargoed_vintage(client):
    client.authorization = ("Basic", ("admin", DEMO_PASSWORD))
    assert client.get(f"{API}/tables/wages").json["lastPeriod"] == "2026-05"
    data = client.get(f"{API}/tables/wages/data", {"valuecodes[period]": "2026-05",
                                                   "valuecodes[region]": "KZ"}).json
    assert data["value"] == [999.0, 999.0, 999.0]
    assert client.get(f"{API}/tables/secret").json["id"] == "secret"


# -- paging and search ---------------------------------------------------------------------
def test_paging(client):
    total = client.get(f"{API}/tables").json["page"]["totalElements"]
    assert total >= 2
    first = client.get(f"{API}/tables", {"pageSize": "1", "lang": "en"}).json
    assert first["page"] == {**first["page"], "pageNumber": 1, "pageSize": 1,
                             "totalElements": total, "totalPages": total}
    rels = {link["rel"]: link["href"] for link in first["page"]["links"]}
    assert set(rels) == {"next", "last"} and "pageNumber=2" in rels["next"]
    second = client.get(rels["next"]).json
    assert {link["rel"] for link in second["page"]["links"]} >= {"previous"}
    assert second["tables"][0]["id"] != first["tables"][0]["id"]
    seen = [client.get(f"{API}/tables", {"pageSize": "1", "pageNumber": str(n)})
            .json["tables"][0]["id"] for n in range(1, total + 1)]
    assert len(set(seen)) == total
    past = client.get(f"{API}/tables", {"pageSize": "1", "pageNumber": str(total + 1)},
                      status=404)
    assert past.content_type == PROBLEM and past.json["field"] == "pageNumber"


def test_search_by_words_and_past_days(client):
    assert [t["id"] for t in client.get(f"{API}/tables", {"query": "ЗАРПЛАТА"})
            .json["tables"]] == ["wages"]
    recent = client.get(f"{API}/tables", {"pastDays": "7"}).json["tables"]
    assert "prices" in [t["id"] for t in recent] and \
        "wages" not in [t["id"] for t in recent]


# -- refusals -----------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "params", "status", "title", "field"), [
    ("/tables/nothing", {}, 404, "Non-existent table", "id"),
    ("/tables/nothing/data", {}, 404, "Non-existent table", "id"),
    ("/tables/wages/data", {"valuecodes[age]": "*"}, 400, "Non-existent variable",
     "valuecodes[age]"),
    ("/tables/wages/data", {"valuecodes[region]": "KZ-XXX"}, 400, "Non-existent value",
     "valuecodes[region]"),
    ("/tables/wages/data", {"valuecodes[period]": "top(0)"}, 400,
     "Illegal selection expression", "valuecodes[period]"),
    ("/tables/wages/data", {}, 400, "Too many cells selected", "valuecodes"),
    ("/tables/wages/data", {"codelist[region]": "agg_x", "valuecodes[region]": "KZ"}, 400,
     "Non-existent codelist", "codelist[region]"),
    ("/tables/wages/data", {"outputFormat": "px"}, 400, "Unsupported output format",
     "outputFormat"),
    ("/tables/wages/data", {"outputFormat": "json-stat2",
                            "outputFormatParams": "SeparatorTab"}, 400,
     "Unsupported output format", "outputFormatParams"),
    ("/tables/wages/data", {"asOf": "2025-01-01"}, 400, "Parameter error", "asOf"),
    ("/tables/wages/data", {"stub": "age"}, 400, "Non-existent variable", "valuecodes[age]"),
    ("/tables/wages/metadata", {"lang": "de"}, 400, "Unsupported language", "lang"),
    ("/tables/wages/metadata", {"outputFormat": "json-px"}, 400,
     "Unsupported output format", "outputFormat"),
    ("/tables", {"pageSize": "0"}, 400, "Parameter error", "pageSize"),
    ("/tables", {"pastDays": "soon"}, 400, "Parameter error", "pastDays"),
    ("/tables", {"includeDiscontinued": "maybe"}, 400, "Parameter error",
     "includeDiscontinued"),
    ("/codelists/vs_region", {}, 404, "Non-existent codelist", "id"),
])
def test_refusals_are_problem_json_naming_the_parameter(client, path, params, status, title,
                                                        field):
    answer = client.get(f"{API}{path}", params, status=status)
    assert answer.content_type == PROBLEM
    assert answer.json["status"] == status and answer.json["title"] == title
    assert answer.json["field"] == field and answer.json["detail"]


def test_a_malformed_post_names_its_part(client):
    answer = client.post_json(f"{API}/tables/wages/data", {"selection": [{"valueCodes": []}]},
                              status=400)
    assert answer.content_type == PROBLEM
    assert answer.json["field"] == "selection[0].variableCode"
    answer = client.post_json(f"{API}/tables/wages/data", {"selection": [
        {"variableCode": "age", "valueCodes": ["*"]}]}, status=400)
    assert answer.json["title"] == "Non-existent variable"


def test_other_methods_and_form_posts_are_problems_too(client):
    answer = client.delete(f"{API}/tables/wages", status=404)
    assert answer.content_type == PROBLEM and answer.json["status"] == 404
    answer = client.post(f"{API}/tables/wages/data", {"selection": "region"}, status=400)
    assert answer.content_type == PROBLEM and answer.json["field"] == "selection"


def test_also_under_the_api_prefix_and_in_the_openapi_document(client):
    assert client.get(f"/++api++{API}/tables/prices").json["id"] == "prices"
    paths = client.get("/++api++/@openapi.json").json["paths"]
    for path in ("/api/v2/config", "/api/v2/tables", "/api/v2/tables/{id}",
                 "/api/v2/tables/{id}/metadata", "/api/v2/tables/{id}/data"):
        assert path in paths
    assert set(paths["/api/v2/tables/{id}/data"]) >= {"get", "post"}
    assert PROBLEM in paths["/api/v2/tables/{id}/data"]["get"]["responses"]["400"]["content"]


def test_a_get_writes_nothing_and_answers_304_to_a_client_that_has_it(client, app):
    from statportal.testing import last_transaction

    before = last_transaction(app)
    first = client.get(f"{API}/tables/prices/data")
    again = client.get(f"{API}/tables/prices/data",
                       headers={"If-None-Match": first.headers["ETag"]}, status=304)
    assert again.body == b""
    client.get(f"{API}/tables/prices/metadata")
    assert last_transaction(app) == before


def test_the_rate_limit_is_the_native_apis(tmp_path):
    app = make_app(make_settings(tmp_path, **{"statportal.data.requests_per_minute": "2"}))
    try:
        client = TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.9"})
        client.get(f"{API}/tables")
        client.get("/data/@tables")   # the native API's count is the same allowance
        for _ in range(3):
            client.get(f"{API}/config")   # not counted: a client asks it first
        answer = client.get(f"{API}/tables/anything/data", status=429)
        assert answer.content_type == PROBLEM and int(answer.headers["Retry-After"]) >= 1
        other = TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.10"})
        assert other.get(f"{API}/tables").json["tables"] == []
    finally:
        close_app(app)


def test_pxweb_reaches_the_native_api_through_its_public_helpers_only():
    """pxweb.py reuses api.py's visible cube and conditional answer by their public names
    (a private helper of another module is no interface)."""
    import ast
    import inspect

    from statportal.taldau import api, pxweb

    assert callable(api.visible_cube) and callable(api.conditional)
    private = []
    for node in ast.walk(ast.parse(inspect.getsource(pxweb))):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "api" and node.attr.startswith("_")):
            private.append(node.attr)
        if isinstance(node, ast.ImportFrom) and node.module == "statportal.taldau.api":
            private += [alias.name for alias in node.names if alias.name.startswith("_")]
    assert private == []


def test_periods_are_labelled_readably_in_metadata_and_data(client):
    """The period's codes stay ISO; its category labels read as months in the language,
    the same in /metadata and /data."""
    for lang, january in (("en", "January 2026"), ("ru", "Январь 2026"),
                          ("kk", "Қаңтар 2026")):
        meta = client.get(f"{API}/tables/wages/metadata", {"lang": lang}).json
        data = client.get(f"{API}/tables/wages/data", {
            "lang": lang, "valuecodes[period]": "2026-01"}).json
        for body in (meta, data):
            category = body["dimension"]["period"]["category"]
            assert category["label"]["2026-01"] == january
            assert set(category["index"]) == set(category["label"])
