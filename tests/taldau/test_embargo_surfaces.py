"""Before its release, an import bound to it is the staff's only — on every public surface:
values, ``updated``, metadata, listings and their search, the page, each export, PxWeb's
``/api/v2`` — and a new indicator whose only data wait is 404; after the worker's pass the
public reads the new numbers, ``updated`` moves, and ``asOf`` before the release still reads
the old ones (issue 20, item 3; frozen clock)."""

import base64
import csv
import io
from datetime import timedelta

import pytest

from statportal.releases.worker import run_pass
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo import RELEASE
from tests.helpers.placement import as_user
from tests.helpers.taldau import LONG_AGO, REGIONS, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])
NEW = ("region,period,value\nKZ,2024,10\nKZ,2025,25\nKZ,2026,30\n"
       "KZ-AST,2024,11\nKZ-AST,2025,21\nKZ-AST,2026,31\n")
OLD_NUMBERS = {("KZ", "2024"): "10", ("KZ", "2025"): "20", ("KZ-AST", "2024"): "11",
               ("KZ-AST", "2025"): "21"}
NEW_NUMBERS = {**OLD_NUMBERS, ("KZ", "2025"): "25", ("KZ", "2026"): "30",
               ("KZ-AST", "2026"): "31"}
BIRTHS = "/data/births"
BIRTHS_URLS = (BIRTHS, f"{BIRTHS}/@metadata", f"{BIRTHS}/@data",
               f"{BIRTHS}/@data?outputFormat=csv", "/api/v2/tables/births",
               "/api/v2/tables/births/metadata", "/api/v2/tables/births/data")


def numbers(response):
    """``{(region, period): value}`` of a long CSV answer."""
    rows = csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")))
    return {(row["region"], row["period"]): row["value"].removesuffix(".0") for row in rows}


def iso(moment):
    return moment.isoformat()


@pytest.fixture
def bound(app, testapp, demo, frozen):
    """``/data/wages`` public (2024-2025) with a revision and 2026 imported for the
    release of 14 December; ``/data/births`` with only data for it."""
    release = add_entry(testapp, section="/official-statistics/economy").json["@id"].replace(
        "http://localhost/++api++", "")
    for path, values, periods in (("/data/wages", [[10, 20], [11, 21]], [2024, 2025]),
                                  (BIRTHS, None, ())):
        make_indicator(app, path, dimensions=[REGION], values=values, periods=periods,
                       unit="/orgunits/industry-statistics",
                       section="/official-statistics/economy")
    as_user(testapp, "aigerim")
    for path, text in (("/data/wages", NEW), (BIRTHS, "region,period,value\nKZ,2025,7\n")):
        body = {"file": {"filename": "new.csv", "data": base64.b64encode(text.encode()).decode()},
                "release": release}
        testapp.post_json(f"/++api++{path}/@import", body, status=201)
    as_user(testapp, None)
    return release


def public_view(testapp, **params):
    """What an anonymous client reads of ``/data/wages`` on every surface."""
    as_user(testapp, None)
    stat = testapp.get("/data/wages/@data", params).json
    tables = {t["id"]: t for t in testapp.get("/data/@tables").json["items"]}
    v2 = {t["id"]: t for t in testapp.get("/api/v2/tables").json["tables"]}
    page = testapp.get("/data/wages", {"lang": "en"})
    return {
        "csv": numbers(testapp.get("/data/wages/@data", {**params, "outputFormat": "csv"})),
        "v2_csv": numbers(testapp.get("/api/v2/tables/wages/data",
                                      {**params, "outputFormat": "csv"})),
        "periods": list(stat["dimension"]["period"]["category"]["index"]),
        "updated": stat["updated"],
        "metadata_updated": testapp.get("/data/wages/@metadata").json["updated"],
        "tables_updated": tables["wages"]["updated"],
        "v2_updated": v2["wages"]["updated"],
        "v2_table_updated": testapp.get("/api/v2/tables/wages").json["updated"],
        "listed": sorted(tables), "v2_listed": sorted(v2),
        "found": [t["id"] for t in testapp.get("/data/@tables", {"query": "births"}).json[
            "items"]],
        "page_2026": "2026" in " ".join(th.get_text() for th in page.html.find_all("th")),
        "births": [testapp.get(url, status="*").status_int for url in BIRTHS_URLS],
    }


def test_before_the_release_the_public_reads_the_previous_vintage(app, testapp, bound,
                                                                  frozen):
    seen = public_view(testapp)
    assert seen["csv"] == seen["v2_csv"] == OLD_NUMBERS
    assert seen["periods"] == ["2024", "2025"]
    old = iso(LONG_AGO)
    assert {seen[k][:19] for k in ("updated", "metadata_updated", "tables_updated",
                                   "v2_updated", "v2_table_updated")} == {old[:19]}
    assert seen["listed"] == seen["v2_listed"] == ["wages"] and seen["found"] == []
    assert seen["page_2026"] is False
    assert seen["births"] == [404] * len(BIRTHS_URLS)
    # the staff read the new vintage
    as_user(testapp, "aigerim")
    assert numbers(testapp.get("/data/wages/@data", {"outputFormat": "csv"})) == NEW_NUMBERS
    assert testapp.get(BIRTHS).status_int == 200
    # one second before its time, the worker publishes nothing
    frozen.set(RELEASE - timedelta(seconds=1))
    run_pass(app.registry)
    assert public_view(testapp) == seen


def test_after_the_workers_pass_the_public_reads_the_new_numbers(app, testapp, bound,
                                                                 frozen):
    frozen.set(RELEASE + timedelta(seconds=20))
    assert run_pass(app.registry).data_released == [bound]
    seen = public_view(testapp)
    assert seen["csv"] == seen["v2_csv"] == NEW_NUMBERS
    assert seen["periods"] == ["2024", "2025", "2026"]
    moved = iso(RELEASE + timedelta(seconds=20))[:19]
    assert {seen[k][:19] for k in ("updated", "metadata_updated", "tables_updated",
                                   "v2_updated", "v2_table_updated")} == {moved}
    assert seen["listed"] == ["births", "wages"] and seen["found"] == ["births"]
    assert seen["page_2026"] is True
    assert seen["births"] == [200] * len(BIRTHS_URLS)
    # asOf before the release still reads what was public then
    before = iso(RELEASE - timedelta(days=1))
    then = public_view(testapp, asOf=before)
    assert then["csv"] == then["v2_csv"] == OLD_NUMBERS and then["periods"] == ["2024", "2025"]
