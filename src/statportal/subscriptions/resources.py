"""The subscribers: one persistent ``SubscriberStore`` at the portal's ``__subscribers__``
(made on the first write, read with a default: no evolve step), with indexes from each
interest to the ids of the **confirmed** subscribers who hold it.

An address is one subscriber (``by_email``, by its normalised form). Subscribing again
with a confirmed address keeps the confirmed choice until the new one (``pending``) is
confirmed. Only the address, its language, frequency and choice, and two times are kept.
"""

import secrets

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from statportal.content.resources import kept_at
from statportal.subscriptions.tokens import TokenError, check_version, make_token, read_token

STORE_KEY = "__subscribers__"
LANGUAGES = ("kk", "ru", "en")
FREQUENCIES = ("immediate", "daily")
#: the fields of a choice (as in the JSON), and how each is kept
CHOICE = ("language", "frequency", "sections", "categories", "indicators", "calendar")
#: the topic indexes: the choice's field -> the store's index
INDEXES = {"sections": "by_section", "categories": "by_category",
           "indicators": "by_indicator"}

__all__ = ["Subscriber", "SubscriberStore", "TokenError", "add_confirmed", "confirm",
           "erase", "find", "get_store", "normal_key", "purge_unconfirmed", "recipients",
           "subscribe", "unsubscribe", "update_choice"]


class Subscriber(Persistent):
    token_version = 0
    pending = None
    confirmed = None

    def __init__(self, email, now):
        self.id = secrets.token_urlsafe(16)
        self.email = email
        self.created = now
        self.language, self.frequency = LANGUAGES[0], FREQUENCIES[0]
        self.sections = self.categories = self.indicators = ()
        self.calendar = False

    def choice(self):
        return {name: getattr(self, name) for name in CHOICE}

    def set_choice(self, choice):
        choice = clean_choice(choice)
        for name in CHOICE:
            setattr(self, name, choice[name])


class SubscriberStore(Persistent):
    def __init__(self):
        self.by_id = OOBTree()
        self.by_email = OOBTree()
        self.by_section = OOBTree()
        self.by_category = OOBTree()
        self.by_indicator = OOBTree()
        self.calendar = OOTreeSet()

    def __len__(self):
        return len(self.by_id)

    def _index(self, subscriber):
        for field, index in INDEXES.items():
            index = getattr(self, index)
            for key in getattr(subscriber, field):
                ids = index.get(key)
                if ids is None:
                    ids = index[key] = OOTreeSet()
                ids.insert(subscriber.id)
        if subscriber.calendar:
            self.calendar.insert(subscriber.id)

    def _unindex(self, subscriber):
        for field, index in INDEXES.items():
            index = getattr(self, index)
            for key in getattr(subscriber, field):
                ids = index.get(key)
                if ids is not None and subscriber.id in ids:
                    ids.remove(subscriber.id)
                    if not ids:
                        del index[key]
        if subscriber.id in self.calendar:
            self.calendar.remove(subscriber.id)


def clean_choice(data):
    """A choice with every field, tuples of strings, defaults for what is missing."""
    data = data or {}
    choice = {name: tuple(dict.fromkeys(str(v) for v in data.get(name) or ()))
              for name in INDEXES}
    choice["language"] = data.get("language") if data.get("language") in LANGUAGES \
        else LANGUAGES[0]
    choice["frequency"] = data.get("frequency") if data.get("frequency") in FREQUENCIES \
        else FREQUENCIES[0]
    choice["calendar"] = bool(data.get("calendar"))
    return choice


def normal_key(email):
    """The key of an address in ``by_email``: the same address in any case is one."""
    return str(email or "").strip().casefold()


def get_store(portal, create=False):
    return kept_at(portal, STORE_KEY, SubscriberStore, create)


def find(portal, email):
    """The subscriber of ``email`` (confirmed or not), or None."""
    store = get_store(portal)
    if store is None:
        return None
    subscriber_id = store.by_email.get(normal_key(email))
    return store.by_id.get(subscriber_id) if subscriber_id else None


def _secret(secret):
    if secret is not None:
        return secret
    from pyramid.threadlocal import get_current_registry

    return get_current_registry().settings["statportal.secret"]


def _confirm_hours():
    from pyramid.threadlocal import get_current_registry

    from statportal.subscriptions.tokens import CONFIRM_HOURS

    settings = get_current_registry().settings or {}
    try:
        return max(1, int(settings.get("statportal.subscriptions.confirm_hours",
                                       CONFIRM_HOURS)))
    except (TypeError, ValueError):
        return CONFIRM_HOURS


def subscribe(portal, data, now, secret=None, hours=None):
    """Record the choice of ``data`` (the JSON's fields, already validated) for its address,
    to be confirmed: a new address is an unconfirmed subscriber; an unconfirmed one takes
    the new choice; a confirmed one keeps its choice and holds the new one as ``pending``.
    Returns ``(subscriber, confirm token)``; the caller mails the token."""
    store = get_store(portal, create=True)
    email = str(data["email"]).strip()
    subscriber = find(portal, email)
    if subscriber is None:
        subscriber = Subscriber(email, now)
        while subscriber.id in store.by_id:  # 128 random bits: never, but never twice
            subscriber.id = secrets.token_urlsafe(16)
        store.by_id[subscriber.id] = subscriber
        store.by_email[normal_key(email)] = subscriber.id
    if subscriber.confirmed is None:
        unconfirmed(store, create=True)[subscriber.id] = now   # purged if never confirmed
        subscriber.email = email
        subscriber.set_choice(data)
        subscriber.pending = None
    else:
        subscriber.pending = clean_choice(data)
    hours = hours if hours is not None else _confirm_hours()
    return subscriber, make_token(_secret(secret), "confirm", subscriber, now, hours)


def subscriber_of(portal, purpose, token, now, secret=None):
    """The subscriber a genuine, current token of ``purpose`` names; raises TokenError."""
    subscriber_id, version = read_token(_secret(secret), purpose, token, now)
    store = get_store(portal)
    return check_version(store.by_id.get(subscriber_id) if store is not None else None,
                         version, purpose)


def confirm(portal, token, now, secret=None):
    """Confirm the choice a ``confirm`` token was sent for (the pending one of a confirmed
    address); the token, and every earlier one, is used up. Raises TokenError."""
    subscriber = subscriber_of(portal, "confirm", token, now, secret)
    store = get_store(portal)
    if subscriber.confirmed is not None:
        store._unindex(subscriber)
        if subscriber.pending:
            subscriber.set_choice(subscriber.pending)
    subscriber.pending = None
    subscriber.confirmed = now
    subscriber.token_version += 1
    store._index(subscriber)
    _forget_unconfirmed(store, subscriber)
    return subscriber


def update_choice(portal, subscriber, data):
    """Change a confirmed subscriber's choice at once (the manage page: its token proves
    the address)."""
    store = get_store(portal)
    if subscriber.confirmed is not None:
        store._unindex(subscriber)
    subscriber.set_choice(data)
    subscriber.pending = None
    if subscriber.confirmed is not None:
        store._index(subscriber)
    return subscriber


def unconfirmed(store, create=False):
    """id -> when an address not yet confirmed subscribed (made with the first one, read
    with a default: no evolve step), so that the purge walks only those."""
    found = getattr(store, "unconfirmed", None)
    if found is None and create:
        found = store.unconfirmed = OOBTree()
    return found


def _forget_unconfirmed(store, subscriber):
    waiting = unconfirmed(store)
    if waiting is not None and subscriber.id in waiting:
        del waiting[subscriber.id]


def purge_unconfirmed(portal, before):
    """Remove the addresses that subscribed before ``before`` and never confirmed (their
    link has expired: nothing may be sent to them, so nothing of them is kept). Returns
    how many."""
    store = get_store(portal)
    waiting = unconfirmed(store) if store is not None else None
    if not waiting:
        return 0
    removed = 0
    for subscriber_id, created in list(waiting.items()):
        if created >= before:
            continue
        subscriber = store.by_id.get(subscriber_id)
        if subscriber is not None and subscriber.confirmed is None:
            _remove(store, subscriber)
            removed += 1
        waiting.pop(subscriber_id, None)
    return removed


def _remove(store, subscriber):
    _forget_unconfirmed(store, subscriber)
    store._unindex(subscriber)
    del store.by_id[subscriber.id]
    key = normal_key(subscriber.email)
    if store.by_email.get(key) == subscriber.id:
        del store.by_email[key]


def unsubscribe(portal, subscriber_id):
    """Remove the subscriber (and so its address): returns whether there was one."""
    store = get_store(portal)
    subscriber = store.by_id.get(subscriber_id) if store is not None else None
    if subscriber is None:
        return False
    _remove(store, subscriber)
    return True


def erase(portal, email):
    """Remove the subscriber of ``email``: returns whether there was one."""
    subscriber = find(portal, email)
    if subscriber is None:
        return False
    _remove(get_store(portal), subscriber)
    return True


def _ancestors(path):
    """``/a/b/c`` -> ``/a/b/c``, ``/a/b``, ``/a``: a section covers its sub-sections."""
    parts = [p for p in str(path or "").split("/") if p]
    return ["/" + "/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def recipients(portal, *, section_path=None, category=None, indicator=None, calendar=False,
               frequency=None):
    """The confirmed subscribers interested in a thing, each once (in id order): of its
    section or an ancestor, OR of its category, OR of its indicator, OR (``calendar``) of
    the release calendar; only those of ``frequency`` when it is given."""
    store = get_store(portal)
    if store is None:
        return
    for subscriber_id in recipient_ids(portal, section_path=section_path, category=category,
                                       indicator=indicator, calendar=calendar):
        subscriber = store.by_id.get(subscriber_id)
        if subscriber is None or subscriber.confirmed is None:
            continue
        if frequency is None or subscriber.frequency == frequency:
            yield subscriber


def recipient_ids(portal, *, section_path=None, category=None, indicator=None,
                  calendar=False):
    """The ids (sorted) of ``recipients`` from the indexes alone, whatever the frequency:
    no subscriber is loaded (a bulk mailing of ids resolves them when it sends)."""
    store = get_store(portal)
    if store is None:
        return []
    found = set()
    for path in _ancestors(section_path) if section_path else ():
        found.update(store.by_section.get(path, ()))
    for index, key in ((store.by_category, category), (store.by_indicator, indicator)):
        if key:
            found.update(index.get(key, ()))
    if calendar:
        found.update(store.calendar)
    return sorted(found)


def add_confirmed(portal, email, language="kk", frequency="immediate", sections=(),
                  categories=(), indicators=(), calendar=False, now=None):
    """A confirmed subscriber without any mail (tests, demo, the bench); an address already
    there takes this choice."""
    from statportal import clock

    now = now or clock.now()
    store = get_store(portal, create=True)
    subscriber = find(portal, email)
    if subscriber is None:
        subscriber = Subscriber(str(email).strip(), now)
        store.by_id[subscriber.id] = subscriber
        store.by_email[normal_key(email)] = subscriber.id
    elif subscriber.confirmed is not None:
        store._unindex(subscriber)
    subscriber.set_choice({"language": language, "frequency": frequency,
                           "sections": sections, "categories": categories,
                           "indicators": indicators, "calendar": calendar})
    subscriber.pending = None
    subscriber.confirmed = now
    store._index(subscriber)
    _forget_unconfirmed(store, subscriber)
    return subscriber
