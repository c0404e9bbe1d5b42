"""Every time shown is in ``statportal.timezone`` (Asia/Almaty by default): set another zone
and the release calendar, its iCalendar, the request's mail and form, and the incident's
mail show times in it."""

import io

import pytest
from pypdf import PdfReader

from tests.helpers.calendar import add as add_entry
from tests.helpers.mail import deliver
from tests.helpers.placement import REQUESTS, as_user, payload, step
from tests.helpers.smtp import mail_settings

MOSCOW = "Europe/Moscow"   # UTC+3 all year; Almaty is UTC+5


@pytest.fixture(params=["Asia/Almaty", MOSCOW])
def zone(request):
    return request.param


@pytest.fixture
def app_settings(tmp_path, smtp_port, zone):
    return mail_settings(tmp_path, smtp_port, **{"statportal.timezone": zone})


def shown(zone, almaty):
    """The Almaty clock time ``almaty`` (HH:MM) as the zone's clock shows it."""
    hours, minutes = map(int, almaty.split(":"))
    return f"{hours - (2 if zone == MOSCOW else 0):02d}:{minutes:02d}"


def test_the_release_calendar_and_its_icalendar(app, testapp, demo, frozen, zone):
    add_entry(testapp, release_at="2026-12-14T10:00:00+05:00")
    as_user(testapp, None)
    page = testapp.get("/calendar", headers={"Accept-Language": "en"}).text
    assert f"14 December 2026, {shown(zone, '10:00')}" in page
    ical = testapp.get("/calendar/@ical?lang=en").text
    assert f"X-WR-TIMEZONE:{zone}" in ical
    assert "DTSTART:20261214T050000Z" in ical        # the moment itself stays in UTC


def test_the_registered_requests_mail_and_form(app, testapp, demo, frozen, smtp, zone):
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(languages=["en"], title={"en": "Output"}),
                            status=201).json["@id"].replace("http://localhost", "")
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    # Registered at 12:00 in Almaty (10:00 in Moscow), within working hours in either zone
    # (the working calendar counts in the setting too): due 30 minutes later.
    frozen.advance(hours=3)
    # the moderator reads English (issue 18: staff mail in the reader's language)
    as_user(testapp, "yerlan").patch_json("/++api++/@preferences", {"language": "en"})
    step(testapp, "dana", url, "register")
    deliver(app)
    (_to, message), = smtp.messages
    due = f"1 December 2026, {shown(zone, '12:30')}"
    assert f"place it by {due}." in message.get_body(("plain",)).get_content()
    pdf, = message.iter_attachments()
    assert shown(zone, "12:30") in PdfReader(io.BytesIO(
        pdf.get_payload(decode=True))).pages[0].extract_text()


def test_an_escalated_incidents_mail(app, testapp, demo, frozen, smtp, zone):
    from statportal.releases.worker import run_pass

    as_user(testapp, "yerlan").post_json("/++api++/incidents", {
        "@type": "Incident", "title": {"en": "Uploads fail"}, "description": {"en": "502"},
        "since": "2026-12-01T08:45:00+05:00"}, status=201)
    frozen.advance(hours=24, minutes=1)
    assert run_pass(app.registry).incidents == 1
    deliver(app)
    _to, escalation = smtp.messages[-1]
    # reported at NOW, 09:00 in Almaty; in the coordinator's language only (issue 18: kk,
    # the portal's default, where it was kk / ru / en run together)
    assert f"Хабарланды: 01.12.2026 {shown(zone, '09:00')}" in escalation.get_content()
    assert "Reported" not in escalation.get_content() and " / " not in escalation["Subject"]
