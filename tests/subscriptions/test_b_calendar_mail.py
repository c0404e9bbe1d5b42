"""The release calendar's subscribers are mailed when a confirmed release is moved (its
new time in the portal's zone) and when one is cancelled (its public notice); others
are not (through a real SMTP server)."""

from datetime import timedelta

import pytest

from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.clock import NOW
from tests.helpers.mail import deliver
from tests.helpers.smtp import mail_settings


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)


def subscribers(smtp):
    return [(to, m) for to, m in smtp.messages if to[0].endswith("@example.org")]


def test_moved_and_cancelled_releases_are_told(app, testapp, demo, frozen, smtp):
    from statportal.subscriptions.resources import add_confirmed

    with open_portal(app) as portal:
        add_confirmed(portal, "cal@example.org", "en", "daily", calendar=True)
        add_confirmed(portal, "no@example.org", "en", sections=("/official-statistics",))
    url = add_entry(testapp).json["@id"].replace("http://localhost", "")
    deliver(app, NOW + timedelta(seconds=1))
    assert subscribers(smtp) == []                      # a new entry: the feed's news
    testapp.patch_json(url, {"release_at": "2026-12-18T10:00:00+05:00",
                             "reason": "Revised source data"})
    deliver(app, NOW + timedelta(seconds=2))
    (to, moved), = subscribers(smtp)
    assert to == ["cal@example.org"] and moved["Subject"].startswith("Release moved: ")
    # in the subscriber's language's format, with the zone (review F2)
    assert "18 December 2026, 10:00 (Asia/Almaty)" in moved.get_body(("plain",)).get_content()
    assert moved["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    testapp.patch_json(url, {"status": "cancelled", "cancel_notice": {
        "en": "Merged into the quarterly bulletin."}})
    deliver(app, NOW + timedelta(seconds=3))
    (to, cancelled), = subscribers(smtp)[1:]
    assert to == ["cal@example.org"] and cancelled["Subject"].startswith("Release cancelled: ")
    assert "Merged into the quarterly bulletin." in cancelled.get_body(("plain",)).get_content()
