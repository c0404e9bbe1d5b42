"""A material withdrawn after its release, before its mail has gone: the queued release
mail is cancelled for those not yet reached (the mailing's rest counted skipped, out of
the pending set) and the daily digest does not list it."""

from datetime import UTC, datetime, timedelta

import pytest

from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo import RELEASE
from tests.helpers.mail import deliver
from tests.helpers.placement import as_user, new_request, run_chain
from tests.helpers.smtp import mail_settings

SECTION = "/official-statistics/economy/industry"
DIGEST = datetime(2026, 12, 15, 3, 0, tzinfo=UTC)  # 08:00 in Almaty after the release


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port, **{"statportal.public_url": "https://stat.example"})


def test_withdrawn_before_its_mail_went_is_neither_sent_nor_digested(app, testapp, demo,
                                                                     frozen, smtp):
    from statportal.mail.outbox import get_outbox, get_pending
    from statportal.subscriptions.announce import get_record
    from statportal.subscriptions.resources import add_confirmed

    with open_portal(app) as portal:
        add_confirmed(portal, "now@example.org", "en", sections=(SECTION,))
        add_confirmed(portal, "daily@example.org", "en", "daily", sections=(SECTION,))
    entry = add_entry(testapp, section=SECTION).json
    url = new_request(testapp, release=entry["@id"].replace("http://localhost/++api++", ""))
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    frozen.set(RELEASE + timedelta(seconds=1))
    assert run_pass(app.registry).materials == 1          # queued, not yet sent
    with open_portal(app) as portal:
        key = get_record(portal).announced[next(iter(get_record(portal).announced))]
        assert key in get_pending(portal) and get_outbox(portal)[key].counts["queued"]
    as_user(testapp, "yerlan").post_json(f"/++api++{material}/@workflow/withdraw",
                                         {"comment": "Wrong figures"})
    with open_portal(app) as portal:
        mailing = get_outbox(portal)[key]
        assert key not in get_pending(portal)
        counts = mailing.counts
        assert counts["queued"] == counts["sent"] == 0 and mailing.state != "queued"
        assert counts["skipped"] == counts["total"] > 0   # cancelled, not lost unseen
    deliver(app, RELEASE + timedelta(seconds=30))
    frozen.set(DIGEST)
    run_pass(app.registry, DIGEST)
    deliver(app, DIGEST + timedelta(seconds=1))
    assert [to for to, _m in smtp.messages if to[0].endswith("@example.org")] == []
