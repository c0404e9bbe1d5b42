"""Currency monitoring with the controlled clock: missing releases and outdated materials
become findings once, notices carry one working day across weekends and holidays, an
unanswered notice is escalated, a registered request resolves; the timeliness figures."""

from datetime import UTC, date, datetime, timedelta

import pytest

from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.mail import deliver
from tests.helpers.placement import as_user, new_request, run_chain, step
from tests.helpers.smtp import mail_settings


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)



def plan_item(testapp):
    as_user(testapp, "dana")
    return testapp.post_json("/++api++/plan", {
        "@type": "WorkPlanItem", "year": 2026,
        "title": {"kk": "Өнеркәсіп өндірісі", "ru": "Промышленное производство",
                  "en": "Industrial production"},
        "unit": "/orgunits/industry-statistics", "executor": "Әйгерім Сейітова",
        "executor_email": "aigerim@stat.example.kz", "category": "express_information",
        "periodicity": "monthly", "section": "/official-statistics/economy/industry"},
        status=201).json


def missing_release(testapp, at):
    item = plan_item(testapp)["@id"].replace("http://localhost/++api++", "")
    entry = add_entry(testapp, release_at=at, plan_item=item,
                      section="/official-statistics/economy/industry").json
    return entry["@id"].replace("http://localhost/++api++", "")


def test_plan_item_dates_come_from_the_periodicity(testapp, demo, frozen):
    item = plan_item(testapp)
    assert item["@id"].startswith("http://localhost/++api++/plan/2026/")
    dates = item["planned_dates"]
    assert len(dates) == 12 and dates[0] == "2026-01-15" and dates[2] == "2026-03-16"
    bad = as_user(testapp, "dana").post_json("/++api++/plan", {
        "@type": "WorkPlanItem", "year": 2026, "title": {"en": "Census"}, "unit": "/nowhere",
        "executor": "x", "executor_email": "x@y.kz", "category": "compilation",
        "periodicity": "one_off", "section": "/official-statistics"}, status=400).json
    assert "unit" in {e["field"] for e in bad["errors"]}


@pytest.mark.parametrize(("release_at", "notice_at", "deadline"), [
    # Friday 11 December: the deadline is Monday 14th, the same time.
    ("2026-12-11T10:00:00+05:00", datetime(2026, 12, 11, 6, 0, tzinfo=UTC),
     datetime(2026, 12, 14, 6, 0, tzinfo=UTC)),
    # Tuesday 15 December: Wednesday 16th is Independence Day, so Thursday 17th.
    ("2026-12-15T10:00:00+05:00", datetime(2026, 12, 15, 6, 0, tzinfo=UTC),
     datetime(2026, 12, 17, 6, 0, tzinfo=UTC)),
])
def test_missing_release_notice_and_escalation(app, testapp, demo, frozen, smtp, release_at,
                                               notice_at, deadline):
    entry = missing_release(testapp, release_at)
    frozen.set(notice_at - timedelta(minutes=59))
    assert run_pass(app.registry).findings == 1
    assert run_pass(app.registry).findings == 0              # recorded once
    as_user(testapp, "yerlan").get("/++api++/@currency", status=403)
    findings = as_user(testapp, "dana").get("/++api++/@currency").json["items"]
    assert [(f["kind"], f["target"]) for f in findings] == [("missing", entry)]
    frozen.set(notice_at)
    notice = testapp.post_json("/++api++/@currency", {"key": findings[0]["key"]}).json
    assert notice["notice"]["deadline"] == deadline.isoformat()
    testapp.post_json("/++api++/@currency", {"key": findings[0]["key"]}, status=409)
    deliver(app)
    (to, message), = smtp.messages
    body = message.get_content()
    # Issue 18: in the executor's language only (kk, the portal's default), not in three.
    assert to == ["aigerim@stat.example.kz"] and "Тұтыну бағаларының индексі" in body
    assert "Consumer price index" not in body and "Индекс потребительских цен" not in body
    assert f"http://localhost{entry}" in body
    frozen.set(deadline - timedelta(minutes=1))
    assert run_pass(app.registry).escalations == 0
    frozen.set(deadline + timedelta(minutes=1))
    assert run_pass(app.registry).escalations == 1
    assert run_pass(app.registry).escalations == 0
    deliver(app)
    to, message = smtp.messages[-1]
    assert "marat@stat.example.kz" in to
    summary = testapp.get("/++api++/@timeliness").json["findings"]
    assert summary == {"open": 1, "missing": 1, "outdated": 0, "notices_sent": 1,
                       "escalated": 1, "resolved": 0}


def test_a_registered_request_resolves_the_finding(app, testapp, demo, frozen):
    entry = missing_release(testapp, "2026-12-11T10:00:00+05:00")
    frozen.set(datetime(2026, 12, 11, 6, 0, tzinfo=UTC))
    run_pass(app.registry)
    url = new_request(testapp, release=entry)
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    assert as_user(testapp, "dana").get("/++api++/@currency").json["items"] == []
    everything = testapp.get("/++api++/@currency?show=all").json["items"]
    assert everything[0]["resolved_by"].startswith("request 2026-")
    step(testapp, "yerlan", url, "place")      # late: public at once, with its delay
    data = testapp.get(f"/++api++{entry}").json
    assert data["status"] == "published" and data["delay_minutes"] > 0
    figures = testapp.get("/++api++/@timeliness").json
    assert figures["punctuality"]["releases"] == 1 and figures["punctuality"]["on_time"] == 0
    assert figures["placement_deadlines"]["placed"] == 1
    page = testapp.get("/timeliness", headers={"Accept-Language": "en"})
    assert "<svg" in page.text and "Releases out on time" in page.text


def test_outdated_materials_and_automatic_notices(app, testapp, demo, frozen, smtp):
    url = new_request(testapp)
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    with open_portal(app) as portal:
        from statportal.content.paths import find_by_path
        from statportal.materials.catalog import get_catalog

        found = find_by_path(portal, material)
        found.next_update = date(2026, 12, 3)
        get_catalog(portal).index(found)
    app.registry.settings["statportal.currency.auto_notice"] = "true"
    frozen.set(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    assert run_pass(app.registry).findings == 0               # due today: not yet late
    frozen.set(datetime(2026, 12, 4, 3, 0, tzinfo=UTC))
    result = run_pass(app.registry)
    assert result.findings == 1 and result.notices == 1
    deliver(app)
    assert any(to == ["aigerim@stat.example.kz"] for to, _m in smtp.messages)
    page = as_user(testapp, "dana").get("/currency", headers={"Accept-Language": "en"})
    assert "Not updated" in page.text and "Industrial production" in page.text


def test_send_notice_from_the_page(app, testapp, demo, frozen, smtp):
    from statportal.testing import login_html

    missing_release(testapp, "2026-12-11T10:00:00+05:00")
    frozen.set(datetime(2026, 12, 11, 6, 0, tzinfo=UTC))
    run_pass(app.registry)
    testapp.authorization = None
    login_html(testapp, "dana")
    page = testapp.get("/currency", headers={"Accept-Language": "en"})
    assert "Not published" in page.text
    # the responsible unit by its name, not its path (issue 18, item 3)
    responsible = " ".join(page.html.select_one("table.listing tbody td:nth-child(3)").text.split())
    assert responsible.startswith("Industry Statistics Department"), responsible
    form = next(f for f in page.forms.values() if "key" in f.fields)
    done = form.submit().follow(headers={"Accept-Language": "en"})
    assert "The notice was sent." in done.text and "Send notice" not in done.text
    deliver(app)
    assert smtp.messages[0][0] == ["aigerim@stat.example.kz"]


def test_two_workers_racing_send_one_notice(app, testapp, demo, frozen):
    from statportal.mail.outbox import get_outbox
    from statportal.releases import currency

    missing_release(testapp, "2026-12-11T10:00:00+05:00")
    app.registry.settings["statportal.currency.auto_notice"] = "true"
    frozen.set(datetime(2026, 12, 11, 6, 0, tzinfo=UTC))
    with open_portal(app) as portal:
        before = len(get_outbox(portal, create=True))
    from tests.helpers.embargo import race_two_passes

    results = race_two_passes(app, currency, "send_notice")
    assert sorted(r.notices for r in results) == [0, 1]
    with open_portal(app) as portal:
        assert len(get_outbox(portal)) == before + 1
        assert len(currency.findings(portal)) == 1


def test_a_release_missed_again_after_a_move_is_a_new_finding(app, testapp, demo, frozen):
    entry = missing_release(testapp, "2026-12-11T10:00:00+05:00")
    frozen.set(datetime(2026, 12, 11, 6, 0, tzinfo=UTC))
    assert run_pass(app.registry).findings == 1
    as_user(testapp, "dana").patch_json(f"/++api++{entry}", {
        "release_at": "2026-12-14T10:00:00+05:00", "reason": "Late returns"})
    assert run_pass(app.registry).findings == 0      # moved: the old finding is resolved
    assert testapp.get("/++api++/@currency").json["items"] == []
    frozen.set(datetime(2026, 12, 14, 6, 0, tzinfo=UTC))
    assert run_pass(app.registry).findings == 1      # missed again
