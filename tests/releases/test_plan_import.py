"""Importing the work plan from .xlsx: all rows or none, errors by row and column, through
the API, the page and the command line."""

import base64
import io

import pytest
from openpyxl import Workbook

from statportal.testing import basic_auth, open_portal

HEADER = ["title_kk", "title_ru", "title_en", "unit", "executor", "executor_email",
          "category", "periodicity", "section", "planned_dates"]
GOOD = [
    ["Тұтыну бағаларының индексі", "Индекс потребительских цен", "Consumer price index",
     "05", "Әйгерім Сейітова", "aigerim@stat.example.kz", "latest_data", "monthly",
     "/official-statistics/economy/prices", None],
    ["Ауыл шаруашылығы санағы", "Сельскохозяйственная перепись", "Census of agriculture",
     "/orgunits/industry-statistics", "Әйгерім Сейітова", "aigerim@stat.example.kz",
     "compilation", "one_off", "/official-statistics/economy/agriculture", "12.10.2027"],
]


def workbook(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def post(testapp, data, year=2027, status=201, filename="plan-2027.xlsx"):
    testapp.authorization = basic_auth("dana")
    return testapp.post_json("/++api++/plan/@import", {
        "year": year, "file": {"filename": filename,
                               "data": base64.b64encode(data).decode()}}, status=status).json


def plan_items(app):
    with open_portal(app) as portal:
        return sum(len(year) for year in portal["plan"].values())


def test_a_good_plan_is_imported_with_dates(app, testapp, demo):
    result = post(testapp, workbook(GOOD))
    assert result["items_total"] == 2 and [i["row"] for i in result["items"]] == [2, 3]
    cpi = testapp.get(result["items"][0]["@id"]).json
    assert cpi["unit"] == "/orgunits/industry-statistics"       # found by its code "05"
    assert len(cpi["planned_dates"]) == 12 and cpi["planned_dates"][0] == "2027-01-15"
    census = testapp.get(result["items"][1]["@id"]).json
    assert census["planned_dates"] == ["2027-10-12"]


@pytest.mark.parametrize(("rows", "header", "expected"), [
    (GOOD, [h for h in HEADER if h != "section"], [(1, "section")]),
    ([GOOD[0][:3] + ["99", *GOOD[0][4:]]], HEADER, [(2, "unit")]),
    ([GOOD[0], GOOD[1][:-1] + ["2027-13-45"]], HEADER, [(3, "planned_dates")]),
    ([GOOD[0], GOOD[1][:-1] + [None]], HEADER, [(3, "planned_dates")]),
    ([GOOD[0][:5] + ["not-an-address", "gossip", *GOOD[0][7:]]], HEADER,
     [(2, "executor_email"), (2, "category")]),
    ([GOOD[0][:8] + ["/nowhere", None]], HEADER, [(2, "section")]),
])
def test_a_bad_row_rejects_the_whole_import(app, testapp, demo, rows, header, expected):
    result = post(testapp, workbook([*rows, GOOD[0]], header), status=400)
    assert [(e["location"]["row"], e["field"]) for e in result["errors"]] == expected
    assert plan_items(app) == 0


def test_a_file_that_is_not_xlsx(app, testapp, demo):
    result = post(testapp, b"title,unit\nx,y\n", filename="plan.xlsx", status=400)
    assert result["errors"][0]["field"] == "file"
    post(testapp, workbook(GOOD), filename="plan.csv", status=400)
    assert plan_items(app) == 0


def test_only_coordinators_import(testapp, demo):
    testapp.authorization = basic_auth("aigerim")
    testapp.post_json("/++api++/plan/@import", {"year": 2027, "file": {}}, status=403)


def test_the_page_reports_rows(app, testapp, demo):
    from statportal.testing import login_html

    login_html(testapp, "dana")
    page = testapp.get("/plan/@@import", headers={"Accept-Language": "en"})
    form = page.forms["plan-import-form"]
    form["year"] = "2027"
    form["file"] = ("plan.xlsx", workbook([GOOD[0][:3] + ["99", *GOOD[0][4:]]]))
    result = form.submit(status=400, headers={"Accept-Language": "en"})
    assert "Unknown unit 99." in result.text and "Nothing was imported" in result.text
    assert plan_items(app) == 0
    form = result.forms["plan-import-form"]
    form["file"] = ("plan.xlsx", workbook(GOOD))
    done = form.submit(headers={"Accept-Language": "en"})
    assert "Imported: <span>2</span> plan items" in done.text
    assert "Row <span>3</span>" in done.text


def test_the_command_line(app, tmp_path, capsys):
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, close_app
    from tests.helpers.embargo_probe import run

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    close_app(app)
    ini = tmp_path / "plan.ini"
    from statportal.testing import TEST_SECRET

    ini.write_text(f"[app:main]\nuse = egg:statportal\nzodbconn.uri = file://{tmp_path}/"
                   f"Data.fs?blobstorage_dir={tmp_path}/blobs\nstatportal.secret = "
                   f"{TEST_SECRET}\nstatportal.mail.deliver_in_process = false\n")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([GOOD[0][:3] + ["99", *GOOD[0][4:]]]))
    code, _out = run("plan-import", str(ini), str(bad), "--year", "2027")
    assert code == 2 and "row 2, column unit" in capsys.readouterr().err
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(GOOD))
    code, out = run("plan-import", str(ini), str(good), "--year", "2027", "--as", "dana")
    assert code == 0 and "2 plan items imported" in out
    assert "2/2 plan items" in capsys.readouterr().err


@pytest.mark.parametrize(("day", "title"), [
    ("2027-01-05", "Consumer price index"), (15.7, "Consumer price index"),
    ("inf", "Consumer price index"), (None, "x" * 501)])
def test_odd_cells_are_errors_of_their_row(app, testapp, demo, day, title):
    from datetime import datetime as moment

    header = [*HEADER, "release_day"]
    value = moment(2027, 1, 5) if day == "2027-01-05" else day
    row = [GOOD[0][0], GOOD[0][1], title, *GOOD[0][3:], value]
    result = post(testapp, workbook([row], header), status=400)
    fields = {e["field"] for e in result["errors"]}
    assert fields == ({"release_day"} if day else {"title_ru"})
    assert plan_items(app) == 0
