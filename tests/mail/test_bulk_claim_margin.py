"""A chunk sent to a slow server stops before its claim lapses (review 2): otherwise a
second sender takes the lapsed recipients back and both send them. The rest waits for a
later round; every recipient gets exactly one message."""

import time
from collections import Counter
from datetime import timedelta

import transaction
import ZODB
from persistent.mapping import PersistentMapping

from statportal.mail import bulk as bulk_module
from statportal.mail.outbox import get_outbox

PARTS = {"en": {"subject": "New release", "text": "Read it.\nUnsubscribe: $unsubscribe_url\n"}}


def bulk_db(count):
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        key = bulk_module.queue_bulk_mail(
            portal, key_prefix="release", sender="portal@example.org", parts=PARTS,
            recipients=((f"s{n}@example.org", "en", {"unsubscribe_url": f"https://p.kz/u?{n}"})
                        for n in range(count)))
    return db, key


def bulk_of(db, key):
    with db.transaction() as conn:
        bulk = get_outbox(conn.root()["statportal"])[key]
        return bulk.state, bulk.counts


class SlowSession:
    def __init__(self, log, pause):
        self.log, self.pause = log, pause

    def send(self, sender, to, data):
        time.sleep(self.pause)
        self.log.extend(to)


def one_chunk(db, key, now, session):
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    try:
        return bulk_module.deliver_bulk(tm, conn, "statportal", key, now, session)
    finally:
        conn.close()


def test_a_slow_chunk_stops_before_its_claim_lapses(monkeypatch):
    monkeypatch.setattr(bulk_module, "CLAIM", timedelta(seconds=3))
    monkeypatch.setattr(bulk_module, "CLAIM_MARGIN", timedelta(seconds=2))
    db, key = bulk_db(6)
    log = []
    first = one_chunk(db, key, bulk_module.utcnow(), SlowSession(log, 0.4))
    assert 1 <= first[0] < 6 and first[1] == 0   # stopped early, nothing counted failed
    # its claim is over; nobody else may send what it sent, the rest waits its pause
    later = bulk_module.utcnow() + timedelta(minutes=2)
    while one_chunk(db, key, later, SlowSession(log, 0))[0]:
        pass
    assert sorted(Counter(log).values()) == [1] * 6
    state, counts = bulk_of(db, key)
    assert state == "sent" and counts["sent"] == 6
