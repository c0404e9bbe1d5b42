"""The worker's lease: one worker at a time on a database that several processes share.

On ZEO or RelStorage a second ``statportal worker`` may be started by mistake (or a cron
``--once`` beside the daemon, or ``statportal.worker.in_process = true`` in two web
processes). Each worker holds a lease in the database before a pass: a
:class:`WorkerLease` on the portal (``__worker_lease__``, created by the first worker in
its own short transaction: no evolve step) naming its holder
(``host:pid:token:boot_id:pid_namespace``) and until when it holds. A worker that finds
another's lease live skips its passes and stands by (said once in the log); two taking a
lapsed lease at once write the same object, so one of them conflicts and stands by. The
holder renews the lease before a pass (and between a pass's tasks) once half of it has
run, so a pass that takes a while keeps it; a clean stop gives it back. A killed
holder's lease lapses after ``statportal.worker.lease_seconds`` (at least three
intervals); a worker restarted on the same host takes it at once, the process named in
it being gone -- the same host meaning the same hostname, kernel boot and PID namespace:
containers often share a hostname while each has PIDs of its own, where a live worker's
pid looks gone. A holder written before the boot and namespace were recorded
(``host:pid:token``) is left to lapse.

Should two workers ever run a pass at once all the same (a lease lapsed in the middle of
a very long task), each task's transaction is fenced (``Lease.fence``): before it commits
it reads the lease as current and finds it still this worker's, else it is aborted and
the pass ends (``LeaseLost``); a take-over committed meanwhile makes it conflict, and its
retry finds the lease lost. Their tasks' writes conflict too: nothing is done twice.
Mail has claims of its own (the outbox), since every worker and web process may deliver.
"""

import logging
import os
import socket
import uuid
from datetime import timedelta

import transaction
from persistent import Persistent
from ZODB.POSException import ConflictError

from statportal import clock

log = logging.getLogger("statportal.worker")

LEASE_KEY = "__worker_lease__"


class LeaseLost(Exception):
    """A worker task's transaction found the worker lease no longer this worker's."""


class WorkerLease(Persistent):
    """Who runs the worker's passes (``holder``), until when (``expires``, UTC)."""

    def __init__(self):
        self.holder = None
        self.expires = None


def holder_id():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:{pid_space()}"


def pid_space():
    """``boot_id:pid_namespace``: where this process's pid means this process (the
    kernel's boot, the inode of its PID namespace); empty parts when unknown."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as file:
            boot = file.read().strip()
    except OSError:
        boot = ""
    try:
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        namespace = ""
    return f"{boot}:{namespace}"


def gone(holder):
    """Whether ``holder`` names a process of this host, boot and PID namespace that no
    longer runs (killed, or stopped without giving the lease back). Any doubt (another
    host, an old holder without its boot and namespace, this process unable to tell its
    own) is "no": the lease lapses by itself."""
    parts = (holder or "").split(":")
    if len(parts) < 5:
        return False
    host, pid, _token, boot, namespace = parts[:5]
    here = pid_space()
    if host != socket.gethostname() or not boot or not namespace \
            or f"{boot}:{namespace}" != here or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


class Lease:
    """This worker's hold on the database's :class:`WorkerLease`."""

    def __init__(self, db, seconds, holder=None, root_key=None):
        from statportal.content.resources import ZODB_ROOT_KEY

        self.db = db
        self.seconds = seconds
        self.holder = holder or holder_id()
        self.root_key = root_key or ZODB_ROOT_KEY
        self.expires = None        # of the lease this worker last wrote
        self.standing_by = None    # the other holder it last said it waits for
        self.previous = self.pending = None   # what _take found and wrote

    def hold(self, now=None):
        """Take the lease, or renew it when half of it has run; False when another
        live worker holds it (this one skips its pass)."""
        now = now or clock.now()
        if self.expires is not None and self.expires - now > timedelta(seconds=self.seconds / 2):
            return True
        tm = transaction.TransactionManager(explicit=True)
        conn = self.db.open(transaction_manager=tm)
        try:
            for _attempt in range(3):
                tm.begin()
                try:
                    other = self._take(conn, now)
                    if other is not None:
                        tm.abort()
                        self._stand_by(*other)
                        return False
                    tm.commit()
                except ConflictError:
                    tm.abort()     # another worker took it, or the portal changed: look again
                    continue
                except BaseException:
                    tm.abort()     # the storage gone, say: the caller logs it
                    raise
                self._took()
                return True
            self.expires = None
            return False
        finally:
            conn.close()

    def _take(self, conn, now):
        """Write this worker's hold, or return ``(holder, expires)`` of a live other."""
        portal = conn.root()[self.root_key]
        lease = getattr(portal, LEASE_KEY, None)
        if lease is None:
            lease = WorkerLease()
            setattr(portal, LEASE_KEY, lease)
        live = lease.holder not in (None, self.holder) and lease.expires is not None \
            and lease.expires > now
        if live and not gone(lease.holder):
            return lease.holder, lease.expires
        self.previous = (lease.holder, "its process is gone" if live else
                         f"lapsed at {lease.expires.isoformat(timespec='seconds')}"
                         if lease.expires is not None else "given back")
        lease.holder, lease.expires = self.holder, now + timedelta(seconds=self.seconds)
        self.pending = lease.expires
        return None

    def _took(self):
        held_before, self.expires = self.expires is not None, self.pending
        holder, how = self.previous
        self.standing_by = None
        if held_before or holder == self.holder:
            return
        if holder is None:
            log.info("This worker (%s) holds the worker lease: it runs the passes.",
                     self.holder)
        else:
            log.info("This worker (%s) took the worker lease from %s (%s): it runs the "
                     "passes.", self.holder, holder, how)

    def _stand_by(self, holder, expires):
        self.expires = None
        if self.standing_by != holder:
            self.standing_by = holder
            log.info("Another worker (%s) holds the worker lease until %s: this one (%s) "
                     "stands by and runs no pass until that lease lapses.", holder,
                     expires.isoformat(timespec="seconds"), self.holder)

    def fence(self, portal):
        """In a worker task's transaction, before it commits (``portal``: its portal):
        raise :class:`LeaseLost` unless the lease is still this worker's, and read it as
        current, so that a take-over committed meanwhile makes this commit conflict."""
        root = portal._p_jar.root()[self.root_key]
        lease = getattr(root, LEASE_KEY, None)
        holder = getattr(lease, "holder", None)
        if holder != self.holder or self.expires is None:
            self.expires = None
            raise LeaseLost(f"the worker lease is no longer this worker's ({self.holder}; "
                            f"held by {holder})")
        root._p_jar.readCurrent(lease)

    def release(self):
        """Give the lease back (a clean stop): another worker may take it at once."""
        if self.expires is None:
            return
        self.expires = None
        tm = transaction.TransactionManager(explicit=True)
        conn = self.db.open(transaction_manager=tm)
        try:
            tm.begin()
            lease = getattr(conn.root()[self.root_key], LEASE_KEY, None)
            if lease is not None and lease.holder == self.holder:
                lease.expires = None   # free; its holder named for the next one's log
            tm.commit()
        except Exception:  # noqa: BLE001 (it lapses in any case)
            log.warning("the worker lease could not be given back; it lapses by itself",
                        exc_info=True)
            tm.abort()
        finally:
            conn.close()


def lease_for(registry, db, interval):
    """The lease a worker on ``db`` needs: None on a database only this process writes
    (a FileStorage, memory: no other worker can run), else a :class:`Lease` of
    ``statportal.worker.lease_seconds``, at least three intervals."""
    from statportal.storage import own_storage

    if own_storage(db.storage)[0]:
        return None
    from pyramid.exceptions import ConfigurationError

    value = registry.settings.get("statportal.worker.lease_seconds", "60")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1
    if not seconds > 0:
        raise ConfigurationError("The setting 'statportal.worker.lease_seconds' must be a "
                                 f"number of seconds above 0, not {value!r}.")
    return Lease(db, max(seconds, 3 * interval))
