"""The Manager's outbox shows a bulk mailing as one row with its counts (page and JSON),
and "Send again" queues its given-up recipients again."""

from datetime import timedelta

import pytest

from statportal.testing import basic_auth, login_html, make_settings, open_portal
from tests.helpers.smtp import free_port


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path, **{"mail.host": "127.0.0.1", "mail.port": str(free_port()),
                                      "statportal.mail.deliver_in_process": "false"})


def test_a_mailing_is_one_row_with_counts_and_its_failed_are_sent_again(app, testapp, demo):
    from statportal.content.base import utcnow
    from statportal.mail.bulk import queue_bulk_mail
    from statportal.mail.outbox import RETRY_PAUSES, deliver_pending, get_outbox

    with open_portal(app) as portal:
        key = queue_bulk_mail(portal, key_prefix="release", sender="portal@example.org",
                              parts={"en": {"subject": "Prices <in> November", "text": "x"}},
                              recipients=[(f"r{n}@example.org", "en", {}) for n in range(3)])

    class Refusing:  # every message is refused: all three end failed
        def send(self, sender, recipients, data):
            import smtplib

            raise smtplib.SMTPRecipientsRefused({recipients[0]: (550, b"no")})

    now = utcnow()
    for _attempt in range(len(RETRY_PAUSES) + 1):
        deliver_pending(app.registry._zodb_databases[""], Refusing(), now=now)
        now += timedelta(days=1)
    testapp.authorization = basic_auth("admin")
    item = testapp.get("/++api++/@outbox").json["items"][0]
    assert item["id"] == key and item["kind"] == "bulk" and item["state"] == "failed"
    assert item["counts"] == {"total": 3, "sent": 0, "failed": 3, "queued": 0,
                              "skipped": 0}
    assert item["recipients"] == [] and "SMTPRecipientsRefused" in item["last_error"]
    testapp.authorization = None
    login_html(testapp, "admin")
    page = testapp.get("/@@outbox", headers={"Accept": "text/html"})
    assert "Prices &lt;in&gt; November" in page.text
    assert "Mailing to 3 recipients: 0 sent, 0 waiting, 3 failed" in page.text
    page = page.forms[1].submit("reset").follow()
    assert "It will be sent again now." in page.text
    with open_portal(app) as portal:
        assert get_outbox(portal)[key].counts["queued"] == 3
        assert get_outbox(portal)[key].state == "queued"
