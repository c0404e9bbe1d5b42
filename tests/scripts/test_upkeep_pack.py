"""``statportal pack CONFIG --days N`` on a FileStorage (the portal stopped) and through a
ZEO server (beside it): old revisions go, with their blob files, and what is current stays
readable; bad input changes nothing. And ``backup``/``restore`` of a ZEO server's files."""

import subprocess
import sys
from pathlib import Path

import pytest
import transaction
from ZODB.blob import Blob

from statportal.storage_servers import zeo_server
from statportal.testing import close_app, make_app, make_settings, open_portal
from tests.helpers.files import SAMPLES
from tests.helpers.placement import as_user, new_request
from tests.helpers.upkeep import client, portal_at, run, with_demo, write_ini

KEY = "upkeep-test-blob"


def revisions(db, count):
    """One blob written ``count`` times (a transaction each) beside the portal: its old
    revisions are what a pack removes. Returns the blob's oid."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for number in range(count):
            with tm:
                root = conn.root()
                if KEY not in root:
                    root[KEY] = Blob()
                with root[KEY].open("w") as f:
                    f.write(b"revision %d" % number)
        return root[KEY]._p_oid
    finally:
        conn.close()


def blob_files_of(blob_dir, oid):
    from ZODB.blob import BushyLayout

    return sorted((Path(blob_dir) / BushyLayout().oid_to_path(oid)).glob("*.blob"))


def current(db):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with conn.root()[KEY].open("r") as f:
            return f.read()
    finally:
        tm.abort()
        conn.close()


def test_pack_a_filestorage_removes_old_revisions_and_their_blob_files(tmp_path, capsys):
    settings, ini = portal_at(tmp_path / "portal")
    blobs = tmp_path / "portal" / "blobs"
    app = with_demo(settings)
    url = new_request(client(app))
    oid = revisions(app.registry._zodb_databases[""], 4)
    assert len(blob_files_of(blobs, oid)) == 4
    data_fs = tmp_path / "portal" / "Data.fs"
    size = data_fs.stat().st_size
    # the portal runs: its FileStorage is locked
    assert run("pack", ini, "--days", "0")[0] == 2
    err = capsys.readouterr().err
    assert "is in use by the running portal" in err and len(err.splitlines()) == 1
    close_app(app)
    assert data_fs.stat().st_size == size
    assert run("backup", ini, tmp_path / "backup")[0] == 0

    code, out = run("pack", ini, "--days", "1")  # every revision is younger than a day
    assert code == 0, out
    assert len(blob_files_of(blobs, oid)) == 4

    code, out = run("pack", ini, "--days", "0")
    assert code == 0, out
    blob_count = sum(1 for _ in blobs.rglob("*.blob"))
    assert "Packed in" in out and f"blob files {blob_count + 3} -> {blob_count}" in out, out
    assert [f.read_bytes() for f in blob_files_of(blobs, oid)] == [b"revision 3"]
    assert data_fs.stat().st_size < size
    code, out = run("backup", ini, tmp_path / "backup")  # a packed file: a full one again
    assert code == 0 and "full:" in out, out
    app = make_app(settings)
    try:
        assert current(app.registry._zodb_databases[""]) == b"revision 3"
        http = as_user(client(app), "aigerim")
        assert http.get(url.replace("/++api++", "") + "/@@download?file=0").body == \
            SAMPLES["report.xlsx"]
        with open_portal(app) as portal:
            assert portal["official-statistics"]["economy"]["industry"] is not None
    finally:
        close_app(app)


@pytest.mark.parametrize("days", ["-1", "abc", "1.5", "", "36501", "99999999999"])
def test_pack_refuses_days_that_are_not_a_whole_number(tmp_path, capsys, days):
    settings, ini = portal_at(tmp_path / "portal")
    app = make_app(settings)
    revisions(app.registry._zodb_databases[""], 2)
    close_app(app)
    before = (tmp_path / "portal" / "Data.fs").read_bytes()
    assert run("pack", ini, "--days", days)[0] == 2
    err = capsys.readouterr().err
    assert f"--days {days}: expected a whole number of days, 0 or more" in err
    assert len(err.splitlines()) == 1
    assert (tmp_path / "portal" / "Data.fs").read_bytes() == before
    assert not list((tmp_path / "portal").glob("Data.fs.old"))


def test_the_console_script_says_one_line_and_no_traceback(tmp_path):
    from statportal.storage_servers import free_port, relstorage_config

    _settings, ini = portal_at(tmp_path / "portal")
    conf = tmp_path / "relstorage.conf"  # a wrong DSN: nobody listens there
    conf.write_text(relstorage_config(f"dbname='x' host='127.0.0.1' port={free_port()}",
                                      tmp_path / "cache"))
    wrong_dsn = write_ini(tmp_path / "etc", make_settings(tmp_path, **{
        "zodbconn.uri": f"zconfig://{conf}#main"}))
    for argv in (["pack", ini, "--days", "-1"], ["restore", ini, str(tmp_path / "b")],
                 ["pack", wrong_dsn, "--days", "0"]):
        done = subprocess.run(  # noqa: S603 (our own console script)
            [sys.executable, "-m", "statportal.scripts.cli", *argv],
            capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done
        assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr, done
        assert done.stderr.startswith("statportal: error: ")


def test_pack_and_backup_on_zeo(tmp_path, capsys):
    import ZODB
    from zodburi import resolve_uri

    with zeo_server(tmp_path / "server") as server:
        ini = write_ini(tmp_path / "etc", make_settings(tmp_path, **{
            "zodbconn.uri": server.uri()}))
        factory, dbkw = resolve_uri(server.uri())
        db = ZODB.DB(factory(), **dbkw)  # a portal's process, serving
        try:
            oid = revisions(db, 3)
            assert len(blob_files_of(server.blob_dir, oid)) == 3
            code, out = run("pack", ini, "--days", "0")  # beside it, through the server
            assert code == 0, out
            assert [f.read_bytes() for f in blob_files_of(server.blob_dir, oid)] == \
                [b"revision 2"]
            db._storage.sync()
            assert current(db) == b"revision 2"

            assert run("backup", ini, tmp_path / "b")[0] == 2
            err = capsys.readouterr().err
            assert "run `statportal backup` on the server's host" in err and "--data-fs" in err
            code, out = run("backup", ini, tmp_path / "b", "--data-fs", server.data_fs,
                            "--blob-dir", server.blob_dir)
            assert code == 0 and "full:" in out, out
            # the server holds its file: no restore into it
            assert run("restore", ini, tmp_path / "b", "--force", "--data-fs",
                       server.data_fs, "--blob-dir", server.blob_dir)[0] == 2
            assert "is in use" in capsys.readouterr().err
        finally:
            db.close()
    restored_settings, restored_ini = portal_at(tmp_path / "restored")
    assert run("restore", restored_ini, tmp_path / "b")[0] == 0
    factory, dbkw = resolve_uri(restored_settings["zodbconn.uri"])
    db = ZODB.DB(factory(), **dbkw)
    try:
        assert current(db) == b"revision 2"
    finally:
        db.close()


def test_pack_on_a_zeo_server_that_does_not_answer(tmp_path, capsys):
    from statportal.storage_servers import free_port

    ini = write_ini(tmp_path / "etc", make_settings(tmp_path, **{
        "zodbconn.uri": f"zeo://127.0.0.1:{free_port()}?blob_dir={tmp_path}/b",
        "statportal.storage_wait_seconds": "1"}))
    assert run("pack", ini, "--days", "0")[0] == 2
    err = capsys.readouterr().err
    assert "no ZEO server answered within 1 s" in err and len(err.splitlines()) == 1, err
