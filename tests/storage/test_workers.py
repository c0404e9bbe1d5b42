"""Separate processes (issue 19, item 2): on ZEO or RelStorage a web process runs neither
the release worker nor the mail sender; `statportal worker CONFIG` does both; a second
worker started by mistake does no double work (the worker lease: it stands by), and two
senders never send one mail twice (the outbox's claims)."""

import json
import logging
import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
import transaction

from statportal.mail import sender_of
from statportal.worker import worker_of
from tests.helpers.mail import deliver
from tests.helpers.release_worker import demo_client
from tests.storage.workers_helpers import (
    WorkerProcess,
    bring_forward,
    message_ids,
    outbox_states,
    released,
    schedule,
    wait_for,
    worker_ini,
)

AUTO = {"statportal.worker.in_process": "auto", "statportal.mail.deliver_in_process": "auto"}


def test_where_the_worker_and_the_sender_run(storage, caplog):
    """With the settings' defaults (auto): both threads in the web process on its own
    FileStorage, neither on ZEO or RelStorage, and the start-up log says so."""
    caplog.set_level(logging.INFO, logger="statportal")
    app = storage.app("web1", **AUTO)
    said = [next(r.getMessage() for r in caplog.records if r.name == name)
            for name in ("statportal.worker", "statportal.mail.sender")]
    worker, sender = worker_of(app.registry), sender_of(app.registry)
    if storage.kind == "file":
        assert worker is not None and worker._thread.is_alive() and worker.lease is None
        assert sender is not None and sender._thread.is_alive()
        assert said[0].startswith("The release worker runs in this process "
                                  "(statportal.worker.in_process = auto; FileStorage ")
        assert said[1].startswith("Mail is delivered by this process (statportal.mail."
                                  "deliver_in_process = auto; FileStorage ")
    else:
        storage_name = {"zeo": "ClientStorage", "relstorage": "RelStorage"}[storage.kind]
        assert worker is None and sender is None
        assert said[0].startswith("The release worker does not run in this process "
                                  f"(statportal.worker.in_process = auto; {storage_name} ")
        assert said[1].startswith("Mail is not delivered by this process (statportal.mail."
                                  f"deliver_in_process = auto; {storage_name} ")
        assert said[1].endswith(", shared with other processes): `statportal worker "
                                "CONFIG` delivers it.")
    assert len([r for r in caplog.records if r.name.startswith(
        ("statportal.worker", "statportal.mail"))]) == 2


def test_the_settings_still_decide(storage):
    """`true` runs both even on a shared database (one chosen web process); `false`
    neither, even on FileStorage."""
    on = {"statportal.worker.in_process": "true", "statportal.mail.deliver_in_process": "true"}
    app = storage.app("web1", **on)
    assert worker_of(app.registry) is not None and sender_of(app.registry) is not None
    assert (worker_of(app.registry).lease is None) is (storage.kind == "file")
    storage.close()
    off = {"statportal.worker.in_process": "false", "statportal.mail.deliver_in_process":
           "false"}
    app = storage.app("web2", **off)
    assert worker_of(app.registry) is None and sender_of(app.registry) is None


@pytest.fixture
def zeo_portal(request, tmp_path):
    """A web app (no worker, no sender) on a runzeo with the demo's users; its ``uri``."""
    from tests.storage.conftest import open_storage

    opened = open_storage(request, "zeo", tmp_path / "portal")
    app = opened.app("web1")
    yield app, demo_client(app), opened.uri("worker")
    opened.close()


def test_the_worker_command_publishes_and_delivers(zeo_portal, smtp, smtp_port, tmp_path):
    """A release due and mail queued through the web app; `statportal worker CONFIG
    --once`, another process, publishes the release and delivers every mail, once."""
    app, client, uri = zeo_portal
    entry, materials = schedule(client)
    at = bring_forward(client, entry, 1)
    queued = outbox_states(app)
    assert queued and {state for state, _s in queued.values()} == {"queued"}
    wait_for(lambda: datetime.now(UTC) > at, 5, "the release's time")
    worker = WorkerProcess(worker_ini(tmp_path / "worker.ini", uri, smtp_port), "once",
                           "--once")
    assert worker.process.wait(90) == 0, worker.logged()
    result = json.loads(worker.printed().splitlines()[0])
    assert result["released"] == [entry] and result["materials"] == 1
    assert wait_for(lambda: released(app, entry, materials) == ("published",
                                                                 [("published", 1)]), 5)
    assert len(smtp.messages) == len(queued) == len(set(message_ids(smtp)))
    assert wait_for(lambda: {s for s, _t in outbox_states(app).values()} == {"sent"}, 5)
    assert deliver(app) == (0, 0) and len(smtp.messages) == len(queued)   # none left
    assert "Mail is delivered" not in worker.logged()     # --once: no sender thread


def test_two_workers_do_the_work_once(zeo_portal, smtp, smtp_port, tmp_path):
    """Two `statportal worker CONFIG` on one ZEO server, started together with mail
    waiting: one holds the worker lease and publishes the release at its second, the
    other stands by; every mail arrives once although both deliver. Stopped, the holder
    gives the lease back and the other takes over."""
    app, client, uri = zeo_portal
    entry, materials = schedule(client, count=2)
    bring_forward(client, entry, 5)
    queued = outbox_states(app)
    ini = worker_ini(tmp_path / "worker.ini", uri, smtp_port)
    workers = [WorkerProcess(ini, name, "--interval", "1") for name in ("w1", "w2")]
    try:
        assert wait_for(lambda: released(app, entry, materials)[0] == "published", 60,
                        "the release")
        assert released(app, entry, materials) == ("published", [("published", 1)] * 2)
        wait_for(lambda: len(smtp.messages) >= len(queued), 20, "the mail")
        # the pass is printed once all its tasks ran, a moment after the release
        holders = wait_for(lambda: [w for w in workers
                                    if f'"released": ["{entry}"]' in w.printed()], 10)
        assert len(holders) == 1, [(w.printed(), w.logged()) for w in workers]
        holder, other = holders[0], next(w for w in workers if w is not holders[0])
        assert other.printed() == ""                 # it ran no pass
        # the other's line may come a moment later (a process started beside a busy one)
        assert wait_for(lambda: "stands by" in other.logged(), 30, "the other standing by")
        assert "holds the worker lease" in holder.logged()
        for worker in workers:
            assert "Mail is delivered by this process" in worker.logged()
        assert holder.stop() == 0                    # SIGTERM: the lease is given back
        assert wait_for(lambda: f"took the worker lease from {socket.gethostname()}:"
                        f"{holder.process.pid}:" in other.logged(), 10, "the take-over")
        assert "(given back)" in other.logged()
        wait_for(lambda: other.printed(), 5, "a pass of the other")
    finally:
        for worker in workers:
            worker.stop()
    assert len(smtp.messages) == len(queued) == len(set(message_ids(smtp)))
    assert {state for state, _s in outbox_states(app).values()} == {"sent"}
    for worker in workers:
        assert "Traceback" not in worker.logged(), worker.logged()


def test_the_lease(app, frozen, caplog):
    """One holder at a time; the holder renews it; a lapsed lease is taken over; a
    holder whose process is gone (this host) loses it at once; given back, it is free."""
    from statportal.worker.lease import Lease, pid_space

    caplog.set_level(logging.INFO, logger="statportal.worker")
    db = app.registry._zodb_databases[""]
    first, second = Lease(db, 60), Lease(db, 60)
    assert first.hold() and not second.hold()
    assert [r.getMessage() for r in caplog.records][-1].startswith(
        f"Another worker ({first.holder}) holds the worker lease until ")
    frozen.advance(seconds=29)
    assert first.hold() and not second.hold()       # no write: half of it is left
    frozen.advance(seconds=2)
    assert first.hold() and not second.hold()       # renewed: 60 s from now
    frozen.advance(seconds=59)
    assert not second.hold()
    frozen.advance(seconds=2)                       # lapsed
    assert second.hold() and not first.hold()
    assert "lapsed at" in caplog.records[-2].getMessage()
    second.release()
    gone = Lease(db, 60, holder=f"{socket.gethostname()}:{_dead_pid()}:gone:{pid_space()}")
    assert gone.hold()
    assert first.hold() and "its process is gone" in caplog.records[-1].getMessage()
    first.release()
    assert second.hold() and "(given back)" in caplog.records[-1].getMessage()


def _dead_pid():
    """The id of a process that has just ended."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait()
    assert not os.path.exists(f"/proc/{process.pid}")
    return process.pid


class Recording:
    """A delivery that records what it sends and, while sending, lets ``meanwhile`` run
    (another sender's round at that very moment)."""

    def __init__(self, meanwhile=None):
        self.sent, self.meanwhile = [], meanwhile

    def send(self, sender, recipients, data):
        self.sent.append(data)
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()


def test_two_senders_send_a_mail_once(app, frozen):
    """While one sender sends a mail, another's round leaves it alone (it is claimed);
    a claim whose sender died lapses after CLAIM, and the mail goes out then."""
    from statportal.mail import deliver_pending, make_message
    from statportal.mail.outbox import CLAIM, OutgoingMail, _claim, get_outbox, get_pending
    from statportal.testing import open_portal

    db = app.registry._zodb_databases[""]
    with open_portal(app) as portal:
        now = frozen.now()
        for key in ("a", "b"):
            get_outbox(portal, create=True)[key] = OutgoingMail(make_message(
                "portal@stat.example.kz", "x@stat.example.kz", key, "body"), now)
            get_pending(portal).insert(key)
    other = Recording()
    first = Recording(meanwhile=lambda: rounds.append(deliver_pending(db, other)))
    rounds = []
    assert deliver_pending(db, first) == (1, 0)    # "a"; "b" was sent meanwhile
    assert rounds == [(1, 0)]                      # the other sent only the mail not claimed
    assert len(first.sent) + len(other.sent) == 2 and set(first.sent).isdisjoint(other.sent)
    assert deliver_pending(db, Recording()) == (0, 0)

    with open_portal(app) as portal:
        get_outbox(portal)["c"] = OutgoingMail(make_message(
            "portal@stat.example.kz", "x@stat.example.kz", "c", "body"), now)
        get_pending(portal).insert("c")
    tm_conn = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm_conn)
    assert _claim(tm_conn, conn, "statportal", "c", now) is not None   # and then it died
    conn.close()
    assert deliver_pending(db, Recording(), now=now + CLAIM / 2) == (0, 0)
    late = Recording()
    assert deliver_pending(db, late, now=now + CLAIM + timedelta(seconds=1)) == (1, 0)
    assert len(late.sent) == 1


def test_once_beside_a_running_worker_runs_no_pass(request, tmp_path, capsys):
    """`statportal worker CONFIG --once` from cron while a worker (on another host) holds
    the lease: no pass, exit 0, one line saying why; once that lease is given back, it
    runs its pass."""
    from statportal.scripts.cli import main
    from statportal.worker.lease import Lease
    from tests.storage.conftest import open_storage
    from tests.storage.helpers import write_ini

    opened = open_storage(request, "zeo", tmp_path / "portal")
    try:
        app = opened.app("web1")
        holder = Lease(app.registry._zodb_databases[""], 60, holder="web2:4121:1f0c9a2e")
        assert holder.hold()
        ini = write_ini(tmp_path / "cron.ini", opened.uri("cron"),
                        **{"statportal.mail.deliver_in_process": "false"})
        assert main(["worker", ini, "--once"]) == 0
        out, err = capsys.readouterr()
        assert out == ""
        assert err.strip() == ("statportal: another worker holds the worker lease "
                               "(web2:4121:1f0c9a2e): no pass run")
        holder.release()
        assert main(["worker", ini, "--once"]) == 0
        assert json.loads(capsys.readouterr().out)["released"] == []
        assert holder.hold()         # the cron run gave it back as it ended
    finally:
        opened.close()


def test_a_wrong_lease_setting_is_one_line(request, tmp_path, capsys):
    from statportal.scripts.cli import main
    from tests.storage.conftest import open_storage
    from tests.storage.helpers import write_ini

    opened = open_storage(request, "zeo", tmp_path / "portal")
    ini = write_ini(tmp_path / "worker.ini", opened.uri("worker"),
                    **{"statportal.worker.lease_seconds": "a minute"})
    assert main(["worker", ini, "--once"]) == 2
    _out, err = capsys.readouterr()
    assert err.strip().endswith("The setting 'statportal.worker.lease_seconds' must be a "
                                "number of seconds above 0, not 'a minute'.")
    assert "Traceback" not in err
