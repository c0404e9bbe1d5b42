"""The configuration files docs/administrators.md (Storage) tells administrators to use run
as documented: ``runzeo -C etc/zeo.conf`` (only its ``VAR`` and address rewritten to a
temporary directory and a free port) serves the portal with blobs in its blob directory;
``etc/relstorage.conf`` opened with ``STATPORTAL_PG_DSN`` set, against a real PostgreSQL:
``statportal init`` creates RelStorage's schema and the portal once, and a second process
reads a blob back through its own cache."""

import io
import subprocess
import sys
from pathlib import Path

from ZODB.blob import Blob

from statportal import storage_servers as servers
from statportal.testing import close_app, make_app, make_settings, open_portal
from tests.storage.helpers import write_ini

ETC = Path(__file__).parents[2] / "etc"
DATA = b"statportal blob \x00\xff" * 1000


def store_blob(app):
    with open_portal(app) as portal:
        blob = Blob()
        with blob.open("w") as f:
            f.write(DATA)
        portal._p_jar.root()["storage-test-blob"] = blob


def read_blob(app):
    with open_portal(app) as portal, portal._p_jar.root()["storage-test-blob"].open() as f:
        return f.read()


def rewritten(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_runzeo_serves_the_portal_with_etc_zeo_conf(tmp_path):
    port = servers.free_port()
    config = rewritten(rewritten((ETC / "zeo.conf").read_text(), "%define VAR var\n",
                                 f"%define VAR {tmp_path}/var\n"),
                       "address 127.0.0.1:8100\n", f"address 127.0.0.1:{port}\n")
    (tmp_path / "zeo.conf").write_text(config)
    (tmp_path / "var").mkdir()
    runzeo = Path(sys.executable).with_name("runzeo")  # the documented command
    log = tmp_path / "zeo.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(runzeo), "-C", str(tmp_path / "zeo.conf")],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        servers.wait_for_port(port, process, log)
        uri = (f"zeo://127.0.0.1:{port}?blob_dir={tmp_path}/var/blobs&shared_blob_dir=true")
        app = make_app(make_settings(tmp_path / "web1", **{"zodbconn.uri": uri}))
        try:
            store_blob(app)
        finally:
            close_app(app)
        assert (tmp_path / "var" / "Data.fs").stat().st_size > 0
        blobs = list((tmp_path / "var" / "blobs").rglob("*.blob"))
        assert [p.read_bytes() for p in blobs] == [DATA]  # the server's blob directory
        own = f"zeo://127.0.0.1:{port}?blob_dir={tmp_path}/web2-cache&shared_blob_dir=false"
        app = make_app(make_settings(tmp_path / "web2", **{"zodbconn.uri": own}))
        try:
            assert read_blob(app) == DATA  # a client with a blob cache of its own
        finally:
            close_app(app)
    finally:
        servers.stop_process(process)


def test_etc_relstorage_conf_with_the_dsn_from_the_environment(tmp_path, monkeypatch, pg,
                                                               pg_dsn):
    import psycopg2

    from statportal.scripts.cli import main

    monkeypatch.setenv("STATPORTAL_PG_DSN", pg_dsn)
    monkeypatch.chdir(tmp_path)  # its blob cache is var/… under the working directory
    uri = f"zconfig://{ETC / 'relstorage.conf'}#main"
    out = io.StringIO()
    assert main(["init", write_ini(tmp_path / "portal.ini", uri)], out=out) == 0
    assert out.getvalue() == "The portal is ready.\n"
    with psycopg2.connect(pg_dsn) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM object_state")  # RelStorage's schema, made
        assert cursor.fetchone()[0] > 0
    conn.close()

    app = make_app(make_settings(tmp_path / "web1", **{"zodbconn.uri": uri}))
    try:
        store_blob(app)
    finally:
        close_app(app)
    cache = tmp_path / "var" / "relstorage-blob-cache"
    for path in cache.rglob("*.blob"):
        path.unlink()  # what the second host finds in its cache: nothing
    app = make_app(make_settings(tmp_path / "web2", **{"zodbconn.uri": uri}))
    try:
        assert read_blob(app) == DATA  # from the database
    finally:
        close_app(app)
