"""A mail's claim holds CLAIM from the moment it is claimed, not from the start of its
sender's round: a round that spent longer than CLAIM on slow mail before it does not
leave the next mail open to a second sender while it is being sent (review of issue 19)."""

from datetime import timedelta

from statportal.mail import outbox
from statportal.mail.outbox import (
    deliver_pending,
)
from tests.helpers.mail import outbox_db


def test_a_slow_round_does_not_let_a_second_sender_send_the_same_mail(monkeypatch):
    t0 = outbox.utcnow()
    clock = {"now": t0}
    monkeypatch.setattr(outbox, "utcnow", lambda: clock["now"])
    db = outbox_db(("a", "b"), t0)
    sent = []

    class Second:
        def send(self, sender, recipients, data):
            sent.append(("second", data.split(b"Subject: ")[1][:1]))

    class First:
        def send(self, sender, recipients, data):
            subject = data.split(b"Subject: ")[1][:1]
            sent.append(("first", subject))
            if subject == b"a":
                clock["now"] = t0 + outbox.CLAIM + timedelta(minutes=1)  # a slow server
            else:  # while the first sends "b", another sender's round
                deliver_pending(db, Second())

    deliver_pending(db, First())
    assert sent == [("first", b"a"), ("first", b"b")]
    db.close()
