"""Review 3: a resolver that raised stopped every later bulk mailing (and deliver_all raised
out of `releases/cli.py --once`); now it is logged and the others go."""
from datetime import UTC, datetime, timedelta

import ZODB
from persistent.mapping import PersistentMapping

from statportal.mail.bulk import queue_bulk_mail
from statportal.mail.outbox import deliver_pending, get_outbox

PARTS = {"en": {"subject": "New release", "text": "Read it."}}


def boom(portal, registry, ids, context, now):
    raise KeyError("a subscriber record the resolver cannot read")


class Sink:
    def __init__(self):
        self.sent = []

    def send(self, sender, to, data):
        self.sent.extend(to)


def test_a_broken_mailing_does_not_block_the_next():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        queue_bulk_mail(portal, key_prefix="release", sender="p@example.org", parts=PARTS,
                        recipients=["id1"], resolver=f"{__name__}:boom")
        good = queue_bulk_mail(portal, key_prefix="release", sender="p@example.org",
                               parts=PARTS, recipients=[("a@example.org", "en", {})])
    sink = Sink()
    now = datetime.now(UTC) + timedelta(minutes=1)
    for _round in range(3):           # MailSender: logs "round failed", tries again ...
        deliver_pending(db, sink, now=now, registry=object())   # must not raise
    with db.transaction() as conn:
        state = get_outbox(conn.root()["statportal"])[good].state
    assert sink.sent == ["a@example.org"] and state == "sent"


def test_deliver_all_of_once_does_not_raise():
    """releases/cli.py --once calls deliver_all: a resolver's error is a traceback."""
    from statportal.mail.outbox import deliver_all

    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        queue_bulk_mail(portal, key_prefix="release", sender="p@example.org", parts=PARTS,
                        recipients=["id1"], resolver=f"{__name__}:boom")
    deliver_all(db, Sink(), now=datetime.now(UTC) + timedelta(minutes=1), registry=object())
