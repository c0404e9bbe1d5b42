"""Release mail, on the material workflow's events.

A material reaching ``scheduled`` has its announcement composed then (kk, ru, en) and
HELD in the portal's ``__release_mail__``; nothing is queued. Reaching ``published`` (the
worker's release pass, the moderator's publish, a placement at once) queues it, in the
same transaction, to the confirmed immediate subscribers of its section (or an ancestor)
or of its category as one bulk mailing, and notes it for the daily digest. Withdrawn
from ``scheduled``: the held message is dropped, nothing is sent. A material already
announced is not announced again when it is published again (a Replace, a withdrawal
undone): subscribers asked for releases, not for corrections.

The record lives at the portal attribute ``__release_mail__`` (created on first write,
read with a default: no evolve step)."""

import logging

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from pyramid.traversal import resource_path

from statportal import clock
from statportal.content.resources import kept_at
from statportal.workflow import state_of

log = logging.getLogger(__name__)
KEY = "__release_mail__"


class ReleaseMail(Persistent):
    """``held``: material uid -> parts composed at scheduling; ``announced``: uid -> the
    outbox key (or ``""`` when nobody was subscribed); ``published``: (time, uid) -> the
    digest's item."""

    def __init__(self):
        self.held = OOBTree()
        self.announced = OOBTree()
        self.published = OOBTree()
        self.digests = PersistentMapping()   # "last": the time of the last digest


def get_record(portal, create=False):
    return kept_at(portal, KEY, ReleaseMail, create)


def _request(event):
    if event.request is not None:
        return event.request
    from pyramid.threadlocal import get_current_request

    return get_current_request()


def on_transition(event):
    """The material workflow's ``AfterTransition``: hold, send or drop its release mail."""
    from statportal.content.resources import get_portal

    material, request = event.object, _request(event)
    if request is None:
        return
    portal = get_portal(request)
    state = state_of(material)
    uid = getattr(material, "uid", None)
    if uid is None:
        return
    if state == "scheduled":
        hold(request, portal, material)
    elif state == "published":
        announce(request, portal, material)
    elif state == "withdrawn":
        withdraw(portal, uid)


def withdraw(portal, uid):
    """``uid`` withdrawn: its held message dropped; released already, the rest of its
    mailing cancelled and its entry taken off the next digest. Cancelled before any
    message went, it counts as never announced (published again, it is announced)."""
    from statportal.mail.bulk import cancel_bulk_mail
    from statportal.mail.outbox import get_outbox

    record = get_record(portal)
    if record is None:
        return
    if uid in record.held:
        del record.held[uid]
    if uid in record.announced:
        key = record.announced[uid]
        if key:
            cancel_bulk_mail(portal, key)
        mailing = (get_outbox(portal) or {}).get(key) if key else None
        # never announced only when nothing went and nothing is on its way (a chunk
        # claimed now still goes out: its people must not get a second announcement)
        if mailing is None or not (mailing.counts["sent"] or mailing.claims):
            del record.announced[uid]
    since = record.digests.get("last")
    for entry in list(record.published.keys(min=(since, "") if since else None)):
        if entry[1] == uid:
            del record.published[entry]


def public_url(request, material):
    """The material's public page (never the API's ``++api++`` address of the request)."""
    from statportal.subscriptions.compose import portal_url

    return portal_url(request) + resource_path(material)


def on_modified(event):
    """A scheduled material edited before its release: its held message is written again
    (the title or description it announces may have changed)."""
    material = event.object
    if getattr(material, "__content_type__", None) != "Material" or \
            state_of(material) != "scheduled":
        return
    from pyramid.threadlocal import get_current_request

    from statportal.content.resources import get_portal

    request = get_current_request()
    record = get_record(get_portal(request)) if request is not None else None
    if record is not None and material.uid in record.held:
        record.held[material.uid] = _parts(request, material)


def _parts(request, material):
    from statportal.subscriptions.compose import portal_url, release_parts

    return release_parts(request.registry, material, public_url(request, material),
                         portal_url(request))


def hold(request, portal, material):
    """Compose ``material``'s announcement now; it waits for the publication."""
    record = get_record(portal, create=True)
    if material.uid not in record.announced:
        record.held[material.uid] = _parts(request, material)


def announce(request, portal, material):
    """Queue ``material``'s announcement (the held one, else composed now) to its
    immediate subscribers, once; returns the outbox key or None."""
    from statportal.subscriptions.compose import queue_to_subscribers
    from statportal.subscriptions.resources import recipient_ids

    record = get_record(portal, create=True)
    uid = material.uid
    if uid in record.announced:
        return None
    parts = record.held.pop(uid, None) if uid in record.held else None
    parts = parts or _parts(request, material)
    now = clock.now()
    section = resource_path(material.__parent__)
    category = getattr(material, "category", None)
    # ids only (the immediate ones among them, and their links, sorted out at sending):
    # the release's transaction stays short however many subscribed
    people = recipient_ids(portal, section_path=section, category=category)
    key = ""
    if people:
        key = queue_to_subscribers(request, "release", parts, people, frequency="immediate")
    record.announced[uid] = key
    record.published[(now, uid)] = {
        "uid": uid, "title": dict(material.title), "url": public_url(request, material),
        "section": section, "category": category}
    log.info("release mail of %s queued to %d subscribers", section, len(people))
    return key or None


def on_data_published(event):
    """``DataPublished``: the indicator's immediate subscribers are told its new figures
    are public (composed now: the figures are public already)."""
    from pyramid.threadlocal import get_current_request

    from statportal.content.resources import get_portal
    from statportal.subscriptions.compose import (
        indicator_parts,
        portal_url,
        queue_to_subscribers,
    )
    from statportal.subscriptions.resources import recipient_ids

    request, indicator = get_current_request(), event.object
    if request is None:
        return None
    portal = get_portal(request)
    name, title = indicator.__name__, indicator.title
    get_record(portal, create=True).published[(clock.now(), f"data:{name}")] = {
        "uid": f"data:{name}", "indicator": name, "section": None, "category": None,
        "title": dict(title) if hasattr(title, "items") else title,
        "url": public_url(request, indicator)}   # for the daily subscribers' digest
    people = recipient_ids(portal, indicator=name)
    if not people:
        return None
    parts = indicator_parts(request.registry, indicator, public_url(request, indicator),
                            portal_url(request))
    return queue_to_subscribers(request, "data", parts, people, frequency="immediate")


def includeme(config):
    """Release mail on the material workflow's events, and the daily digest's task."""
    from statportal.content.events import DataPublished, ObjectModified
    from statportal.workflow.events import AfterTransition

    config.add_subscriber(on_transition, AfterTransition, workflow="material")
    config.add_subscriber(on_data_published, DataPublished)
    config.add_subscriber(on_modified, ObjectModified)
    config.include("statportal.subscriptions.digest")
    config.include("statportal.subscriptions.calendar_notices")
