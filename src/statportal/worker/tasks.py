"""``config.add_worker_task``: what the background worker runs, registered by each feature.

    config.add_worker_task("incidents", "statportal.incidents.rules.escalate_task")

A task is ``task(request, now) -> {name: number or list} | None``; the worker runs it in a
transaction of its own (retried on a write conflict) and adds what it returns to the
pass's result (``statportal worker`` prints it). ``interval``: at most every so many
seconds (None: every pass). ``due(registry, now)``: the next moment after ``now`` at which
the task must run alone, at that very second (the releases' calendar), with
``prepare(registry, moment)`` run ahead of it (its transaction is aborted). ``order``:
lower runs first (the releases run before everything else).
"""

from dataclasses import dataclass

from pyramid.exceptions import ConfigurationError

from statportal.directives import check_name, resolve, utility
from statportal.interfaces import IWorkerTasks


@dataclass(frozen=True)
class WorkerTask:
    name: str
    task: object
    interval: float | None = None
    due: object = None
    prepare: object = None
    order: int = 0


class WorkerTasks:
    """The registered tasks by name (the registry's ``IWorkerTasks`` utility), and when
    each last ran in this process (for ``interval``)."""

    def __init__(self):
        self.tasks = {}
        self.last_run = {}

    def add(self, task):
        self.tasks[task.name] = task

    def ordered(self):
        return sorted(self.tasks.values(), key=lambda task: task.order)  # stable

    def timed(self):
        return [task for task in self.ordered() if task.due is not None]


def get_worker_tasks(registry):
    return utility(registry, IWorkerTasks, WorkerTasks)


def add_worker_task(config, name, task, interval=None, due=None, prepare=None, order=0):
    """Register ``task`` (a callable or its dotted name) under ``name``; see the module.
    A name registered again by a later (committed) include replaces the task."""
    directive = "add_worker_task"
    check_name(directive, name)
    task = resolve(config, directive, name, task, "the task")
    if interval is not None and (isinstance(interval, bool) or
                                 not isinstance(interval, int | float) or interval <= 0):
        raise ConfigurationError(f"{directive} {name!r}: interval must be a number of "
                                 f"seconds above 0 or None, not {interval!r}")
    due = resolve(config, directive, name, due, "due") if due is not None else None
    prepare = (resolve(config, directive, name, prepare, "prepare")
               if prepare is not None else None)
    if prepare is not None and due is None:
        raise ConfigurationError(f"{directive} {name!r}: prepare runs ahead of a due "
                                 "moment; give due too")
    if isinstance(order, bool) or not isinstance(order, int):
        raise ConfigurationError(f"{directive} {name!r}: order must be a whole number, "
                                 f"not {order!r}")
    registered = WorkerTask(name, task, interval, due, prepare, order)
    registry = config.registry
    discriminator = ("statportal-worker-task", name)
    intr = config.introspectable("statportal worker tasks", discriminator, name,
                                 "statportal worker task")
    for key in ("task", "interval", "due", "prepare", "order"):
        intr[key] = getattr(registered, key)
    config.action(discriminator, lambda: get_worker_tasks(registry).add(registered),
                  introspectables=(intr,))
