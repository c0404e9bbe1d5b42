"""The worker killed in the middle of a release pass (issue 19, item 4): `statportal
worker CONFIG` on ZEO is killed -9 while its release transaction runs (made slow by the
add-on tests/pkgs/slow_release_ext, which also queues a mail per released material);
nothing of the release is public, nothing of its mail queued. Restarted on the same host,
the worker takes the dead one's lease at once and releases it: every material public,
each released once, each mail delivered once."""

import socket
import time

from tests.helpers.mail import deliver
from tests.helpers.release_worker import demo_client
from tests.storage.conftest import open_storage
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

MATERIALS = 3


def test_a_worker_killed_mid_release_releases_once_after_restart(request, tmp_path, smtp,
                                                                   smtp_port):
    opened = open_storage(request, "zeo", tmp_path / "portal")
    try:
        app = opened.app("web1", **{"mail.host": "127.0.0.1", "mail.port": str(smtp_port)})
        client = demo_client(app)
        entry, materials = schedule(client, count=MATERIALS)
        bring_forward(client, entry, 1)
        sent, failed = deliver(app)          # the placements' mail, before any worker
        assert sent and not failed
        before = len(smtp.messages)
        marker = tmp_path / "releasing.txt"
        ini = worker_ini(tmp_path / "worker.ini", opened.uri("worker"), smtp_port,
                         **{"statportal.includes": "slow_release_ext",
                            "slow_release_ext.marker": str(marker),
                            "slow_release_ext.seconds": "0.8"})
        first = WorkerProcess(ini, "first", "--interval", "1")
        try:
            # its release transaction has made a material public and sleeps: kill -9
            wait_for(lambda: marker.exists() and marker.read_text(), 60, "the release pass")
            first.kill()
        finally:
            first.kill()
        assert len(marker.read_text().split()) < MATERIALS    # killed before its commit
        time.sleep(0.5)                      # what ZEO would tell of a commit, it has told
        assert released(app, entry, materials) == ("confirmed",
                                                   [("scheduled", 0)] * MATERIALS)
        assert not any(subject.startswith("Released ")
                       for _s, subject in outbox_states(app).values())
        assert "Released /calendar" not in first.logged()

        marker.unlink()
        second = WorkerProcess(ini, "second", "--interval", "1")
        try:
            assert wait_for(lambda: released(app, entry, materials)[0] == "published", 60,
                            "the release after the restart")
            wait_for(lambda: len(smtp.messages) == before + MATERIALS, 20, "its mail")
            assert f"took the worker lease from {socket.gethostname()}:" \
                f"{first.process.pid}:" in second.logged()
            assert "(its process is gone)" in second.logged()
            time.sleep(1.0)                  # a second sending would have arrived by now
        finally:
            assert second.stop() == 0
        assert released(app, entry, materials) == ("published",
                                                   [("published", 1)] * MATERIALS)
        assert sorted(marker.read_text().split()) == sorted(materials)   # one pass
        subjects = sorted(str(message["Subject"]) for _r, message in smtp.messages[before:])
        assert subjects == sorted(f"Released {path}" for path in materials)
        assert len(set(message_ids(smtp))) == len(smtp.messages)
        assert {state for state, _s in outbox_states(app).values()} == {"sent"}
        assert "Traceback" not in second.logged(), second.logged()
    finally:
        opened.close()
