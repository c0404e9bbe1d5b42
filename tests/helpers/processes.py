"""Portal processes for the storage tests: an ini on any ``zodbconn.uri`` (ZEO, RelStorage),
``statportal init`` on it, and a web process (pserve, an operating-system process of its own)
that a test can kill -9 and start again on the same port.

A web process beside other processes never runs the worker or sends mail (docs/
administrators.md): the ini says so. Its temporary files (uncommitted blobs are written to
the system's temporary directory until the commit moves them) go to a directory of the
test's own (``TMPDIR``), so what a killed process leaves behind can be seen and is removed
with the test's directory.
"""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.helpers.http import Http, free_port, wait_until_served

ROOT = Path(__file__).resolve().parents[2]


def environ(tmpdir=None):
    """The test's environment without its STATPORTAL_* overrides (the ini decides)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATPORTAL_")}
    if tmpdir is not None:
        Path(tmpdir).mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    return env


def portal_ini(directory, uri, **settings):
    """etc/development.ini on ``uri``, without in-process mail or worker, cheap password
    hashing (each Basic-auth request verifies a password) and ``settings`` added (dots in
    the names: ``**{"retry.attempts": "10"}``); returns its path."""
    text = (ROOT / "etc" / "development.ini").read_text()
    text = re.sub(r"(?m)^zodbconn\.uri = .*$", lambda _m: f"zodbconn.uri = {uri}", text)
    extra = {"statportal.mail.deliver_in_process": "false",
             "statportal.worker.in_process": "false",
             "statportal.argon2_profile": "CHEAPEST", **settings}
    lines = "".join(f"{name} = {value}\n" for name, value in extra.items())
    text = text.replace("[server:main]", f"{lines}\n[server:main]")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ini = directory / "portal.ini"
    ini.write_text(text)
    return ini


def init_portal(ini, demo=True, timeout=300):
    """``statportal init INI [--demo]`` in a process of its own; the demo users' passwords
    (login -> password) that it prints."""
    argv = [sys.executable, "-m", "statportal.scripts.cli", "init", str(ini)]
    result = subprocess.run(argv + (["--demo"] if demo else []),  # noqa: S603 (our own CLI)
                            capture_output=True, text=True, env=environ(), timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()
            if line.startswith("  ")}


class WebProcess:
    """``pserve INI`` on 127.0.0.1:``port`` (a free one, kept across restarts); ``client``
    is an :class:`Http` on it with ``passwords``. Each start appends to ``log``."""

    def __init__(self, ini, directory, passwords=None, port=None):
        self.ini = Path(ini)
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.client = Http(self.base, passwords or {})
        self.log = self.directory / "pserve.log"
        self.tmpdir = self.directory / "tmp"
        self.process = None
        self.starts = 0

    def start(self, timeout=90):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter)
                [sys.executable, "-m", "pyramid.scripts.pserve", str(self.ini),
                 f"http_port={self.port}"], stdout=log, stderr=subprocess.STDOUT,
                env=environ(self.tmpdir), start_new_session=True)
        self.starts += 1
        wait_until_served(self.base + "/", timeout, self.process)
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """kill -9: no handler runs, no transaction is finished or aborted by the process."""
        if self.running():
            os.kill(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(30)

    def stop(self, timeout=20):
        """A clean stop (SIGTERM), then SIGKILL if it does not go within ``timeout``."""
        if self.running():
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""
