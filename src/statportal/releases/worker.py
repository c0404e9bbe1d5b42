"""The background worker: publishes what is due and watches the portal's currency.

One *pass* (``run_pass``) is one transaction: it releases every confirmed entry whose time
has come with placements waiting (catalog query ``open_due``, no scan), then lets the
currency monitor record its findings (:mod:`statportal.releases.currency`). Mail that a
pass causes is queued in the same transaction, so it is sent only if the pass commits.

Two workers at once (two processes on ZEO or RelStorage, or a cron run beside a daemon)
write the same entry when they release it: one commit wins, the other raises
``ConflictError``, is aborted with its mail and retried against the new state, in which
nothing is pending. Nothing is published or mailed twice.

``statportal worker CONFIG`` runs passes every ``statportal.worker.interval_seconds``
(``--once``: one pass, for cron). With the single-process FileStorage of ``make serve``
the web process runs them in a thread (``statportal.worker.in_process``: ``auto``
starts it for FileStorage, ``true`` always, ``false`` never).
"""

import logging
import threading
from dataclasses import dataclass, field

from pyramid.request import Request
from pyramid.scripting import prepare
from ZODB.POSException import ConflictError

from statportal import clock

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

    def as_dict(self):
        return {"released": self.released, "materials": self.materials,
                "findings": self.findings, "notices": self.notices,
                "escalations": self.escalations, "attempts": self.attempts}


def _once(request, now, result):
    from statportal.content.paths import path_of
    from statportal.content.resources import get_portal
    from statportal.releases import currency, embargo
    from statportal.releases.catalog import get_release_catalog

    portal = get_portal(request)
    for entry in get_release_catalog(portal).due(now):
        if entry.status == "confirmed" and entry.pending():
            released = embargo.release_entry(request.registry, entry, now)
            if released:
                result.released.append(path_of(entry))
                result.materials += len(released)
    found = currency.scan(request, portal, now)
    result.findings += found.new
    result.notices += found.notices
    result.escalations += found.escalations


def run_pass(registry, now=None, base_url=None):
    """One pass at ``now`` (the clock's time by default); returns a :class:`PassResult`."""
    now = now or clock.now()
    base_url = base_url or registry.settings.get("statportal.public_url") or \
        "http://localhost"
    for attempt in range(1, ATTEMPTS + 1):
        result = PassResult(attempts=attempt)
        env = prepare(request=Request.blank("/", base_url=base_url), registry=registry)
        request = env["request"]
        tm = request.tm  # begun by the root factory, which ``prepare`` called
        try:
            _once(request, now, result)
            tm.commit()
            return result
        except ConflictError:
            tm.abort()
            log.info("worker pass conflicted (attempt %d); retrying", attempt)
            if attempt == ATTEMPTS:
                raise
        except BaseException:
            tm.abort()
            raise
        finally:
            env["closer"]()
    return None  # pragma: no cover (the loop returns or raises)


class Worker:
    """Passes in a thread of the web process (``make serve``'s single FileStorage)."""

    def __init__(self, registry, interval):
        self.registry = registry
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="statportal-worker",
                                        daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self, timeout=5):
        self._stop.set()
        self._thread.join(timeout)

    def _run(self):
        while not self._stop.is_set():
            try:
                run_pass(self.registry)
            except Exception:  # noqa: BLE001 (the thread must survive; the next pass retries)
                log.exception("worker pass failed")
            self._stop.wait(self.interval)


def single_process_storage(registry):
    db = (getattr(registry, "_zodb_databases", None) or {}).get("")
    if db is None:
        return False
    storage = db.storage
    names = {type(storage).__name__, type(getattr(storage, "base", None)).__name__}
    return bool(names & {"FileStorage", "DemoStorage", "MappingStorage"})


def start_in_process(registry):
    """Start the in-process worker as ``statportal.worker.in_process`` says."""
    from pyramid.settings import asbool

    from statportal.settings import as_int

    setting = str(registry.settings.get("statportal.worker.in_process", "auto")).lower()
    wanted = single_process_storage(registry) if setting == "auto" else asbool(setting)
    if not wanted:
        return None
    worker = Worker(registry, as_int(registry.settings, "statportal.worker.interval_seconds"))
    registry.statportal_worker = worker
    return worker.start()
