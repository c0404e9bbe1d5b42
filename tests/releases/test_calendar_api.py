"""The release calendar through the JSON API and its pages: creating entries, moving and
cancelling them by the rules, the public log, listings, filters and the iCalendar feed."""

from datetime import UTC, datetime

import icalendar
import pytest

from statportal.testing import open_portal
from tests.helpers.calendar import CAL, add, entry_payload
from tests.helpers.clock import NOW
from tests.helpers.placement import as_user

# Tuesday 1 December 2026, 09:00 in Almaty.


def test_coordinator_creates_entries_in_the_year_folder(testapp, demo, frozen):
    created = add(testapp).json
    assert created["@id"].startswith("http://localhost/++api++/calendar/2026/")
    assert created["status"] == "confirmed" and created["shown_status"] == "confirmed"
    assert created["release_at"] == "2026-12-14T05:00:00+00:00"
    month = add(testapp, status="provisional", release_at="2027-03",
                title={"en": "Labour force survey, Q4 2026"}).json
    assert month["@id"].startswith("http://localhost/++api++/calendar/2027/")
    assert month["release_at"] == "2027-03" and month["exact"] is False


@pytest.mark.parametrize(("login", "status"), [("aigerim", 403), ("yerlan", 403), (None, 401)])
def test_only_coordinators_add(testapp, demo, frozen, login, status):
    as_user(testapp, login)
    testapp.post_json(CAL, entry_payload(), status=status)


@pytest.mark.parametrize(("changes", "field"), [
    ({"release_at": "2026-11-30T10:00:00+05:00"}, "release_at"),
    ({"release_at": "2026-12-13T10:00:00+05:00"}, "release_at"),     # a Sunday
    ({"release_at": "2026-12-14T10:00:00"}, "release_at"),           # no offset
    ({"release_at": "2027-03"}, "release_at"),                       # confirmed needs a time
    ({"status": "published"}, "status"),
    ({"section": "/nowhere"}, "section"),
    ({"category": "gossip"}, "category"),
    ({"plan_item": "/plan/2026/nothing"}, "plan_item"),
])
def test_bad_entries_are_refused_and_nothing_is_stored(app, testapp, demo, frozen, changes,
                                                       field):
    response = add(testapp, expect=400, **changes)
    assert field in {e["field"] for e in response.json["errors"]}
    with open_portal(app) as portal:
        assert len(portal["calendar"]) == 0


def test_a_non_working_day_after_confirmation_is_noted(testapp, demo, frozen):
    created = add(testapp, release_at="2026-12-16T10:00:00+05:00",   # Independence Day
                  non_working_confirmed=True).json
    assert created["notes"] == ["released on a non-working day (2026-12-16), confirmed"]


def test_postponing_needs_a_reason_and_is_logged_publicly(testapp, demo, frozen):
    url = add(testapp).json["@id"].replace("http://localhost", "")
    response = testapp.patch_json(url, {"release_at": "2026-12-15T10:00:00+05:00"}, status=400)
    assert response.json["errors"][0]["field"] == "reason"
    moved = testapp.patch_json(url, {"release_at": "2026-12-15T10:00:00+05:00",
                                     "reason": "Late survey returns from two regions"}).json
    assert moved["shown_status"] == "postponed"
    assert moved["changes"] == [{"previous": "2026-12-14T05:00:00+00:00",
                                 "new": "2026-12-15T05:00:00+00:00",
                                 "reason": "Late survey returns from two regions",
                                 "at": NOW.isoformat(), "by": "dana"}]
    public = as_user(testapp, None).get(url).json
    assert public["changes"][0]["reason"] == "Late survey returns from two regions"
    assert "by" not in public["changes"][0] and "bundle" not in public
    # The log is not written by clients.
    as_user(testapp, "dana").patch_json(url, {"changes": []})
    assert testapp.get(url).json["changes"] == moved["changes"]


def test_provisional_moves_freely_then_is_confirmed(testapp, demo, frozen):
    url = add(testapp, status="provisional", release_at="2027-02").json["@id"].replace(
        "http://localhost", "")
    testapp.patch_json(url, {"release_at": "2027-03"})
    confirmed = testapp.patch_json(url, {"status": "confirmed",
                                         "release_at": "2027-03-12T10:00:00+05:00"}).json
    assert confirmed["status"] == "confirmed" and confirmed["changes"] == []


def test_cancelling_needs_a_notice(app, testapp, demo, frozen):
    url = add(testapp).json["@id"].replace("http://localhost", "")
    response = testapp.patch_json(url, {"status": "cancelled"}, status=400)
    assert response.json["errors"][0]["field"] == "cancel_notice"
    cancelled = testapp.patch_json(url, {"status": "cancelled", "cancel_notice": {
        "en": "Merged into the quarterly bulletin."}}).json
    assert cancelled["shown_status"] == "cancelled"
    assert cancelled["changes"][-1]["new"] is None
    testapp.patch_json(url, {"release_at": "2026-12-18T10:00:00+05:00", "reason": "x"},
                       status=409)


def test_listings_filters_and_the_feed(testapp, demo, frozen):
    add(testapp)
    add(testapp, title={"en": "Industrial production, November 2026"},
        release_at="2026-12-15T10:00:00+05:00", category="express_information",
        section="/official-statistics/economy/industry")
    add(testapp, status="provisional", release_at="2027-01/2027-02",
        title={"en": "Census of agriculture"},
        section="/official-statistics/social/population")
    as_user(testapp, None)
    upcoming = testapp.get(CAL + "/@releases").json
    assert [i["title"]["en"] for i in upcoming["items"]] == [
        "Consumer price index, November 2026", "Industrial production, November 2026",
        "Census of agriculture"]
    only = testapp.get(CAL + "/@releases?category=express_information").json
    assert [i["category"] for i in only["items"]] == ["express_information"]
    economy = testapp.get(CAL + "/@releases?section=/official-statistics/economy").json
    assert economy["items_total"] == 2
    bad = testapp.get(CAL + "/@releases?view=later", status=400).json
    assert bad["errors"][0]["field"] == "view"
    page = testapp.get("/calendar?by=month", headers={"Accept-Language": "en"})
    assert "December 2026" in page and "Census of agriculture" in page
    feed = testapp.get("/calendar/@ical?lang=en")
    assert feed.content_type == "text/calendar"
    parsed = icalendar.Calendar.from_ical(feed.body)
    events = {str(e["summary"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {"Consumer price index, November 2026",
                           "Industrial production, November 2026", "Census of agriculture"}
    assert str(events["Census of agriculture"]["status"]) == "TENTATIVE"
    assert events["Consumer price index, November 2026"].decoded("dtstart") == datetime(
        2026, 12, 14, 5, 0, tzinfo=UTC)
    industry = icalendar.Calendar.from_ical(testapp.get(
        "/calendar/@ical?section=/official-statistics/economy/industry&lang=kk").body)
    assert len(list(industry.walk("VEVENT"))) == 1
    testapp.get("/calendar/@ical?lang=fr", status=400)


def test_demo_calendar_has_every_kind_of_release(app, testapp):
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    as_user(testapp, None)
    shown = {}
    for view in ("upcoming", "past", "cancelled"):
        for item in testapp.get(f"{CAL}/@releases?view={view}").json["items"]:
            shown[item["title"]["en"]] = item["shown_status"]
    assert sorted(set(shown.values())) == ["cancelled", "confirmed", "postponed",
                                           "provisional", "published"]
    page = testapp.get("/calendar", headers={"Accept-Language": "kk"})
    assert "Тұтыну бағаларының индексі" in page.text and "Бөлшек сауда" in page.text
    for view, text in (("past", "Жалпы ішкі өнім"), ("cancelled", "Жылдық жинаққа")):
        assert text in testapp.get(f"/calendar?view={view}",
                                   headers={"Accept-Language": "kk"}).text
    feed = icalendar.Calendar.from_ical(testapp.get("/calendar/@ical?lang=en").body)
    statuses = {str(e["summary"]): str(e["x-statportal-status"]) for e in feed.walk("VEVENT")}
    assert statuses == shown
    as_user(testapp, "dana")
    assert len(testapp.get("/++api++/plan").json["items"]) == 1


def test_entry_page_shows_the_public_log(testapp, demo, frozen):
    url = add(testapp).json["@id"].replace("http://localhost/++api++", "")
    testapp.patch_json(f"/++api++{url}", {"release_at": "2026-12-15T10:00:00+05:00",
                                          "reason": "Late survey returns"})
    as_user(testapp, None)
    page = testapp.get(url, headers={"Accept-Language": "en"})
    assert "Changes to this release" in page.text and "Late survey returns" in page.text
    assert "Postponed" in page.text and "Materials waiting" not in page.text
