"""The background worker: publishes what is due and watches the portal's currency.

One *pass* (``run_pass``) is two transactions: the first releases every confirmed entry
whose time has come with placements waiting (catalog query ``open_due``, no scan), the
second lets the currency monitor record its findings (:mod:`statportal.releases.currency`).
Mail is queued in the transaction that causes it, so it is sent only if that commits.

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
import time
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


def run_pass(registry, now=None, base_url=None):
    """One pass at ``now`` (the clock's time by default); returns a :class:`PassResult`.

    Releases are committed first, in a transaction of their own: a slow or failing
    currency scan never holds a release back."""
    now = now or clock.now()
    base_url = base_url or registry.settings.get("statportal.public_url") or \
        "http://localhost"
    result = PassResult()
    result.attempts = _in_transaction(registry, base_url, _release, now, result)
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
    return result


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
