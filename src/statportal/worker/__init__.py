"""The background worker: runs the tasks that features register, knowing none of them.

    config.add_worker_task("release", "mypkg.tasks.release", due=..., prepare=..., order=-10)

``tasks`` (the directive and the ``IWorkerTasks`` utility), ``passes`` (a pass: each task
in its own transaction, retried on a conflict by ``transaction``), ``thread`` (the loop,
and where it runs: ``statportal.worker.in_process``). ``includeme`` starts the thread when
the application is created (an ``ApplicationCreated`` subscriber), so an integrator's own
``main()`` runs it too; ``statportal worker CONFIG`` runs the same loop in its own process.
"""

from statportal.worker.passes import PassResult, run_pass, run_timed
from statportal.worker.tasks import WorkerTask, add_worker_task, get_worker_tasks
from statportal.worker.thread import Worker, start_in_process, worker_of

__all__ = ["PassResult", "Worker", "WorkerTask", "add_worker_task", "get_worker_tasks",
           "run_pass", "run_timed", "start_in_process", "worker_of"]


def includeme(config):
    config.add_directive("add_worker_task", add_worker_task)
    get_worker_tasks(config.registry)
    config.add_subscriber(_start, "pyramid.interfaces.IApplicationCreated")


def _start(event):
    start_in_process(event.app.registry)
