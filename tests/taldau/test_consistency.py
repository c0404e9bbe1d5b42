"""The reliability check (issue 20, item 6; art. 10.2): a material's table compared with
the indicator's data, cell by cell by dimension codes and period; X only equal to X."""

import numpy as np
import pytest

from tests.helpers.materials import add as add_material
from tests.helpers.materials import as_user, publish, upload
from tests.helpers.taldau import REGIONS, dimension, make_indicator

PATH = "/data/wages"
URL = f"{PATH}/@consistency"
REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])


def xlsx(rows):
    """A workbook of one sheet in the indicator's long form (materials take .xlsx, not CSV)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["region", "period", "value"])
    for row in rows:
        sheet.append(list(row))
    sheet.append(["X – data are confidential"])   # the footnote a published X needs
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The indicator: 2024: KZ 10, KZ-AST 11; 2025: KZ 20, KZ-AST confidential (X)
TABLE = xlsx([("KZ", "2024", 10),          # equal
              ("KZ", "2025", 20.04),       # differs: the material writes 2 decimals
              ("KZ-AST", "2024", 12),      # differs (11)
              ("KZ-AST", "2025", "X"),     # X and X: equal, never compared by number
              ("KZ", "2023", 5)])          # the indicator has no such cell


@pytest.fixture
def indicator(app, demo):
    make_indicator(app, PATH, dimensions=[REGION], values=[[10, 20], [11, np.nan]],
                   status=[[0, 0], [0, 1]], periods=[2024, 2025],
                   section="/official-statistics/economy/industry",
                   unit="/orgunits/industry-statistics")
    return PATH


@pytest.fixture
def material(app, testapp, indicator):
    url = add_material(testapp, files=[upload("wages_long.xlsx", TABLE, "en")])
    publish(testapp, url)
    return url


def test_differences_are_listed_by_cell(testapp, material):
    as_user(testapp, "aigerim")     # an executor of the indicator's unit
    body = testapp.get(URL, {"material": material}).json
    assert body["file"] == "wages_long.xlsx" and body["cube"] == "public"
    assert (body["compared"], body["equal"], body["differences_total"]) == (5, 2, 3)
    assert body["differences"] == [
        {"cell": {"region": "KZ", "period": "2025"}, "material": 20.04, "indicator": 20.0},
        {"cell": {"region": "KZ-AST", "period": "2024"}, "material": 12.0, "indicator": 11.0},
        {"cell": {"region": "KZ", "period": "2023"}, "material": 5.0, "indicator": None}]


def test_numbers_agree_to_the_decimals_the_material_writes(testapp, indicator):
    table = xlsx([("KZ", "2024", 10), ("KZ-AST", "2025", "X"), ("KZ-AST", "2024", 7)])
    url = add_material(testapp, files=[upload("wages_long.xlsx", table, "en")])
    publish(testapp, url)
    as_user(testapp, "aigerim")
    body = testapp.get(URL, {"material": url}).json
    # written without decimals, 10 is 10 and X is X; 7 is not 11
    assert body["differences"] == [
        {"cell": {"region": "KZ-AST", "period": "2024"}, "material": 7.0, "indicator": 11.0}]
    assert body["equal"] == 2


def test_refusals_name_the_material(testapp, material):
    as_user(testapp, "aigerim")
    for asked, kind in (("", "required"), ("/no/such/material", "not_found"),
                        ("/official-statistics", "not_a_material")):
        body = testapp.get(URL, {"material": asked}, status=400).json
        assert [(e["field"], e["type"]) for e in body["errors"]] == [("material", kind)]
    # a material whose files are not the indicator's long table
    other = add_material(testapp)
    body = testapp.get(URL, {"material": other}, status=400).json
    assert body["errors"][0]["field"] == "material"
    assert "region" in body["errors"][0]["message"]


def test_only_those_who_edit_the_indicator(testapp, material):
    as_user(testapp, None)
    asked = testapp.get(URL, {"material": material}, headers={"Accept": "application/json"},
                        status="*")
    assert asked.status_int in (401, 403) and "differences" not in asked.text
    page = testapp.get(f"{PATH}/@@consistency", {"material": material}, status="*")
    assert page.status_int == 302 and "/login" in page.location    # sign in first
    as_user(testapp, "serik")       # support staff: not the indicator's
    assert testapp.get(URL, {"material": material}, status="*").status_int == 403


def test_the_staff_page(testapp, material):
    as_user(testapp, "aigerim")
    links = [a["href"] for a in testapp.get(PATH, headers={"Accept": "text/html"}).html.select(
        ".staff-links a")]
    assert any(link.endswith("/wages/@@consistency") for link in links)   # linked for her
    page = testapp.get(f"{PATH}/@@consistency")
    assert page.html.find("input", {"name": "material"}) is not None
    page = testapp.get(f"{PATH}/@@consistency", {"material": material})
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in page.html.find("table").find("tbody").find_all("tr")]
    assert len(rows) == 3 and rows[1][:2] == ["KZ-AST", "2024"]
    assert rows[2][:2] == ["KZ", "2023"] and rows[2][2].startswith("5")
    bad = testapp.get(f"{PATH}/@@consistency", {"material": "/official-statistics"},
                      status=400)
    assert bad.html.find(attrs={"role": "alert"}) is not None
