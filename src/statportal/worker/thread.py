"""The worker's loop: a full pass every ``interval`` seconds, and the timed tasks alone at
each moment one of them names (a release's second).

Between passes the worker waits for the earlier of the next full pass and the next due
moment (``next_moment``); it runs the timed tasks' preparations ahead of that moment once
(and again after a full interval, for what was added since). ``wake()`` makes it compute
again what to wait for (a feature calls it after a commit that moved a moment).

Where it runs (``statportal.worker.in_process``): ``auto`` starts it in the web process
when the storage is that process's own (:func:`statportal.storage.own_storage`: a
FileStorage, whatever wraps it, or memory), ``true`` always, ``false`` never; otherwise
``statportal worker CONFIG`` (``--once``: one pass, for cron) must run. The start-up log
says which. On a database other processes share, a worker runs its passes only while it
holds the database's worker lease (:mod:`statportal.worker.lease`): a second worker
stands by.
"""

import logging
import threading
from datetime import timedelta

from statportal import clock
from statportal.interfaces import IWorker
from statportal.storage import own_storage
from statportal.worker.lease import lease_for
from statportal.worker.passes import next_moment, prepare_timed, run_pass, run_timed

log = logging.getLogger("statportal.worker")
AUTO = object()  # Worker's lease: decided by the database


class Worker:
    """Passes every ``interval`` seconds, and the timed tasks at each due moment.
    ``start()`` runs it in a thread of the web process; ``statportal worker`` calls
    ``loop()`` in its own. ``watch``: look at the due moments again every so many seconds
    while waiting (another process changes them); ``report``: called with each pass's
    :class:`~statportal.worker.passes.PassResult`; ``lease``: a
    :class:`~statportal.worker.lease.Lease` to hold for each pass, by default one when
    the database is shared with other processes (``lease_for``), None for none."""

    #: A full pass that would start this close before a due moment waits for it and runs
    #: then, timed tasks first (its slower tasks never hold a release back).
    HOLD = timedelta(seconds=5)

    def __init__(self, registry, interval, watch=None, report=None, lease=AUTO):
        self.registry = registry
        self.interval = interval
        self.watch = watch
        self.report = report
        if lease is AUTO:
            db = (getattr(registry, "_zodb_databases", None) or {}).get("")
            lease = lease_for(registry, db, interval) if db is not None else None
        self.lease = lease
        self.waiting_for = None          # the due moment the worker waits for
        self.prepared = (None, None)     # (due moment, when) whose preparation ran
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
        self.close()

    def request_stop(self):
        """End :meth:`loop` after the pass under way (it only sets the events the loop
        waits on)."""
        self._stop.set()
        self._wake.set()

    def close(self):
        """Give the lease back, if this worker holds it (a clean stop)."""
        if self.lease is not None:
            self.lease.release()

    def holds_lease(self):
        """Whether this worker may run a pass now: no lease needed, or it holds it."""
        if self.lease is None:
            return True
        try:
            return self.lease.hold()
        except Exception:  # noqa: BLE001 (the next pass asks again)
            log.exception("worker: the worker lease could not be read")
            return False

    @property
    def fence(self):
        """What fences each task's transaction (``Lease.fence``), or None (no lease)."""
        return self.lease.fence if self.lease is not None else None

    def wake(self):
        """A due moment changed: compute again what to wait for."""
        self._wake.set()

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
                # Another worker holding the lease runs this pass (see worker.lease).
                result = (run_pass if full else run_timed)(
                    self.registry, now, keep=self.holds_lease,
                    fence=self.fence) if self.holds_lease() else None
            except Exception:  # noqa: BLE001 (the worker survives; the next pass retries)
                log.exception("worker pass failed")
            else:
                if self.report is not None and result is not None:
                    self.report(result)
            if full:
                full_at = now + timedelta(seconds=self.interval)
            self._wait(full_at)

    def _next_due(self, now):
        try:
            due = next_moment(self.registry, now)
        except Exception:  # noqa: BLE001 (the full pass comes in any case)
            log.exception("worker: the next due moment could not be read")
            due = None
        self.waiting_for = due
        return due

    def _should_prepare(self, due, now):
        """A due moment not yet prepared, or prepared a full interval ago (what was added
        for it since is prepared too)."""
        moment, at = self.prepared
        return due is not None and due > now and (
            moment != due or now - at >= timedelta(seconds=self.interval))

    def _prepare(self, due, now):
        self.prepared = (due, now)
        try:
            prepare_timed(self.registry, due)
        except Exception:  # noqa: BLE001 (the timed tasks do it at the moment in any case)
            log.exception("worker: the work due at %s could not run ahead", due)

    def _wait(self, full_at):
        """Until ``full_at`` or the next due moment, whichever comes first; that moment's
        preparation runs first (ahead of it)."""
        while not self._stop.is_set():
            now = clock.now()
            due = self._next_due(now)
            # a worker standing by prepares nothing: the lease's holder does
            if self._should_prepare(due, now) and self.holds_lease():
                self._prepare(due, now)
                continue
            until = min(full_at, due) if due is not None else full_at
            remaining = (until - now).total_seconds()
            if remaining <= 0:
                return
            step = remaining if self.watch is None else min(remaining, self.watch)
            if self._wake.wait(step):
                self._wake.clear()
                continue                 # woken: a due moment changed, or stop
            if step == remaining:
                return


def worker_of(registry):
    """The worker running in this process for ``registry`` (``IWorker``), or None."""
    return registry.queryUtility(IWorker) if registry is not None else None


def start_in_process(registry, factory=Worker):
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
    worker = factory(registry, interval)
    registry.registerUtility(worker, IWorker)
    return worker.start()

