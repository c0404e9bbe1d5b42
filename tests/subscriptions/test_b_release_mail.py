"""Release mail through a real SMTP server and the frozen clock: composed when the
material is scheduled, received by nobody before the release second, then by every
confirmed immediate subscriber of its section (or a parent) or category exactly once, in
their language, with the one-click unsubscribe; nothing for a withdrawn material; a
material placed at once announced at once; daily subscribers get the digest instead."""

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
# the digest after the release: 08:00 in Almaty on the 15th
DIGEST = datetime(2026, 12, 15, 3, 0, tzinfo=UTC)


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port, **{"statportal.public_url": "https://stat.example"})


@pytest.fixture
def people(app, demo, frozen):
    from statportal.subscriptions.resources import add_confirmed, subscribe

    with open_portal(app) as portal:
        add_confirmed(portal, "kk@example.org", "kk", sections=(SECTION,))
        add_confirmed(portal, "ru@example.org", "ru", sections=("/official-statistics",))
        add_confirmed(portal, "en@example.org", "en", categories=("express_information",),
                      sections=(SECTION,))
        add_confirmed(portal, "daily@example.org", "en", "daily", sections=(SECTION,))
        add_confirmed(portal, "other@example.org", "en",
                      sections=("/official-statistics/social",))
        subscribe(portal, {"email": "unconfirmed@example.org", "language": "en",
                           "frequency": "immediate", "sections": [SECTION]},
                  frozen.now(),
                  secret=app.registry.settings["statportal.secret"])
    return ("kk@example.org", "ru@example.org", "en@example.org")


def schedule(testapp):
    entry = add_entry(testapp, section=SECTION).json
    url = new_request(testapp, release=entry["@id"].replace("http://localhost/++api++", ""))
    run_chain(testapp, url)
    return testapp.get(url).json["material"]


def public(smtp):
    """The messages to subscribers (the staff's notices of the workflow aside)."""
    return [(to, message) for to, message in smtp.messages if to[0].endswith("@example.org")]


def received(smtp):
    return {to[0]: message for to, message in public(smtp)}


def test_held_until_the_release_then_one_each_in_their_language(app, testapp, people, frozen,
                                                                 smtp):
    from statportal.subscriptions.announce import get_record

    material = schedule(testapp)
    with open_portal(app) as portal:
        assert len(get_record(portal).held) == 1            # composed at scheduling
    title = {"kk": "Өнеркәсіп өндірісі, қазан 2026", "ru": "Промышленное производство",
             "en": "Industrial production, October 2026 (revised)"}
    as_user(testapp, "yerlan").patch_json(f"/++api++{material}", {"title": title})
    frozen.set(RELEASE - timedelta(seconds=1))
    assert run_pass(app.registry).released == []
    deliver(app, RELEASE - timedelta(seconds=1))
    assert public(smtp) == []                              # nobody before the second
    frozen.set(RELEASE + timedelta(seconds=1))
    assert run_pass(app.registry).materials == 1
    deliver(app, RELEASE + timedelta(seconds=2))
    mail = received(smtp)
    assert sorted(mail) == sorted(people) and len(public(smtp)) == 3   # exactly one each
    assert mail["kk@example.org"]["Subject"].endswith("Өнеркәсіп өндірісі, қазан 2026")
    assert "Промышленное производство" in mail["ru@example.org"]["Subject"]
    assert mail["en@example.org"]["Subject"] == (     # as edited after its scheduling
        "New release: Industrial production, October 2026 (revised)")
    message = mail["en@example.org"]
    body = message.get_body(("plain",)).get_content()
    assert f"https://stat.example{material}" in body
    assert "/subscriptions/manage?token=" in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://stat.example/subscriptions/unsubscribe?token=")
    # one click (RFC 8058): the link POSTed, no session, no CSRF token
    from statportal.subscriptions.resources import find, recipients

    as_user(testapp, None)
    path = unsubscribe.replace("https://stat.example", "")
    testapp.post(path, {"List-Unsubscribe": "One-Click"}, status=200)
    with open_portal(app) as portal:
        gone = find(portal, "en@example.org")
        assert gone is None or gone.confirmed is None
        assert "en@example.org" not in {s.email for s in recipients(portal, section_path=SECTION)}
    # released again: nothing twice; the daily subscriber gets the digest at 08:00
    assert run_pass(app.registry, RELEASE + timedelta(minutes=1)).materials == 0
    deliver(app, RELEASE + timedelta(minutes=2))
    assert len(public(smtp)) == 3
    frozen.set(DIGEST)
    assert run_pass(app.registry, DIGEST).digests == 1
    deliver(app, DIGEST + timedelta(seconds=1))
    (to, digest), = public(smtp)[3:]
    assert to == ["daily@example.org"]
    text = digest.get_body(("plain",)).get_content()
    assert "Industrial production, October 2026" in text and material in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert run_pass(app.registry, DIGEST + timedelta(hours=1)).digests == 0


def test_withdrawn_sends_nothing_and_placed_at_once_is_announced(app, testapp, people,
                                                                 frozen, smtp):
    from statportal.subscriptions.announce import get_record

    material = schedule(testapp)
    as_user(testapp, "yerlan").post_json(f"/++api++{material}/@workflow/withdraw",
                                         {"comment": "Errors found in the tables"})
    with open_portal(app) as portal:
        assert len(get_record(portal).held) == 0            # the held message dropped
    frozen.set(RELEASE + timedelta(seconds=5))
    run_pass(app.registry)
    deliver(app, RELEASE + timedelta(seconds=6))
    assert public(smtp) == []
    url = new_request(testapp)                               # no release: placed at once
    run_chain(testapp, url)
    deliver(app, RELEASE + timedelta(seconds=7))
    assert sorted(received(smtp)) == sorted(people) and len(public(smtp)) == 3


def test_who_unsubscribes_or_is_erased_after_the_queueing_gets_nothing(app, testapp, people,
                                                                       frozen, smtp):
    from statportal.mail import get_outbox
    from statportal.subscriptions.announce import get_record
    from statportal.subscriptions.resources import find
    from statportal.subscriptions.tokens import make_token

    schedule(testapp)
    frozen.set(RELEASE + timedelta(seconds=1))
    assert run_pass(app.registry).materials == 1          # queued: ids, resolved at sending
    with open_portal(app) as portal:
        (key,) = get_record(portal).announced.values()
        stored = list(get_outbox(portal)[key].recipients.values())
        assert len(stored) == 4 and not any("@" in ident for ident in stored)
        token = make_token(app.registry.settings["statportal.secret"], "unsubscribe",
                           find(portal, "ru@example.org"), frozen.now())
    as_user(testapp, None)
    testapp.post(f"/subscriptions/unsubscribe?token={token}", {"List-Unsubscribe": "One-Click"},
                 status=200)
    from statportal.subscriptions.privacy import erase_data

    with open_portal(app) as portal:                          # and one erased
        assert erase_data(portal, "kk@example.org") == {"subscriber": True, "queued_mail": 1}
    deliver(app, RELEASE + timedelta(seconds=2))
    mail = received(smtp)
    assert sorted(mail) == ["en@example.org"] and len(public(smtp)) == 1
    with open_portal(app) as portal:     # ru and kk gone, daily waits for the digest
        assert get_outbox(portal)[key].counts["skipped"] == 3
    for address, message in mail.items():                     # their links work
        path = message["List-Unsubscribe"].strip("<>").replace("https://stat.example", "")
        testapp.post(path, {"List-Unsubscribe": "One-Click"}, status=200)
        with open_portal(app) as portal:
            assert find(portal, address) is None
