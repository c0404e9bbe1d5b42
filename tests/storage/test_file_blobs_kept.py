"""A `file://…?blobstorage_dir=…` FileStorage keeps the blob files of a committed
transaction while another transaction fails (docs/operations.md, "Reading the figures" 1).

zodburi's opening (a `ZODB.blob.BlobStorage` wrapper) lost them: the failing transaction's
`tpc_abort` deleted the files of the one committing in another thread. The portal's opener
(`statportal.storage_check.resolve`, what `make serve`, the commands and `make_app` use)
opens FileStorage's own blob support instead. Both are run here: the wrapper loses the file,
the portal's storage keeps it.
"""

import threading

import pytest
import transaction
import zodburi
from ZODB import DB
from ZODB.blob import Blob, BlobStorageMixin
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError, POSKeyError

from statportal.storage import own_storage
from statportal.storage_check import resolve
from statportal.testing import close_app, make_app, make_settings

OPENERS = {"wrapper": zodburi.resolve_uri, "portal": resolve}


def commit_blob(db, name, data):
    manager = transaction.TransactionManager()
    conn = db.open(transaction_manager=manager)
    try:
        conn.root()[name] = Blob(data)
        manager.commit()
    finally:
        manager.abort()
        conn.close()


@pytest.mark.parametrize("opener", OPENERS)
def test_a_conflicted_commit_leaves_the_committed_one_s_blob(tmp_path, opener, monkeypatch):
    """A commits a blob; B, on the same object (the root) with a blob of its own, ends in
    a ConflictError while A's commit is finishing. A's file must stay. The moment is made
    certain: A's storage, once its commit lock is free, waits (at most 0.5 s) for B."""
    uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    factory, dbkw = OPENERS[opener](uri)
    db = DB(factory(), **dbkw)
    managers = {name: transaction.TransactionManager() for name in "ab"}
    conns = {name: db.open(transaction_manager=m) for name, m in managers.items()}
    for name, conn in conns.items():  # both from the same snapshot: B will conflict
        conn.root()[name] = Blob(f"{name}'s file".encode())
    finishing, b_ended, errors = threading.Event(), threading.Event(), []
    original = BlobStorageMixin._blob_tpc_finish

    def blob_tpc_finish(self):
        if threading.current_thread().name == "a":
            finishing.set()
            b_ended.wait(0.5)
        return original(self)

    monkeypatch.setattr(BlobStorageMixin, "_blob_tpc_finish", blob_tpc_finish)

    def commit(name):
        try:
            managers[name].commit()
        except Exception as exc:  # noqa: BLE001 (asserted below)
            errors.append((name, type(exc)))
            managers[name].abort()
        finally:
            if name == "b":
                b_ended.set()

    threads = [threading.Thread(target=commit, args=(name,), name=name) for name in "ab"]
    try:
        threads[0].start()
        assert finishing.wait(10)
        threads[1].start()
        for thread in threads:
            thread.join(10)
        assert errors == [("b", ConflictError)]
        conn = db.open()
        try:
            kept = conn.root()["a"].open().read()
        except POSKeyError:  # No blob file at …
            kept = None
        finally:
            conn.close()
        assert kept == (None if opener == "wrapper" else b"a's file")
    finally:
        for conn in conns.values():
            conn.close()
        db.close()


def test_the_portal_reads_blobs_the_wrapper_wrote(tmp_path):
    """An existing var/ (written through the wrapper, 'bushy' by default) reads back."""
    uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    factory, dbkw = zodburi.resolve_uri(uri)
    db = DB(factory(), **dbkw)
    try:
        commit_blob(db, "old", b"written by the wrapper")
    finally:
        db.close()
    assert (tmp_path / "blobs" / ".layout").read_text() == "bushy"
    factory, dbkw = resolve(uri)
    storage = factory()
    assert isinstance(storage, FileStorage) and type(storage).__name__ == "FileStorage"
    assert storage.fshelper.layout_name == "bushy"
    db = DB(storage, **dbkw)
    try:
        conn = db.open()
        assert conn.root()["old"].open().read() == b"written by the wrapper"
        conn.close()
    finally:
        db.close()


def test_the_portal_keeps_zodburi_s_file_options(tmp_path):
    """The options zodburi honours: read_only, quota, blobstorage_layout, demostorage,
    create; the database keywords (connection_cache_size) as zodburi reads them."""
    from ZODB.DemoStorage import DemoStorage

    base = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    factory, dbkw = resolve(f"{base}&blobstorage_layout=lawn&quota=1MB"
                            "&connection_cache_size=123")
    storage = factory()
    try:
        assert isinstance(storage, FileStorage) and storage.fshelper.layout_name == "lawn"
        assert storage._quota == 1 << 20 and not storage.isReadOnly()
        assert dbkw["cache_size"] == 123
    finally:
        storage.close()
    assert (tmp_path / "blobs" / ".layout").read_text() == "lawn"
    factory, _dbkw = resolve(f"{base}&read_only=1")
    storage = factory()
    try:
        assert storage.isReadOnly() and storage.fshelper.layout_name == "lawn"
        assert own_storage(storage)[0] is False
    finally:
        storage.close()
    with pytest.warns(DeprecationWarning):
        factory, _dbkw = resolve(f"{base}&demostorage=1")
    storage = factory()
    try:
        assert isinstance(storage, DemoStorage) and isinstance(storage.base, FileStorage)
    finally:
        storage.close()
    with pytest.raises(ValueError, match="marker found for layout `lawn`"):
        resolve(f"{base}&blobstorage_layout=bushy")[0]()
    db = DB(resolve(base)[0]())
    try:
        commit_blob(db, "old", b"before create=1")
    finally:
        db.close()
    storage = resolve(f"{base}&create=1")[0]()
    try:
        assert len(storage) == 0 and storage.fshelper.layout_name == "bushy"
        assert sorted(p.name for p in (tmp_path / "blobs").iterdir()) == [".layout", "tmp"]
    finally:
        storage.close()


def test_make_app_opens_filestorage_s_own_blobs(tmp_path):
    app = make_app(make_settings(tmp_path))
    try:
        db = app.registry._zodb_databases[""]
        storage = db.storage
        assert isinstance(storage, FileStorage) and type(storage).__name__ == "FileStorage"
        assert storage.blob_dir == str(tmp_path / "blobs")
        own, description = own_storage(storage)
        assert own is True and description == f"FileStorage {tmp_path}/Data.fs"
    finally:
        close_app(app)


def blob_files(directory):
    return sorted(p.relative_to(directory) for p in directory.rglob("*.blob"))


def open_portal_db(tmp_path, blobs=None):
    blobs = blobs or tmp_path / "blobs"
    factory, dbkw = resolve(f"file://{tmp_path}/Data.fs?blobstorage_dir={blobs}")
    return DB(factory(), **dbkw)


def test_a_missing_data_fs_beside_blob_files_is_refused_and_nothing_is_deleted(tmp_path):
    from statportal.storage_check import StorageUnavailable

    db = open_portal_db(tmp_path)
    commit_blob(db, "report", b"a request's file")
    db.close()
    (tmp_path / "Data.fs").rename(tmp_path / "Data.fs.elsewhere")  # a volume not mounted
    before = blob_files(tmp_path / "blobs")
    assert len(before) == 1
    with pytest.raises(StorageUnavailable, match=r"holds 1 blob file\(s\)"):
        open_portal_db(tmp_path)
    assert blob_files(tmp_path / "blobs") == before
    assert not (tmp_path / "Data.fs").exists()


def test_a_new_portal_with_an_empty_blob_directory_starts(tmp_path):
    (tmp_path / "blobs").mkdir()
    db = open_portal_db(tmp_path)
    try:
        commit_blob(db, "first", b"first file")
    finally:
        db.close()
    assert len(blob_files(tmp_path / "blobs")) == 1


def test_the_blob_of_a_commit_that_conflicts_in_store_is_removed(tmp_path):
    from persistent.mapping import PersistentMapping

    db = open_portal_db(tmp_path)
    try:
        with db.transaction() as conn:
            conn.root()["requests"] = PersistentMapping()
            conn.root()["count"] = 0
        loser = transaction.TransactionManager()
        conn = db.open(loser)
        loser.begin()
        blob = Blob()
        with blob.open("w") as f:
            f.write(b"an upload whose commit conflicts")
        conn.root()["requests"]["late"] = blob  # stored before the root, which conflicts
        conn.root()["count"] = 2
        with db.transaction() as other:
            other.root()["count"] = 1
        with pytest.raises(ConflictError):
            loser.commit()
        loser.abort()
        conn.close()
        assert blob_files(tmp_path / "blobs") == []  # FileStorage's own kept it for good
    finally:
        db.close()


def test_a_pack_deletes_the_old_blob_files_and_keeps_no_old_tree(tmp_path):
    db = open_portal_db(tmp_path)
    try:
        for revision in range(4):
            commit_blob(db, "report", f"revision {revision}".encode())
        assert len(blob_files(tmp_path / "blobs")) == 4
        db.pack(days=0)
        assert len(blob_files(tmp_path / "blobs")) == 1
        assert not (tmp_path / "blobs.old").exists()  # freed now, not at the next pack
        with db.transaction() as conn:
            assert conn.root()["report"].open().read() == b"revision 3"
    finally:
        db.close()
