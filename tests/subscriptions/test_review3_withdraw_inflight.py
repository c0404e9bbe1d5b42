"""Review 3: Withdrawn while a chunk is on its way: the chunk goes out, yet the release is
forgotten as announced, so publishing it again mails the same people twice."""
from datetime import UTC, datetime, timedelta

import pytest
import transaction
import ZODB
from persistent.mapping import PersistentMapping

from statportal import clock
from statportal.mail.bulk import _claim, _record_chunk, queue_bulk_mail
from statportal.mail.outbox import get_outbox
from statportal.subscriptions.announce import get_record, withdraw

NOW = datetime.now(UTC) + timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _portal_clock():
    """The portal's clock a minute before NOW while the test runs: what it queues is due
    at NOW, however long after the module's import the test comes (a whole suite)."""
    with clock.frozen(NOW - timedelta(minutes=1)):
        yield


PARTS = {"en": {"subject": "New release", "text": "Read it."}}


def test_withdraw_during_a_chunk_keeps_the_release_announced():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        key = queue_bulk_mail(portal, key_prefix="release", sender="p@example.org",
                              parts=PARTS, recipients=[(f"s{n}@example.org", "en", {})
                                                       for n in range(5)])
        get_record(portal, create=True).announced["UID"] = key
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    claim_id, until, _s, items, _b = _claim(tm, conn, "statportal", key, NOW, 2)
    with db.transaction() as c2:           # the moderator withdraws meanwhile
        withdraw(c2.root()["statportal"], "UID")
    _record_chunk(tm, conn, "statportal", key, claim_id, until, [i for i, *_r in items],
            {i: None for i, *_r in items}, NOW)   # the chunk went out: 2 messages
    conn.close()
    with db.transaction() as c3:
        portal = c3.root()["statportal"]
        sent = get_outbox(portal)[key].counts["sent"]
        announced = "UID" in get_record(portal).announced
    assert sent == 2
    assert announced, "2 people got the release; a republication announces it again"
