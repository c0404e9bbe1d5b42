"""What the worker tests share (tests/storage/test_workers*.py): releases scheduled through
a web app, `statportal worker CONFIG` as a real subprocess with its log, and reading the
outcome afresh."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statportal.testing import open_portal
from tests.helpers.calendar import entry_payload
from tests.helpers.placement import b64, payload
from tests.storage.helpers import write_ini

PKGS = str(Path(__file__).resolve().parents[1] / "pkgs")
INDUSTRY = "/official-statistics/economy/industry"
LOGGING = """
[loggers]
keys = root, statportal

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[logger_statportal]
level = INFO
handlers =
qualname = statportal

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
"""


def schedule(client, count=1, release_at=None):
    """A confirmed release (ten minutes ahead) with ``count`` new materials placed for it
    (each through request, submit, approve, register, place: mail queued on the way);
    returns ``(entry path, [material paths])``."""
    release_at = release_at or datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    entry = client.as_user("dana").post_json("/++api++/calendar", entry_payload(
        section=INDUSTRY, release_at=release_at.isoformat(), non_working_confirmed=True),
        status=201).json["@id"].replace("http://localhost/++api++", "")
    materials = []
    for _n in range(count):
        request = client.as_user("aigerim").post_json("/++api++/requests", payload(
            release=entry, files=[b64("report.docx")]), status=201).json["@id"].replace(
            "http://localhost", "")
        for login, transition in (("aigerim", "submit"), ("marat", "approve"),
                                  ("dana", "register"), ("yerlan", "place")):
            client.as_user(login).post_json(f"{request}/@workflow/{transition}", {})
        materials.append(client.app.get(request).json["material"])
    return entry, materials


def bring_forward(client, entry, seconds):
    """Move the release to ``seconds`` from now (scheduled further ahead: a placement for
    a release whose time has come is public at once); returns its new time."""
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)
    client.as_user("dana").patch_json(f"/++api++{entry}", {
        "release_at": at.isoformat(), "reason": "Brought forward"})
    return at


def worker_ini(path, uri, smtp_port, **settings):
    """The worker's CONFIG: the portal on ``uri``, mail to the test SMTP server (looked
    at every second), its log (statportal at INFO) on stderr."""
    write_ini(path, uri, **{"mail.host": "127.0.0.1", "mail.port": str(smtp_port),
                            "mail.default_sender": "portal@stat.example.kz",
                            "statportal.mail.poll_seconds": "1", **settings})
    path.write_text(path.read_text() + LOGGING)
    return str(path)


class WorkerProcess:
    """`statportal worker CONFIG ARGS…` in a process (and session) of its own; what it
    prints (one JSON line a pass) and logs go to files beside the ini."""

    def __init__(self, ini, name, *args):
        self.ini, self.name = Path(ini), name
        self.out = self.ini.parent / f"{name}.out"
        self.err = self.ini.parent / f"{name}.err"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("STATPORTAL_")}
        environ["PYTHONPATH"] = os.pathsep.join(filter(None, (PKGS, environ.get("PYTHONPATH"))))
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.process = subprocess.Popen(  # noqa: S603 (our own console script)
                [sys.executable, "-m", "statportal.scripts.cli", "worker", str(ini), *args],
                stdout=out, stderr=err, env=environ, start_new_session=True)

    def printed(self):
        return self.out.read_text()

    def logged(self):
        return self.err.read_text()

    def kill(self):
        """kill -9: no finally runs, the lease stays as it was."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        """SIGTERM, as systemd stops it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode


def wait_for(condition, seconds, what="the condition"):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.1)


def released(app, entry, materials):
    """``(entry status, [(material state, number of its 'release' history entries)])``,
    read afresh."""
    from statportal.content.paths import find_by_path
    from statportal.workflow import history_of, state_of

    with open_portal(app) as portal:
        return (find_by_path(portal, entry).status,
                [(state_of(find_by_path(portal, path), "material"),
                  sum(1 for item in history_of(find_by_path(portal, path))
                      if item["action"] == "release")) for path in materials])


def outbox_states(app):
    from statportal.mail import get_outbox

    with open_portal(app) as portal:
        return {key: (mail.state, mail.subject) for key, mail in
                (get_outbox(portal) or {}).items()}


def message_ids(smtp):
    return [message["Message-ID"] for _recipients, message in smtp.messages]
