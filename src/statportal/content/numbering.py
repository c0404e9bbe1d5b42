"""Numbers without gaps per year (``2026-000123``) for requests and questions.

Gapless and unique: every number from 1 to the year's last belongs to exactly one
registered request (asked question), and no number is lost when a transaction fails.

The decision (issue 19). The number is taken from a per-year ``YearCounter`` in the very
transaction that registers the request, and the database's conflict detection keeps it
unique: two transactions that both took N+1 cannot both commit, the second is retried
and takes N+2. What was rejected:

- a number taken in a short transaction of its own, bound to the request: when the
  registering transaction then fails for good (the user gives up after a 503, the
  process is killed) the number is taken but no registered request holds it -- a gap,
  or a recycling of "abandoned" numbers that races with a slow commit;
- a conflict-resolving counter (``_p_resolveConflict`` adding both increments): both
  transactions already wrote N+1 into their request, its catalog entry and the mail
  that announces it (with the annex PDF); merging the counter would give two requests
  one number;
- taking the number at the end of the transaction "to shrink the window": a ZODB
  transaction reads a snapshot taken when it began, so the window is the whole
  transaction wherever the number is taken; and the notification composed during the
  transition already carries the number.

What makes it conflict less: the counter is the one hot spot, so a process hands it out
in turns (``turn_of``). A registration takes the process's turn when it takes a number; one
that finds the turn taken (another registration of this process is between its number
and its commit), or finds its snapshot older than the counter, does not go on to build a
registration bound to conflict: it raises a ``ConflictError`` at once (before the
notification and its PDF), and its retry waits for the turn *before its transaction
begins* (``numbering_tween_factory``), so it starts from the number the previous holder
committed. A commit that still conflicts on the counter (another process took a number:
ZEO, RelStorage) is retried the same way. Registrations of one process thus queue
instead of colliding, and processes collide only with each other's, at most one each.
The wait is bounded by one deadline for the whole request (``TURN_TIMEOUT`` from its first
attempt, not per attempt: ten attempts must not hold a web thread ten times as long); an
attempt that finds it passed is answered 503 at once (``TurnTimeout``, views/overload.py).
Outside a request (scripts, the worker) numbers are taken as before.
"""

import threading
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent

#: how long a request (all its attempts together) may wait for the turn (seconds)
TURN_TIMEOUT = 30

_ACTIVE = "statportal.numbering.active"  # the tween runs for this request
_HELD = "statportal.numbering.held"      # this request holds the process's turn
_WAIT = "statportal.numbering.wait"      # its next attempt waits for the turn
_DEADLINE = "statportal.numbering.deadline"  # monotonic time its waits end (all attempts)


class TurnTimeout(Exception):
    """The request waited ``TURN_TIMEOUT`` in all for the numbering's turn: answered 503
    with ``Retry-After`` (views/overload.py), not retried (its deadline has passed)."""


class YearCounter(Persistent):
    """The last number given in a year. Two numberings at once both write it: one
    commits, the other conflicts and is retried (see the module): unique and gapless."""

    def __init__(self):
        self.value = 0


def turn_of(registry):
    """The application's turn to take a number: a lock of its registry (one per web
    process and database; one for every numbering folder: a registration and a question
    asked at the same moment wait for each other, which costs less than a second lock's
    bookkeeping)."""
    lock = getattr(registry, "_statportal_numbering_turn", None)
    if lock is None:
        lock = registry._statportal_numbering_turn = threading.Lock()
    return lock


class YearNumbering:
    """A folder mixin: ``next_number(year)``."""

    _counters = None

    def next_number(self, year):
        counters = self._counters
        if counters is None:
            counters = self._counters = OOBTree()
        counter = counters.get(year)
        if counter is None:
            counter = counters[year] = YearCounter()
        take_turn(counter)
        counter.value += 1
        return f"{year}-{counter.value:06d}"


def take_turn(counter):
    """Hold the process's turn for the rest of the current request, or raise a
    ``ConflictError`` (retried, waiting for the turn) when it is taken or this
    transaction's view of ``counter`` is already out of date."""
    from pyramid.threadlocal import get_current_request

    request = get_current_request()
    environ = getattr(request, "environ", None)
    if not environ or not environ.get(_ACTIVE) or environ.get(_HELD):
        return
    if not turn_of(request.registry).acquire(blocking=False):
        environ[_WAIT] = True
        raise _conflict(counter, "another registration of this process holds the numbering")
    environ[_HELD] = True  # released by the tween once the transaction is over
    if _out_of_date(counter):
        environ[_WAIT] = True
        raise _conflict(counter, "the year's counter changed since this transaction began")


def _conflict(counter, message):
    from ZODB.POSException import ConflictError

    return ConflictError(message=message, object=counter)


def _out_of_date(counter):
    """Whether a newer state of ``counter`` is committed than the one this transaction
    reads (the storage's current serial; any doubt is "no": the commit will tell)."""
    jar, oid = counter._p_jar, counter._p_oid
    if jar is None or oid is None or not _fresh_load(jar.db().storage):
        return False
    counter._p_activate()  # a ghost (invalidated by another thread's commit) has an old serial
    try:
        _data, serial = jar.db().storage.load(oid)
    except Exception:  # a storage without a current load: the commit decides  # noqa: BLE001
        return False
    return serial != counter._p_serial


def _fresh_load(storage):
    """Whether ``storage.load`` reads the latest committed state: FileStorage, memory and
    a ZEO client do. RelStorage's own load does not (its storage object's connection stays
    on the snapshot it first read: the check said "out of date" every time, one spurious
    retry per registration); there and anywhere else the commit's conflict decides."""
    from ZODB.FileStorage import FileStorage
    from ZODB.MappingStorage import MappingStorage

    from statportal.storage import written_storage

    fresh = (FileStorage, MappingStorage)
    try:
        from ZEO.ClientStorage import ClientStorage
    except ImportError:  # ZEO is an optional extra
        pass
    else:
        fresh += (ClientStorage,)
    return isinstance(written_storage(storage), fresh)


def numbering_tween_factory(handler, registry):
    """Around the transaction (over pyramid_tm): an attempt after a numbering conflict
    waits for the process's turn before its transaction begins; the turn is given back
    when the transaction is over (committed or aborted)."""

    turn = turn_of(registry)

    def numbering_tween(request):
        environ = request.environ
        deadline = environ.setdefault(_DEADLINE, time.monotonic() + TURN_TIMEOUT)
        if environ.pop(_WAIT, False):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not turn.acquire(timeout=remaining):
                return _busy(request)
            environ[_HELD] = True
        environ[_ACTIVE] = True
        try:
            return handler(request)
        finally:
            environ.pop(_ACTIVE, None)
            if environ.pop(_HELD, False):
                turn.release()

    return numbering_tween


def _busy(request):
    """The 503 of a request whose deadline passed (this tween is above the exception view
    tween: the view is invoked here)."""
    try:
        raise TurnTimeout(f"no turn to take a number within {TURN_TIMEOUT} s")
    except TurnTimeout:
        return request.invoke_exception_view()


def wait_after_counter_conflict(event):
    """``IBeforeRetry``: a commit that conflicted on a year's counter (another process
    took a number) retries after waiting for this process's turn."""
    name = getattr(event.exception, "class_name", None) or ""
    if name.endswith(".YearCounter"):
        event.environ[_WAIT] = True


def includeme(config):
    config.add_tween("statportal.content.numbering.numbering_tween_factory",
                     over="pyramid_tm.tm_tween_factory")
    config.add_subscriber(wait_after_counter_conflict, "pyramid_retry.IBeforeRetry")
