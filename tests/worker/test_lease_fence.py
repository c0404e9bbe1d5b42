"""Fencing by the worker lease (review of issue 19): a worker task's transaction commits
only while the lease is still its worker's (read as current before the commit), so a
worker that lost its lease in the middle of a pass commits no task; and a worker standing
by runs no preparation of the timed tasks."""

from datetime import timedelta

import pytest

from statportal import clock
from statportal.testing import open_portal
from statportal.worker import WorkerTask, get_worker_tasks, run_pass
from statportal.worker import thread as worker_thread
from statportal.worker.lease import Lease, LeaseLost
from statportal.worker.passes import run_task

BASE = "http://localhost"


def marker(attempts, meanwhile=None):
    """A task that writes a mark on the portal (counting its attempts); ``meanwhile``
    runs in its first attempt, between its snapshot and its commit."""
    def task(request, now):
        from statportal.content.resources import get_portal

        attempts.append(now)
        if meanwhile is not None and len(attempts) == 1:
            meanwhile()
        get_portal(request).worker_mark = len(attempts)
        return {"marked": 1}
    return task


def mark(app):
    with open_portal(app) as portal:
        return getattr(portal, "worker_mark", None)


@pytest.fixture
def leases(app):
    """The first worker's lease, taken over by a second once it lapsed."""
    db = app.registry._zodb_databases[""]
    now = clock.now()
    first, second = Lease(db, 60), Lease(db, 60)
    assert first.hold(now)
    return first, second, now


def test_a_worker_that_lost_its_lease_commits_no_task(app, leases):
    first, second, now = leases
    assert second.hold(now + timedelta(seconds=61))       # lapsed: taken over
    attempts = []
    with pytest.raises(LeaseLost):
        run_task(app.registry, WorkerTask("mark", marker(attempts)), now, BASE,
                 fence=first.fence)
    assert mark(app) is None and len(attempts) == 1
    run_task(app.registry, WorkerTask("mark", marker(attempts)), now, BASE,
             fence=second.fence)
    assert mark(app) == 2                                  # the holder's commits


def test_a_take_over_during_the_task_makes_its_commit_conflict_then_stop(app, leases):
    first, second, now = leases
    attempts = []
    later = now + timedelta(seconds=61)
    task = WorkerTask("mark", marker(attempts, meanwhile=lambda: second.hold(later)))
    with pytest.raises(LeaseLost):
        run_task(app.registry, task, now, BASE, fence=first.fence)
    assert len(attempts) == 2   # the commit conflicted on the lease; the retry found it lost
    assert mark(app) is None


def test_the_pass_ends_at_a_lost_lease_without_an_error(app, leases):
    first, second, now = leases
    assert second.hold(now + timedelta(seconds=61))
    attempts = []
    get_worker_tasks(app.registry).add(WorkerTask("mark", marker(attempts)))
    result = run_pass(app.registry, now, only={"mark"}, fence=first.fence)
    assert (result.stopped, result.errors, result.ran) == (True, [], [])
    assert mark(app) is None
    result = run_pass(app.registry, now, only={"mark"}, fence=second.fence)
    assert (result.stopped, result.ran, result.marked) == (False, ["mark"], 1)
    assert mark(app) == 2


@pytest.mark.parametrize("holds", [False, True], ids=["standing-by", "holder"])
def test_only_the_lease_holder_prepares_the_timed_tasks(app, monkeypatch, holds):
    db = app.registry._zodb_databases[""]
    other = Lease(db, 60)
    if not holds:
        assert other.hold()
    prepared = []
    monkeypatch.setattr(worker_thread, "prepare_timed",
                        lambda registry, moment: prepared.append(moment))
    worker = worker_thread.Worker(app.registry, 10, lease=Lease(db, 60))
    now = clock.now()
    monkeypatch.setattr(worker, "_next_due", lambda at: now + timedelta(minutes=1))
    worker._wait(now)             # the full pass is due: it returns after the preparation
    assert prepared == ([now + timedelta(minutes=1)] if holds else [])
