"""``statportal backup`` and ``restore`` on a real FileStorage with blobs: a backup taken
beside a portal that keeps writing restores into a new directory with everything it held
(content, requests, their files byte for byte, the catalog's answers); and a restore
never overwrites a database unless told to."""

import shutil
import threading
import time

import pytest

from statportal.testing import close_app, make_app, make_settings, open_portal
from tests.helpers.files import SAMPLES
from tests.helpers.placement import as_user, new_request, run_chain
from tests.helpers.upkeep import client, portal_at, run, with_demo, write_ini

REGISTER = "/++api++/requests/@register"


class Writer(threading.Thread):
    """An executor's requests with files, each taken to registration, one after another,
    until stopped; ``acknowledged`` are the requests whose every answer came back."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.client, self.acknowledged, self.stop = client(app), [], threading.Event()
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                url = new_request(self.client)
                run_chain(self.client, url)
                self.acknowledged.append(url.rsplit("/", 1)[1])
        except Exception as exc:  # noqa: BLE001 (the test reports it)
            self.error = exc

    def wait_for(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, "the writer is stuck"
            time.sleep(0.05)
        return list(self.acknowledged)


def read_back(settings, expected, exactly):
    """Open a restored portal: every request in ``expected`` is there (``exactly``: and no
    other) with its file byte for byte, the register (a catalog query) counts them, the
    demo's sections and users answer. Returns the names of the requests it holds."""
    from statportal.workflow import state_of

    app = make_app(settings)
    try:
        with open_portal(app) as portal:
            names = set(portal["requests"].keys())
            assert set(expected) <= names
            if exactly:
                assert names == set(expected)
            placed = 0
            for name in names:  # every request's blob is on disk, whatever the backup held
                placed += state_of(portal["requests"][name], "placement_request") == "placed"
                (stored,) = portal["requests"][name].files
                with stored.blob.open("r") as f:
                    assert f.read() == SAMPLES["report.xlsx"], name
            assert portal["official-statistics"]["economy"]["industry"].title["kk"] == \
                "Өнеркәсіп өндірісі"
        http = client(app)
        as_user(http, "dana")  # her password from the restored user folder
        # the catalog answers as the objects say (a backup taken mid-write may hold a
        # request on its way to placement)
        assert http.get(f"{REGISTER}?state=placed").json["items_total"] == placed
        if exactly:
            assert placed == len(names)
        as_user(http, "aigerim")
        for name in expected[:3]:
            download = http.get(f"/requests/{name}/@@download?file=0")
            assert download.body == SAMPLES["report.xlsx"]
        return names
    finally:
        close_app(app)


def test_backup_beside_a_writing_portal_then_restore_reads_everything_back(tmp_path):
    live_settings, live_ini = portal_at(tmp_path / "live")
    app = with_demo(live_settings)
    backup = tmp_path / "backup"
    writer = Writer(app)
    writer.start()
    try:
        before_first = writer.wait_for(2)
        code, out = run("backup", live_ini, backup)  # the portal holds its lock and writes
        assert code == 0, out
        assert "full:" in out and "blob files" in out
        first = tmp_path / "first-backup"
        shutil.copytree(backup, first)  # the repository as the first backup left it
        writer.wait_for(len(writer.acknowledged) + 2)
        code, out = run("backup", live_ini, backup)
        assert code == 0 and "incremental:" in out, out
    finally:
        writer.stop.set()
        writer.join(60)
    assert writer.error is None, writer.error
    everything = list(writer.acknowledged)
    code, out = run("backup", live_ini, backup)  # what the writer did since
    assert code == 0 and ("incremental:" in out or "unchanged:" in out), out
    last = app.registry._zodb_databases[""].lastTransaction()
    close_app(app)
    manifest = __import__("json").loads((backup / "manifest.json").read_text())
    assert [b["kind"] for b in manifest["backups"]][:2] == ["full", "incremental"]
    assert manifest["backups"][-1]["last_transaction"] == last.hex()
    assert len(list((backup / "filestorage").glob("*.deltafsz"))) >= 1

    restored_settings, restored_ini = portal_at(tmp_path / "restored")
    code, out = run("restore", restored_ini, backup)
    assert code == 0, out
    assert f"last transaction {last.hex()}" in out
    read_back(restored_settings, everything, exactly=True)

    # the first backup, taken mid-write: what was acknowledged before it, and every blob
    # that any request it holds names
    early_settings, early_ini = portal_at(tmp_path / "early")
    assert run("restore", early_ini, first)[0] == 0
    held = read_back(early_settings, before_first, exactly=False)
    assert len(held) < len(everything)


def test_a_request_committed_during_the_backup_has_its_blob(tmp_path, monkeypatch):
    """The moment that matters: a transaction with a file commits while the backup runs.
    Before repozo's copy, it is in the backup's Data.fs, so its blob must be there too
    (the blobs are copied after Data.fs); and after a request committed once repozo is
    done, its blob is a harmless extra."""
    from statportal.scripts import upkeep

    settings, ini = portal_at(tmp_path / "live")
    app = with_demo(settings)
    http = client(app)
    repozo, added = upkeep._repozo, []

    def repozo_while_an_executor_commits(argv):
        added.append(new_request(http).rsplit("/", 1)[1])  # just before Data.fs is copied
        repozo(argv)
        added.append(new_request(http).rsplit("/", 1)[1])  # just after

    monkeypatch.setattr(upkeep, "_repozo", repozo_while_an_executor_commits)
    try:
        assert run("backup", ini, tmp_path / "backup")[0] == 0
    finally:
        close_app(app)
    monkeypatch.setattr(upkeep, "_repozo", repozo)
    restored_settings, restored_ini = portal_at(tmp_path / "restored")
    assert run("restore", restored_ini, tmp_path / "backup")[0] == 0
    held = read_back(restored_settings, added[:1], exactly=False)
    assert held == {added[0]}  # not the one committed after repozo's copy
    blobs = tmp_path / "backup" / "blobs"
    assert len(list(blobs.rglob("*.blob"))) == 2  # its blob: copied, harmless


@pytest.fixture
def stopped_portal(tmp_path):
    """A portal with demo content and one placed request, stopped; its backup in
    ``backup``."""
    settings, ini = portal_at(tmp_path / "portal")
    app = with_demo(settings)
    http = client(app)
    url = new_request(http)
    run_chain(http, url)
    close_app(app)
    assert run("backup", ini, tmp_path / "backup")[0] == 0
    return settings, ini, tmp_path / "backup", url.rsplit("/", 1)[1]


def state_of_files(directory):
    return sorted((str(p.relative_to(directory)), p.stat().st_size, p.stat().st_mtime_ns,
                   p.read_bytes() if p.name == "Data.fs" else b"")
                  for p in directory.rglob("*") if p.is_file() and p.suffix != ".lock")


def test_restore_refuses_a_database_that_is_not_empty(stopped_portal, tmp_path, capsys):
    settings, _ini, backup, name = stopped_portal
    # another portal, with content of its own
    other_settings, other_ini = portal_at(tmp_path / "other")
    close_app(with_demo(other_settings))
    before = state_of_files(tmp_path / "other")
    code, _out = run("restore", other_ini, backup)
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("statportal: error: the database is not empty: ")
    assert "--force" in err and "nothing was changed" in err and len(err.splitlines()) == 1
    assert state_of_files(tmp_path / "other") == before

    code, out = run("restore", other_ini, backup, "--force")
    assert code == 0, out
    assert "Kept " in out and ".before-restore-" in out
    kept = list((tmp_path / "other").glob("Data.fs.before-restore-*"))
    assert len(kept) == 1
    assert [p for p in before if p[0] == "Data.fs"][0][3] == kept[0].read_bytes()
    assert list((tmp_path / "other").glob("blobs.before-restore-*"))
    assert read_back(other_settings, [name], exactly=True) == {name}


def test_restore_refuses_while_a_portal_holds_the_database(stopped_portal, capsys):
    settings, ini, backup, _name = stopped_portal
    app = make_app(settings)  # serving
    try:
        code, _out = run("restore", ini, backup, "--force")
        assert code == 2
        assert "is in use by the running portal" in capsys.readouterr().err
    finally:
        close_app(app)


@pytest.mark.parametrize(("argv", "message"), [
    (["restore", "{ini}", "{tmp}/nowhere"], "not a backup made by `statportal backup`"),
    (["backup", "{tmp}/missing.ini", "{tmp}/b"], "missing.ini: no such file"),
    (["backup", "{empty_ini}", "{tmp}/b"], "no database there (nothing to back up)"),
    (["backup", "{ini}", "{tmp}/portal"], "not empty and not a statportal backup"),
    (["backup", "{ini}", "{ini}"], "portal.ini: not a directory"),
    (["backup", "{ini}", "{ini}/b"], "portal.ini/b: Not a directory"),
    (["restore", "{ini}", "{ini}"], "not a backup made by `statportal backup`"),
    (["restore", "{ini}", "{tmp}/backup", "--force", "--date", "yesterday"],
     "--date yesterday: expected YYYY-MM-DD[-HH[-MM[-SS]]] (UTC)"),
    (["restore", "{ini}", "{tmp}/backup", "--force", "--date", "2001-01-01"],
     "repozo: No files in repository before 2001-01-01"),
])
def test_bad_input_is_one_line(stopped_portal, tmp_path, capsys, argv, message):
    _settings, ini, _backup, _name = stopped_portal
    _s, empty_ini = portal_at(tmp_path / "empty")
    argv = [a.format(ini=ini, tmp=tmp_path, empty_ini=empty_ini) for a in argv]
    before = state_of_files(tmp_path / "portal")
    assert run(*argv)[0] == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1, err
    assert state_of_files(tmp_path / "portal") == before
    assert not (tmp_path / "b").exists()


def test_relstorage_points_to_pg_dump_and_a_wrong_dsn_is_one_line(tmp_path, capsys):
    from statportal.storage_servers import free_port, relstorage_config

    conf = tmp_path / "relstorage.conf"
    conf.write_text(relstorage_config(f"dbname='x' host='127.0.0.1' port={free_port()}",
                                      tmp_path / "cache"))
    settings = make_settings(tmp_path, **{"zodbconn.uri": f"zconfig://{conf}#main"})
    ini = write_ini(tmp_path / "etc", settings)
    for command in ("backup", "restore"):
        assert run(command, ini, tmp_path / "b")[0] == 2
        err = capsys.readouterr().err
        assert "RelStorage" in err and "pg_dump" in err and len(err.splitlines()) == 1
    assert run("pack", ini, "--days", "0")[0] == 2  # nobody listens there
    err = capsys.readouterr().err
    assert "PostgreSQL refused the connection" in err and len(err.splitlines()) == 1, err
    conf.write_text(conf.read_text().replace("dbname='x'", "dbname='$(STATPORTAL_NOT_SET)'"))
    assert run("backup", ini, tmp_path / "b")[0] == 2
    err = capsys.readouterr().err
    assert "STATPORTAL_NOT_SET" in err and "set that environment variable" in err, err
    assert len(err.splitlines()) == 1


def test_a_backup_directory_of_another_database_is_refused(stopped_portal, tmp_path, capsys):
    """A directory's repozo chain and blobs are one database's: backing up another one
    into it would make a restore give back the first database with mixed blobs."""
    _settings, ini, backup, _name = stopped_portal
    other_settings, other_ini = portal_at(tmp_path / "other")
    close_app(with_demo(other_settings))
    before = state_of_files(backup)
    assert run("backup", other_ini, backup)[0] == 2
    err = capsys.readouterr().err
    assert err == (f"statportal: error: {backup} holds the backups of {tmp_path}/portal/"
                   f"Data.fs, not of {tmp_path}/other/Data.fs: give another directory\n")
    assert state_of_files(backup) == before
    # a ZEO server's files given by hand: the same check
    assert run("backup", ini, backup, "--data-fs", tmp_path / "other" / "Data.fs",
               "--blob-dir", tmp_path / "other" / "blobs")[0] == 2
    assert "give another directory" in capsys.readouterr().err
    assert state_of_files(backup) == before
    # the same database by another spelling of its path (a link, a ..) is the same one
    (tmp_path / "link").symlink_to(tmp_path / "portal")
    linked = write_ini(tmp_path / "etc", make_settings(tmp_path / "link" / "x" / "..", **{
        "zodbconn.uri": f"file://{tmp_path}/link/x/../Data.fs?blobstorage_dir="
                        f"{tmp_path}/link/x/../blobs"}))
    code, out = run("backup", linked, backup)
    assert code == 0, out
    assert "/../" not in out and f"{tmp_path}/link/blobs" in out  # paths told normalised


def test_restore_leaves_the_personal_data_to_its_owner(stopped_portal, tmp_path):
    """Data.fs and its index 0600, the directories it makes 0700 (ZODB warns of a blob
    directory that others can read), whatever the umask."""
    import os
    import stat

    _settings, _ini, backup, _name = stopped_portal
    site = tmp_path / "site"
    ini = write_ini(site / "etc", make_settings(site, **{
        "zodbconn.uri": f"file://{site}/var/Data.fs?blobstorage_dir={site}/var/blobs"}))
    umask = os.umask(0o022)
    try:
        code, out = run("restore", ini, backup)
    finally:
        os.umask(umask)
    assert code == 0, out

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(site / "var" / "Data.fs") == 0o600
    assert mode(site / "var" / "Data.fs.index") == 0o600
    assert mode(site / "var") == 0o700
    directories = [site / "var" / "blobs", *(p for p in (site / "var" / "blobs").rglob("*")
                                              if p.is_dir())]
    assert len(directories) > 3 and {mode(d) for d in directories} == {0o700}
    assert all(mode(p) & 0o077 == 0 for p in backup.rglob("*") if p.is_dir())


def test_backup_of_a_file_whose_index_is_stale_says_nothing_of_it(stopped_portal, tmp_path,
                                                                  caplog):
    """A ZEO server's Data.fs.index saved when its file was new (the server stopped once
    before the portal wrote): FileStorage rebuilds it and warns "Ignoring index for …",
    which repozo's open printed on the administrator's screen."""
    import logging

    from ZODB.FileStorage import FileStorage

    _settings, ini, _backup, _name = stopped_portal
    (tmp_path / "new").mkdir()
    FileStorage(str(tmp_path / "new" / "Data.fs"), create=True).close()
    shutil.copy(tmp_path / "new" / "Data.fs.index", tmp_path / "portal" / "Data.fs.index")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        code, out = run("backup", ini, tmp_path / "another-backup")
    assert code == 0 and "full:" in out, out
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
