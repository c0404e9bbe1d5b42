"""Review of issue 21 (F2), through a real SMTP server: a material placed through the JSON
API is announced with the portal's page links, never ``/++api++/…`` (no
``statportal.public_url`` set: the request's own address is used); a moved release tells
the calendar's subscribers the new and the previous time in their language, with the time
zone, and the moderator's reason."""

from datetime import timedelta

import pytest

from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.clock import NOW
from tests.helpers.mail import deliver
from tests.helpers.placement import new_request, step
from tests.helpers.smtp import mail_settings


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)


def _texts(smtp):
    return {to[0]: message.get_body(("plain",)).get_content()
            for to, message in smtp.messages if to[0].endswith("@example.org")}


def test_placed_through_the_api_links_to_the_pages(app, testapp, demo, frozen, smtp):
    from statportal.subscriptions.resources import add_confirmed

    with open_portal(app) as portal:
        add_confirmed(portal, "api@example.org", "en",
                      sections=("/official-statistics/economy/industry",))
    url = new_request(testapp)
    for login, name in (("aigerim", "submit"), ("marat", "approve"), ("dana", "register"),
                        ("yerlan", "place")):
        step(testapp, login, url, name)      # url: /++api++/requests/…
    deliver(app, NOW + timedelta(seconds=5))
    text = _texts(smtp)["api@example.org"]
    assert "++api++" not in text
    assert "Read it on the portal: http://localhost/official-statistics/" in text
    assert "subscribed to http://localhost.\n" in text


def test_a_moved_release_says_when_from_when_and_why(app, testapp, demo, frozen, smtp):
    from statportal.subscriptions.resources import add_confirmed

    with open_portal(app) as portal:
        add_confirmed(portal, "cal.en@example.org", "en", calendar=True)
        add_confirmed(portal, "cal.ru@example.org", "ru", calendar=True)
    url = add_entry(testapp).json["@id"].replace("http://localhost", "")
    testapp.patch_json(url, {"release_at": "2026-12-18T10:00:00+05:00",
                             "reason": "Revised source data"})
    deliver(app, NOW + timedelta(seconds=2))
    texts = _texts(smtp)
    assert "New release time: 18 December 2026, 10:00 (Asia/Almaty)" in texts[
        "cal.en@example.org"]
    assert ("Moved from 14 December 2026, 10:00 (Asia/Almaty) to 18 December 2026, 10:00 "
            "(Asia/Almaty): Revised source data") in texts["cal.en@example.org"]
    assert "18 декабря 2026, 10:00 (Asia/Almaty)" in texts["cal.ru@example.org"]
    assert "14 декабря 2026" in texts["cal.ru@example.org"]
    assert "Revised source data" in texts["cal.ru@example.org"]
