"""Subscribing through the real application (issue 21, part A): double opt-in with one
confirmation mail, a GET that confirms nothing, tokens forged, expired and reused, bad
input refused naming its field with nothing stored, the same answer for a known and an
unknown address, and the limits."""

import email
import itertools
from datetime import timedelta

import pytest
from webtest import TestApp

from statportal import clock
from statportal.mail import get_outbox
from statportal.subscriptions.resources import add_confirmed, find, recipients
from statportal.testing import last_transaction, open_portal
from tests.helpers.clock import NOW

SECTION = "/official-statistics/economy"
SUB_SECTION = "/official-statistics/economy/prices"
_addresses = (f"10.0.0.{n}" for n in itertools.count(1))


def client(app):
    """A browser of its own (its own cookies and client address)."""
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                       "REMOTE_ADDR": next(_addresses)})


def mails_to(app, address):
    with open_portal(app) as portal:
        return [email.message_from_bytes(m.data) for m in (get_outbox(portal) or {}).values()
                if address in m.recipients]


def link_of(message, path):
    body = message.get_payload(decode=True).decode("utf-8")
    return next(line.strip() for line in body.splitlines() if path in line)


def subscribers_of(app, **what):
    with open_portal(app) as portal:
        return [s.email for s in recipients(portal, **what)]


def test_double_opt_in_one_mail_a_get_confirms_nothing_the_button_does(sub_app):
    browser = client(sub_app)
    answer = browser.post_json("/@subscriptions", {
        "email": "Aigul@Example.org", "sections": [SECTION], "language": "ru",
        "frequency": "daily"}, status=202)
    assert "confirm" in answer.json["message"]
    sent, = mails_to(sub_app, "Aigul@example.org")      # one mail: the confirmation
    assert sent["To"] == "Aigul@example.org"
    link = link_of(sent, "/subscriptions/confirm?token=")
    assert ": Экономика" in sent.get_payload(decode=True).decode()   # in the mail's language
    assert subscribers_of(sub_app, section_path=SUB_SECTION) == []
    # the link, as a mail scanner would fetch it: a page with a button, nothing written
    before = last_transaction(sub_app)
    page = browser.get(link.replace("http://localhost", ""), status=200)
    assert last_transaction(sub_app) == before
    assert subscribers_of(sub_app, section_path=SUB_SECTION) == []
    confirmed = page.forms["subscription-action"].submit(status=200)
    assert "confirmed" in confirmed.text and "/subscriptions/manage?token=" in confirmed.text
    assert subscribers_of(sub_app, section_path=SUB_SECTION) == ["Aigul@example.org"]
    assert subscribers_of(sub_app, section_path=SECTION, frequency="immediate") == []
    assert len(mails_to(sub_app, "Aigul@example.org")) == 1    # no other mail
    with open_portal(sub_app) as portal:
        subscriber = find(portal, "aigul@example.org")
        assert (subscriber.language, subscriber.frequency) == ("ru", "daily")
    # the link again: used, and the subscription it confirmed is active (review F2)
    again = browser.get(link.replace("http://localhost", ""), status=200)
    assert "Your subscription is active" in again.text


def test_the_form_page_subscribes_with_its_csrf_token(sub_app):
    browser = client(sub_app)
    form = browser.get("/subscriptions").forms["subscription-form"]
    form["email"] = "dana@example.org"
    form.set("checkbox", True, index=0)               # the first section
    done = form.submit("submit", status=200)
    assert "Nothing else is sent until then" in done.text
    assert len(mails_to(sub_app, "dana@example.org")) == 1
    stranger = client(sub_app)
    stranger.post("/subscriptions", {"email": "eve@example.org"}, status=400)  # no CSRF
    assert mails_to(sub_app, "eve@example.org") == []


def test_the_same_answer_for_a_known_and_an_unknown_address(sub_app):
    with open_portal(sub_app) as portal:
        add_confirmed(portal, "known@example.org", "en", sections=(SECTION,))
    browser = client(sub_app)
    known = browser.post_json("/@subscriptions", {"email": "known@example.org",
                                                  "calendar": True}, status="*")
    unknown = browser.post_json("/@subscriptions", {"email": "unknown@example.org",
                                                    "calendar": True}, status="*")
    assert (known.status, known.body) == (unknown.status, unknown.body)
    assert known.status_int == 202
    # the known address keeps its choice until it confirms the new one
    assert "known@example.org" in subscribers_of(sub_app, section_path=SECTION)
    assert "known@example.org" not in subscribers_of(sub_app, calendar=True)


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not an address", "calendar": True}, "email"),
    ({"email": "postmaster@example.org", "calendar": True}, "email"),
    ({"email": "No-Reply+x@example.org", "calendar": True}, "email"),
    # undeliverable without SMTPUTF8 (review 2): refused rather than lost
    ({"email": "айгүл@мысал.қаз", "calendar": True}, "email"),
    ({"email": "a@example.org", "sections": ["/official-statistics/nowhere"]}, "sections"),
    # not lists of texts (schemathesis: an object in the list was a 500)
    ({"email": "a@example.org", "indicators": [{}]}, "indicators"),
    ({"email": "a@example.org", "categories": [1], "calendar": True}, "categories"),
    ({"email": "a@example.org", "sections": "/official-statistics"}, "sections"),
    ({"email": "a@example.org", "sections": ["/calendar"]}, "sections"),
    ({"email": "a@example.org", "categories": ["gossip"]}, "categories"),
    ({"email": "a@example.org", "indicators": ["no-such-indicator"]}, "indicators"),
    ({"email": "a@example.org"}, "sections"),                 # nothing chosen
    ({"email": "a@example.org", "calendar": True, "language": "de"}, "language"),
    ({"email": "a@example.org", "calendar": True, "frequency": "weekly"}, "frequency"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(sub_app, body, field):
    before = last_transaction(sub_app)
    answer = client(sub_app).post_json("/@subscriptions", body, status=400)
    assert [e["field"] for e in answer.json["errors"]] == [field]
    assert last_transaction(sub_app) == before


def test_tokens_forged_expired_and_reused(sub_app):
    browser = client(sub_app)
    refused = browser.post_json("/@subscriptions/confirm", {"token": "a.0.0.b"}, status=400)
    assert refused.json["errors"][0]["field"] == "token"
    assert refused.json["errors"][0]["type"] == "forged"
    with clock.frozen(NOW) as frozen:
        browser.post_json("/@subscriptions", {"email": "late@example.org",
                                              "calendar": True}, status=202)
        token = link_of(mails_to(sub_app, "late@example.org")[0], "token=").split("=", 1)[1]
        frozen.advance(hours=48)
        before = last_transaction(sub_app)
        expired = browser.post_json("/@subscriptions/confirm", {"token": token}, status=400)
        assert expired.json["errors"][0]["type"] == "expired"
        assert last_transaction(sub_app) == before
        frozen.set(NOW + timedelta(hours=47))
        done = browser.post_json("/@subscriptions/confirm", {"token": token}, status=200)
        assert done.json["subscription"]["calendar"] is True
        reused = browser.post_json("/@subscriptions/confirm", {"token": token}, status=400)
        assert reused.json["errors"][0]["type"] == "used"
    assert "late@example.org" in subscribers_of(sub_app, calendar=True)


def test_the_limits_per_e_mail_and_per_client_address(sub_app):
    browser = client(sub_app)
    for _n in range(3):
        browser.post_json("/@subscriptions", {"email": "flood@example.org",
                                              "calendar": True}, status=202)
    limited = client(sub_app).post_json("/@subscriptions", {"email": "FLOOD@example.org",
                                                            "calendar": True}, status=429)
    assert limited.json["errors"][0]["field"] == "email" and limited.headers["Retry-After"]
    assert len(mails_to(sub_app, "flood@example.org")) == 3
    # the client address: every attempt counts, a refused one too (20 an hour)
    busy = client(sub_app)
    for _n in range(20):
        busy.post_json("/@subscriptions", {"email": "x"}, status=400)
    busy.post_json("/@subscriptions", {"email": "fresh@example.org", "calendar": True},
                   status=429)
    assert mails_to(sub_app, "fresh@example.org") == []


def test_the_worker_removes_an_address_whose_link_expired_unused(sub_app):
    from statportal.worker.passes import run_pass

    with clock.frozen(NOW - timedelta(days=30)):
        client(sub_app).post_json("/@subscriptions", {"email": "forgot@example.org",
                                                      "calendar": True}, status=202)
    result = run_pass(sub_app.registry, NOW, only=("subscriptions_unconfirmed",))
    assert result.errors == [] and result.unconfirmed_removed >= 1
    with open_portal(sub_app) as portal:
        assert find(portal, "forgot@example.org") is None


def test_a_body_larger_than_a_subscription_is_refused_unread(sub_app):
    before = last_transaction(sub_app)
    client(sub_app).post_json("/@subscriptions", {"email": "big@example.org",
                                                  "sections": ["/x" * 40000]}, status=413)
    client(sub_app).post("/subscriptions/unsubscribe?token=x", "a" * 70000,
                         headers={"Content-Type": "application/x-www-form-urlencoded"},
                         status=413)
    assert last_transaction(sub_app) == before
