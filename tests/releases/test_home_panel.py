"""The home page's next releases (issue 18 item 5): the next five upcoming entries of the
calendar, soonest first, their time in the ``statportal.timezone`` setting, and a link to
the calendar; registered by the releases as a home panel (the materials, whose page the
home page is, import no other feature)."""

import pytest

from statportal.testing import make_settings
from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import as_user

EN = {"Accept-Language": "en"}


def panel(testapp, lang="en"):
    as_user(testapp, None)
    home = testapp.get("/", headers={"Accept-Language": lang})
    return home.html.select_one("section.next-releases")


def titled(n):
    return {"kk": f"Шығарылым {n}", "ru": f"Выпуск {n}", "en": f"Release {n}"}


def test_the_next_five_upcoming_soonest_first(testapp, frozen, demo):
    for n, day in enumerate((21, 3, 18, 2, 10, 22)):
        add_entry(testapp, title=titled(n), release_at=f"2026-12-{day:02d}T10:00:00+05:00")
    cancelled = add_entry(testapp, title=titled("cancelled"),
                          release_at="2026-12-01T15:00:00+05:00").json["@id"]
    as_user(testapp, "dana").patch_json(cancelled, {"status": "cancelled", "cancel_notice": {
        "en": "Merged", "kk": "Біріктірілді", "ru": "Объединено"}})
    upcoming = testapp.get("/++api++/calendar/@releases?view=upcoming&b_size=5").json["items"]
    found = panel(testapp)
    assert found.select_one("h2").text.strip() == "Next releases"
    titles = [a.text.strip() for a in found.select("ul a")]
    assert len(titles) == 5
    assert titles == [item["title"]["en"] for item in upcoming]
    assert "Release cancelled" not in found.text
    assert titles.index("Release 3") < titles.index("Release 1")  # 2 December, then the 3rd
    assert "Release 5" not in titles  # 22 December: the sixth
    assert found.select_one("a.more")["href"] == "http://localhost/calendar/"
    assert found.select_one("a.more").text.strip() == "The release calendar"


def test_times_in_almaty_by_default(testapp, frozen, demo):
    add_entry(testapp, title=titled("soon"), release_at="2026-12-01T15:30:00+05:00")
    first = panel(testapp).select_one("ul li")
    assert "Release soon" in first.text and "15:30" in first.select_one("time").text
    assert first.select_one("time")["datetime"] == "2026-12-01T10:30:00+00:00"
    assert "15:30" in panel(testapp, "ru").select_one("ul li time").text


def test_a_provisional_range_of_months(testapp, frozen, demo):
    add_entry(testapp, title=titled("later"), release_at="2027-03/2027-05",
              status="provisional")
    item = panel(testapp).select_one("ul li")
    assert item.select_one("time")["datetime"] == "2027-03"  # a valid month
    assert "2027" in item.select_one("time").text and "Provisional" in item.text


class TestInAnotherTimezone:
    @pytest.fixture
    def app_settings(self, tmp_path):
        return make_settings(tmp_path, **{"statportal.timezone": "Europe/Moscow"})

    def test_times_follow_the_setting(self, testapp, frozen, demo):
        add_entry(testapp, title=titled("soon"), release_at="2026-12-01T15:30:00+05:00")
        first = panel(testapp).select_one("ul li")
        assert "Release soon" in first.text and "13:30" in first.select_one("time").text


def test_only_entries_the_visitor_may_view(app, testapp, frozen, demo):
    """The calendar is public; an entry it may not view (an explicit ACL) is not named."""
    from pyramid.authorization import DENY_ALL

    from statportal.content.paths import find_by_path
    from statportal.testing import open_portal

    add_entry(testapp, title=titled("shown"), release_at="2026-12-03T10:00:00+05:00")
    hidden = add_entry(testapp, title=titled("hidden"),
                       release_at="2026-12-02T10:00:00+05:00").json["@id"]
    with open_portal(app) as portal:
        find_by_path(portal, hidden.split("/++api++", 1)[1]).__acl__ = [DENY_ALL]
    titles = [a.text.strip() for a in panel(testapp).select("ul a")]
    assert titles == ["Release shown"]


def test_an_empty_calendar_says_so(testapp):
    found = panel(testapp)
    assert "No releases are announced yet." in found.text
    assert found.select_one("a.more")["href"] == "http://localhost/calendar/"


def test_the_panel_is_registered_not_imported(app):
    from statportal.interfaces import IHomePanels

    panels = app.registry.getUtility(IHomePanels).ordered()
    assert [p.name for p in panels] == ["next_releases"]
    assert panels[0].panel.__module__ == "statportal.releases.home"


def test_permission_asked_until_five_are_shown(app, testapp, frozen, demo):
    """The catalog hands the panel four times what it shows; the panel asks the permission
    of the entries in order and stops at the fifth shown (a calendar has hundreds to come):
    one it may not view is skipped and the next one shown instead."""
    from statportal.releases.catalog import get_release_catalog
    from statportal.releases.home import upcoming
    from statportal.releases.listing import VIEWS
    from statportal.testing import open_portal

    for n, day in enumerate((2, 3, 4, 7, 8, 9, 10, 11)):  # working days
        add_entry(testapp, title=titled(n), release_at=f"2026-12-{day:02d}T10:00:00+05:00")
    with open_portal(app) as portal:
        ordered, total = get_release_catalog(portal).query(statuses=VIEWS["upcoming"], size=20)
        assert total >= 8 and len(ordered) >= 8
        hidden = ordered[2]
        asked = []

        class Visitor:
            def has_permission(self, permission, context):
                asked.append(context)
                return context is not hidden

        shown = upcoming(Visitor(), portal)
    assert shown == [entry for entry in ordered if entry is not hidden][:5]
    assert asked == ordered[:6]  # five shown, one skipped; none after the fifth shown
