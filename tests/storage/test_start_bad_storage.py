"""Bad input at start: a storage that cannot be reached (a ZEO port nobody listens on), a
wrong DSN, a ``zconfig://`` file whose environment variable is not set. The app is not
made (``StorageUnavailable``, one clear line naming the URI and the DSN, its password
masked); ``statportal`` commands and ``pserve`` exit non-zero with that line, no traceback,
within the bounded wait; and the database that is there stays as it was."""

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from statportal import storage_servers as servers
from statportal.storage_check import StorageUnavailable
from statportal.testing import close_app, make_app, make_settings
from tests.storage.helpers import write_ini

ETC = Path(__file__).parents[2] / "etc"


def dead_zeo_uri(tmp_path):
    return (f"zeo://127.0.0.1:{servers.free_port()}?blob_dir={tmp_path}/blob-cache"
            "&shared_blob_dir=false")


def cli(*argv):
    from statportal.scripts.cli import main

    return main(list(argv), out=io.StringIO(), stdin=io.StringIO(""))


def pserve(ini, env=None, timeout=60):
    """``pserve CONFIG`` in a process of its own, as an administrator starts it."""
    pserve_bin = Path(sys.executable).with_name("pserve")
    return subprocess.run([str(pserve_bin), ini], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_an_unreachable_zeo_server_stops_making_the_app(tmp_path):
    uri = dead_zeo_uri(tmp_path)
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as caught:
        make_app(make_settings(tmp_path, **{"zodbconn.uri": uri,
                                            "statportal.storage_wait_seconds": "1"}))
    assert time.monotonic() - started < 10  # the bounded wait, not ZEO's retries forever
    assert str(caught.value) == (
        f"the storage zodbconn.uri = {uri} cannot be opened: no ZEO server answered "
        "within 1 s (statportal.storage_wait_seconds); start it (runzeo -C etc/zeo.conf) "
        "or correct the address")


def test_an_unreachable_zeo_server_is_one_line_from_the_commands(tmp_path, capsys):
    uri = dead_zeo_uri(tmp_path)
    ini = write_ini(tmp_path / "portal.ini", uri, **{"statportal.storage_wait_seconds": "1"})
    assert cli("init", ini) == 2
    err = capsys.readouterr().err
    assert err == (f"statportal: error: {ini}: the storage zodbconn.uri = {uri} cannot be "
                   "opened: no ZEO server answered within 1 s (statportal.storage_wait_"
                   "seconds); start it (runzeo -C etc/zeo.conf) or correct the address\n")


def test_the_read_only_commands_say_it_in_one_line_too(tmp_path, capsys):
    """``statportal embargo-probe`` opens the database read-only beside a running portal
    (``open_read_only``): bounded, and told in one line as well."""
    uri = dead_zeo_uri(tmp_path)
    ini = write_ini(tmp_path / "portal.ini", uri, **{"statportal.storage_wait_seconds": "1"})
    assert cli("embargo-probe", ini, "--url", "http://127.0.0.1:9") == 2
    err = capsys.readouterr().err
    assert err == (f"statportal: error: cannot open {ini}: the storage zodbconn.uri = "
                   f"{uri}&read_only=1 cannot be opened: no ZEO server answered within 1 s "
                   "(statportal.storage_wait_seconds); start it (runzeo -C etc/zeo.conf) or "
                   "correct the address\n")


def test_pserve_on_an_unreachable_zeo_server_exits_with_one_line(tmp_path):
    uri = dead_zeo_uri(tmp_path)
    ini = write_ini(tmp_path / "portal.ini", uri)
    result = pserve(ini, {"STATPORTAL_STORAGE_WAIT_SECONDS": "1"})  # the environment too
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"statportal: error: the storage zodbconn.uri = {uri} cannot be opened: no ZEO "
        "server answered within 1 s (statportal.storage_wait_seconds); start it (runzeo -C "
        "etc/zeo.conf) or correct the address")


def relstorage_uri(tmp_path, dsn):
    config = tmp_path / "relstorage.conf"
    config.write_text(servers.relstorage_config(dsn, tmp_path / "blob-cache"))
    return f"zconfig://{config}#main"


def test_a_wrong_dsn_stops_the_start_and_touches_nothing(tmp_path, capsys, pg, pg_dsn):
    # The portal's database exists and has a portal in it.
    good = relstorage_uri(tmp_path, pg_dsn)
    app = make_app(make_settings(tmp_path / "web1", **{"zodbconn.uri": good}))
    last = app.registry._zodb_databases[""].lastTransaction()
    close_app(app)
    wrong_dsn = pg_dsn.replace("dbname='", "dbname='no_such_").replace(
        "user='postgres'", "user='postgres' password='s3cret-pw'")
    (tmp_path / "wrong").mkdir()
    uri = relstorage_uri(tmp_path / "wrong", wrong_dsn)
    with pytest.raises(StorageUnavailable) as caught:
        make_app(make_settings(tmp_path / "web2", **{"zodbconn.uri": uri}))
    message = str(caught.value)
    masked = wrong_dsn.replace("'s3cret-pw'", "***")
    assert message.startswith(f"the storage zodbconn.uri = {uri} cannot be opened: "
                              f"PostgreSQL refused the connection to dsn {masked} (")
    assert 'database "no_such_' in message and "does not exist" in message
    assert "s3cret" not in message and "\n" not in message

    ini = write_ini(tmp_path / "portal.ini", uri)
    assert cli("init", ini) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"statportal: error: {ini}: the storage zodbconn.uri = {uri} "
                          f"cannot be opened: PostgreSQL refused the connection to dsn "
                          f"{masked} (")
    assert "Traceback" not in err and "s3cret" not in err
    # Nothing was created beside, and the portal's database is as it was.
    import psycopg2

    with psycopg2.connect(pg.dsn("postgres")) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'no_such_%'")
        assert cursor.fetchone() == (0,)
    conn.close()
    app = make_app(make_settings(tmp_path / "web1", **{"zodbconn.uri": good}))
    try:
        assert app.registry._zodb_databases[""].lastTransaction() == last
    finally:
        close_app(app)


def test_etc_relstorage_conf_without_its_environment_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("STATPORTAL_PG_DSN", raising=False)
    monkeypatch.chdir(tmp_path)
    uri = f"zconfig://{ETC / 'relstorage.conf'}#main"
    ini = write_ini(tmp_path / "portal.ini", uri)
    line = next(number for number, text in enumerate(
        (ETC / "relstorage.conf").read_text().splitlines(), 1) if "$(STATPORTAL_PG_DSN)" in text)
    result = pserve(ini)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"statportal: error: the storage zodbconn.uri = {uri} cannot be opened: no "
        f"replacement for 'STATPORTAL_PG_DSN' (line {line} in "
        f"file://{ETC / 'relstorage.conf'}): set that environment variable")
    assert not (tmp_path / "var").exists()  # nothing written


def test_the_start_up_lines_do_not_show_the_dsn_password(tmp_path, pg_dsn, caplog):
    """RelStorage's name holds its DSN (RelStorage leaves the password out); what the
    start-up log says of the storage (the release worker's and the kept uploads' lines)
    does not show it."""
    import logging

    from statportal.storage import own_storage

    uri = relstorage_uri(tmp_path, pg_dsn.replace("user='postgres'",
                                                  "user='postgres' password='s3cret-pw'"))
    with caplog.at_level(logging.INFO, logger="statportal"):
        app = make_app(make_settings(tmp_path, **{
            "zodbconn.uri": uri, "statportal.worker.in_process": "auto"}))
    try:
        shared, description = own_storage(app.registry._zodb_databases[""].storage)
        # without RelStorage's doubled name and its adapter's memory address
        assert not shared and re.fullmatch(
            r"RelStorage \(PostgreSQL, history (free|preserving), dbname=\S+ "
            r"host=127\.0\.0\.1 port=\d+ user=postgres\)", description), description
        said = [r.getMessage() for r in caplog.records if "shared with other" in r.getMessage()]
        assert said and not any("s3cret" in line for line in said)
    finally:
        close_app(app)


@pytest.mark.parametrize("uri,reason", [
    ("zconfig://{tmp}/missing.conf#main",
     "ConfigurationError: error opening file {tmp}/missing.conf: [Errno 2] No such file or "
     "directory: '{tmp}/missing.conf'"),
    ("zoe://127.0.0.1:8100", "unknown scheme 'zoe': zodbconn.uri accepts file://, zeo://, "
     "zconfig://, memory://, demo://, mysql://, oracle://, postgres://, sqlite://"),
    ("zconfig://etc/relstorage.conf#main",
     "a zconfig:// URI needs the file's absolute path, zconfig:///abs/path#name (three "
     "slashes): here 'etc' reads as a host name (ConfigurationError: error opening file "
     "/relstorage.conf: [Errno 2] No such file or directory: '/relstorage.conf')"),
])
def test_any_other_storage_error_is_one_line_too(tmp_path, uri, reason):
    uri = uri.format(tmp=tmp_path)
    with pytest.raises(StorageUnavailable) as caught:
        make_app(make_settings(tmp_path, **{"zodbconn.uri": uri}))
    assert str(caught.value) == (f"the storage zodbconn.uri = {uri} cannot be opened: "
                                 + reason.format(tmp=tmp_path))


def test_a_relstorage_uri_is_told_without_its_password(tmp_path, caplog):
    port = servers.free_port()
    uri = f"postgres://statportal:s3cret-pw@127.0.0.1:{port}/statportal"
    with pytest.raises(StorageUnavailable) as caught:
        make_app(make_settings(tmp_path, **{"zodbconn.uri": uri}))
    # RelStorage's own "Unable to connect: …" said it before, bare on a command's screen
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("relstorage")]
    assert str(caught.value).startswith(
        f"the storage zodbconn.uri = postgres://statportal:***@127.0.0.1:{port}/statportal "
        f'cannot be opened: PostgreSQL refused the connection (connection to server at '
        f'"127.0.0.1", port {port} failed: Connection refused')
    assert "s3cret" not in str(caught.value)


def test_the_databases_opened_before_are_closed(tmp_path):
    """A named database that cannot be opened: the main one, opened first, is closed (its
    FileStorage lock released for the next start) and nothing is written to it."""
    main_uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    app = make_app(make_settings(tmp_path, **{"zodbconn.uri": main_uri}))
    last = app.registry._zodb_databases[""].lastTransaction()
    close_app(app)
    with pytest.raises(StorageUnavailable):
        make_app(make_settings(tmp_path, **{
            "zodbconn.uri": main_uri, "zodbconn.uri.other": dead_zeo_uri(tmp_path),
            "statportal.storage_wait_seconds": "1"}))
    app = make_app(make_settings(tmp_path, **{"zodbconn.uri": main_uri}))  # not locked
    try:
        assert app.registry._zodb_databases[""].lastTransaction() == last
    finally:
        close_app(app)


def test_pserve_beside_a_running_portal_is_one_line(tmp_path, capsys):
    """A second ``pserve`` on the FileStorage that a running portal holds: one line, not
    zc.lockfile's traceback; the commands keep saying it in their own words."""
    uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    ini = write_ini(tmp_path / "portal.ini", uri)
    app = make_app(make_settings(tmp_path, **{"zodbconn.uri": uri}))  # the running portal
    try:
        result = pserve(ini)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1] == (
            f"statportal: error: the storage zodbconn.uri = {uri} cannot be opened: "
            f"{tmp_path}/Data.fs is in use by another process (a running portal or a "
            "statportal command): stop it, or serve the portal from ZEO to run several "
            "processes (docs/administrators.md, Storage)")
        assert cli("init", ini) == 2
        assert capsys.readouterr().err.startswith(
            f"statportal: error: {tmp_path}/Data.fs is in use by the running portal (or "
            "another statportal command): stop it")
    finally:
        close_app(app)


def test_pserve_on_a_missing_directory_is_one_line(tmp_path, capsys):
    uri = f"file://{tmp_path}/var/Data.fs?blobstorage_dir={tmp_path}/var/blobs"
    ini = write_ini(tmp_path / "portal.ini", uri)
    why = (f"the storage zodbconn.uri = {uri} cannot be opened: the directory {tmp_path}/var "
           f"does not exist: create it (mkdir -p {tmp_path}/var) or correct the path")
    result = pserve(ini)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"statportal: error: {why}"
    assert cli("init", ini) == 2
    assert capsys.readouterr().err == f"statportal: error: {ini}: {why}\n"
    assert not (tmp_path / "var").exists()


# A password with an @ (not percent-encoded) in a URI; quoted with spaces, escaped quotes and
# backslashes in libpq's key=value form; bare; in a URI's query.
PASSWORDS = [
    ("postgres://u:p@ss@db.example:5432/portal", "postgres://u:***@db.example:5432/portal",
     "postgres://u@db.example:5432/portal", "p@ss"),
    ("dbname=portal password='p@ss w' host=db", "dbname=portal password=*** host=db",
     "dbname=portal host=db", "p@ss w"),
    (r"dbname=portal password='it\'s a \\ secret' host=db",
     "dbname=portal password=*** host=db", "dbname=portal host=db", "secret"),
    (r"password=bare\ pw host=db", "password=*** host=db", "host=db", "pw"),
    ("postgresql://db/portal?user=u&password=p@ssw0rd&sslmode=require",
     "postgresql://db/portal?user=u&password=***&sslmode=require", None, "p@ss"),
]


@pytest.mark.parametrize(("text", "masked", "_described", "secret"), PASSWORDS)
def test_mask_hides_the_whole_password(text, masked, _described, secret):
    from statportal.storage_check import mask

    assert mask(text) == masked
    assert secret not in mask(text)


@pytest.mark.parametrize(("dsn", "_masked", "described", "secret"),
                         [p for p in PASSWORDS if p[2]])
def test_the_relstorage_description_leaves_the_whole_password_out(dsn, _masked, described,
                                                                  secret):
    from statportal.storage import relstorage_description

    class PostgreSQLAdapter:
        keep_history = False
        _dsn = dsn

    class RelStorage:
        _adapter = PostgreSQLAdapter()

    told = relstorage_description(RelStorage())
    assert told == f"RelStorage (PostgreSQL, history free, {described})"
    assert secret not in told


def test_a_cache_that_cannot_be_cleared_is_a_warning_not_a_stop(tmp_path, monkeypatch,
                                                                 caplog):
    """The stale downloads of a ZEO client's blob cache that cannot be read: one warning
    line, and the portal starts (and closes: nothing left open)."""
    import statportal.storage

    def unreadable(storage):
        raise PermissionError(13, "Permission denied", f"{tmp_path}/cache/0x00")

    monkeypatch.setattr(statportal.storage, "clear_stale_downloads", unreadable)
    app = make_app(make_settings(tmp_path))
    try:
        assert app.registry._zodb_databases[""].lastTransaction()
    finally:
        close_app(app)
    (line,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"
               and r.name == "statportal.storage_check"]
    assert line == ("the stale partial blob downloads (*.dl) could not be cleared: Permission "
                    f"denied: {tmp_path}/cache/0x00 (the portal starts; remove them by hand "
                    "while it is stopped)")
