"""A subscriber's personal data on request: ``export_data`` (everything the portal keeps
of an address, as JSON) and ``erase_data`` (the subscriber, and the address among the
recipients of queued mailings not yet sent to it). The Manager's page ``/@@subscribers``
and ``statportal subscribers export|erase`` both call these.

What is kept of an address is only what the subscription needs (``resources``): the
address, its language, frequency and choice, and when it was made and confirmed. The
outbox's record of mailings already sent keeps the addresses they went to (the
delivery's per-recipient state); it is not searched here, since reading every recipient
of every past mailing is too slow for a request.
"""

from statportal.subscriptions.resources import CHOICE, erase, find


def _iso(moment):
    """An aware UTC datetime as ``…Z`` (as the API writes times), or None."""
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def export_data(portal, email):
    """The JSON-ready data kept of ``email`` (any case), or None when it is unknown: the
    subscription's fields (absent when there is no subscriber), and ``queued_messages``,
    how many messages still being sent are to go to it."""
    subscriber = find(portal, email)
    queued = queued_messages(portal, email)
    if subscriber is None:
        return {"email": " ".join(str(email).split()), "queued_messages": queued} \
            if queued else None
    data = {"email": subscriber.email}
    for name in CHOICE:
        value = getattr(subscriber, name)
        data[name] = list(value) if isinstance(value, tuple) else value
    data["created"] = _iso(subscriber.created)
    data["confirmed"] = _iso(subscriber.confirmed)
    pending = subscriber.pending
    data["pending"] = ({name: list(value) if isinstance(value, tuple) else value
                        for name, value in pending.items()} if pending else None)
    data["queued_messages"] = queued
    return data


def _queued_mailings(portal):
    """The bulk mailings of the outbox still being sent (the pending set, not the
    history)."""
    from statportal.mail.outbox import OUTBOX_KEY, PENDING_KEY

    outbox = getattr(portal, OUTBOX_KEY, None)
    pending = getattr(portal, PENDING_KEY, None)
    if outbox is None or pending is None:
        return
    for key in list(pending):
        mail = outbox.get(key)
        if getattr(mail, "kind", None) == "bulk":
            yield mail


def _queued_singles(portal, email):
    """``(key, mail)`` of the single mails still to go to ``email`` (the confirmation it
    asked for): the outbox's pending set; one a sender holds right now is left to it."""
    from email.utils import getaddresses

    from statportal.content.base import utcnow
    from statportal.mail.outbox import CLAIMS_KEY, OUTBOX_KEY, PENDING_KEY

    outbox = getattr(portal, OUTBOX_KEY, None)
    pending = getattr(portal, PENDING_KEY, None)
    if outbox is None or pending is None:
        return
    claims, same, now = getattr(portal, CLAIMS_KEY, None) or {}, _same(email), utcnow()
    for key in list(pending):
        mail = outbox.get(key)
        if mail is None or getattr(mail, "kind", "single") == "bulk" or \
                mail.state != "queued" or claims.get(key, now) > now:
            continue
        if any(same(addr) for _name, addr in getaddresses(mail.recipients)):
            yield key, mail


def _drop_singles(portal, email):
    """Take ``email`` off the single mails not yet sent: a mail only to it is deleted
    (its bytes hold the address), one to others too no longer goes to it."""
    from email.utils import parseaddr

    from statportal.mail.outbox import get_claims, get_outbox, get_pending

    same, outbox, pending = _same(email), get_outbox(portal), get_pending(portal)
    for key, mail in list(_queued_singles(portal, email)):
        others = tuple(addr for addr in mail.recipients if not same(parseaddr(addr)[1]))
        if others:
            mail.recipients = others
            continue
        del outbox[key]
        pending.remove(key)
        claims = get_claims(portal)
        if key in claims:  # a lapsed claim of a sender gone
            del claims[key]


def _same(address):
    """Does a recipient's address match ``address`` (as ``BulkMail.remove_address``)?"""
    wanted = str(address or "").strip().lower()
    return lambda addr: bool(addr) and addr.strip().lower() == wanted


def queued_messages(portal, email):
    """How many messages of the mailings still being sent are yet to go to ``email``
    (reads their recipients: for the rare request, not for a page anyone opens)."""
    same, count = _same(email), 0
    subscriber = find(portal, email)
    for mail in _queued_mailings(portal):
        if getattr(mail, "resolver", None):  # a mailing of ids: the subscriber's own
            count += 0 if subscriber is None else sum(
                1 for index, ident in mail.recipients.items()
                if ident == subscriber.id and index not in mail.sent)
            continue
        count += sum(1 for index, (addr, _lang, _vars) in mail.recipients.items()
                     if same(addr) and index not in mail.sent)
    return count + sum(1 for _single in _queued_singles(portal, email))


def erase_data(portal, email):
    """Erase ``email``: its subscriber, and its entries among the not yet sent recipients of
    queued mailings (which then skip it). Returns ``{"subscriber": bool, "queued_mail":
    count}``, or None when the portal held neither (nothing changed)."""
    address = " ".join(str(email or "").split())
    if not address:
        return None
    # counted first: a mailing of ids skips the subscriber once it is erased (no address
    # to remove), one of addresses has the address blanked
    removed = queued_messages(portal, address)
    for mail in _queued_mailings(portal):
        mail.remove_address(address)
    _drop_singles(portal, address)
    had_subscriber = erase(portal, address)
    if not had_subscriber and not removed:
        return None
    return {"subscriber": had_subscriber, "queued_mail": removed}
