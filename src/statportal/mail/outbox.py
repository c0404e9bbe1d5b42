"""The outbox: durable, transaction-bound mail with retries."""

import logging
import re
import smtplib
import time
import uuid
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import transaction
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from transaction.interfaces import TransientError
from ZODB.POSException import ConflictError

from statportal.content.base import utcnow
from statportal.content.resources import kept_at

log = logging.getLogger(__name__)

OUTBOX_KEY = "__outbox__"
#: The keys of mail still to send: a round of delivery reads these, not the whole outbox.
PENDING_KEY = "__outbox_pending__"
#: Mail a sender is sending: claimed in a transaction of its own before it goes out.
CLAIMS_KEY = "__outbox_claims__"
#: How long a claim holds: a sender that died with a claim (after sending, before marking
#: the mail sent) leaves it to the others after this long (well above SMTP's timeout).
CLAIM = timedelta(minutes=5)
#: Pauses before the 2nd, 3rd, … attempt; after the last, the mail is marked failed.
RETRY_PAUSES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
                timedelta(hours=1), timedelta(hours=3), timedelta(hours=6))


class OutgoingMail(Persistent):
    def __init__(self, message, now):
        self.sender = message["From"]
        self.recipients = tuple(addr.strip() for field in ("To", "Cc", "Bcc")
                                for addr in (message.get_all(field) or ()) for addr in
                                addr.split(",") if addr.strip())
        self.subject = str(message["Subject"] or "")
        del message["Bcc"]
        self.data = message.as_bytes()
        self.created = now
        self.state = "queued"
        self.attempts = 0
        self.next_attempt = now
        self.last_error = ""
        self.sent_at = None


def make_message(sender, to, subject, body, attachments=()):
    """An EmailMessage (UTF-8 text, optional attachments as (filename, type, bytes))."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join([to] if isinstance(to, str) else to)
    # Header values are one line: a line break in a title must not stop a transition.
    subject = " ".join("".join(ch if ch.isprintable() else " " for ch in subject).split())
    if subject.isascii():
        message["Subject"] = subject
    else:
        # Encoded by email.header, whose folding keeps each space inside an encoded word:
        # the default policy's (Python 3.11) folds at a space and loses it ("келісудікүтуде")
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject")
                        .encode(linesep="\n"))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, _sep, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def get_outbox(portal, create=False):
    return kept_at(portal, OUTBOX_KEY, OOBTree, create)


def get_pending(portal):
    return kept_at(portal, PENDING_KEY, OOTreeSet, create=True)


def get_claims(portal):
    """Mail being sent: key -> until when its sender holds it (created with the first
    claim, read with a default: no evolve step)."""
    return kept_at(portal, CLAIMS_KEY, OOBTree, create=True)


def queue_mail(request, message):
    """Queue ``message`` with the current transaction; delivery is tried after commit."""
    from statportal.content.resources import get_portal

    portal = get_portal(request)
    key = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"  # FIFO, and distinct per writer
    get_outbox(portal, create=True)[key] = OutgoingMail(message, utcnow())
    get_pending(portal).insert(key)
    from statportal.mail.running import kick_of

    kick = kick_of(request.registry)
    if kick is not None:
        request.tm.get().addAfterCommitHook(lambda ok: ok and kick())
    return key


def mail_state(portal, key):
    """The state of the queued mail ``key``: ``queued`` (waiting or being retried),
    ``sent`` (the mail server took it), ``failed`` (given up), or None when the outbox
    holds no such mail."""
    outbox = get_outbox(portal)
    mail = outbox.get(key) if outbox is not None and key else None
    return mail.state if mail is not None else None


class SMTPDelivery:
    """Sends bytes through smtplib, with CRLF line endings."""

    def __init__(self, host="localhost", port=25, username=None, password=None,
                 starttls=False, timeout=30):
        self.host, self.port = host, int(port)
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def _connect(self):
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, sender, recipients, data):
        with self.session() as session:
            session.send(sender, recipients, data)

    @contextmanager
    def session(self):
        """Many messages over one connection (a round of the outbox): opened at the first
        message, opened again after a failure (the server may have closed it)."""
        session = _SMTPSession(self)
        try:
            yield session
        finally:
            session.close()


class _SMTPSession:
    def __init__(self, delivery):
        self.delivery, self.smtp, self.connections = delivery, None, 0

    def send(self, sender, recipients, data):
        data = re.sub(rb"\r?\n", b"\r\n", data)
        if self.smtp is None:
            self.smtp = self.delivery._connect()
            self.connections += 1
        try:
            self.smtp.sendmail(sender, list(recipients), data)
        except smtplib.SMTPRecipientsRefused:
            raise  # the connection is still good: the next message uses it
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self):
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def delivery_from_settings(settings):
    """The SMTP server of ``mail.host``…, or the maildir of ``mail.maildir`` when
    ``mail.delivery = maildir`` (:mod:`statportal.mail.maildir`)."""
    from pyramid.settings import asbool

    from statportal.mail.maildir import delivery_kind, maildir_delivery

    if delivery_kind(settings) == "maildir":
        return maildir_delivery(settings)
    return SMTPDelivery(host=settings.get("mail.host", "localhost"),
                        port=settings.get("mail.port", 25),
                        username=settings.get("mail.username") or None,
                        password=settings.get("mail.password") or None,
                        starttls=asbool(settings.get("mail.tls", False)))


#: Mails tried in one round; a round that tried this many is followed by another at once
#: (staff mail is one message per recipient: a notice to many makes many).
BATCH = 100


def deliver_all(db, delivery, now=None, root_key="statportal", registry=None):
    """Rounds of ``deliver_pending`` until one is not full; returns (sent, failed_attempts).
    It ends: a mail that fails waits for its pause, so no round tries it twice."""
    sent = failed = 0
    while True:
        round_sent, round_failed = deliver_pending(db, delivery, now=now, root_key=root_key,
                                                   registry=registry)
        sent, failed = sent + round_sent, failed + round_failed
        if round_sent + round_failed < BATCH:
            return sent, failed


def deliver_pending(db, delivery, now=None, root_key="statportal", limit=BATCH, chunk=None,
                    registry=None):
    """Try every queued mail that is due, ``limit`` at most; returns (sent,
    failed_attempts).

    Each mail is claimed in a transaction of its own before it is sent (``_claim``), so
    two senders (two processes on ZEO or RelStorage, a worker beside a web process)
    never send the same mail: the second's claim conflicts, and it leaves the mail to
    the first. It is marked in its own transaction right after the server took it, so
    a crash between the two re-sends at most that one message, once its claim lapses.
    A bulk mail (:mod:`statportal.mail.bulk`) due sends one chunk of its recipients per
    round, after the single mail, over the same connection. ``registry`` (the
    application's) is what a bulk mail's recipient resolver reads its settings from.
    """

    now = now or utcnow()
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    sent = failed = 0
    try:
        with tm:
            portal = conn.root()[root_key]
            outbox, pending = get_outbox(portal), getattr(portal, PENDING_KEY, None)
            claims = getattr(portal, CLAIMS_KEY, None) or {}
            due, bulks = [], []
            for key in ([] if outbox is None or pending is None else pending):
                mail = outbox.get(key)
                if getattr(mail, "kind", None) == "bulk":  # (bulk imports this module)
                    if mail.state == "queued" and mail.due(now):
                        bulks.append((key, type(mail).deliver_chunk))
                elif (len(due) < limit and mail is not None and mail.state == "queued"
                      and not _claimed(claims, key, now) and mail.next_attempt <= now):
                    due.append(key)
        if not due and not bulks:
            return 0, 0
        with _session(delivery) as session:  # one connection for the round
            for key in due:
                sent_now, failed_now = _deliver_one(tm, conn, root_key, key, now, session)
                sent, failed = sent + sent_now, failed + failed_now
            for key, deliver_chunk in bulks:
                try:
                    sent_now, failed_now = deliver_chunk(tm, conn, root_key, key, now,
                                                         session, chunk, registry=registry)
                except Exception:  # noqa: BLE001 (a mailing's resolver failed: logged; the
                    # mailings after it still go, this one is tried again next round)
                    log.exception("bulk mail %s: a chunk could not be prepared", key)
                    continue
                sent, failed = sent + sent_now, failed + failed_now
    finally:
        conn.close()
    return sent, failed


def _session(delivery):
    session = getattr(delivery, "session", None)  # a delivery of an add-on may have none
    return session() if session is not None else nullcontext(delivery)


def _deliver_one(tm, conn, root_key, key, now, session):
    """Claim, send and mark the mail ``key``; returns (sent, failed), each 0 or 1."""
    claimed = _claim(tm, conn, root_key, key, max(now, utcnow()))  # held from now
    if claimed is None:
        return 0, 0  # sent, claimed or changed by another meanwhile
    sender, recipients, data = claimed
    try:
        session.send(sender, recipients, data)
    except (OSError, smtplib.SMTPException) as exc:
        _mark(tm, conn, root_key, key, max(now, utcnow()),  # the pause from now
              error=f"{type(exc).__name__}: {exc}"[:500])
        return 0, 1
    _mark(tm, conn, root_key, key, max(now, utcnow()))
    return 1, 0


def _claimed(claims, key, now):
    until = claims.get(key)
    return until is not None and until > now


def _claim(tm, conn, root_key, key, now):
    """Claim the mail ``key`` for this sender until ``now + CLAIM``, committed before it
    is sent; returns ``(sender, recipients, data)``, or None when it is no longer due, or
    another sender claimed or changed it first. The mail is read with ``readCurrent``:
    a commit that changed it since (another sender's mark) makes this claim conflict,
    as a claim written beside another's does (the same key in one BTree bucket)."""
    tm.begin()
    try:
        portal = conn.root()[root_key]
        mail = get_outbox(portal)[key]
        claims = get_claims(portal)
        if mail.state != "queued" or mail.next_attempt > now or _claimed(claims, key, now):
            tm.abort()
            return None
        conn.readCurrent(mail)
        claims[key] = now + CLAIM
        what = (mail.sender, mail.recipients, mail.data)
        tm.commit()
        return what
    except ConflictError:
        tm.abort()
        return None


# A storage server out of reach (ZEO's ClientDisconnected, a TransientError) while an
# attempt is recorded: waited for this long in all, as ZEO reconnects by itself.
DISCONNECTED_PAUSES = (0.5, 1, 2, 4, 8, 15)


def commit_retrying(tm, work, conflicts):
    """Run ``work()`` in a transaction of ``tm`` until it commits: again after a write
    conflict (at most ``conflicts`` times in all, at least 1), and after a pause while the
    storage server is out of reach (``DISCONNECTED_PAUSES``). For recording what was
    already sent, which must not be lost. Returns None once committed, else the
    ``TransientError`` it gave up on (the last ``ConflictError``, or the storage's)."""
    from transaction.interfaces import NoTransaction

    pauses, error = iter(DISCONNECTED_PAUSES), None
    while conflicts > 0:
        try:
            with tm:
                work()
            return None
        except TransientError as exc:
            # A failed commit leaves its transaction open (explicit mode): end it first.
            try:
                tm.abort()
            except NoTransaction:
                pass
            error = exc
            if isinstance(exc, ConflictError):
                conflicts -= 1
                continue
            pause = next(pauses, None)
            if pause is None:
                return exc
            time.sleep(pause)
    return error


def _mark(tm, conn, root_key, key, now, error=None, attempts_left=3):
    """Record one attempt (``now``: when it ended, the start of the retry pause; not the
    start of the round, which a slow server makes long past). The server has the message
    already when ``error`` is None, so a write conflict (a Manager pressing "send again"
    meanwhile) is retried, never turned into a second sending; so is a storage server out
    of reach for a moment (a ZEO client with ``server_sync`` asks it as each transaction
    begins), after a pause: unrecorded, the mail would go again once its claim lapsed."""

    def record():
        portal = conn.root()[root_key]
        mail = get_outbox(portal)[key]
        mail.attempts += 1
        claims = get_claims(portal)
        if key in claims:
            del claims[key]
        pending = get_pending(portal)
        if error is None:
            mail.state, mail.sent_at, mail.last_error = "sent", utcnow(), ""
            if key in pending:
                pending.remove(key)
            return
        mail.last_error = error
        if mail.attempts > len(RETRY_PAUSES):
            mail.state = "failed"
            if key in pending:
                pending.remove(key)
            log.error("mail %s failed for good: %s", key, error)
        else:
            mail.next_attempt = now + RETRY_PAUSES[mail.attempts - 1]
            log.warning("mail %s not delivered (attempt %d): %s", key, mail.attempts, error)

    failure = commit_retrying(tm, record, attempts_left)
    if isinstance(failure, ConflictError):
        log.error("mail %s: could not record the attempt after %d conflicts", key,
                  attempts_left)
    elif failure is not None:
        log.error("mail %s: could not record the attempt, the storage is out of reach: %s",
                  key, failure)
