"""Bulk mail through a real SMTP server: one message per recipient with its own To and
headers, chunks over one connection each, retries without loss, and two senders that
never send the same recipient."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import ZODB
from aiosmtpd.controller import Controller
from persistent.mapping import PersistentMapping

from statportal import clock
from statportal.mail.bulk import queue_bulk_mail
from statportal.mail.outbox import RETRY_PAUSES, SMTPDelivery, deliver_pending, get_outbox
from tests.helpers.smtp import Collect, free_port

NOW = datetime.now(UTC) + timedelta(minutes=1)  # the mail is queued at the real time


@pytest.fixture(autouse=True)
def _portal_clock():
    """The portal's clock a minute before NOW while the test runs: what it queues is due at
    NOW, however long after the module's import the test comes (in a whole suite, minutes:
    a NOW of the import's real time was already past, and nothing was due)."""
    with clock.frozen(NOW - timedelta(minutes=1)):
        yield

PARTS = {"en": {"subject": "New release", "text": "Read it.\nUnsubscribe: $unsubscribe_url\n",
                "html": "<p>Read it. <a href=\"$manage_url\">Manage</a></p>"},
         "ru": {"subject": "Новый выпуск", "text": "Читайте.\nОтписаться: $unsubscribe_url\n"}}


class Sink(Collect):
    """Counts connections (one EHLO each), refuses the addresses in ``refuse``."""

    def __init__(self, refuse=()):
        super().__init__()
        self.connections, self.refuse = 0, set(refuse)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def sink():
    handler, port = Sink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.delivery = SMTPDelivery("127.0.0.1", port)
    yield handler
    controller.stop()


def address(number):
    return f"s{number:04d}@example.org"


def bulk_db(count, languages=("en", "ru")):
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        key = queue_bulk_mail(portal, key_prefix="release", sender="portal@example.org",
                              parts=PARTS, headers={"X-Release": "r1"}, recipients=(
                                  (address(n), languages[n % len(languages)],
                                   {"unsubscribe_url": f"https://p.kz/u?t={n}",
                                    "manage_url": f"https://p.kz/m?t={n}&x=1"})
                                  for n in range(count)))
    return db, key


def bulk_of(db, key):
    with db.transaction() as conn:
        bulk = get_outbox(conn.root()["statportal"])[key]
        return bulk.state, bulk.counts, {n: bulk.state_of(n) for n in range(bulk.total)}


def deliver_until_done(db, delivery, now=NOW, chunk=50):
    total = (0, 0)
    while True:
        sent, failed = deliver_pending(db, delivery, now=now, chunk=chunk)
        if not sent + failed:
            return total
        total = (total[0] + sent, total[1] + failed)


def test_every_recipient_gets_one_message_of_its_own_one_connection_per_chunk(sink):
    db, key = bulk_db(250)
    assert deliver_until_done(db, sink.delivery, chunk=50) == (250, 0)
    assert sink.connections == 5  # 250 / 50: one connection per chunk
    received = {tos[0]: message for tos, message in sink.messages}
    assert len(sink.messages) == 250 and set(received) == {address(n) for n in range(250)}
    first, second = received[address(0)], received[address(1)]
    assert first["To"] == address(0) and first["Subject"] == "New release"
    assert first["List-Unsubscribe"] == "<https://p.kz/u?t=0>"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first["X-Release"] == "r1" and first["Message-ID"] != second["Message-ID"]
    assert "https://p.kz/u?t=0" in first.get_body(("plain",)).get_content()
    assert 'href="https://p.kz/m?t=0&amp;x=1"' in first.get_body(("html",)).get_content()
    assert second["Subject"] == "Новый выпуск" and second["To"] == address(1)
    assert "Отписаться: https://p.kz/u?t=1" in second.get_body(("plain",)).get_content()
    state, counts, states = bulk_of(db, key)
    assert state == "sent" and counts == {"total": 250, "sent": 250, "failed": 0, "queued": 0,
                                          "skipped": 0}
    assert set(states.values()) == {"sent"}


def test_refused_recipients_are_retried_later_none_lost_none_twice(sink):
    db, key = bulk_db(120)
    sink.refuse = {address(3), address(77)}
    assert deliver_until_done(db, sink.delivery, chunk=60) == (118, 2)
    state, counts, states = bulk_of(db, key)
    assert state == "queued" and counts["queued"] == 2 and states[3] == states[77] == "queued"
    # Not before the pause; after it, the server takes them, and nobody gets a second one.
    assert deliver_pending(db, sink.delivery, now=NOW + timedelta(seconds=30)) == (0, 0)
    sink.refuse = set()
    later = NOW + RETRY_PAUSES[0] + timedelta(seconds=90)
    assert deliver_until_done(db, sink.delivery, now=later) == (2, 0)
    tos = [tos[0] for tos, _message in sink.messages]
    assert len(tos) == 120 and len(set(tos)) == 120
    assert bulk_of(db, key)[:2] == ("sent", {"total": 120, "sent": 120, "failed": 0,
                                             "queued": 0, "skipped": 0})


def test_a_recipient_refused_every_time_is_given_up_and_kept_as_failed(sink):
    db, key = bulk_db(5)
    sink.refuse = {address(2)}
    moment = NOW
    for _attempt in range(len(RETRY_PAUSES) + 1):
        deliver_until_done(db, sink.delivery, now=moment)
        moment += timedelta(hours=7)
    state, counts, states = bulk_of(db, key)
    assert state == "failed" and counts["failed"] == 1 and states[2] == "failed"
    assert len(sink.messages) == 4


def test_two_senders_at_once_never_send_the_same_recipient(sink):
    db, key = bulk_db(200)
    errors = []

    def sender():
        try:
            deliver_until_done(db, sink.delivery, chunk=10)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    tos = [tos[0] for tos, _message in sink.messages]
    assert not errors and len(tos) == 200 and len(set(tos)) == 200
    assert bulk_of(db, key)[0] == "sent"


def test_a_sender_that_read_the_mail_before_another_sent_a_chunk_claims_the_next(sink):
    """The second sender's connection read the mail before the first claimed, sent and
    recorded a chunk: its claim (a new transaction) takes the next chunk, not that one.
    (A claim racing another's commit conflicts on the BulkMail, which every claim and
    record writes after readCurrent; the two-threads test exercises that.)"""
    import transaction

    from statportal.mail.bulk import _claim

    db, key = bulk_db(30)
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    tm.begin()
    get_outbox(conn.root()["statportal"])[key].queue  # noqa: B018 (the old state, read)
    assert deliver_pending(db, sink.delivery, now=NOW, chunk=10) == (10, 0)
    tm.abort()
    claimed = _claim(tm, conn, "statportal", key, NOW, 10)
    assert [index for index, *_rest in claimed[3]] == list(range(10, 20))
    conn.close()


def test_erasing_an_address_leaves_it_out_of_the_queued_mail(sink):
    db, key = bulk_db(6)
    with db.transaction() as conn:
        assert get_outbox(conn.root()["statportal"])[key].remove_address(address(4).upper()) == 1
    deliver_until_done(db, sink.delivery)
    assert address(4) not in {tos[0] for tos, _message in sink.messages}
    assert len(sink.messages) == 5 and bulk_of(db, key)[0] == "sent"


def test_plain_text_messages_built_from_bytes_read_as_the_full_ones(sink):
    """No HTML and no extra header: the message is built from bytes made once per
    language; a mail reader sees the same headers and text."""
    db = ZODB.DB(None)
    with db.transaction() as conn:
        queue_bulk_mail(conn.root().setdefault("statportal", PersistentMapping()),
                        key_prefix="r", sender="Портал <portal@example.org>",
                        parts={"ru": PARTS["ru"]}, recipients=[
                            (address(n), "kk", {"unsubscribe_url": f"https://p.kz/u?t={n}"})
                            for n in range(3)] + [("plain@example.org", "ru", {}),
                                                  ("Ünï@example.org", "ru", {})])
    assert deliver_until_done(db, sink.delivery) == (4, 1)  # no SMTPUTF8: not sent
    received = {tos[0]: message for tos, message in sink.messages}
    first = received[address(0)]
    assert first["To"] == address(0) and first["Subject"] == "Новый выпуск"
    assert first["From"] == "Портал <portal@example.org>"
    assert first["List-Unsubscribe"] == "<https://p.kz/u?t=0>"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first.get_content() == "Читайте.\nОтписаться: https://p.kz/u?t=0\n"
    assert len({message["Message-ID"] for message in received.values()}) == 4
    assert received["plain@example.org"]["List-Unsubscribe"] is None


def resolve_people(portal, registry, ids, context, now):
    """A recipient resolver (named by its dotted name): the portal's ``people``."""
    assert registry is not None
    people = portal["people"]
    return {ident: (people[ident], "en", {"unsubscribe_url": f"{context['base']}/u?t={ident}"})
            if ident in people else None for ident in ids}


def test_a_mailing_of_ids_resolves_them_when_sent_and_skips_who_left(sink):
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        portal["people"] = PersistentMapping({f"id{n}": address(n) for n in range(30)})
        key = queue_bulk_mail(portal, key_prefix="release", sender="portal@example.org",
                              parts=PARTS, recipients=[f"id{n}" for n in range(30)],
                              resolver=f"{__name__}:resolve_people",
                              context={"base": "https://p.kz"})
        stored = dict(get_outbox(portal)[key].recipients)
        assert set(stored.values()) == {f"id{n}" for n in range(30)}  # ids, no address
        del portal["people"]["id7"]                   # unsubscribed after the queueing
    assert deliver_pending(db, sink.delivery, now=NOW) == (0, 0)  # no registry: it waits
    assert sink.messages == []
    registry = object()
    total = (0, 0)
    while sum(result := deliver_pending(db, sink.delivery, now=NOW, chunk=10,
                                        registry=registry)):
        total = (total[0] + result[0], total[1] + result[1])
    assert total == (29, 0)
    tos = sorted(tos[0] for tos, _message in sink.messages)
    assert tos == sorted(address(n) for n in range(30) if n != 7)     # one each, not id7
    received = {tos[0]: message for tos, message in sink.messages}
    assert received[address(3)]["List-Unsubscribe"] == "<https://p.kz/u?t=id3>"
    state, counts, _states = bulk_of(db, key)
    assert state == "sent" and counts == {"total": 30, "sent": 29, "failed": 0, "queued": 0,
                                          "skipped": 1}
    with pytest.raises(ImportError):                  # a wrong name fails at queueing
        with db.transaction() as conn:
            queue_bulk_mail(conn.root()["statportal"], key_prefix="x", sender="p@example.org",
                            parts=PARTS, recipients=["id1"], resolver=f"{__name__}:missing")
