"""The worker where the README runs the portal: `make serve`, i.e. `statportal init
etc/development.ini --demo` and then the app of `etc/development.ini` with its own settings
and storage (a BlobStorage wrapping a FileStorage), in a temporary `var`. On the real clock:
a release is public within one second of its announced time, published by the worker
thread, the test calling no pass."""

import io
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zodburi

from statportal.storage import own_storage
from statportal.testing import close_app, make_app, make_settings
from statportal.worker import worker_of
from tests.helpers.calendar import entry_payload
from tests.helpers.release_worker import (
    INDUSTRY,
    Client,
    demo_client,
    material_state,
    schedule_material,
    wait_for,
)

DEV_INI = Path(__file__).resolve().parents[2] / "etc" / "development.ini"
WORKER_LOGS = ("statportal.worker", "statportal.releases.worker")


def copy_ini(root):
    """etc/development.ini, verbatim, in ``root/etc``: its ``var`` is ``root/var``."""
    (root / "etc").mkdir(parents=True, exist_ok=True)
    ini = root / "etc" / "development.ini"
    shutil.copy(DEV_INI, ini)
    return ini


def without_statportal_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("STATPORTAL_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def demo_var(tmp_path_factory):
    """`make serve`'s first step, once for the module: `statportal init CONFIG --demo`;
    returns the `var` it made and the demo users' passwords it printed."""
    from statportal.scripts.cli import main

    root = tmp_path_factory.mktemp("make-serve")
    ini = copy_ini(root)
    (root / "var").mkdir()
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as monkeypatch:
        without_statportal_environment(monkeypatch)
        assert main(["init", str(ini), "--demo"], out=out) == 0
    lines = [line.split() for line in out.getvalue().splitlines() if line.startswith("  ")]
    return root / "var", {parts[0]: parts[1] for parts in lines}


class Said(logging.Handler):
    """What the worker's logger says (`statportal init` has just configured logging from
    the ini, which removes the handlers pytest's caplog added)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def said():
    handler = Said()
    loggers = [logging.getLogger(name) for name in WORKER_LOGS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler.lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def served(tmp_path, demo_var, monkeypatch, said):
    """`pserve etc/development.ini`'s application on a copy of the demo `var`."""
    from pyramid.paster import get_app

    template, passwords = demo_var
    without_statportal_environment(monkeypatch)
    ini = copy_ini(tmp_path)
    shutil.copytree(template, tmp_path / "var")
    app = get_app(str(ini))
    yield app, passwords
    close_app(app)


def test_the_dev_ini_storage_is_this_process_own(tmp_path):
    """What `zodbconn.uri` of etc/development.ini opens — a FileStorage with its own blobs
    (the portal's opener), or zodburi's BlobStorage wrapping a FileStorage — is recognised
    as one process's, however wrapped."""
    from pyramid.paster import get_appsettings
    from ZODB.DemoStorage import DemoStorage

    from statportal.storage_check import resolve

    ini = copy_ini(tmp_path)
    (tmp_path / "var").mkdir()
    uri = get_appsettings(str(ini))["zodbconn.uri"]
    assert uri.startswith(f"file://{tmp_path}/etc/../var/Data.fs?blobstorage_dir=")
    factory, _dbkw = resolve(uri)
    storage = factory()
    try:
        assert type(storage).__name__ == "FileStorage" and storage.blob_dir
        own, description = own_storage(storage)
        assert own is True and description == f"FileStorage {tmp_path}/var/Data.fs"
        assert own_storage(DemoStorage(base=storage))[0] is True   # its changes: memory
    finally:
        storage.close()
    factory, _dbkw = zodburi.resolve_uri(uri)
    storage = factory()
    try:
        assert type(storage).__name__ == "BlobStorage" and not hasattr(storage, "base")
        own, description = own_storage(storage)
        assert own is True
        assert description.startswith("FileStorage ") and "Data.fs" in description
        assert description.endswith(" in BlobStorage")
        assert own_storage(DemoStorage(base=storage))[0] is True   # its changes: memory
    finally:
        storage.close()
    memory, _dbkw = zodburi.resolve_uri("memory://")
    assert own_storage(memory())[0] is True
    read_only, _dbkw = zodburi.resolve_uri(
        f"file://{tmp_path}/var/Data.fs?blobstorage_dir={tmp_path}/var/blobs&read_only=1")
    storage = read_only()
    try:
        assert own_storage(storage)[0] is False      # it writes nothing, and locks nothing
    finally:
        storage.close()


def test_a_client_storage_is_not_this_process_own(tmp_path):
    """A ZEO client (a real ZEO server here) and any storage not known to be one process's
    (RelStorage) leave the worker to `statportal worker CONFIG`."""
    import ZEO

    address, stop = ZEO.server(path=str(tmp_path / "zeo.fs"), blob_dir=str(tmp_path / "blobs"))
    try:
        client = ZEO.client(address, blob_dir=str(tmp_path / "client-blobs"),
                            shared_blob_dir=False)
        try:
            own, description = own_storage(client)
            assert own is False and description.startswith("ClientStorage ")
        finally:
            client.close()
    finally:
        stop()

    class RelStorage:                # stands in for relstorage.storage.RelStorage
        def tpc_begin(self, transaction):
            pass

        def getName(self):
            return "PostgreSQL statportal"

    assert own_storage(RelStorage()) == (False, "RelStorage PostgreSQL statportal")


def test_make_serve_runs_the_worker_and_says_so(served, said):
    app, _passwords = served
    assert worker_of(app.registry) is not None
    assert worker_of(app.registry)._thread.is_alive()
    assert len(said) == 1
    assert said[0].startswith("The release worker runs in this process "
                              "(statportal.worker.in_process = auto; FileStorage ")
    assert "Data.fs)" in said[0] and "a full pass every 20 s" in said[0]


def test_a_release_is_public_within_a_second_of_its_time(served):
    """The README's path on the real clock: a material waits for a confirmed release;
    the release is moved to 3–4 s from now; the worker thread, which was waiting for its
    next 20 s pass, is woken by the change, waits for that second and publishes it."""
    app, passwords = served
    client = Client(app, passwords)
    worker = worker_of(app.registry)
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    entry, material = schedule_material(client, later)
    assert material_state(app, material)[0] == "scheduled"
    assert wait_for(lambda: worker.waiting_for == later, 2)

    announced = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    client.as_user("dana").patch_json(f"/++api++{entry}", {
        "release_at": announced.isoformat(), "reason": "Brought forward"})
    assert wait_for(lambda: worker.waiting_for == announced, 1)   # woken by the commit
    assert material_state(app, material)[0] == "scheduled"

    state = wait_for(lambda: material_state(app, material)[0] == "published",
                     (announced - datetime.now(UTC)).total_seconds() + 10)
    assert state
    _state, published_at, last = material_state(app, material)
    assert timedelta(0) <= published_at - announced < timedelta(seconds=1), (
        published_at, announced)
    assert last["action"] == "release" and last["actor"] == "system:worker"
    data = client.as_user("dana").get(f"/++api++{entry}").json
    assert data["status"] == "published"
    assert datetime.fromisoformat(data["published_at"]) == published_at
    client.app.authorization = None
    assert client.app.get(f"/++api++{material}").json["review_state"] == "published"


def test_a_new_release_wakes_the_worker(served):
    """An entry added 30 s ahead (beyond the 20 s of the next pass) is what the worker
    waits for as soon as it is committed."""
    app, passwords = served
    worker = worker_of(app.registry)
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=30)
    Client(app, passwords).as_user("dana").post_json("/++api++/calendar", entry_payload(
        section=INDUSTRY, release_at=at.isoformat(), non_working_confirmed=True), status=201)
    assert wait_for(lambda: worker.waiting_for == at, 1)


@pytest.mark.parametrize(("setting", "runs"), [("false", False), ("true", True)])
def test_the_setting_decides_and_the_log_says(tmp_path, said, setting, runs):
    app = make_app(make_settings(tmp_path, **{"statportal.worker.in_process": setting}))
    try:
        assert (worker_of(app.registry) is not None) is runs
    finally:
        close_app(app)
    assert len(said) == 1
    if runs:
        assert said[0].startswith("The release worker runs in this process "
                                  "(statportal.worker.in_process = true; FileStorage ")
    else:
        assert said[0].startswith("The release worker does not run in this process "
                                  "(statportal.worker.in_process = false; FileStorage ")
        assert "run `statportal worker CONFIG` beside it" in said[0]


@pytest.fixture
def zeo(tmp_path):
    import ZEO

    address, stop = ZEO.server(path=str(tmp_path / "zeo.fs"), blob_dir=str(tmp_path / "blobs"))
    host, port = address
    yield f"zeo://{host}:{port}?blob_dir={tmp_path}/blobs&shared_blob_dir=true"
    stop()


def test_on_zeo_the_web_process_leaves_the_worker_to_the_command(tmp_path, said, zeo):
    app = make_app(make_settings(tmp_path, **{"zodbconn.uri": zeo,
                                              "statportal.worker.in_process": "auto"}))
    try:
        assert worker_of(app.registry) is None
    finally:
        close_app(app)
    assert len(said) == 1
    assert said[0].startswith("The release worker does not run in this process "
                              "(statportal.worker.in_process = auto; ClientStorage ")
    assert said[0].endswith(", shared with other processes): run `statportal worker CONFIG` "
                            "beside it, or releases are not published.")


def test_the_worker_command_publishes_at_the_second_too(tmp_path, zeo):
    """Web process and `statportal worker CONFIG` on one ZEO server, two processes: the
    command, which reads the calendar again every second, publishes a release moved to
    3–4 s ahead within a second of its time."""
    from statportal.testing import TEST_SECRET

    app = make_app(make_settings(tmp_path / "web", **{"zodbconn.uri": zeo,
                                                      "statportal.worker.in_process": "auto"}))
    try:
        client = demo_client(app)
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
        entry, material = schedule_material(client, later)
        ini = tmp_path / "worker.ini"
        ini.write_text(f"[app:main]\nuse = egg:statportal\nzodbconn.uri = {zeo}\n"
                       f"statportal.secret = {TEST_SECRET}\n"
                       "statportal.mail.deliver_in_process = false\n")
        environ = {k: v for k, v in os.environ.items() if not k.startswith("STATPORTAL_")}
        command = subprocess.Popen(  # noqa: S603 (our own console script)
            [sys.executable, "-m", "statportal.scripts.cli", "worker", str(ini)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environ)
        lines = queue.Queue()        # what the command prints, one pass a line
        threading.Thread(target=lambda: [lines.put(line) for line in command.stdout],
                         daemon=True).start()
        try:
            assert lines.get(timeout=60).startswith('{"released": []')  # its first pass
            announced = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
            client.as_user("dana").patch_json(f"/++api++{entry}", {
                "release_at": announced.isoformat(), "reason": "Brought forward"})
            line = lines.get(timeout=30)         # the pass at the release's second
            assert f'"released": ["{entry}"]' in line
            # ZEO's invalidations reach this process a moment after that commit.
            assert wait_for(lambda: material_state(app, material)[0] == "published", 5)
            _state, published_at, last = material_state(app, material)
            assert timedelta(0) <= published_at - announced < timedelta(seconds=1), (
                published_at, announced, line)
            assert last["action"] == "release" and last["actor"] == "system:worker"
        finally:
            command.terminate()
            command.wait(10)
    finally:
        close_app(app)


def test_a_full_pass_due_just_before_a_release_waits_for_its_second(tmp_path):
    """Passes every 2 s, a release 3–4 s ahead: the full pass due a second or two before
    it (its currency scan may take a while) is held until the release's second, where it
    publishes first. Between the first pass and the release no pass runs."""
    from statportal import clock
    from statportal.releases.worker import Worker

    app = make_app(make_settings(tmp_path))
    try:
        client = demo_client(app)
        entry, material = schedule_material(
            client, datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10))
        passes = []
        worker = Worker(app.registry, 2, report=lambda result: passes.append(
            (clock.now(), result.released)))
        worker.start()
        try:
            assert wait_for(lambda: passes, 5)            # its first pass
            announced = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
            client.as_user("dana").patch_json(f"/++api++{entry}", {
                "release_at": announced.isoformat(), "reason": "Brought forward"})
            assert material_state(app, material)[0] == "scheduled"
            assert wait_for(lambda: material_state(app, material)[0] == "published",
                            (announced - datetime.now(UTC)).total_seconds() + 10)
        finally:
            worker.stop()
        _state, published_at, _last = material_state(app, material)
        assert timedelta(0) <= published_at - announced < timedelta(seconds=1), (
            published_at, announced)
        before = [released for at, released in passes if at < announced]
        assert before == [[]]
        assert passes[1][1] == [entry]
    finally:
        close_app(app)


def test_a_release_is_said_in_the_log(served, said):
    """Under `make serve` the console shows the start-up line, and then nothing when a
    release came out: an administrator watching pserve now sees which release was
    published, when, and how many placements went public."""
    from statportal.releases.worker import run_releases

    app, passwords = served
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    entry, material = schedule_material(Client(app, passwords), later)
    said.clear()
    run_releases(app.registry, now=later)
    assert material_state(app, material)[0] == "published"
    assert said == [f"Released {entry} at {later.isoformat()}: 1 placement(s) made public."]
