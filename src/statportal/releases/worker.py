"""The releases' tasks of the background worker (:mod:`statportal.worker`).

``release``: the confirmed entries whose time has come with placements waiting (catalog
query ``open_due``, no scan) are released, in a transaction of their own, first in every
pass; it is also the worker's *timed* task: ``next_due`` names the next release's second
(the earliest ``open_due`` moment still to come), at which the worker runs it alone, so a
release is public at its announced time; ``prepare_releases`` runs its checks ahead of
that second. ``currency``: the currency monitor records its findings
(:mod:`statportal.releases.currency`). Mail is queued in the transaction that causes it,
so it is sent only if that commits.

A release entry added, moved or confirmed in this process wakes the waiting worker after
its commit (:class:`WakeOnReleaseChange`); ``statportal worker CONFIG``, another process,
looks at the calendar again every second instead.

Two workers at once (two processes on ZEO or RelStorage, or a cron run beside a daemon)
write the same entry when they release it: one commit wins, the other raises
``ConflictError``, is aborted with its mail and retried against the new state, in which
nothing is pending. Nothing is published or mailed twice.
"""

import logging

from pyramid.request import Request
from pyramid.scripting import prepare

from statportal import clock
from statportal.storage import own_storage  # noqa: F401 (where callers found it before)
from statportal.worker import PassResult, Worker, run_pass, worker_of  # noqa: F401 (idem)
from statportal.worker.passes import base_url_of

log = logging.getLogger(__name__)


def release(request, now):
    """Release every confirmed entry due at ``now`` that has placements waiting."""
    from statportal.content.paths import path_of
    from statportal.content.resources import get_portal
    from statportal.releases import embargo
    from statportal.releases.catalog import get_release_catalog

    released, materials = [], 0
    for entry in get_release_catalog(get_portal(request)).due(now):
        if entry.status == "confirmed" and entry.pending():
            made_public = embargo.release_entry(request.registry, entry, now)
            if made_public:
                released.append(path_of(entry))
                materials += len(made_public)
    if released:  # said once committed: what an administrator watching the log sees
        request.tm.get().addAfterCommitHook(lambda committed: committed and log.info(
            "Released %s at %s: %d placement(s) made public.", ", ".join(released),
            now.isoformat(timespec="seconds"), materials))
    return {"released": released, "materials": materials}


def currency(request, now):
    """The currency monitor's scan: findings, notices to the units, escalations."""
    from statportal.content.resources import get_portal
    from statportal.releases import currency as monitor

    found = monitor.scan(request, get_portal(request), now)
    return {"findings": found.new, "notices": found.notices,
            "escalations": found.escalations}


def release_due(registry, now):
    return next_due(registry, now)


def release_prepare(registry, moment):
    return prepare_releases(registry, moment)


def run_releases(registry, now=None, base_url=None):
    """The release task alone (what the worker runs at a release's second); returns a
    :class:`~statportal.worker.passes.PassResult`."""
    return run_pass(registry, now or clock.now(), base_url, only={"release"})


def prepare_releases(registry, due, base_url=None):
    """The checks of what is released at ``due`` (and still waits before it), run ahead of
    the second in a transaction that is aborted: nothing is written, and the release
    transaction then finds the disclosure check's work cached (see
    ``embargo.prepare_entry``). Returns the number of placements checked."""
    from statportal.content.resources import get_portal
    from statportal.releases import embargo
    from statportal.releases.catalog import get_release_catalog

    env = prepare(request=Request.blank("/", base_url=base_url_of(registry, base_url)),
                  registry=registry)
    request = env["request"]
    try:
        return sum(embargo.prepare_entry(request.registry, entry)
                   for entry in get_release_catalog(get_portal(request)).due(due)
                   if entry.status == "confirmed" and entry.pending())
    finally:
        request.tm.abort()
        env["closer"]()


def next_due(registry, now):
    """The next moment after ``now`` at which a release falls due, read from the release
    catalog in a transaction of its own (nothing written), or None."""
    import transaction

    from statportal.content.resources import ZODB_ROOT_KEY

    db = registry._zodb_databases[""]
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    try:
        tm.begin()  # a fresh view: what other processes committed is seen
        portal = conn.root().get(ZODB_ROOT_KEY)
        catalog = getattr(portal, "__release_catalog__", None)
        return catalog.next_due(now) if catalog is not None else None
    finally:
        tm.abort()
        conn.close()


class WakeOnReleaseChange:
    """Subscriber of ObjectAdded/ObjectModified/ObjectRemoved: a release entry added,
    moved, confirmed or removed wakes the in-process worker once the change commits."""

    def __init__(self, registry):
        self.registry = registry

    def __call__(self, event):
        from statportal.content.paths import root_of
        from statportal.releases.catalog import entries_in

        worker = worker_of(self.registry)
        if worker is None or next(entries_in(event.object), None) is None:
            return
        jar = getattr(root_of(event.parent if event.parent is not None else event.object),
                      "_p_jar", None)
        try:
            current = jar.transaction_manager.get()
        except Exception:  # noqa: BLE001 (not in a database, or no transaction: wake now)
            worker.wake()
            return
        current.addAfterCommitHook(lambda committed: committed and worker.wake())


def includeme(config):
    """The releases' tasks: releasing first in every pass and alone at each release's
    second; the currency scan after the other features' tasks (a slow or failing scan
    holds nothing back)."""
    from statportal.content.events import ObjectAdded, ObjectModified, ObjectRemoved

    config.include("statportal.worker")  # add_worker_task
    config.add_worker_task("release", release, due=release_due, prepare=release_prepare,
                           order=-10)
    config.add_worker_task("currency", currency, order=10)
    wake = WakeOnReleaseChange(config.registry)  # the in-process worker waits for the change
    for event in (ObjectAdded, ObjectModified, ObjectRemoved):
        config.add_subscriber(wake, event)
