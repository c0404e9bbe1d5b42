"""The Moderator's offline copy of a section: a job the worker runs, its result a zip.

A Moderator asks for it on the section's page (``job_views``): ``start_job`` records a
``BundleJob`` (who, when, the section, the languages, since when; ``queued``); the worker's
task ``bundle_jobs`` (``run_jobs``) builds the oldest waiting one with the bundle's own
``build_bundle`` into a temporary zip and keeps it in a blob of the job (``done``), or its
error (``failed``). The page shows the progress and, when done, the download.

Writes: the job's state, progress and result are written through a connection of the task's
own (short transactions, so the page sees the progress while the build reads the content in
the task's transaction, which writes nothing); the web process only adds jobs and removes
old ones. So the two never write the same object.

A release comes first: a build running when a release's second approaches
(``statportal.worker.passes.next_moment``) stops and goes back to the queue (the worker runs
its passes one after the other, and a release must not wait for a disc copy).

Only the newest ``KEEP`` jobs of a section are kept; starting another removes the oldest
finished ones. The store (the portal's ``__bundle_jobs__``) is made by the first job and
read with a default, so an older database needs no evolve step.
"""

import logging
import os
import shutil
import tempfile
import time
from datetime import UTC, timedelta

import transaction
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.traversal import resource_path
from pyramid_zodbconn import get_connection
from ZODB.blob import Blob

from statportal import clock
from statportal.content.resources import get_portal, kept_at
from statportal.worker.passes import next_moment

log = logging.getLogger("statportal.bundle")

STORE = "__bundle_jobs__"
KEEP = 3
LANGUAGES = ("kk", "ru", "en")
ACTIVE = ("queued", "running")
#: Stop a build this long before a release's second (the worker's own hold is 5 s).
YIELD_BEFORE = timedelta(seconds=30)
PROGRESS_EVERY = 1.0  # seconds between two progress commits


class BundleJob(Persistent):
    state = "queued"
    done = 0
    total = 0
    error = None
    started_at = None
    finished_at = None
    result = None
    size = 0

    def __init__(self, job_id, section_path, requested_by, requested_at, languages, since,
                 filename):
        self.id = job_id
        self.section_path = section_path
        self.requested_by = requested_by
        self.requested_at = requested_at
        self.languages = tuple(languages)
        self.since = since
        self.filename = filename
        self.state = "queued"


class BundleJobs(Persistent):
    def __init__(self):
        self.jobs = OOBTree()   # id -> BundleJob


class JobBusy(Exception):
    """A copy of this section is already waiting or being made."""


class _Yield(Exception):
    """A release's second is near: the build stops and waits for the next pass."""


def get_jobs(portal, create=False):
    return kept_at(portal, STORE, BundleJobs, create)


def jobs_of(portal, section_path):
    """The section's jobs, newest first."""
    store = get_jobs(portal)
    if store is None:
        return []
    found = [job for job in store.jobs.values() if job.section_path == section_path]
    return sorted(found, key=lambda job: job.requested_at, reverse=True)


def find_job(portal, job_id):
    store = get_jobs(portal)
    return store.jobs.get(job_id) if store is not None and job_id else None


def start_job(portal, section, requested_by, now, languages=LANGUAGES, since=None,
              zone=UTC):
    """Record a new job for ``section``; raises ``JobBusy`` when one is waiting or
    running. The oldest finished jobs beyond ``KEEP`` (with this one) go. ``zone``: the
    portal's time zone, for the zip's name (``economy-20261201-0900.zip``)."""
    path = resource_path(section)
    jobs = jobs_of(portal, path)
    if any(job.state in ACTIVE for job in jobs):
        raise JobBusy(path)
    store = get_jobs(portal, create=True)
    for old in jobs[KEEP - 1:]:
        del store.jobs[old.id]
    job_id = f"{now:%Y%m%d%H%M%S}-{os.urandom(6).hex()}"
    filename = f"{section.__name__ or 'portal'}-{now.astimezone(zone):%Y%m%d-%H%M}.zip"
    job = BundleJob(job_id, path, requested_by, now, languages, since, filename)
    store.jobs[job_id] = job
    return job


def run_jobs(request, now):
    """The worker's task: build the oldest waiting job (one a pass). A job found
    ``running`` was left by a worker that stopped during its build (the lease lets one
    worker run passes, and a pass builds before it ends): it is built again."""
    store = get_jobs(get_portal(request))
    if store is None:
        return None
    waiting = sorted((job for job in store.jobs.values() if job.state in ACTIVE),
                     key=lambda job: job.requested_at)
    if not waiting:
        return None
    due = next_moment(request.registry, now)
    if due is not None and due - now < YIELD_BEFORE * 2:
        return None  # not now: the release first
    job = waiting[0]
    section = _section(request, job.section_path)
    with _JobWriter(get_connection(request).db(), job) as writer:
        if section is None:
            writer.fail("the section no longer exists")
            return {"bundles_failed": 1}
        return writer.build(request, section, due)


def _section(request, path):
    from pyramid.traversal import find_resource

    try:
        found = find_resource(get_portal(request), path)
    except KeyError:
        return None
    return found if getattr(found, "__content_type__", None) == "Section" else None


class _JobWriter:
    """Writes one job's state through a connection of its own (see the module)."""

    def __init__(self, db, job):
        self.tm = transaction.TransactionManager(explicit=True)
        self.conn = db.open(transaction_manager=self.tm)
        self.oid = job._p_oid
        self.last = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.conn.close()  # every write committed (or aborted) in its own ``with``
        return False

    def _write(self, **values):
        with self.tm:
            job = self.conn.get(self.oid)
            for name, value in values.items():
                setattr(job, name, value)
            return job

    def progress(self, done, total):
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY or done >= total:
            self.last = now
            self._write(done=int(done), total=int(total))

    def fail(self, error):
        self._write(state="failed", error=str(error)[:500], finished_at=clock.now())

    def build(self, request, section, due):
        job = self._write(state="running", started_at=clock.now(), done=0, total=0,
                          error=None)
        languages, since = job.languages, job.since

        def progress(done, total, *_what):
            if due is not None and clock.now() >= due - YIELD_BEFORE:
                raise _Yield()
            self.progress(done, total)

        folder = tempfile.mkdtemp(prefix="statportal-bundle-")
        try:
            out = os.path.join(folder, "bundle.zip")
            try:
                build(request, section, out, languages, since, progress)
            except _Yield:
                log.info("bundle job %s waits: a release is due at %s", job.id, due)
                self._write(state="queued", done=0, total=0, started_at=None)
                return {"bundles_postponed": 1}
            except Exception as exc:  # noqa: BLE001 (the job says it; the pass goes on)
                log.exception("bundle job %s failed", job.id)
                self.fail(exc)
                return {"bundles_failed": 1}
            blob = Blob()
            with blob.open("w") as target, open(out, "rb") as source:
                shutil.copyfileobj(source, target)
            self._write(state="done", result=blob, size=os.path.getsize(out),
                        finished_at=clock.now())
            return {"bundles": 1}
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def build(request, section, out, languages, since, progress):
    """The bundle's zip of ``section`` at ``out`` (F's ``build_bundle``)."""
    from statportal.bundle.site import build_bundle

    build_bundle(request, section, out, languages=languages, since=since, progress=progress)
