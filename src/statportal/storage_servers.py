"""Storage servers on 127.0.0.1 for tests, the load bench and trying a deployment out: a ZEO
server (``runzeo`` with a blob directory, as etc/zeo.conf describes) and a PostgreSQL cluster
for RelStorage, each in a process of its own, stopped when the block ends; and the
``zodbconn.uri`` a portal uses for each kind of storage (``storage_uri``).

Nothing here runs in a portal; it is how the test suite and ``bench/load.py`` start what an
administrator starts with systemd (docs/administrators.md, Storage).
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

STORAGE_KINDS = ("file", "zeo", "relstorage")


class ServerError(RuntimeError):
    """A storage server that did not start; its log is in the message."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, log_path, timeout=30.0):
    """Wait until something accepts on 127.0.0.1:``port``, or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the server exited with {process.returncode}:\n"
                              + Path(log_path).read_text(errors="replace")[-4000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise ServerError(f"nothing answered on 127.0.0.1:{port} within {timeout} s:\n"
                      + Path(log_path).read_text(errors="replace")[-4000:])


def stop_process(process, timeout=10.0):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def zeo_config(address, data_fs, blob_dir):
    """A ``runzeo -C`` file: runzeo takes blobs only from a configuration file."""
    return (f"<zeo>\n  address {address}\n</zeo>\n"
            f"<filestorage>\n  path {data_fs}\n  blob-dir {blob_dir}\n</filestorage>\n")


class ZEOServer:
    """A running ``runzeo``: ``port``, ``data_fs``, ``blob_dir`` (the server's own),
    ``process``; ``start()`` again after a kill serves the same files."""

    def __init__(self, directory, port=None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.data_fs = self.directory / "Data.fs"
        self.blob_dir = self.directory / "blobs"
        self.config = self.directory / "zeo.conf"
        self.log = self.directory / "zeo.log"
        self.process = None

    def start(self, timeout=30.0):
        self.config.write_text(zeo_config(f"127.0.0.1:{self.port}", self.data_fs,
                                          self.blob_dir))
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  # nosec B603 # our own interpreter, fixed argv
                [sys.executable, "-m", "ZEO.runzeo", "-C", str(self.config)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, self.process, self.log, timeout)
        return self

    def stop(self):
        if self.process is not None:
            stop_process(self.process)

    def uri(self, blob_dir=None, shared=True):
        """The clients' URI: with ``shared`` the server's blob directory itself, else a
        cache of the client's own (``blob_dir``) that the server fills over the wire."""
        if shared:
            return (f"zeo://127.0.0.1:{self.port}?blob_dir={self.blob_dir}"
                    "&shared_blob_dir=true")
        return f"zeo://127.0.0.1:{self.port}?blob_dir={blob_dir}&shared_blob_dir=false"


@contextmanager
def zeo_server(directory):
    server = ZEOServer(directory).start()
    try:
        yield server
    finally:
        server.stop()


def postgres_bindir():
    """Debian's PostgreSQL binaries (``apt-get install postgresql``), newest first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]), reverse=True)
    if not found:
        found = [shutil.which("initdb")] if shutil.which("initdb") else []
    if not found:
        raise ServerError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return Path(found[0]).parent


def _as_postgres(argv):
    """initdb and pg_ctl refuse root: run them as the ``postgres`` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


class PostgresServer:
    """A throw-away PostgreSQL cluster listening on 127.0.0.1:``port`` with trust
    authentication; ``create_database(name)`` and ``dsn(name)`` for RelStorage."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.bindir = postgres_bindir()
        # Its own directory under /tmp, not a test's tmp_path: the postgres user must be able
        # to enter every directory above it.
        self.directory = Path(tempfile.mkdtemp(prefix="statportal-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *argv):
        result = subprocess.run(_as_postgres([str(self.bindir / argv[0]), *argv[1:]]),  # noqa: S603  # nosec B603 # PostgreSQL's own binaries, our argv
                                capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise ServerError(f"{argv[0]} failed: {result.stdout}{result.stderr}")
        return result

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "-U", "postgres")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
                        " -c fsync=off -c max_connections=200",
                  "start")
        return self

    def stop(self):
        if self.data.exists():
            subprocess.run(_as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data),  # noqa: S603  # nosec B603 # our argv
                                         "-m", "immediate", "-w", "stop"]),
                           capture_output=True, timeout=60)
        shutil.rmtree(self.directory, ignore_errors=True)

    def dsn(self, dbname):
        return f"dbname='{dbname}' host='127.0.0.1' port={self.port} user='postgres'"

    def _execute(self, statement):
        """One statement outside a transaction (CREATE and DROP DATABASE need that)."""
        import psycopg2

        conn = psycopg2.connect(self.dsn("postgres"))
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(statement)
        finally:
            conn.close()

    def create_database(self, dbname):
        self._execute(f'CREATE DATABASE "{dbname}"')
        return self.dsn(dbname)

    def drop_database(self, dbname):
        self._execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@contextmanager
def postgres_server():
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


def relstorage_config(dsn, blob_dir, shared=False, cache_dir=None):
    """A ``zconfig://…#main`` file's text for RelStorage on PostgreSQL (history-free, blobs
    in the database, ``blob_dir`` a local cache unless ``shared``)."""
    return ("%import relstorage\n<zodb main>\n  <relstorage>\n    keep-history false\n"
            f"    blob-dir {blob_dir}\n    shared-blob-dir {'true' if shared else 'false'}\n"
            f"    <postgresql>\n      dsn {dsn}\n    </postgresql>\n  </relstorage>\n</zodb>\n")


def storage_uri(kind, directory, zeo=None, dsn=None, shared_blobs=True):
    """The ``zodbconn.uri`` of a portal whose files are under ``directory``: ``file`` (a
    FileStorage with blobs there), ``zeo`` (a client of ``zeo``, a :class:`ZEOServer`) or
    ``relstorage`` (on ``dsn``; the config file is written into ``directory``)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "file":
        return f"file://{directory}/Data.fs?blobstorage_dir={directory}/blobs"
    if kind == "zeo":
        return zeo.uri(blob_dir=directory / "blob-cache", shared=shared_blobs)
    if kind == "relstorage":
        config = directory / "relstorage.conf"
        config.write_text(relstorage_config(dsn, directory / "blob-cache"))
        return f"zconfig://{config}#main"
    raise ValueError(f"unknown storage {kind!r}: one of {', '.join(STORAGE_KINDS)}")
