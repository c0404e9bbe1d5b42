"""The Manager's working-calendar exceptions: stored, used by deadlines, refused when wrong."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from statportal.testing import basic_auth, last_transaction, login_html, open_portal

URL = "/++api++/@working-calendar"


def test_manager_sets_and_clears_days(app, testapp, demo):
    testapp.authorization = basic_auth("admin")
    data = testapp.post_json(URL, {"date": "2026-12-31", "kind": "off",
                                   "note": "Government decree"}).json
    assert data["exceptions"][0]["date"] == "2026-12-31"
    assert data["exceptions"][0]["by"] == "admin"
    testapp.post_json(URL, {"date": "2026-12-26", "kind": "working", "note": "transferred"})
    holidays = testapp.get(f"{URL}?year=2026").json["holidays"]
    assert {"date": "2026-03-23", "name": "Nowruz Holiday", "working": False} in holidays
    with open_portal(app) as portal:
        from pyramid.testing import DummyRequest

        from statportal.schedule.exceptions import work_calendar

        request = DummyRequest()
        request._statportal_portal = portal
        calendar = work_calendar(request)
        assert not calendar.is_working_day(date(2026, 12, 31))
        assert calendar.is_working_day(date(2026, 12, 26))
        friday_evening = datetime(2026, 12, 25, 19, 0, tzinfo=ZoneInfo("Asia/Almaty"))
        assert calendar.placement_deadline(friday_evening).date() == date(2026, 12, 26)
    testapp.post_json(URL, {"date": "2026-12-31", "kind": None})
    assert [e["date"] for e in testapp.get(URL).json["exceptions"]] == ["2026-12-26"]


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"date": "31.12.2026", "kind": "off"}, 400, "date"),
    ({"date": "2026-12-31", "kind": "holiday"}, 400, "kind"),
    ({"date": "2026-12-31", "kind": "off", "note": "x" * 201}, 400, "note"),
    ({"date": "2026-12-30", "kind": None}, 404, "date"),
    ({"date": "2026-12-31", "kind": "off", "colour": "red"}, 400, None),
])
def test_bad_input_stores_nothing(app, testapp, demo, payload, status, field):
    testapp.authorization = basic_auth("admin")
    before = last_transaction(app)
    response = testapp.post_json(URL, payload, status=status)
    assert response.json["errors"][0]["field"] == field
    assert last_transaction(app) == before


def test_only_manager_changes_it(testapp, demo):
    testapp.authorization = basic_auth("dana")
    assert testapp.get(URL).json["exceptions"] == []
    testapp.post_json(URL, {"date": "2026-12-31", "kind": "off"}, status=403)


def test_page_in_kazakh(testapp, demo):
    login_html(testapp, "admin")
    testapp.set_cookie("_LOCALE_", "kk")
    page = testapp.get("/@@working-calendar", headers={"Accept": "text/html"})
    assert "Наурыз мейрамы" in page.text
    form = page.forms["working-calendar-form"]
    form["date"] = "2026-12-31"
    form["kind"] = "off"
    form["note"] = "Үкімет қаулысы"
    page = form.submit().follow()
    assert "31 желтоқсан 2026" in page.text and "Үкімет қаулысы" in page.text
    remove = next(f for f in page.forms.values() if "clear" in f.fields)
    page = remove.submit("clear").follow()
    assert "Үкімет қаулысы" not in page.text


def test_working_calendar_year_checked(testapp, demo):
    testapp.authorization = basic_auth("admin")
    for year in ("0", "9999", "100000", "x"):
        testapp.get(f"/++api++/@working-calendar?year={year}", status=400)
