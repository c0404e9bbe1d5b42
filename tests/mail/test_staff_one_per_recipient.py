"""Staff mail goes to each colleague in a message of their own: nobody sees another's
address (written once per language, sent once per recipient, each tracked by the
outbox); the outbox's rounds carry on at once after a full one, so many messages do not
wait for the next poll. Real SMTP server (aiosmtpd), the real WSGI application."""

import threading

import pytest

from statportal.testing import open_portal
from tests.helpers.mail import deliver, outbox
from tests.helpers.placement import new_request, step
from tests.helpers.smtp import mail_settings


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)


def test_colleagues_of_one_language_each_get_their_own_message(app, testapp, demo, smtp):
    """Three moderators, two of them reading Russian: three messages, each addressed to
    its reader alone; the two Russian ones say the same."""
    from statportal.content.registry import get_content_registry

    with open_portal(app) as portal:
        users = portal["principals"]["users"]
        users["yerlan"].language = "ru"
        content = get_content_registry(app.registry)
        for login, language in (("ainur", "ru"), ("bolat", "kk")):
            users.add(login, content.create("User", fullname=login, roles=("Moderator",),
                                            email=f"{login}@stat.example.kz",
                                            language=language))
    url = new_request(testapp)
    for login, name in (("aigerim", "submit"), ("marat", "approve"), ("dana", "register")):
        step(testapp, login, url, name)
    moderators = {f"{login}@stat.example.kz" for login in ("yerlan", "ainur", "bolat")}
    assert deliver(app) == (3, 0)
    assert [state for state, _attempts, _error in outbox(app)] == ["sent"] * 3
    got = {}
    for envelope, message in smtp.messages:
        assert len(envelope) == 1 and message.get_all("To") == envelope, message["To"]
        assert message.get_all("Cc") is None and message.get_all("Bcc") is None
        headers = "\n".join(f"{k}: {v}" for k, v in message.items())
        assert not [other for other in moderators - set(envelope) if other in headers]
        got[envelope[0]] = message
    assert set(got) == moderators
    ru = [got["yerlan@stat.example.kz"], got["ainur@stat.example.kz"]]
    assert ru[0]["Subject"] == ru[1]["Subject"] != got["bolat@stat.example.kz"]["Subject"]
    assert ru[0]["Message-ID"] != ru[1]["Message-ID"]


class Recorder:
    def __init__(self):
        self.sent = []
        self.done = threading.Event()
        self.expected = 0

    def send(self, sender, recipients, data):
        self.sent.append(tuple(recipients))
        if len(self.sent) >= self.expected:
            self.done.set()


def queue_many(app, count, tag):
    """``count`` mails queued straight into the outbox, each to its own address."""
    from statportal.content.base import utcnow
    from statportal.mail.outbox import OutgoingMail, get_outbox, get_pending, make_message

    with open_portal(app) as portal:
        outbox, pending = get_outbox(portal, create=True), get_pending(portal)
        for index in range(count):
            key = f"{index:020d}-{tag}"
            outbox[key] = OutgoingMail(make_message(
                "portal@stat.example.kz", [f"{tag}{index}@stat.example.kz"], "Notice",
                "Text"), utcnow())
            pending.insert(key)
    return sorted((f"{tag}{index}@stat.example.kz",) for index in range(count))


def test_more_than_a_round_is_delivered_without_waiting_for_the_poll(app, demo):
    from statportal.mail.outbox import BATCH, deliver_all
    from statportal.mail.sender import MailSender

    addresses = queue_many(app, BATCH + BATCH // 2, "staff")
    recorder = Recorder()
    recorder.expected = len(addresses)
    sender = MailSender(app.registry._zodb_databases[""], recorder, poll_seconds=600).start()
    try:
        # well before the next poll (600 s): the second round came at once
        assert recorder.done.wait(60), len(recorder.sent)
    finally:
        sender.stop()
    assert sorted(recorder.sent) == addresses
    assert {state for state, _a, _e in outbox(app)} == {"sent"}
    # the command line's --once (deliver_all) leaves none behind either
    addresses = queue_many(app, BATCH * 2 + 1, "again")
    recorder = Recorder()
    assert deliver_all(app.registry._zodb_databases[""], recorder) == (len(addresses), 0)
    assert sorted(recorder.sent) == addresses
