"""Review 2, finding 7: an ``asOf`` at the edges of the calendar (year 1, year 9999 with
an offset that overflows) is refused naming ``asOf`` on @data and /api/v2, never a 500."""

import pytest

from tests.helpers.placement import as_user

WAGES_DATA = "/++api++/data/labour/wages/@data"
PXWEB_DATA = "/api/v2/tables/wages/data"
EDGES = ("9999-12-31T23:00:00-12:00", "0001-01-01", "0001-01-01T00:00:00+14:00",
         "9999-12-31", "1899-12-31T23:59:59+00:00", "2200-01-01")


@pytest.mark.parametrize("value", EDGES)
def test_native_api_refuses_naming_asof(taldau, value):
    as_user(taldau, None)
    body = taldau.get(WAGES_DATA, {"asOf": value}, status=400).json
    assert [error["field"] for error in body["errors"]] == ["asOf"]
    assert "1900" in body["errors"][0]["message"]


@pytest.mark.parametrize("value", EDGES[:3])
def test_pxweb_refuses_naming_asof(taldau, value):
    as_user(taldau, None)
    problem = taldau.get(PXWEB_DATA, {"asOf": value}, status=400).json
    assert problem["field"] == "asOf"


def test_a_moment_inside_the_years_still_reads(taldau):
    as_user(taldau, None)
    taldau.get(WAGES_DATA, {"asOf": "2199-12-31T23:00:00-12:00"}, status=200)
