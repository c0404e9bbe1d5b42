"""A failed mail's next attempt is its retry pause after the attempt ended (the moment
it is marked), not after the start of its sender's round: a round slowed by a slow or
timing-out mail server would otherwise mark a next attempt already due, and the mail
would be tried again at once, without its pause (review of issue 19)."""

from datetime import timedelta

from statportal.mail import outbox
from statportal.mail.outbox import (
    RETRY_PAUSES,
    deliver_pending,
    get_outbox,
)
from tests.helpers.mail import outbox_db

SLOW = timedelta(minutes=3)  # longer than the first pause


def test_the_retry_pause_runs_from_the_failed_attempt(monkeypatch):
    t0 = outbox.utcnow()
    clock = {"now": t0}
    monkeypatch.setattr(outbox, "utcnow", lambda: clock["now"])
    db = outbox_db(("a", "b"), t0)

    class TimingOut:
        def send(self, sender, recipients, data):
            clock["now"] += SLOW  # a server that answers after minutes, with an error
            raise OSError("timed out")

    assert deliver_pending(db, TimingOut()) == (0, 2)
    with db.transaction() as conn:
        mails = get_outbox(conn.root()["statportal"])
        assert mails["a"].next_attempt == t0 + SLOW + RETRY_PAUSES[0]
        assert mails["b"].next_attempt == t0 + 2 * SLOW + RETRY_PAUSES[0]
    db.close()
