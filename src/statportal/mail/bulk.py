"""Bulk mail: one message per recipient (a release to its subscribers), stored ONCE.

``queue_bulk_mail`` keeps one persistent :class:`BulkMail` in the outbox: the text of each
language once, the recipients in BTrees (not one object each), and per recipient its state
(queued, sent, failed), attempts and last error. ``deliver_pending`` (the outbox's round)
sends it in chunks: a chunk is claimed in one transaction, sent over one connection of the
delivery's ``session()``, and its results recorded in one transaction. Failed recipients
wait for the outbox's ``RETRY_PAUSES`` and are never lost.

A mailing to many subscribers stores only their ids and the dotted name of a RESOLVER
(``queue_bulk_mail(..., resolver="pkg.module:function", context={...})``), called as
``resolver(portal, registry, ids, context, now) -> {id: (address, lang, vars) or None}``
when a chunk is claimed: queueing 100,000 writes 100,000 short strings, the address and
the signed links are made at sending, and whoever unsubscribed or was erased meanwhile
(``None``) is skipped: done, counted ``skipped``, nothing sent. A dotted name rather
than a registered one: the core imports no feature either way, and the stored name is
a code path as the pickled class of every stored object is (keep it where it is).

Two senders never send the same recipient: every claim and every record writes the
``BulkMail`` itself after ``readCurrent`` of it, so of two claims made from the same
state one conflicts and is retried from the new state (where the chunk is gone).
"""

import base64
import html
import logging
import smtplib
import sys
import time
import uuid
from datetime import timedelta
from email.utils import formatdate, make_msgid
from itertools import islice
from string import Template

from BTrees.IIBTree import IITreeSet
from BTrees.IOBTree import IOBTree
from BTrees.OOBTree import OOTreeSet
from persistent import Persistent
from ZODB.POSException import ConflictError

from statportal.content.base import utcnow
from statportal.mail.outbox import (
    CLAIM,
    RETRY_PAUSES,
    commit_retrying,
    get_outbox,
    get_pending,
    make_message,
)

log = logging.getLogger(__name__)

#: Recipients claimed, sent over one connection and recorded together.
CHUNK = 200
#: A chunk stops sending this long before its claim lapses (more than SMTP's timeout, so
#: a message begun before it has ended before the claim does): never two senders at once.
CLAIM_MARGIN = timedelta(seconds=60)
#: Errors of one message (the connection is still good): the others of the chunk go on.
#: a recipient's result: gone (unsubscribed, erased) since queueing, nothing sent
SKIPPED = object()
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                  smtplib.SMTPSenderRefused)


class BulkMail(Persistent):
    """One mailing to many; ``state`` is ``queued`` until every recipient is sent or
    given up (then ``sent``, or ``failed`` when some were given up)."""

    kind = "bulk"
    #: the dotted name of the recipient resolver, or None (recipients are full triples);
    #: class defaults: mailings queued before these existed read as none and 0
    resolver = None
    context = None
    skipped_count = 0
    #: cancelled (its subject withdrawn): nothing more is sent, not even on "send again"
    cancelled = False

    def __init__(self, sender, parts, headers, now):
        self.sender = sender
        self.parts = {lang: dict(part) for lang, part in parts.items()}
        self.headers = dict(headers or {})
        self.created = now
        self.state = "queued"
        self.recipients = IOBTree()  # index -> (address, lang, vars), or an id (resolver)
        self.queue = OOTreeSet()  # (next attempt, index) of the queued, not claimed
        self.claims = {}  # claim id -> (until, indexes)
        self.sent = IITreeSet()
        self.failed = IITreeSet()
        self.attempts = IOBTree()  # index -> attempts so far (absent: none)
        self.errors = IOBTree()  # index -> last error
        self.total = self.sent_count = self.failed_count = 0
        self.last_error = ""
        self.sent_at = None

    # What the outbox's page and JSON show of it, as of a single mail.
    @property
    def subject(self):
        part = next(iter(self.parts.values()), {})
        return part.get("subject", "")

    @property
    def next_attempt(self):
        first = next(iter(self.queue), None)
        return first[0] if first is not None else self.created

    @property
    def counts(self):
        done = self.sent_count + self.failed_count + self.skipped_count
        return {"total": self.total, "sent": self.sent_count, "failed": self.failed_count,
                "queued": self.total - done, "skipped": self.skipped_count}

    def state_of(self, index):
        if index in self.sent:
            return "sent"
        return "failed" if index in self.failed else "queued"

    def due(self, now):
        return (next(iter(self.queue.keys(max=(now, sys.maxsize))), None) is not None
                or any(until <= now for until, _indexes in self.claims.values()))

    def retry_failed(self, now):
        """The Manager's "send again": the given-up recipients queued again from now."""
        if self.cancelled:
            return
        for index in list(self.failed):
            self.queue.insert((now, index))
            self.attempts.pop(index, None)
        self.failed_count -= len(self.failed)
        self.failed.clear()
        if self.total > self.sent_count + self.skipped_count:
            self.state = "queued"

    def remove_address(self, address):
        """Forget ``address`` among the recipients not yet sent (an erasure): its entry is
        blanked, and delivery counts it done without sending. Returns how many; reads every
        recipient, for the rare erasure only. A resolver's mailing keeps no address: the
        erased subscriber is gone, so the resolver finds none and it is skipped (0)."""
        if self.resolver:
            return 0
        wanted, removed = address.strip().lower(), 0
        for index, (addr, _lang, _vars) in list(self.recipients.items()):
            if addr and addr.strip().lower() == wanted and index not in self.sent:
                self.recipients[index] = ("", "", {})
                removed += 1
        return removed


    def cancel(self, now):
        """Send no more (the material it announces was withdrawn): every recipient not
        sent yet is done, counted ``skipped``; returns how many. A chunk a sender is
        sending now goes out (its results are recorded; a failure there is not retried);
        a lapsed claim's (its sender died) is cancelled too."""
        self.cancelled = True
        indexes = [index for _when, index in self.queue]
        self.queue.clear()
        claims = dict(self.claims)
        for claim_id, (until, claimed) in list(claims.items()):
            if until <= now:
                indexes.extend(claimed)
                del claims[claim_id]
        self.claims = claims
        cancelled = 0
        for index in indexes:
            if index not in self.sent and index not in self.failed:
                self.sent.insert(index)
                cancelled += 1
        self.skipped_count += cancelled
        if self.state == "queued" and not self.claims:
            self.state, self.sent_at = ("failed" if self.failed_count else "sent"), now
        return cancelled


def cancel_bulk_mail(portal, key, now=None):
    """Cancel the bulk mail ``key`` of ``portal``'s outbox (see ``BulkMail.cancel``),
    with the current transaction; returns how many recipients it no longer goes to."""
    mail = (get_outbox(portal) or {}).get(key)
    if getattr(mail, "kind", None) != "bulk" or mail.state != "queued":
        return 0
    cancelled = mail.cancel(now or utcnow())
    pending = get_pending(portal)
    if mail.state != "queued" and key in pending:
        pending.remove(key)
    return cancelled


def queue_bulk_mail(request_or_portal, *, key_prefix, sender, parts, recipients, headers=None,
                    resolver=None, context=None):
    """Queue one message per recipient with the current transaction; returns the key.

    ``parts``: ``{lang: {"subject", "text", "html" (optional)}}``, each a
    ``string.Template`` over the recipient's vars (``$unsubscribe_url``, ``$manage_url``);
    ``recipients``: ``(address, lang, vars)``; ``headers``: more headers for every message
    (templates too). A recipient's ``unsubscribe_url`` also makes its List-Unsubscribe
    headers (RFC 8058 one click). With ``resolver`` (a dotted name, see the module),
    ``recipients`` are ids (strings) it resolves at sending, with ``context`` (a small
    dict of plain values: the portal's URL, a frequency ...)."""
    from statportal.content.resources import get_portal

    request = request_or_portal if hasattr(request_or_portal, "registry") else None
    portal = get_portal(request) if request is not None else request_or_portal
    if not parts:
        raise ValueError("parts: at least one language is needed")
    now = utcnow()
    bulk = BulkMail(sender, parts, headers, now)
    if resolver is not None:
        resolve(resolver)  # a wrong name fails here, not in the sender
        bulk.resolver, bulk.context = str(resolver), dict(context or {})
    count = 0
    for entry in recipients:
        bulk.recipients[count] = str(entry) if resolver else (
            entry[0], entry[1], dict(entry[2] or {}))
        count += 1
    bulk.queue.update((now, index) for index in range(count))
    bulk.total = count
    if not count:
        bulk.state, bulk.sent_at = "sent", now
    key = f"{time.time_ns():020d}-{key_prefix}-{uuid.uuid4().hex[:8]}"
    get_outbox(portal, create=True)[key] = bulk
    if count:
        get_pending(portal).insert(key)
    if request is not None:
        from statportal.mail.running import kick_of

        kick = kick_of(request.registry)
        if kick is not None:
            request.tm.get().addAfterCommitHook(lambda ok: ok and kick())
    return key


_RESOLVERS = {}


def resolve(name):
    """The recipient resolver named ``name`` (``pkg.module:function``), imported once."""
    if name not in _RESOLVERS:
        from pyramid.path import DottedNameResolver

        _RESOLVERS[name] = DottedNameResolver().resolve(name)
    return _RESOLVERS[name]


def build_message(bulk, address, lang, values):
    """The bytes of the message to one recipient, in its language (else the first)."""
    part = bulk.parts.get(lang) or next(iter(bulk.parts.values()))
    values = {name: str(value) for name, value in values.items()}
    message = make_message(bulk.sender, address,
                           Template(part["subject"]).safe_substitute(values),
                           Template(part["text"]).safe_substitute(values))
    if part.get("html"):
        escaped = {name: html.escape(value) for name, value in values.items()}
        message.add_alternative(Template(part["html"]).safe_substitute(escaped), subtype="html")
    if values.get("unsubscribe_url"):
        message["List-Unsubscribe"] = f"<{values['unsubscribe_url']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in bulk.headers.items():
        message[name] = Template(value).safe_substitute(values)
    return message.as_bytes()


def deliver_bulk(tm, conn, root_key, key, now, session, chunk=None, registry=None):
    """Claim, send and record one chunk of the bulk mail ``key``; returns (sent,
    failed_attempts). The outbox's round calls it as ``BulkMail.deliver_chunk``;
    ``registry`` is the resolver's (a mailing with a resolver waits without one)."""
    chunk = chunk or CHUNK
    claimed = _claim(tm, conn, root_key, key, max(now, utcnow()), chunk, registry)
    if claimed is None:
        return 0, 0
    claim_id, until, bulk_sender, items, build = claimed
    results, broken = {}, 0
    for index, address, lang, values in items:
        if not address:
            results[index] = SKIPPED  # unsubscribed or erased meanwhile: nothing to send
            continue
        if broken >= 2:  # the server is out of reach: the rest waits, no attempt counted
            break
        if utcnow() >= until - CLAIM_MARGIN:  # a slow server: the claim would lapse while
            break  # sending, and another sender take these back: the rest waits instead
        if not address.isascii():  # smtplib speaks no SMTPUTF8 (and would stop the round)
            results[index] = "UnicodeError: an address in ASCII is needed"
            continue
        try:
            session.send(bulk_sender, [address], build(address, lang, values))
        except MESSAGE_ERRORS as exc:
            results[index] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        except (OSError, smtplib.SMTPException) as exc:
            results[index] = f"{type(exc).__name__}: {exc}"[:500]
            broken += 1
            continue
        broken = 0
        results[index] = None
    _record_chunk(tm, conn, root_key, key, claim_id, until, [i for i, *_rest in items], results,
            max(now, utcnow()))
    failed = sum(1 for error in results.values() if isinstance(error, str))
    sent = sum(1 for error in results.values() if error is None)
    return sent, failed


class _Detached:
    """What a chunk's messages are built from, read in the claim: used outside it.

    A plain-text part whose subject has no variable is built from bytes made once per
    language (the headers encoded once, the body's base64 per recipient): 40 times
    cheaper than an ``EmailMessage`` each, CPU a web process sharing the sender's GIL
    keeps. Anything else (HTML, more headers, a non-ASCII address) is built in full."""

    def __init__(self, bulk):
        self.sender, self.parts, self.headers = bulk.sender, dict(bulk.parts), \
            dict(bulk.headers)
        self._heads = {}
        self._domain = self.sender.rpartition("@")[2].strip("> ") or None

    def build(self, address, lang, values):
        lang = lang if lang in self.parts else next(iter(self.parts))
        if lang not in self._heads:
            self._heads[lang] = self._head(self.parts[lang])
        head = self._heads[lang]
        url = str(values.get("unsubscribe_url") or "")
        if head is None or not (address + url).isascii() or any(
                ch in address + url for ch in ",\r\n<> "):
            return build_message(self, address, lang, values)
        text = Template(self.parts[lang]["text"]).safe_substitute(
            {name: str(value) for name, value in values.items()})
        extra = (f"List-Unsubscribe: <{url}>\r\nList-Unsubscribe-Post: "
                 "List-Unsubscribe=One-Click\r\n" if url else "")
        return b"".join((head, (f"To: {address}\r\nDate: {formatdate()}\r\nMessage-ID: "
                                f"{make_msgid(domain=self._domain)}\r\n{extra}\r\n")
                         .encode("ascii"),
                         base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")))

    def _head(self, part):
        if part.get("html") or self.headers or "$" in part["subject"]:
            return None
        raw = make_message(self.sender, "x@example.invalid", part["subject"], "x").as_bytes()
        kept, lines = [], raw.split(b"\n\n", 1)[0].split(b"\n")
        for line in lines:  # header fields, folded lines kept with theirs
            if line[:1] in (b" ", b"\t"):
                kept[-1] += b"\r\n" + line
            else:
                kept.append(line)
        wanted = (b"from:", b"subject:", b"mime-version:")
        return b"".join(field + b"\r\n" for field in kept if field.lower().startswith(wanted)) + (
            b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n')


def _claim(tm, conn, root_key, key, now, chunk, registry=None):
    for _attempt in range(5):
        tm.begin()
        try:
            portal = conn.root()[root_key]
            bulk = get_outbox(portal)[key]
            conn.readCurrent(bulk)
            if bulk.state != "queued":
                tm.abort()
                return None
            if bulk.resolver and registry is None:
                log.warning("bulk mail %s waits: its recipients need the application's "
                            "registry (deliver_pending(..., registry=))", key)
                tm.abort()
                return None
            if bulk.cancelled:  # a lapsed claim outlived its cancel: done, not sent
                bulk.cancel(now)
                if bulk.state != "queued" and key in get_pending(portal):
                    get_pending(portal).remove(key)
                tm.commit()
                return None
            for old_id, (old_until, indexes) in list(bulk.claims.items()):
                if old_until <= now:  # its sender died: back to the queue, keyed to find
                    for index in indexes:
                        bulk.queue.insert((old_until, index))
                    del bulk.claims[old_id]
            due = list(islice(bulk.queue.keys(max=(now, sys.maxsize)), chunk))
            if not due:
                tm.abort()
                return None
            for entry in due:
                bulk.queue.remove(entry)
            # a recipient done meanwhile (a late record of a lapsed claim) is not sent again
            indexes = tuple(index for _when, index in due
                            if index not in bulk.sent and index not in bulk.failed)
            if not indexes:
                tm.commit()
                return None
            claim_id, until = uuid.uuid4().hex, now + CLAIM
            bulk.claims = {**bulk.claims, claim_id: (until, indexes)}
            items = _items(bulk, portal, registry, indexes, now)
            copy = _Detached(bulk)
            tm.commit()
            return claim_id, until, copy.sender, items, copy.build
        except ConflictError:
            tm.abort()
        except Exception:  # a resolver's error: nothing claimed, the round reports it
            tm.abort()
            raise
    return None


def _items(bulk, portal, registry, indexes, now):
    """``(index, address, lang, vars)`` of each claimed recipient; a resolver's are read
    now (address ``""``: gone, skipped)."""
    if not bulk.resolver:
        return [(index, *bulk.recipients[index]) for index in indexes]
    ids = [bulk.recipients[index] for index in indexes]
    found = resolve(bulk.resolver)(portal, registry, ids, dict(bulk.context or {}), now)
    return [(index, *(found.get(ident) or ("", "", {})))
            for index, ident in zip(indexes, ids, strict=True)]


def _who(bulk, index):
    entry = bulk.recipients[index]
    return entry if isinstance(entry, str) else entry[0]


def _record_chunk(tm, conn, root_key, key, claim_id, until, indexes, results, now):
    """Record a chunk's results in one transaction, retried on a conflict (never lost:
    the server has these messages) and while the storage is out of reach."""

    def record():
        bulk = get_outbox(conn.root()[root_key])[key]
        conn.readCurrent(bulk)
        _apply(bulk, claim_id, until, indexes, results, now)
        pending = get_pending(conn.root()[root_key])
        if bulk.state != "queued" and key in pending:
            pending.remove(key)

    if commit_retrying(tm, record, conflicts=10) is not None:
        log.error("bulk mail %s: could not record a chunk's results", key)


def _apply(bulk, claim_id, until, indexes, results, now):
    if bulk.cancelled:  # cancelled meanwhile: whatever did not go is done, not retried
        results = {index: None if index in results and results[index] is None else SKIPPED
                   for index in indexes}
    claims = dict(bulk.claims)
    mine = claims.pop(claim_id, None) is not None
    bulk.claims = claims
    for index in indexes:
        if not mine and (until, index) in bulk.queue:
            bulk.queue.remove((until, index))  # our lapsed claim, given back: ours still
        if index in bulk.sent or index in bulk.failed:
            continue  # done, by us or by a sender that took our lapsed claim
        if not mine and any(index in held for _until, held in claims.values()):
            continue  # our lapsed claim: another sender holds the recipient now
        if index not in results:  # not tried (the server was out of reach, or slow)
            bulk.queue.insert((now + RETRY_PAUSES[0], index))
            continue
        error = results[index]
        if error is SKIPPED:
            bulk.sent.insert(index)  # done: never tried again
            bulk.skipped_count += 1
            continue
        if error is None:
            bulk.sent.insert(index)
            bulk.sent_count += 1
            if index in bulk.errors:
                del bulk.errors[index]
            continue
        attempts = bulk.attempts.get(index, 0) + 1
        bulk.attempts[index] = attempts
        bulk.errors[index] = error
        bulk.last_error = error
        if attempts > len(RETRY_PAUSES):
            bulk.failed.insert(index)
            bulk.failed_count += 1
            log.error("bulk mail to %s failed for good: %s", _who(bulk, index), error)
        else:
            bulk.queue.insert((now + RETRY_PAUSES[attempts - 1], index))
    if (bulk.sent_count + bulk.failed_count + bulk.skipped_count >= bulk.total
            and not bulk.claims):
        bulk.state = "failed" if bulk.failed_count else "sent"
        bulk.sent_at = now


BulkMail.deliver_chunk = staticmethod(deliver_bulk)
