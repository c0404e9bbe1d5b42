"""``BulkMail.cancel`` (a release withdrawn while its mailing is being sent): the
recipients not reached are skipped, never sent later (not by a failure's retry, a lapsed
claim, or the Manager's "send again"), and the chunk on its way is recorded as it went."""

from datetime import UTC, datetime, timedelta

import pytest
import transaction
import ZODB
from persistent.mapping import PersistentMapping

from statportal import clock
from statportal.mail.bulk import _claim, _record_chunk, cancel_bulk_mail, queue_bulk_mail
from statportal.mail.outbox import CLAIM, deliver_pending, get_outbox, get_pending

NOW = datetime.now(UTC) + timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _portal_clock():
    """The portal's clock a minute before NOW while the test runs: what it queues is due
    at NOW, however long after the module's import the test comes (a whole suite)."""
    with clock.frozen(NOW - timedelta(minutes=1)):
        yield


PARTS = {"en": {"subject": "New release", "text": "Read it."}}


class NoDelivery:
    def send(self, *args):
        raise AssertionError("a cancelled mailing sent a message")


def _db(count=5):
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        key = queue_bulk_mail(portal, key_prefix="release", sender="portal@example.org",
                              parts=PARTS, recipients=[(f"s{n}@example.org", "en", {})
                                                       for n in range(count)])
    return db, key


def _cancel(db, key, now):
    with db.transaction() as conn:
        return cancel_bulk_mail(conn.root()["statportal"], key, now)


def _state(db, key):
    with db.transaction() as conn:
        portal = conn.root()["statportal"]
        bulk = get_outbox(portal)[key]
        return bulk.state, bulk.counts, key in get_pending(portal)


def test_the_chunk_on_its_way_is_recorded_and_the_rest_skipped():
    db, key = _db()
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    claim_id, until, _sender, items, _build = _claim(tm, conn, "statportal", key, NOW, 2)
    assert _cancel(db, key, NOW) == 3                  # the 3 not claimed
    assert _state(db, key)[0] == "queued"              # until the chunk is recorded
    _record_chunk(tm, conn, "statportal", key, claim_id, until, [i for i, *_r in items],
            {items[0][0]: None, items[1][0]: "SMTPDataError: busy"}, NOW)   # not retried
    conn.close()
    state, counts, pending = _state(db, key)
    assert (state, pending) == ("sent", False)
    assert counts == {"total": 5, "sent": 1, "failed": 0, "queued": 0, "skipped": 4}
    with db.transaction() as conn:
        get_outbox(conn.root()["statportal"])[key].retry_failed(NOW)   # "send again"
    assert deliver_pending(db, NoDelivery(), now=NOW + timedelta(days=1)) == (0, 0)
    assert _state(db, key) == (state, counts, False)


def test_a_lapsed_claim_is_cancelled_with_the_rest():
    db, key = _db()
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    assert _claim(tm, conn, "statportal", key, NOW, 2) is not None   # its sender dies
    conn.close()
    assert _cancel(db, key, NOW + CLAIM + timedelta(seconds=1)) == 5
    assert _state(db, key) == ("sent", {"total": 5, "sent": 0, "failed": 0, "queued": 0,
                                        "skipped": 5}, False)
    assert deliver_pending(db, NoDelivery(), now=NOW + timedelta(days=1)) == (0, 0)
