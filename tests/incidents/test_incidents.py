"""Portal incidents (art. 17–18) with the controlled clock: Support told at once, the
public notice only after 24 hours unresolved, on every public page, gone when resolved;
a manual escalation needs the cause and the restoration time."""


import pytest

from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from tests.helpers.mail import deliver
from tests.helpers.placement import as_user
from tests.helpers.smtp import mail_settings

PAGES = ("/", "/calendar", "/official-statistics/economy/industry", "/@@search",
         "/incidents")


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)




def report(testapp, status=201, **changes):
    data = {"@type": "Incident", "title": {"en": "Uploads to the portal fail"},
            "description": {"en": "Every upload answers 502."},
            "since": "2026-12-01T08:45:00+05:00", **changes}
    return as_user(testapp, "yerlan").post_json("/++api++/incidents", data, status=status)


def notice_shown(testapp):
    as_user(testapp, None)
    return [("is not working steadily" in testapp.get(
        page, headers={"Accept-Language": "en"}).text) for page in PAGES]


def test_reported_support_told_escalated_after_a_day_and_resolved(app, testapp, demo,
                                                                   frozen, smtp):
    incident = report(testapp).json
    url = incident["@id"].replace("http://localhost", "")
    assert incident["review_state"] == "reported"
    deliver(app)
    (to, message), = smtp.messages
    assert to == ["serik@stat.example.kz"] and "Uploads to the portal fail" in \
        message.get_content()
    as_user(testapp, "serik").post_json(f"{url}/@workflow/acknowledge", {})
    frozen.advance(hours=23, minutes=59)
    assert run_pass(app.registry).incidents == 0
    assert notice_shown(testapp) == [False] * len(PAGES)
    frozen.advance(minutes=2)
    assert run_pass(app.registry).incidents == 1
    assert run_pass(app.registry).incidents == 0
    assert notice_shown(testapp) == [True] * len(PAGES)
    assert "The cause is being established." in testapp.get(
        "/", headers={"Accept-Language": "en"}).text
    deliver(app)
    assert smtp.messages[-1][0] == ["dana@stat.example.kz"]      # the coordinator
    as_user(testapp, "serik").patch_json(url, {
        "cause": {"en": "The storage array failed"},
        "restore_by": "2026-12-02T18:00:00+05:00"})
    page = as_user(testapp, None).get("/calendar", headers={"Accept-Language": "en"}).text
    assert "The storage array failed" in page and "18:00" in page
    frozen.advance(hours=2)
    as_user(testapp, "serik").post_json(f"{url}/@workflow/resolve", {})
    assert testapp.get(url).json["review_state"] == "resolved"
    assert notice_shown(testapp) == [False] * len(PAGES)
    listing = testapp.get("/incidents", headers={"Accept-Language": "en"}).text
    assert "The storage array failed" in listing
    data = as_user(testapp, "yerlan").get(url).json
    # From 08:45 on 1 December to 11:01 on 2 December, Almaty time.
    assert data["duration_minutes"] == 26 * 60 + 16


def test_manual_escalation_needs_cause_and_restoration_time(app, testapp, demo, frozen):
    url = report(testapp).json["@id"].replace("http://localhost", "")
    refused = as_user(testapp, "serik").post_json(f"{url}/@workflow/escalate", {},
                                                  status=409).json
    assert {e["field"] for e in refused["errors"]} == {"cause", "restore_by"}
    testapp.patch_json(url, {"cause": {"en": "Power failure in the data centre"}})
    refused = testapp.post_json(f"{url}/@workflow/escalate", {}, status=409).json
    assert [e["field"] for e in refused["errors"]] == ["restore_by"]
    testapp.patch_json(url, {"restore_by": "2026-12-01T15:00:00+05:00"})
    testapp.post_json(f"{url}/@workflow/escalate", {})
    assert notice_shown(testapp)[0] is True


@pytest.mark.parametrize(("login", "status"), [("serik", 403), ("aigerim", 403),
                                               (None, 401)])
def test_only_moderators_report(testapp, demo, frozen, login, status):
    as_user(testapp, login).post_json("/++api++/incidents", {
        "@type": "Incident", "title": {"en": "x"}}, status=status)


def test_bad_reports_store_nothing(app, testapp, demo, frozen):
    report(testapp, status=400, title={})
    report(testapp, status=400, since="2026-12-01T08:45:00")      # no offset
    with open_portal(app) as portal:
        assert len(portal["incidents"]) == 0


def test_an_incident_is_for_the_office(testapp, demo, frozen):
    url = report(testapp).json["@id"].replace("http://localhost", "")
    as_user(testapp, None).get(url, status=401)
    assert as_user(testapp, "aigerim").get(url, status=403)
