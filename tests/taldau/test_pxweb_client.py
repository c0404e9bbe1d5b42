"""A real PxWeb API 2.0 client reads ``/api/v2`` over HTTP: pxwebpy (PxTools' API 2.0 as
SCB and SSB serve it), unchanged, against the app served by waitress on 127.0.0.1.

pxwebpy asks ``/config`` (and refuses a server without apiVersion 2.0.0, maxDataCells and
the rate limit), counts ``/tables``, reads a table's variables from its metadata, expands
wildcards from them, POSTs ``{"selection": [...]}`` for ``json-stat2``, splits a query
over ``maxDataCells`` into several, and flattens JSON-stat 2.0 itself: the numbers it gets
are the indicator's, the confidential cell None."""

import threading

import pytest
from pxweb import PxApi

from statportal.taldau.periods import label
from tests.helpers.taldau import REGIONS, SEXES
from tests.helpers.taldau_pxweb import MONTHS, pxweb_app, wages_values


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    import waitress.server

    # maxDataCells 40 < the 48 cells of the whole table: the client must split its query
    with pxweb_app(tmp_path_factory.mktemp("pxwebpy"), **{
            "statportal.data.requests_per_minute": "100000",
            "statportal.data.max_cells": "40"}) as app:
        server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=2)
        thread = threading.Thread(target=server.run, daemon=True, name="pxwebpy-server")
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.effective_port}/api/v2"
        finally:
            server.close()
            thread.join(timeout=5)


def expected_rows():
    values, status = wages_values()
    rows = {}
    for i, (region, _p, _l) in enumerate(REGIONS):
        for j, (sex, _p2, _l2) in enumerate(SEXES):
            for k, month in enumerate(MONTHS):
                value = None if status[i, j, k] == 1 else round(values[i, j, k], 1)
                rows[(region, sex, label(month, "monthly"))] = value
    return rows


def test_pxwebpy_reads_the_whole_table_in_two_queries(url):
    api = PxApi(url, language="en", disable_cache=True, max_workers=1)
    assert api.get_config()["apiVersion"] == "2.0.0"
    assert api.number_of_tables >= 2
    [found] = api.search(query="wages")["tables"]
    assert found["id"] == "wages"
    variables = api.get_table_variables("wages")
    assert list(variables) == ["region", "sex", "ContentsCode", "period"]
    assert variables["sex"]["category"]["label"] == {"T": "Total", "M": "Men", "F": "Women"}

    calls = []
    call = api._client.call
    api._client.call = lambda endpoint, **kw: calls.append((endpoint, kw)) or call(
        endpoint, **kw)
    rows = api.get_table_data_all("wages", show="code")
    assert [endpoint for endpoint, kw in calls if kw.get("query")] == \
        ["/tables/wages/data"] * 2
    assert len(rows) == 48
    got = {(row["Region"], row["Sex"], row["Period"]): row["value"] for row in rows}
    assert got == expected_rows()
    assert got[("KZ-ALA", "F", "2026-03")] is None        # X: never the number


def test_pxwebpy_selects_with_wildcards_and_labels(url):
    api = PxApi(url, language="ru", disable_cache=True, max_workers=1)
    rows = api.get_table_data("wages", value_codes={
        "region": ["KZ-A*"], "sex": "T", "period": ["2026-0*"]}, show="code_value")
    assert {row["Регион"] for row in rows} == {"KZ-AST: Астана", "KZ-ALA: Алматы"}
    assert len(rows) == 2 * 4
    expected = expected_rows()
    assert [row["value"] for row in rows] == [
        expected[(region, "T", label(month, "monthly"))]
        for region in ("KZ-AST", "KZ-ALA") for month in MONTHS]
