"""A pass of the worker: each registered task in a transaction of its own.

A task's transaction is retried on a write conflict by ``transaction``'s own
``attempts()`` (two workers at once, or a user's commit beside it): the loser is aborted
with its mail and runs again against the new state. A task that still fails is logged
and recorded (``PassResult.errors``); the others run all the same. On a shared database
each task's transaction is fenced by the worker lease (``fence``: ``lease.Lease.fence``):
a worker that lost its lease commits no task, and its pass ends.
"""

import logging
import time

import transaction
from pyramid.request import Request
from pyramid.scripting import prepare

from statportal import clock
from statportal.worker.lease import LeaseLost
from statportal.worker.tasks import get_worker_tasks

log = logging.getLogger("statportal.worker")
ATTEMPTS = 5


class PassResult:
    """What a pass did: the tasks' counts (``result.released``, ``result.findings``…, in
    the order the tasks returned them), the tasks that failed (``result.currency_error``
    is ``"currency" in result.errors``), the most attempts a task took, and each task's
    wall time."""

    def __init__(self):
        self.counts = {}
        self.ran = []
        self.errors = []
        self.attempts = 1
        self.seconds = {}
        self.stopped = False

    def add(self, counts):
        for name, value in (counts or {}).items():
            if isinstance(value, list | tuple):
                self.counts.setdefault(name, []).extend(value)
            else:
                self.counts[name] = self.counts.get(name, 0) + value

    def __getattr__(self, name):
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        if name.endswith("_error") and name[:-6] in self.__dict__.get("ran", ()):
            return name[:-6] in self.errors
        raise AttributeError(name)

    def as_dict(self):
        return {**self.counts, "attempts": self.attempts,
                **{f"{name}_error": name in self.errors for name in self.ran},
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


def base_url_of(registry, base_url=None):
    return base_url or registry.settings.get("statportal.public_url") or "http://localhost"


def run_task(registry, task, now, base_url, fence=None):
    """``task`` in its own transaction, retried on a conflict; returns ``(what it
    returned, the attempts it took)``. ``fence(portal)`` runs before each commit."""
    tm = transaction.TransactionManager(explicit=True)
    for number, attempt in enumerate(tm.attempts(ATTEMPTS), 1):
        if number > 1:
            log.info("worker %s conflicted; attempt %d", task.name, number)
        request = Request.blank("/", base_url=base_url)
        request.tm = tm  # the root factory and the connection join this manager
        env = None
        try:
            with attempt:
                env = prepare(request=request, registry=registry)
                counts = task.task(env["request"], now)
                if fence is not None:
                    fence(env["root"])
        finally:
            if env is not None:
                env["closer"]()
    return counts, number


def _runs_now(tasks, task, now):
    if task.interval is None:
        return True
    last = tasks.last_run.get(task.name)
    return last is None or (now - last).total_seconds() >= task.interval


def run_pass(registry, now=None, base_url=None, only=None, keep=None, fence=None):
    """One pass at ``now`` (the clock's time by default): every task (or the ``only``
    names) in order, each committed alone; returns a :class:`PassResult`. ``keep``:
    asked before each task whether this worker still holds its lease (``lease.Lease.
    hold``); when it no longer does, the pass ends there (``result.stopped``), as it does
    when a task's ``fence`` (``lease.Lease.fence``) finds the lease lost."""
    now = now or clock.now()
    base_url = base_url_of(registry, base_url)
    tasks = get_worker_tasks(registry)
    result = PassResult()
    for task in tasks.ordered():
        if (only is not None and task.name not in only) or not _runs_now(tasks, task, now):
            continue
        if keep is not None and not keep():
            result.stopped = True
            break
        result.ran.append(task.name)
        began = time.perf_counter()
        try:
            counts, attempts = run_task(registry, task, now, base_url, fence)
        except LeaseLost as exc:
            log.warning("worker task %s not committed, the pass ends: %s", task.name, exc)
            result.ran.remove(task.name)
            result.stopped = True
            break
        except Exception:  # noqa: BLE001 (logged; the other tasks run, the next pass retries)
            log.exception("worker task %s failed", task.name)
            result.errors.append(task.name)
        else:
            tasks.last_run[task.name] = now
            result.add(counts)
            result.attempts = max(result.attempts, attempts)
        result.seconds[task.name] = time.perf_counter() - began
    return result


def run_timed(registry, now=None, base_url=None, keep=None, fence=None):
    """The tasks that have a due moment, alone: what the worker runs at that second."""
    return run_pass(registry, now, base_url,
                    only={task.name for task in get_worker_tasks(registry).timed()},
                    keep=keep, fence=fence)


def next_moment(registry, now):
    """The earliest moment after ``now`` a timed task names, or None."""
    moments = []
    for task in get_worker_tasks(registry).timed():
        moment = task.due(registry, now)
        if moment is not None:
            moments.append(moment)
    return min(moments, default=None)


def prepare_timed(registry, moment):
    """Run each timed task's preparation for ``moment`` (ahead of it)."""
    for task in get_worker_tasks(registry).timed():
        if task.prepare is not None:
            task.prepare(registry, moment)
