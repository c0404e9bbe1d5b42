"""Fixtures of the storage-marked part of the suite: the portal on FileStorage, on ZEO and
on RelStorage with a real PostgreSQL.

Where the servers start: here, in pytest fixtures built on ``statportal.storage_servers``,
not in ``.ci/run``. ``.ci/run`` (and ``make test``) only install PostgreSQL from Debian when
it is missing and export nothing, so ``make test`` — or ``pytest tests/storage`` on a
developer's machine — is self-contained, and every server is stopped by a fixture's teardown
even when a test fails. One PostgreSQL cluster serves the session (``pg``; it is started
only when a test asks for it) with a fresh database per test (``pg_dsn``); each test gets
its own ZEO server (``zeo_server``: ``runzeo -C`` as etc/zeo.conf, well under a second).

``storage`` is parametrized over ``STORAGE_KINDS``: ``storage.app("web1")`` and
``storage.app("web2")`` are two web processes' applications on one database, each with
its own directory (its own blob cache on ZEO without a shared blob directory and on
RelStorage). FileStorage is one process's: opening a second app on it closes the first
(a restart), as a second process could not open it beside the first.

Every test module here is marked ``storage`` (``pytest -m storage`` runs the part alone).
"""

import uuid
from pathlib import Path

import pytest

from statportal import storage_servers as servers
from statportal.testing import close_app, make_app, make_settings

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.storage)


@pytest.fixture(scope="session")
def pg():
    """A PostgreSQL cluster on 127.0.0.1 for the session (a :class:`PostgresServer`)."""
    with servers.postgres_server() as server:
        yield server


@pytest.fixture
def pg_dsn(pg):
    """The DSN of a fresh, empty database of the session's cluster, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield pg.create_database(name)
    pg.drop_database(name)


@pytest.fixture
def zeo_server(tmp_path):
    """A ``runzeo`` of this test's own (a :class:`ZEOServer`), stopped afterwards."""
    with servers.zeo_server(tmp_path / "zeo-server") as server:
        yield server


class Storage:
    """One database of ``kind`` and the applications opened on it (closed at the end)."""

    def __init__(self, kind, root, zeo=None, dsn=None, shared_blobs=True):
        self.kind, self.root, self.zeo, self.dsn = kind, Path(root), zeo, dsn
        self.shared_blobs = shared_blobs
        self.apps = []

    def __repr__(self):
        return f"<Storage {self.kind}{'' if self.shared_blobs else ' (own blob caches)'}>"

    def uri(self, name="web1"):
        """The ``zodbconn.uri`` of the process ``name`` (FileStorage: the one file)."""
        directory = self.root / ("file" if self.kind == "file" else name)
        return servers.storage_uri(self.kind, directory, zeo=self.zeo, dsn=self.dsn,
                                   shared_blobs=self.shared_blobs)

    def settings(self, name="web1", **overrides):
        return make_settings(self.root / name, **{"zodbconn.uri": self.uri(name),
                                                  **overrides})

    def app(self, name="web1", **overrides):
        if self.kind == "file":
            self.close()  # one process holds a FileStorage: this is its restart
        app = make_app(self.settings(name, **overrides))
        self.apps.append(app)
        return app

    def close(self):
        while self.apps:
            close_app(self.apps.pop())


def open_storage(request, kind, root, shared_blobs=True):
    """A :class:`Storage` of ``kind``, its server asked of pytest only when needed (so
    ``-k file`` starts no PostgreSQL)."""
    zeo = request.getfixturevalue("zeo_server") if kind == "zeo" else None
    dsn = request.getfixturevalue("pg_dsn") if kind == "relstorage" else None
    return Storage(kind, root, zeo=zeo, dsn=dsn, shared_blobs=shared_blobs)


@pytest.fixture(params=servers.STORAGE_KINDS)
def storage(request, tmp_path):
    """The portal's database on each kind of storage (see the module's docstring)."""
    opened = open_storage(request, request.param, tmp_path / "portal")
    yield opened
    opened.close()
