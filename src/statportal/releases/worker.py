"""The background worker: publishes what is due and watches the portal's currency.

One *pass* (``run_pass``) is four transactions: the first releases every confirmed entry
whose time has come with placements waiting (catalog query ``open_due``, no scan), the
others escalate incidents, send the coordinators' morning list and let the currency
monitor record its findings (:mod:`statportal.releases.currency`). Mail is queued in the
transaction that causes it, so it is sent only if that commits.

Between passes the worker waits for the earlier of the next full pass
(``statportal.worker.interval_seconds``) and the next release's second (the earliest
``open_due`` moment still to come, :meth:`ReleaseCatalog.next_due`); at that second it
runs the release transaction alone (``run_releases``), so a release is public at its
announced time, not "within 20 s of it". A release entry added, moved or confirmed in
this process wakes the waiting worker after its commit (:class:`WakeOnReleaseChange`), so
it waits for the new moment; ``statportal worker CONFIG``, another process, looks at the
calendar again every second instead.

Two workers at once (two processes on ZEO or RelStorage, or a cron run beside a daemon)
write the same entry when they release it: one commit wins, the other raises
``ConflictError``, is aborted with its mail and retried against the new state, in which
nothing is pending. Nothing is published or mailed twice.

Where it runs (``statportal.worker.in_process``): ``auto`` starts the worker in the web
process when the storage is that process's own (:func:`own_storage`: a FileStorage,
whatever wraps it, or memory), ``true`` always, ``false`` never; otherwise
``statportal worker CONFIG`` (``--once``: one pass, for cron) must run. The start-up log
says which.
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from pyramid.request import Request
from pyramid.scripting import prepare
from ZODB.POSException import ConflictError

from statportal import clock
from statportal.storage import own_storage

log = logging.getLogger(__name__)
ATTEMPTS = 5


@dataclass
class PassResult:
    released: list = field(default_factory=list)   # entry paths
    materials: int = 0
    findings: int = 0
    notices: int = 0
    escalations: int = 0
    attempts: int = 1
    currency_error: bool = False
    incidents: int = 0                               # escalated by this pass
    digests: int = 0                                 # the coordinators' morning list
    seconds: dict = field(default_factory=dict)     # step -> wall time

    def as_dict(self):
        return {"released": self.released, "materials": self.materials,
                "findings": self.findings, "notices": self.notices,
                "escalations": self.escalations, "attempts": self.attempts,
                "currency_error": self.currency_error, "incidents": self.incidents,
                "digests": self.digests,
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


def _release(request, now, result):
    from statportal.content.paths import path_of
    from statportal.content.resources import get_portal
    from statportal.releases import embargo
    from statportal.releases.catalog import get_release_catalog

    portal = get_portal(request)
    for entry in get_release_catalog(portal).due(now):
        if entry.status == "confirmed" and entry.pending():
            released = embargo.release_entry(request.registry, entry, now)
            if released:
                result.released.append(path_of(entry))
                result.materials += len(released)


def _currency(request, now, result):
    from statportal.content.resources import get_portal
    from statportal.releases import currency

    found = currency.scan(request, get_portal(request), now)
    result.findings += found.new
    result.notices += found.notices
    result.escalations += found.escalations


def _incidents(request, now, result):
    from statportal.content.resources import get_portal
    from statportal.incidents.rules import escalate_due

    result.incidents += escalate_due(request, get_portal(request), now)


def _questions(request, now, result):
    from statportal.content.resources import get_portal
    from statportal.questions.rules import morning_digest

    result.digests += morning_digest(request, get_portal(request), now)


def _in_transaction(registry, base_url, step, now, result):
    """Run ``step`` in its own transaction, retried on a write conflict; returns the
    attempts it took."""
    began = time.perf_counter()
    for attempt in range(1, ATTEMPTS + 1):
        env = prepare(request=Request.blank("/", base_url=base_url), registry=registry)
        request = env["request"]
        tm = request.tm  # begun by the root factory, which ``prepare`` called
        partial = PassResult()
        try:
            step(request, now, partial)
            tm.commit()
        except ConflictError:
            tm.abort()
            log.info("worker %s conflicted (attempt %d); retrying", step.__name__, attempt)
            if attempt == ATTEMPTS:
                raise
            continue
        except BaseException:
            tm.abort()
            raise
        finally:
            env["closer"]()
        result.seconds[step.__name__.lstrip("_")] = time.perf_counter() - began
        result.released += partial.released
        for name in ("materials", "findings", "notices", "escalations", "incidents",
                     "digests"):
            setattr(result, name, getattr(result, name) + getattr(partial, name))
        return attempt
    return None  # pragma: no cover (the loop returns or raises)


def _base_url(registry, base_url):
    return base_url or registry.settings.get("statportal.public_url") or "http://localhost"


def run_releases(registry, now=None, base_url=None):
    """The release transaction of a pass alone: what the worker runs at a release's
    second. Returns a :class:`PassResult`."""
    now = now or clock.now()
    result = PassResult()
    result.attempts = _in_transaction(registry, _base_url(registry, base_url), _release,
                                      now, result)
    if result.released:  # committed: what an administrator watching the log sees
        log.info("Released %s at %s: %d placement(s) made public.",
                 ", ".join(result.released), now.isoformat(timespec="seconds"),
                 result.materials)
    return result


def prepare_releases(registry, due, base_url=None):
    """The checks of what is released at ``due`` (and still waits before it), run ahead of
    the second in a transaction that is aborted: nothing is written, and the release
    transaction then finds the disclosure check's work cached (see
    ``embargo.prepare_entry``). Returns the number of placements checked."""
    from statportal.content.resources import get_portal
    from statportal.releases import embargo
    from statportal.releases.catalog import get_release_catalog

    env = prepare(request=Request.blank("/", base_url=_base_url(registry, base_url)),
                  registry=registry)
    request = env["request"]
    try:
        return sum(embargo.prepare_entry(request.registry, entry)
                   for entry in get_release_catalog(get_portal(request)).due(due)
                   if entry.status == "confirmed" and entry.pending())
    finally:
        request.tm.abort()
        env["closer"]()


def run_pass(registry, now=None, base_url=None):
    """One pass at ``now`` (the clock's time by default); returns a :class:`PassResult`.

    Releases are committed first, in a transaction of their own: a slow or failing
    currency scan never holds a release back."""
    now = now or clock.now()
    base_url = _base_url(registry, base_url)
    result = run_releases(registry, now, base_url)
    result.attempts = max(result.attempts,
                          _in_transaction(registry, base_url, _incidents, now, result))
    result.attempts = max(result.attempts,
                          _in_transaction(registry, base_url, _questions, now, result))
    try:
        result.attempts = max(result.attempts,
                              _in_transaction(registry, base_url, _currency, now, result))
    except Exception:  # noqa: BLE001 (logged; the releases are committed, the next pass retries)
        log.exception("currency scan failed; the releases of this pass are committed")
        result.currency_error = True
    _sweep_kept_uploads(registry)
    return result


def _sweep_kept_uploads(registry):
    """Uploads kept for forms that never came back go when their time is up, not only
    when someone's next form error writes (they may hold a basis or an asker's file)."""
    from statportal.files.kept import get_kept_uploads

    store = get_kept_uploads(registry)
    if store is None:
        return
    try:
        store.sweep()
    except OSError:
        log.exception("worker: the kept uploads could not be swept")


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


class Worker:
    """Passes every ``interval`` seconds, and the release transaction at each release's
    second. ``start()`` runs it in a thread of the web process; ``statportal worker``
    calls ``loop()`` in its own. ``watch``: look at the calendar again every so many
    seconds while waiting (another process changes it); ``report``: called with each
    pass's :class:`PassResult`."""

    def __init__(self, registry, interval, watch=None, report=None):
        self.registry = registry
        self.interval = interval
        self.watch = watch
        self.report = report
        self.waiting_for = None          # the release moment the worker waits for
        self.prepared = (None, None)     # (release moment, when) whose checks ran ahead
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self.loop, name="statportal-worker",
                                        daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self, timeout=5):
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wake(self):
        """The calendar changed: compute again what to wait for."""
        self._wake.set()

    #: A full pass (its currency scan can take a second or more) that would start this
    #: close before a release waits for the release's second, and runs then, releases first.
    HOLD = timedelta(seconds=5)

    def loop(self):
        full_at = None
        while not self._stop.is_set():
            self._wake.clear()
            now = clock.now()
            full = full_at is None or now >= full_at
            if full:
                due = self._next_due(now)
                if due is not None and due - now < self.HOLD:
                    full_at = due
                    self._wait(full_at)
                    continue
            try:
                result = (run_pass if full else run_releases)(self.registry, now)
            except Exception:  # noqa: BLE001 (the worker survives; the next pass retries)
                log.exception("worker pass failed")
            else:
                if self.report is not None:
                    self.report(result)
            if full:
                full_at = now + timedelta(seconds=self.interval)
            self._wait(full_at)

    def _next_due(self, now):
        try:
            due = next_due(self.registry, now)
        except Exception:  # noqa: BLE001 (the full pass comes in any case)
            log.exception("worker: the next release time could not be read")
            due = None
        self.waiting_for = due
        return due

    def _should_prepare(self, due, now):
        """A release moment not yet prepared, or prepared a full interval ago (what was
        placed for it since is checked ahead too)."""
        moment, at = self.prepared
        return due is not None and due > now and (
            moment != due or now - at >= timedelta(seconds=self.interval))

    def _prepare(self, due, now):
        """Check what is released at ``due`` ahead of it."""
        self.prepared = (due, now)
        try:
            prepare_releases(self.registry, due)
        except Exception:  # noqa: BLE001 (the release transaction checks in any case)
            log.exception("worker: the checks of the release at %s could not run ahead", due)

    def _wait(self, full_at):
        """Until ``full_at`` or the next release's second, whichever comes first; the
        checks of that release run first (ahead of its second)."""
        while not self._stop.is_set():
            now = clock.now()
            due = self._next_due(now)
            if self._should_prepare(due, now):
                self._prepare(due, now)
                continue
            until = min(full_at, due) if due is not None else full_at
            remaining = (until - now).total_seconds()
            if remaining <= 0:
                return
            step = remaining if self.watch is None else min(remaining, self.watch)
            if self._wake.wait(step):
                self._wake.clear()
                continue                 # woken: the calendar changed, or stop
            if step == remaining:
                return


class WakeOnReleaseChange:
    """Subscriber of ObjectAdded/ObjectModified/ObjectRemoved: a release entry added,
    moved, confirmed or removed wakes the in-process worker once the change commits."""

    def __init__(self, registry):
        self.registry = registry

    def __call__(self, event):
        from statportal.content.paths import root_of
        from statportal.releases.catalog import entries_in

        worker = getattr(self.registry, "statportal_worker", None)
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


# -- where the worker runs ---------------------------------------------------------------------
def single_process_storage(registry):
    db = (getattr(registry, "_zodb_databases", None) or {}).get("")
    return db is not None and own_storage(db.storage)[0]


def start_in_process(registry):
    """Start the in-process worker as ``statportal.worker.in_process`` says, and log
    whether it runs here."""
    from pyramid.settings import asbool

    from statportal.settings import as_int

    setting = str(registry.settings.get("statportal.worker.in_process", "auto")).lower()
    db = (getattr(registry, "_zodb_databases", None) or {}).get("")
    own, storage = own_storage(db.storage) if db is not None else (False, "no database")
    if setting == "auto":
        wanted = own
        why = f"statportal.worker.in_process = auto; {storage}" + (
            "" if own else ", shared with other processes")
    else:
        wanted = asbool(setting)
        why = f"statportal.worker.in_process = {setting}; {storage}"
    if not wanted or db is None:
        log.info("The release worker does not run in this process (%s): run "
                 "`statportal worker CONFIG` beside it, or releases are not published.", why)
        return None
    interval = as_int(registry.settings, "statportal.worker.interval_seconds")
    log.info("The release worker runs in this process (%s): each release at its second, "
             "a full pass every %s s.", why, interval)
    worker = Worker(registry, interval)
    registry.statportal_worker = worker
    return worker.start()
