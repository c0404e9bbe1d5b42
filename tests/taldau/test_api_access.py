"""Who reaches the data API and how (R1 findings 16, 18): ``POST @import`` refuses in JSON
(401, 403) whatever the client's Accept; the public API (``@tables``, ``@metadata``,
``@data``, ``/api/v2``) carries ``Access-Control-Allow-Origin: *`` for requests without
credentials and approves the preflight of a JSON POST; the staff's endpoints carry none."""

import base64

import pytest

from tests.helpers.placement import as_user
from tests.helpers.taldau import WAGES

IMPORT = f"{WAGES}/@import"
BODY = {"file": {"filename": "w.csv", "data": base64.b64encode(
    b"region,sex,period,value,status\n").decode()}}


# -- finding 18: @import is JSON ------------------------------------------------------------
@pytest.mark.parametrize("accept", [None, "*/*", "text/html", "application/json"])
def test_import_refuses_in_json_whatever_the_accept(taldau, accept):
    headers = {"Accept": accept} if accept else {}
    as_user(taldau, None)
    answer = taldau.post_json(IMPORT, BODY, headers=headers, status=401)
    assert answer.content_type == "application/json"
    assert answer.json["errors"][0]["type"] == "unauthorized"
    as_user(taldau, "aigerim")   # an executor of another unit: not hers to import
    answer = taldau.post_json(IMPORT, BODY, headers=headers, status=403)
    assert answer.content_type == "application/json"
    assert answer.json["errors"][0]["type"] == "forbidden"


def test_the_import_form_stays_a_page(taldau):
    as_user(taldau, None)
    page = taldau.get(f"{WAGES}/@@import", headers={"Accept": "text/html"}, status=302)
    assert "/login" in page.location


# -- finding 16: CORS on the public API ----------------------------------------------------
PUBLIC = ["/data/@tables", f"{WAGES}/@metadata", f"{WAGES}/@data",
          "/api/v2/tables", "/api/v2/tables/wages/data", "/api/v2/config"]


@pytest.mark.parametrize("url", PUBLIC)
def test_the_public_api_may_be_read_by_other_sites(taldau, url):
    as_user(taldau, None)
    answer = taldau.get(url, headers={"Origin": "https://news.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer.headers
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]
    # refusals too: the page of another site reads why
    refused = taldau.get(url, {"lang": "xx"}, status=(400, 200))
    assert refused.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", [f"{WAGES}/@data", "/api/v2/tables/wages/data"])
def test_the_preflight_of_a_json_post_is_approved(taldau, url):
    as_user(taldau, None)
    preflight = taldau.options(url, headers={
        "Origin": "https://news.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"}, status=204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "Content-Type"
    body = {"selection": []} if url.startswith("/api") else {"valuecodes": {"region": "KZ"}}
    posted = taldau.post_json(url, body, headers={"Origin": "https://news.example"})
    assert posted.headers["Access-Control-Allow-Origin"] == "*"


def test_pxweb_config_says_cors_is_enabled(taldau):
    features = taldau.get("/api/v2/config").json["features"]
    assert {"id": "CORS", "params": [{"key": "enabled", "value": "True"}]} in features


def test_no_cors_for_the_staff_or_with_credentials(taldau):
    as_user(taldau, "aigerim")  # credentials: a browser never shares this with a site
    assert "Access-Control-Allow-Origin" not in taldau.get(f"{WAGES}/@data").headers
    as_user(taldau, "admin")
    refused = taldau.post_json(IMPORT, {}, status=400)
    assert "Access-Control-Allow-Origin" not in refused.headers
    as_user(taldau, None)
    for url in (IMPORT, f"{WAGES}/@consistency", WAGES):
        answer = taldau.options(url, headers={"Access-Control-Request-Method": "POST"},
                                expect_errors=True)
        assert answer.status_int != 204
        assert "Access-Control-Allow-Origin" not in answer.headers
    assert "Access-Control-Allow-Origin" not in taldau.get(WAGES).headers


# -- finding 6: the org unit is the publishers' to change ------------------------------------
@pytest.fixture
def hers(app, testapp, demo):
    """An indicator of aigerim's unit (industry statistics): she is one of its executors."""
    from tests.helpers.taldau import REGIONS, dimension, make_indicator

    make_indicator(app, "/data/output", periodicity="annual", periods=(2025,),
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)],
                   values=[[1.0]] * len(REGIONS), unit="/orgunits/industry-statistics")
    return "/++api++/data/output"


@pytest.mark.parametrize("unit", ["/orgunits/labour-statistics", ""])
def test_an_executor_may_not_hand_the_indicator_to_another_unit(app, testapp, hers, unit):
    from statportal.testing import last_transaction

    as_user(testapp, "aigerim")
    before = last_transaction(app)
    errors = testapp.patch_json(hers, {"unit": unit, "notes": {"en": "Mine."}},
                                status=400).json["errors"]
    assert [e["field"] for e in errors] == ["unit"]
    assert last_transaction(app) == before
    assert testapp.get(hers).json["unit"] == "/orgunits/industry-statistics"
    # what a GET returned, sent back unchanged, and her other fields are hers to edit
    kept = testapp.patch_json(hers, {"unit": "/orgunits/industry-statistics",
                                     "notes": {"en": "Mine."}}).json
    assert kept["notes"]["en"] == "Mine."


def test_a_publisher_gives_the_indicator_to_another_unit(testapp, hers):
    as_user(testapp, "yerlan")
    moved = testapp.patch_json(hers, {"unit": "/orgunits/labour-statistics"}).json
    assert moved["unit"] == "/orgunits/labour-statistics"
    as_user(testapp, "aigerim")  # no longer hers
    testapp.patch_json(hers, {"notes": {"en": "Mine?"}}, status=403)


def test_the_executors_form_shows_the_unit_and_saves(app, testapp, hers):
    from statportal.testing import login_html

    as_user(testapp, None)
    login_html(testapp, "aigerim")
    html = {"Accept": "text/html"}
    form = testapp.get("/data/output/@@edit", headers=html).forms["edit-form"]
    assert [value for value, *_rest in form["unit"].options] == [
        "/orgunits/industry-statistics"]
    form.set("code", "OUTPUT_2", index=0)
    assert form.submit("submit", headers=html).status_int == 302
    assert testapp.get(hers).json["code"] == "OUTPUT_2"


# -- finding 11: the import's count of errors in its plural form -----------------------------
def test_one_error_is_one_error(taldau):
    as_user(taldau, "admin")
    answer = taldau.post_json(IMPORT, BODY, status=400).json  # a header and no row
    assert answer["errors_total"] == 1
    assert answer["message"] == "Nothing was imported: 1 error."


def test_the_import_page_counts_one_error(taldau):
    from webtest import Upload

    from statportal.testing import login_html

    as_user(taldau, None)
    login_html(taldau, "admin")
    form = taldau.get(f"{WAGES}/@@import", headers={"Accept": "text/html"}).forms[
        "taldau-import-form"]
    form["file"] = Upload("w.csv", b"region,sex,period,value,status\n")
    refused = form.submit(status=400)
    alert = refused.lxml.xpath("//section[@class='import-errors']//p[@role='alert']")
    assert [p.text_content().strip() for p in alert] == ["1 error."]
