"""A mail the server took is recorded as sent even when the storage server is out of reach
for a moment as the attempt is recorded (a ZEO client with ``server_sync`` asks the server
as each transaction begins): unrecorded, it would be sent again once its claim lapsed
(review of issue 19)."""

import transaction
from ZEO.Exceptions import ClientDisconnected

from statportal.mail import outbox
from statportal.mail.outbox import get_outbox
from tests.helpers.mail import outbox_db


class OutOfReach(transaction.TransactionManager):
    """Its first ``failures`` transactions cannot begin: the server does not answer."""

    def __init__(self, failures):
        super().__init__(explicit=True)
        self.failures = failures

    def begin(self):
        if self.failures:
            self.failures -= 1
            raise ClientDisconnected("the ZEO server is out of reach")
        return super().begin()


def mark_sent(db, failures):
    tm = OutOfReach(failures)
    conn = db.open(transaction_manager=tm)
    try:
        outbox._mark(tm, conn, "statportal", "a", outbox.utcnow())
    finally:
        conn.close()
    with db.transaction() as conn:
        return get_outbox(conn.root()["statportal"])["a"].state


def test_a_sent_mail_is_recorded_after_the_server_comes_back(monkeypatch):
    pauses = []
    monkeypatch.setattr(outbox.time, "sleep", pauses.append)
    db = outbox_db(["a"], outbox.utcnow())
    assert mark_sent(db, failures=3) == "sent"
    assert pauses == list(outbox.DISCONNECTED_PAUSES[:3])
    db.close()


def test_a_server_that_never_comes_back_is_logged_not_raised(monkeypatch, caplog):
    monkeypatch.setattr(outbox.time, "sleep", lambda seconds: None)
    db = outbox_db(["a"], outbox.utcnow())
    assert mark_sent(db, failures=100) == "queued"
    assert "the storage is out of reach" in caplog.text
    db.close()
