"""``statportal restore --force`` puts the restored database in place all or nothing: a
blob directory that cannot be renamed (a mount point: EBUSY) has its entries moved instead;
a step that fails undoes those before it, the database left byte for byte as it was; a
``Data.fs`` or blob directory that is a symlink is restored where it points."""

import errno
import os
from pathlib import Path

import pytest

from statportal.scripts.upkeep import count_blobs
from statportal.testing import close_app, make_app
from tests.helpers.placement import new_request, run_chain
from tests.helpers.upkeep import client, files_of, portal_at, requests_held, run, with_demo


@pytest.fixture
def backed_up(tmp_path):
    """A portal backed up with one request, then given a second: ``(settings, ini, backup,
    first, second)``, stopped."""
    settings, ini = portal_at(tmp_path / "portal")
    app = with_demo(settings)
    first = new_request(client(app)).rsplit("/", 1)[1]
    close_app(app)
    assert run("backup", ini, tmp_path / "backup")[0] == 0
    app = make_app(settings)
    http = client(app)
    url = new_request(http)
    run_chain(http, url)
    close_app(app)
    return settings, ini, tmp_path / "backup", first, url.rsplit("/", 1)[1]


def refuse_rename(monkeypatch, path, code):
    """``os.rename`` and ``os.replace`` of ``path`` fail with ``code``, the others work."""
    for name in ("rename", "replace"):
        real = getattr(os, name)

        def fake(src, dst, *args, real=real, **kwargs):
            if Path(src) == path:
                raise OSError(code, os.strerror(code), str(src))
            return real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, fake)


def test_a_blob_directory_that_cannot_be_renamed_has_its_entries_moved(
        backed_up, tmp_path, monkeypatch):
    settings, ini, backup, first, second = backed_up
    blobs = tmp_path / "portal" / "blobs"
    old_blobs = [(rel, data) for rel, data in files_of(blobs) if rel.endswith(".blob")]
    refuse_rename(monkeypatch, blobs, errno.EBUSY)  # a mount point
    code, out = run("restore", ini, backup, "--force")
    assert code == 0, out
    monkeypatch.undo()
    assert requests_held(settings) == {first}
    (inside,) = blobs.glob(".blobs.before-restore-*")
    assert f"Kept {blobs} aside as {inside}" in out
    assert [(rel, data) for rel, data in files_of(inside) if rel.endswith(".blob")] == \
        old_blobs
    kept = list((tmp_path / "portal").glob("Data.fs.before-restore-*"))
    assert len(kept) == 1
    # the old blobs kept inside are not counted as the database's (a later restore's check)
    assert count_blobs(blobs) == count_blobs(backup / "blobs") < len(old_blobs)


@pytest.mark.parametrize("failing", ["blobs.restoring", "Data.fs.restoring"])
def test_a_step_that_fails_leaves_the_database_as_it_was(backed_up, tmp_path, monkeypatch,
                                                         capsys, failing):
    """The last move (the restored blobs in their place) or the one before (the restored
    Data.fs): those made before are undone, the files are byte for byte the old ones."""
    settings, ini, backup, first, second = backed_up
    before = files_of(tmp_path / "portal")
    refuse_rename(monkeypatch, tmp_path / "portal" / failing, errno.EIO)
    code, _out = run("restore", ini, backup, "--force")
    assert code == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Input/output error" in err
    assert files_of(tmp_path / "portal") == before
    assert requests_held(settings) == {first, second}


def test_symlinked_files_are_restored_where_they_point(backed_up, tmp_path):
    settings, ini, backup, first, second = backed_up
    portal, volume = tmp_path / "portal", tmp_path / "volume"
    volume.mkdir()
    for name in ("Data.fs", "blobs"):
        os.rename(portal / name, volume / name)
        (portal / name).symlink_to(volume / name)
    code, out = run("restore", ini, backup, "--force")
    assert code == 0, out
    for name in ("Data.fs", "blobs"):
        assert (portal / name).is_symlink()
        assert os.readlink(portal / name) == str(volume / name)
        assert len(list(volume.glob(f"{name}.before-restore-*"))) == 1
    assert requests_held(settings) == {first}
    assert not list(portal.glob("*.before-restore-*"))
