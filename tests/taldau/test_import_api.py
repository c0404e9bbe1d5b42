"""``POST <indicator>/@import`` (issue 20, item 2 and its bad input): every row checked
before anything is stored; a refusal is a 400 naming the row and the column, and the
indicator keeps its vintages (the database is not even written)."""

import io

import numpy as np
import pytest

from statportal.taldau.periods import ordinal
from statportal.testing import last_transaction, open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import as_user, step
from tests.helpers.taldau import REGIONS, SEXES, make_wages_to_import, post_import, upload

PATH = "/data/wages"
URL = f"/++api++{PATH}/@import"
HEADER = "region,sex,period,value,status\n"


@pytest.fixture
def wages(app, demo):
    return make_wages_to_import(app, PATH)


def send(testapp, body, status, login="aigerim"):
    return post_import(testapp, PATH, body, status, login)


def vintages(app):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        return [(v.number, v.state, v.rows) for v in find_by_path(portal, PATH).vintages]


def stored(app, staff=True):
    """``{(region, sex, period): (value, status)}`` of the staff's cube."""
    from statportal.content.paths import find_by_path
    from statportal.taldau.cube import cube_of
    from statportal.taldau.periods import label

    with open_portal(app) as portal:
        cube = cube_of(app.registry, find_by_path(portal, PATH), staff=staff)
        (_r, regions), (_s, sexes) = cube.dims
        found = {}
        for index in zip(*np.nonzero(~np.isnan(cube.values) | (cube.status > 0)),
                         strict=True):
            i, j, k = (int(n) for n in index)
            found[(regions[i], sexes[j], label(cube.periods[k], "monthly"))] = (
                float(cube.values[i, j, k]), int(cube.status[i, j, k]))
        return found


GOOD = (HEADER + "KZ-AST,M,2026-01,1234.5,\n"
        "KZ-AST,F,2026-01,,X\n"
        "KZ-ALA,T,2026-02,7,p\n")


def test_a_csv_is_stored_as_a_vintage(app, testapp, wages, frozen):
    answer = send(testapp, upload(GOOD), 201).json
    assert answer["number"] == 1 and answer["state"] == "public" and answer["rows"] == 3
    assert answer["summary"]["confidential"] == 1 and answer["release"] == ""
    assert (answer["first_period"], answer["last_period"]) == ("2026-01", "2026-02")
    assert vintages(app) == [(1, "public", 3)]
    assert stored(app) == {("KZ-AST", "M", "2026-01"): (1234.5, 0),
                           ("KZ-AST", "F", "2026-01"): (pytest.approx(np.nan, nan_ok=True), 1),
                           ("KZ-ALA", "T", "2026-02"): (7.0, 3)}


BAD = {
    "unknown code": (HEADER + "KZ-AST,M,2026-01,1,\nKZ-XXX,M,2026-01,1,\n", 3, "region",
                     "KZ-XXX"),
    "unknown period": (HEADER + "KZ-AST,M,2026-13,1,\n", 2, "period", "2026-13"),
    "periodicity mismatch": (HEADER + "KZ-AST,M,2026-Q1,1,\n", 2, "period", "2026-Q1"),
    "duplicate rows": (HEADER + "KZ-AST,M,2026-01,1,\nKZ-ALA,M,2026-01,2,\n"
                       "KZ-AST,M,2026-01,3,\n", 2, "region, sex, period", "row 4"),
    "value with X": (HEADER + "KZ-AST,M,2026-01,12,X\n", 2, "value", "marked X"),
    "non-number": (HEADER + "KZ-AST,M,2026-01,12 %,\n", 2, "value", "12 %"),
    "empty value": (HEADER + "KZ-AST,M,2026-01,,\n", 2, "value", "empty"),
    "unknown column": ("region,sex,period,value,colour\nKZ-AST,M,2026-01,1,red\n", 1,
                       "colour", "colour"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_naming_row_and_column_and_nothing_is_stored(
        app, testapp, wages, frozen, case):
    text, row, column, words = BAD[case]
    send(testapp, upload(GOOD), 201)
    before, written = vintages(app), last_transaction(app)
    answer = send(testapp, upload(text), 400).json
    first = answer["errors"][0]
    assert (first["field"], first["row"], first["column"]) == ("file", row, column)
    assert words in first["message"] and first["type"] == "invalid"
    assert answer["errors_total"] == len(answer["errors"])
    if case == "duplicate rows":   # both rows are named, each naming the other
        assert [(e["row"], e["message"].endswith("row 2.")) for e in answer["errors"]] == [
            (2, False), (4, True)]
    assert vintages(app) == before and last_transaction(app) == written


def test_a_bad_period_is_told_in_the_askers_language(app, testapp, wages, frozen,
                                                    monkeypatch):
    """The period's errors are translation strings with their mapping, translated like the
    import's other errors (a stand-in Russian catalog for two of them)."""
    from pyramid.i18n import Localizer

    russian = {"${period}: there is no month ${month}.": "${period}: нет месяца ${month}.",
               "${period} is not a monthly period (like 2026-10).":
               "${period} — не месячный период (например, 2026-10)."}
    original = Localizer.translate

    def translate(self, message, *args, **kwargs):
        if self.locale_name == "ru" and message in russian:
            return type(message)(russian[message], mapping=message.mapping).interpolate()
        return original(self, message, *args, **kwargs)

    monkeypatch.setattr(Localizer, "translate", translate)
    testapp.set_cookie("_LOCALE_", "ru")
    answer = send(testapp, upload(HEADER + "KZ-AST,M,2026-13,1,\n"), 400).json
    assert answer["errors"][0]["message"] == "'2026-13': нет месяца 13."
    answer = send(testapp, upload(GOOD.replace("2026-02", "2026-01"), period="2026-Q2"),
                  400).json
    assert [(e["field"], e["message"]) for e in answer["errors"]] == [
        ("period", "'2026-Q2' — не месячный период (например, 2026-10).")]


def test_a_cancelled_release_is_refused_naming_release_with_the_files_errors(
        app, testapp, wages, frozen):
    as_user(testapp, "dana")
    entry = add_entry(testapp, section="/official-statistics/economy").json["@id"]
    entry = entry.replace("http://localhost/++api++", "")
    step(testapp, "dana", f"/++api++{entry}", "cancel", comment="The survey is suspended.")
    written = last_transaction(app)
    answer = send(testapp, upload(GOOD, release=entry), 400).json
    assert [(e["field"], e["type"]) for e in answer["errors"]] == [("release", "cancelled")]
    bad = send(testapp, upload(HEADER + "KZ-XXX,M,2026-01,1,\n", release=entry), 400).json
    assert [(e["field"], e.get("row")) for e in bad["errors"]] == [("release", None),
                                                                  ("file", 2)]
    assert vintages(app) == [] and last_transaction(app) == written


def test_a_release_keeps_the_vintage_embargoed(app, testapp, wages, frozen):
    as_user(testapp, "dana")
    entry = add_entry(testapp, section="/official-statistics/economy").json["@id"]
    entry = entry.replace("http://localhost/++api++", "")
    answer = send(testapp, upload(GOOD, release=entry), 201).json
    assert answer["state"] == "embargoed" and answer["release"] == entry
    assert stored(app) and vintages(app) == [(1, "embargoed", 3)]


def test_xlsx_cp1251_semicolons_and_the_period_parameter(app, testapp, wages, frozen):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["region", "sex", "period", "value", "status"])
    book.active.append(["KZ-AST", "M", "2026-03", 10.25, None])
    book.active.append(["KZ-AST", "F", "2026-03", None, "X"])
    stream = io.BytesIO()
    book.save(stream)
    assert send(testapp, upload(stream.getvalue(), "book.xlsx"), 201).json["rows"] == 2
    semicolons = "region;sex;value;status\nKZ;T;1 234,5;\nKZ-ALA;M;0,5;r\n".encode("cp1251")
    answer = send(testapp, upload(semicolons, period="2026-04"), 201).json
    assert answer["number"] == 2 and answer["first_period"] == "2026-04"
    cells = stored(app)
    assert cells[("KZ-AST", "M", "2026-03")] == (10.25, 0)
    assert cells[("KZ", "T", "2026-04")] == (1234.5, 0)
    assert cells[("KZ-ALA", "M", "2026-04")][0] == 0.5
    refused = send(testapp, upload(b"%PDF-1.7\n\x00\x01", "report.csv"), 400).json
    assert refused["errors"][0]["field"] == "file" and "report.csv" in \
        refused["errors"][0]["message"]
    bad_period = send(testapp, upload(semicolons, period="2026-Q2"), 400).json
    assert bad_period["errors"][0]["field"] == "period"


def test_the_protected_csv_of_the_confidentiality_check(app, testapp, wages, frozen):
    text = ("region,sex,shown,status\n"
            "KZ,T,414,published\nKZ-AST,M,X,primary\nKZ-AST,F,X,secondary\n"
            "KZ-ALA,M,37.5,published\n")
    answer = send(testapp, upload(text, "published.csv", period="2026-05"), 201).json
    assert answer["summary"]["confidential"] == 2
    cells = stored(app)
    assert cells[("KZ", "T", "2026-05")] == (414.0, 0)
    assert cells[("KZ-AST", "M", "2026-05")][1] == 1
    assert cells[("KZ-AST", "F", "2026-05")][1] == 2
    assert np.isnan(cells[("KZ-AST", "F", "2026-05")][0])
    public = stored(app, staff=False)
    assert all(np.isnan(v) for v, s in public.values() if s in (1, 2))


def test_a_realistic_file_with_thousands_of_cells_and_decimals(app, testapp, wages, frozen):
    rng = np.random.default_rng(20)
    months = [f"{y}-{m:02d}" for y in range(2006, 2026) for m in range(1, 13)]
    values = rng.integers(0, 10_000_000, size=(4, 3, len(months))) / 100
    lines = [HEADER.replace(",", ";")]
    for i, (region, _p, _l) in enumerate(REGIONS):
        for j, (sex, _p2, _l2) in enumerate(SEXES):
            for k, month in enumerate(months):
                confidential = (i + j + k) % 41 == 0
                shown = "" if confidential else f"{values[i, j, k]:,.2f}".replace(
                    ",", " ").replace(".", ",")
                lines.append(f"{region};{sex};{month};{shown};{'X' if confidential else ''}\n")
    answer = send(testapp, upload("".join(lines)), 201).json
    assert answer["rows"] == 4 * 3 * 240 and answer["decimals"] == 2
    cells = stored(app)
    k = months.index("2019-07")
    assert cells[("KZ-KAR", "F", "2019-07")][0] == pytest.approx(values[3, 2, k])
    confidential = [key for key, (_v, s) in cells.items() if s == 1]
    assert len(confidential) == answer["summary"]["confidential"] > 0
    assert ordinal("2025-12", "monthly") - ordinal("2006-01", "monthly") == 239


def test_only_those_who_may_import_and_never_by_a_form_post(app, testapp, wages, frozen):
    written = last_transaction(app)
    as_user(testapp, None)
    # no data yet: the indicator does not exist for the public (review 3), so 404, not 401
    testapp.post_json(URL, upload(GOOD), status=404)
    send(testapp, upload(GOOD), 403, login="zhanar")
    # a form-encoded body (what another site could make a browser send) needs the token
    as_user(testapp, "aigerim")
    assert "CSRF" in testapp.post(URL, {"file": "x"}, status=400).json["message"]
    assert vintages(app) == [] and last_transaction(app) == written


def test_the_bodies_of_an_import_are_limited_by_its_own_setting(app):
    from statportal.security.bodylimit import get_body_limits

    limits = get_body_limits(app.registry)
    limit = limits.governing("POST", "/data/economy/wages/@import")
    assert limit.name == "taldau-import"
    assert limit.signed_in_max_bytes > 100 * 1024 * 1024 * 4 // 3
    assert limits.governing("POST", "/data/economy/wages/@@import").name == "taldau-import"


def test_the_openapi_document_describes_the_import(app, testapp):
    document = testapp.get("/++api++/@openapi.json").json
    operation = document["paths"]["/{path}/@import"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "file"]
    error = document["components"]["schemas"]["Error"]["properties"]["errors"]["items"]
    assert {"row", "column"} <= set(error["properties"])
