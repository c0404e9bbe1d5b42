"""ZEO clients ask the server at each transaction's start (``server_sync``), unless the URI
says ``server_sync=false``: a commit acknowledged by one web process is seen at once by the
next request on another. Without it a client hears of the commit a moment later, and the
load test's editors met their own step missing on the other process (docs/operations.md)."""

import transaction

from statportal.storage import written_storage
from statportal.storage_check import open_database, server_sync


def test_the_uri_option_is_taken_out_and_read():
    base = "zeo://127.0.0.1:8100?blob_dir=/srv/b&shared_blob_dir=true"
    assert server_sync(base) == (base, True)
    assert server_sync(base + "&server_sync=false") == (base, False)
    assert server_sync(base + "&server_sync=0") == (base, False)
    assert server_sync(base + "&server_sync=true") == (base, True)
    assert server_sync("zeo://127.0.0.1:8100?server_sync=off") == ("zeo://127.0.0.1:8100",
                                                                  False)
    plain = "file:///srv/var/Data.fs?blobstorage_dir=/srv/var/blobs"
    assert server_sync(plain) == (plain, False)


def test_a_zeo_client_syncs_with_the_server_unless_told_not_to(zeo_server, tmp_path):
    synced = open_database(zeo_server.uri(), "", {})
    unsynced = open_database(zeo_server.uri() + "&server_sync=false", "", {})
    try:
        client = written_storage(synced.storage)
        assert client.server_sync is True and client.sync == client.ping
        other = written_storage(unsynced.storage)
        assert other.server_sync is False and other.sync != other.ping
    finally:
        synced.close()
        unsynced.close()


def test_another_process_sees_each_commit_at_once(zeo_server, tmp_path):
    writer = open_database(zeo_server.uri(tmp_path / "cache-1", shared=False), "", {})
    reader = open_database(zeo_server.uri(tmp_path / "cache-2", shared=False), "", {})
    try:
        seen = []
        for step in range(40):
            with writer.transaction() as conn:
                conn.root()["step"] = step
            tm = transaction.TransactionManager()
            conn = reader.open(tm)
            try:
                tm.begin()
                seen.append(conn.root().get("step"))
                tm.abort()
            finally:
                conn.close()
        assert seen == list(range(40))
    finally:
        writer.close()
        reader.close()
