"""Review 3: A lapsed claim recorded late re-queues a recipient that another sender has claimed
(not yet sent): both send it (bdf2699 covers only the 'already sent' case)."""
from datetime import UTC, datetime, timedelta

import pytest
import transaction
import ZODB
from persistent.mapping import PersistentMapping

from statportal import clock
from statportal.mail.bulk import _claim, _record_chunk, deliver_bulk, queue_bulk_mail
from statportal.mail.outbox import CLAIM

T0 = datetime.now(UTC) + timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _portal_clock():
    """The portal's clock a minute before T0 while the test runs: what it queues is due
    at T0, however long after the module's import the test comes (a whole suite)."""
    with clock.frozen(T0 - timedelta(minutes=1)):
        yield


PARTS = {"en": {"subject": "New release", "text": "Read it."}}


class Sink:
    def __init__(self):
        self.sent = []

    def send(self, sender, to, data):
        self.sent.extend(to)


def _conn(db):
    tm = transaction.TransactionManager(explicit=True)
    return tm, db.open(transaction_manager=tm)


def test_a_late_record_does_not_requeue_another_senders_claim():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        key = queue_bulk_mail(portal, key_prefix="release", sender="p@example.org",
                              parts=PARTS, recipients=[("a@example.org", "en", {}),
                                                       ("b@example.org", "en", {})])
    tma, ca = _conn(db)
    a_id, a_until, _s, a_items, _b = _claim(tma, ca, "statportal", key, T0, 1)  # A: a
    late = T0 + CLAIM + timedelta(seconds=5)
    tmb, cb = _conn(db)
    b_id, b_until, _s, b_items, _b = _claim(tmb, cb, "statportal", key, late, 200)  # B
    # A (storage out of reach, then back) records late: nothing tried
    _record_chunk(tma, ca, "statportal", key, a_id, a_until, [i for i, *_r in a_items], {}, late)
    sink = Sink()
    assert sorted(i[1] for i in b_items) == ["a@example.org", "b@example.org"]
    sink.send("p", ["a@example.org"], b"")  # B sends a (b: a passing 451) and records
    _record_chunk(tmb, cb, "statportal", key, b_id, b_until, [i for i, *_r in b_items],
            {i: (None if addr == "a@example.org" else "SMTPDataError: 451")
             for i, addr, *_r in b_items}, late)
    tmc, cc = _conn(db)
    deliver_bulk(tmc, cc, "statportal", key, late + timedelta(hours=1), sink)
    assert sorted(sink.sent) == ["a@example.org", "b@example.org"], sink.sent
