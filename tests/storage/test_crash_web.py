"""Crash test, the web half (issue 19, item 4): a web process on ZEO — pserve, an
operating-system process of its own — is killed -9 while four editors upload requests with
files and register them through the JSON API, and started again; they go on.

Whatever instant the kill hits (the files on the wire, a commit half-way, a registration
taking its number), afterwards:

* every request that got a 201 is there, with byte-identical files (downloaded from the
  restarted process and read from the database); every request stored at all — also one
  whose answer the kill swallowed — is whole: all the files it was sent with;
* registration numbers are gapless: each year's numbers are 1..max, each once, and a
  registration after the restart takes the next one;
* no half-written object: a registered request has its number and date, an unregistered one
  neither; the folder's count is its length; the catalog lists exactly the folder's requests
  with their current state and number, each index's two directions agree, and the
  moderator's queue holds exactly the registered requests;
* no orphaned blob: every committed blob file in the server's blob directory belongs to a
  record of an object reachable from the root. Temporary files are not blobs (no record
  names them, nothing reads them; see tests/helpers/database_walk.py): a client killed
  between moving an upload into a shared blob directory and telling the server can leave
  one, as can one killed while streaming a blob to the server without a shared directory;
  they are reported, never counted as stored. The uploads in flight also leave their bytes
  in the killed process's temporary directory (ZODB's uncommitted ``BUC*`` files): outside
  the database, reported.

The kill waits for a commit's blob to reach the server, so it mostly lands with the ZEO
server holding the killed client's transaction (its log says so; the report prints it).
Run with a shared blob directory (the documented deployment) and without (the server keeps
the blobs, the web process a cache), about 10 s each on an idle machine; and a process
killed in the middle of fetching a file into its own blob cache serves it whole after its
restart (statportal.storage.clear_stale_downloads).
"""

import http.client
import os
import random
import threading
import time
from collections import Counter
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers.database_walk import blob_dir_files, reachable
from tests.helpers.files import SAMPLES
from tests.helpers.placement import payload
from tests.helpers.processes import WebProcess, init_portal, portal_ini

EDITORS = 4
CHAIN = (("aigerim", "submit"), ("marat", "approve"), ("dana", "register"))
NUMBERED = ("registered", "placed", "returned")


def wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.02)


def path_of(url):
    return urlsplit(url).path.replace("/++api++", "", 1)


def files_for(token, rng):
    """Two files of this request's own (a text and a PDF of some 100 KB each), so that a
    file stored with the wrong request or cut short cannot pass for the right one."""
    text = "".join(f"Өнеркәсіп {token} жол {n}\n" for n in range(2700)).encode()
    pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n" + token.encode() + rng.randbytes(100_000)
    return {f"{token}.txt": text, f"{token}.pdf": pdf}


def as_upload(name, data):
    import base64

    return {"data": base64.b64encode(data).decode(), "encoding": "base64", "filename": name,
            "content-type": "application/octet-stream"}


class Ledger:
    """What the editors sent and what the portal answered, by token (the request's
    paper_number, which finds a request whose answer was lost)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}                 # token -> {filename: bytes}
        self.created = {}              # token -> path, for a 201
        self.refused = set()           # tokens answered with another status (4xx, 503)
        self.registered = {}           # path -> web process start that answered 200
        self.statuses = Counter()      # (step, status or "no answer")
        self.in_flight = Counter()     # step -> calls waiting for their answer
        self.after_restart = Counter()  # step -> 2xx answered by the restarted process


def call(web, ledger, step, method, path, login, data):
    with ledger.lock:
        ledger.in_flight[step] += 1
    try:
        code, body = web.client.call(method, path, login, data=data)
    except (OSError, http.client.HTTPException):
        code, body = None, None
    finally:
        with ledger.lock:
            ledger.in_flight[step] -= 1
    with ledger.lock:
        ledger.statuses[step, code or "no answer"] += 1
        if code in (200, 201) and web.starts > 1:
            ledger.after_restart[step] += 1
    return code, body


def editor(number, web, ledger, stop):
    rng = random.Random(number)
    n = 0
    while not stop.is_set():
        n += 1
        token = f"crash-{number}-{n}"
        files = files_for(token, rng)
        with ledger.lock:
            ledger.sent[token] = files
        code, body = call(web, ledger, "create", "POST", "/++api++/requests", "aigerim",
                          payload(paper_number=token,
                                  files=[as_upload(k, v) for k, v in files.items()]))
        if code != 201:
            if code is not None:
                with ledger.lock:
                    ledger.refused.add(token)
            time.sleep(0.2 if code is None else 0.05)  # down: wait for the restart
            continue
        path = path_of(body["@id"])
        with ledger.lock:
            ledger.created[token] = path
        for login, transition in CHAIN:
            code, _body = call(web, ledger, transition, "POST",
                               f"/++api++{path}/@workflow/{transition}", login, {})
            if code != 200:
                break
        else:
            with ledger.lock:
                ledger.registered[path] = web.starts


@pytest.fixture(params=[True, False], ids=["shared-blob-dir", "own-blob-cache"])
def portal(request, zeo_server, tmp_path):
    """``statportal init --demo`` on a fresh ZEO server, and a web process on it (not
    started); the web process is killed at the end whatever happened."""
    shared = request.param
    uri = zeo_server.uri(blob_dir=tmp_path / "web" / "blob-cache", shared=shared)
    ini = portal_ini(tmp_path / "web", uri)
    web = WebProcess(ini, tmp_path / "web", init_portal(ini))
    try:
        yield zeo_server, web, shared
    finally:
        web.kill()


def test_a_web_process_killed_mid_flight_loses_nothing_acknowledged(portal, tmp_path):
    zeo, web, shared = portal
    ledger, stop = Ledger(), threading.Event()
    web.start()
    editors = [threading.Thread(target=editor, args=(n, web, ledger, stop), daemon=True)
               for n in range(EDITORS)]
    for thread in editors:
        thread.start()
    try:
        wait_for(lambda: len(ledger.created) >= 6 and len(ledger.registered) >= 2, 60,
                 "6 requests created and 2 registered before the kill")
        # The kill lands while an upload and (mostly) a registration are in flight, at the
        # moment a commit's blob reaches the server's blob directory when that is seen
        # within 3 s: the commit is then half-way (its blobs stored, its vote to come).
        wait_for(lambda: ledger.in_flight["create"] > 0, 10, "an upload in flight")
        with suppress(AssertionError):
            wait_for(lambda: ledger.in_flight["create"] and ledger.in_flight["register"],
                     2, "an upload and a registration in flight")
        with suppress(AssertionError):
            wait_for(lambda: blob_on_its_way(zeo.blob_dir), 3, "a blob being committed")
        web.kill()
        acknowledged_before = len(ledger.created)
        web.start()
        wait_for(lambda: ledger.after_restart["create"] >= 4
                 and ledger.after_restart["register"] >= 2, 60,
                 "4 requests created and 2 registered after the restart")
    finally:
        stop.set()
        for thread in editors:
            thread.join(90)
    assert not any(thread.is_alive() for thread in editors)
    assert len(ledger.created) > acknowledged_before

    client = web.client
    # The restarted process answers normally: a request of its own, all the way through.
    last = check_one_more_registration(client, ledger)

    # Every 201 is there, with its files, byte for byte (from the restarted process).
    for token, path in ledger.created.items():
        body = client.get(f"/++api++{path}", "aigerim", status=200)
        assert body["paper_number"] == token
        sent = ledger.sent[token]
        assert [f["filename"] for f in body["files"]] == list(sent), path
        for index, data in enumerate(sent.values()):
            code, got = download(client, path, index)
            assert code == 200 and got == data, (path, index, code, len(got))
        if path in ledger.registered:
            assert body["review_state"] == "registered" and body["number"], path

    web.stop()
    assert "Traceback" not in web.log_text(), web.log_text()[-5000:]
    # no error but the one the portal means (503: try again) — a 503 changes nothing
    assert not [key for key in ledger.statuses
                if isinstance(key[1], int) and key[1] >= 500 and key[1] != 503], \
        ledger.statuses
    report = check_database(zeo, tmp_path, shared, ledger, last)
    print(f"\ncrash test ({'shared' if shared else 'own'} blob dir): {report}; answers "
          f"{dict(sorted(ledger.statuses.items(), key=str))}")


def blob_on_its_way(blob_dir):
    """A commit's blob is in the server's blob directory, not yet committed: ZEO's
    ``*.tmp-`` in an object's directory (shared) or a file in ``tmp`` (streamed)."""
    for directory, _dirs, files in os.walk(blob_dir):
        if any(".tmp" in name for name in files) or \
                (Path(directory).name == "tmp" and files):
            return True
    return False


def download(client, path, index):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (http only)
        f"{client.base}{path}/@@download?file={index}",
        headers={"Authorization": basic(client, "aigerim")})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except (OSError, http.client.HTTPException):  # the process was killed
        return None, b""


def basic(client, login):
    import base64

    return "Basic " + base64.b64encode(f"{login}:{client.passwords[login]}".encode()).decode()


def check_one_more_registration(client, ledger):
    """A request made and registered after everything else: it must take the number
    after the highest one given so far (a number lost in the crash would show as a gap)."""
    token = "crash-last"
    files = files_for(token, random.Random(0))
    ledger.sent[token] = files
    made = client.post("/++api++/requests", payload(
        paper_number=token, files=[as_upload(k, v) for k, v in files.items()]), "aigerim",
        status=201)
    path = path_of(made["@id"])
    ledger.created[token] = path
    for login, transition in CHAIN:
        client.post(f"/++api++{path}/@workflow/{transition}", {}, login, status=200)
    ledger.registered[path] = "last"
    return path


def check_database(zeo, tmp_path, shared, ledger, last):
    """The database itself, read by a client of the test's own once the web process has
    stopped: the folder, its catalog, the numbers and the blob directory."""
    import transaction
    import ZEO
    import ZODB

    from statportal.content.resources import ZODB_ROOT_KEY
    from statportal.workflow import state_of

    storage = ZEO.client(zeo.port, blob_dir=str(zeo.blob_dir if shared
                                                else tmp_path / "checker-blobs"),
                         shared_blob_dir=shared, read_only=True, wait_timeout=30)
    db = ZODB.DB(storage)
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    try:
        tm.begin()
        requests = conn.root()[ZODB_ROOT_KEY]["requests"]
        numbers = check_requests(requests, ledger, state_of)
        check_indexes(requests, state_of)
        unanswered = sorted(set(ledger.sent) - set(ledger.created)
                            & {obj.paper_number for obj in requests._data.values()})
        tm.abort()
        oids, blob_oids = reachable(storage)
        files = blob_dir_files(zeo.blob_dir, storage, oids)
    finally:
        conn.close()
        db.close()
    by_year = Counter(number[:4] for number in numbers.values())
    for year in by_year:
        given = sorted(int(n[5:]) for n in numbers.values() if n.startswith(year))
        assert given == list(range(1, len(given) + 1)), (year, given)
    last_number = numbers[last]
    assert int(last_number[5:]) == by_year[last_number[:4]], "the last registration's number"
    assert not files["orphans"], files["orphans"]
    assert not files["other"], files["other"]
    assert len(files["blobs"]) >= 2 * len(ledger.created)
    in_commit = [line.split(" disconnected during ")[-1] for line in
                 zeo.log.read_text(errors="replace").splitlines()
                 if " disconnected during " in line]
    return (f"killed with {len(in_commit)} transaction(s) open on the server {in_commit}, "
            f"{len(ledger.created)} acknowledged, {len(unanswered)} stored whose answer "
            f"was lost {unanswered}, {len(numbers)} numbered, "
            f"{len(files['blobs'])} blob files ({len(blob_oids)} reachable blobs), "
            f"{len(files['temporary'])} temporary file(s) in the blob dir "
            f"{files['temporary']}, in the web process's TMPDIR "
            f"{sorted(os.listdir(tmp_path / 'web' / 'tmp'))}")


def check_requests(requests, ledger, state_of):
    """Every request whole; path -> number of the numbered ones."""
    names = list(requests._data.keys())
    assert len(requests) == len(names), "the folder's count is its length"
    stored = {}
    numbers = {}
    for name in names:
        obj = requests[name]
        path = f"/requests/{name}"
        token = obj.paper_number
        state = state_of(obj, "placement_request")
        if token in ledger.sent:           # one of ours, answered or not
            stored[token] = path
            sent = ledger.sent[token]
            assert [f.original_name for f in obj.files] == list(sent), path
            for stored_file, data in zip(obj.files, sent.values(), strict=True):
                assert stored_file.size == len(data) and stored_file.read() == data, path
        assert (obj.number is None) == (obj.registered_at is None), path
        assert (obj.number is not None) == (state in NUMBERED), (path, state, obj.number)
        if obj.number is not None:
            numbers[path] = obj.number
    for token, path in ledger.created.items():
        assert stored.get(token) == path, f"acknowledged request {token} ({path}) is lost"
    assert not ledger.refused & set(stored), "a refused request was stored"
    for path in ledger.registered:
        assert path in numbers, f"acknowledged registration of {path} has no number"
    assert len(set(numbers.values())) == len(numbers), "a number given twice"
    return numbers


def check_indexes(requests, state_of):
    """The register's catalog lists exactly the folder's requests, as they are now; the
    moderator's queue exactly the registered ones."""
    from hypatia.keyword import KeywordIndex

    catalog = requests._catalog
    names = set(requests._data.keys())
    assert set(catalog.docids.keys()) == names
    assert {catalog.names[docid] for docid in catalog.docids.values()} == names
    assert len(catalog.names) == len(names)
    for name, docid in catalog.docids.items():
        obj = requests[name]
        assert catalog.catalog["number"]._rev_index.get(docid) == (obj.number or ""), name
        assert catalog.catalog["review_state"]._rev_index.get(docid) == state_of(
            obj, "placement_request", ""), name
    for name, index in catalog.catalog.items():   # each index's two directions agree
        forward = {(value, docid) for value, docids in index._fwd_index.items()
                   for docid in docids}
        reverse = {(value, docid) for docid, values in index._rev_index.items()
                   for value in (values if isinstance(index, KeywordIndex) else (values,))}
        assert forward == reverse, name
        assert set(catalog.names) >= {docid for _value, docid in forward}, name
    queue = dict(requests._queue.items())
    assert sorted(queue.values()) == sorted(
        name for name in names if state_of(requests[name], "placement_request") == "registered")
    assert all(requests[name]._queue_key == key for key, name in queue.items())


def test_a_process_killed_mid_download_serves_the_file_whole_after_restart(zeo_server,
                                                                           tmp_path):
    """Two web processes, each its own blob cache: B is killed while it fetches a file A
    stored (a ``.dl`` half-written in its cache), and started again. ZEO would append the
    new download to that file and B would serve the dead download's head before the file,
    every time; the start-up removes it (statportal.storage.clear_stale_downloads)."""
    import glob

    def web(name, passwords=None):
        ini = portal_ini(tmp_path / name, zeo_server.uri(blob_dir=tmp_path / name / "cache",
                                                         shared=False))
        return ini if passwords is None else WebProcess(ini, tmp_path / name, passwords)

    passwords = init_portal(web("init"))
    a, b = web("a", passwords), web("b", passwords)
    partial = f"{tmp_path}/b/cache/**/*.dl"
    try:
        a.start()
        b.start()
        for attempt in range(3):   # until the kill lands in the middle of a download
            # a PNG's signature, then 6 MB (no preview to compute: a quick upload)
            data = SAMPLES["chart.png"] + random.Random(attempt).randbytes(6 * 1024 * 1024)
            path = path_of(a.client.post("/++api++/requests", payload(
                paper_number=f"download-{attempt}", files=[as_upload("big.png", data)]),
                "aigerim", status=201)["@id"])
            reader = threading.Thread(target=download, args=(b.client, path, 0))
            reader.start()
            deadline = time.monotonic() + 10
            while not fetched(partial) and reader.is_alive() and time.monotonic() < deadline:
                time.sleep(0.001)
            b.kill()
            reader.join(60)
            left = fetched(partial)
            b.start()
            if left:   # a head of the file that a new fetch would be appended to
                break
        assert left, "no kill landed in the middle of a download in 3 attempts"
        print(f"\nkilled mid-download at attempt {attempt + 1}: "
              f"{list(left.values())} of {len(data)} bytes fetched")
        for _ in range(2):
            code, got = download(b.client, path, 0)
            assert code == 200 and got == data, (code, len(got), len(data))
        assert not glob.glob(partial, recursive=True)
        assert "Removed 1 partial blob download(s) from the blob cache" in b.log_text()
        assert "Traceback" not in b.log_text()
    finally:
        a.kill()
        b.kill()


def fetched(pattern):
    """The partial downloads matching ``pattern`` that hold some bytes, with their sizes."""
    import glob

    found = {}
    for path in glob.glob(pattern, recursive=True):
        with suppress(FileNotFoundError):   # renamed as it completes
            if os.path.getsize(path):
                found[path] = os.path.getsize(path)
    return found


def test_the_blob_directory_check_tells_orphans_and_temporary_files(tmp_path):
    """The checker itself: a blob of a reachable object is a blob; the blob of an object
    the root no longer reaches, and a file no transaction committed, are orphans; files
    under tmp/ and ZEO's ``*.tmp-`` names are temporary; anything else is other."""
    import shutil

    import ZODB
    from ZODB.blob import Blob, BlobStorage
    from ZODB.FileStorage import FileStorage

    blob_dir = tmp_path / "blobs"
    storage = BlobStorage(str(blob_dir), FileStorage(str(tmp_path / "Data.fs")))
    db = ZODB.DB(storage)
    try:
        with db.transaction() as conn:
            for name in ("kept", "dropped"):
                conn.root()[name] = Blob(name.encode())
        with db.transaction() as conn:
            dropped = conn.root()["dropped"]._p_oid
            kept = conn.root()["kept"]._p_oid
            del conn.root()["dropped"]
        oids, blob_oids = reachable(storage)
        assert kept in blob_oids and dropped not in oids
        helper = storage.fshelper
        kept_file = next(Path(helper.getPathForOID(kept)).glob("*.blob"))
        never = Path(helper.getPathForOID(kept)) / "0x0000000000000001.blob"
        shutil.copy(kept_file, never)
        (blob_dir / "tmp" / "upload-left").write_bytes(b"x")
        (Path(helper.getPathForOID(kept)) / "0x01.123abc.tmp-").write_bytes(b"x")
        (blob_dir / "stray.txt").write_bytes(b"x")
        found = blob_dir_files(blob_dir, storage, oids)
    finally:
        db.close()
    dropped_file = str(next(Path(helper.getPathForOID(dropped)).glob("*.blob"))
                       .relative_to(blob_dir))
    assert found["blobs"] == [str(kept_file.relative_to(blob_dir))]
    assert sorted(found["orphans"]) == sorted([dropped_file,
                                               str(never.relative_to(blob_dir))])
    assert sorted(found["temporary"]) == sorted([
        "tmp/upload-left", str((never.parent / "0x01.123abc.tmp-").relative_to(blob_dir))])
    assert found["other"] == ["stray.txt"]


def test_a_partial_download_under_way_in_another_process_is_left_alone(tmp_path):
    """The start-up sweep removes a ``.dl`` only where no process holds the directory's
    lock (a process of the same host sharing the cache may be downloading there)."""
    import subprocess
    import sys

    from statportal.storage import clear_stale_downloads

    class ClientStorage:  # what the sweep reads of a ZEO client
        blob_dir, shared_blob_dir = str(tmp_path), False

    for name in ("1", "2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "0.03e0.blob.dl").write_bytes(b"head")
    holder = subprocess.Popen(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", "import sys, time, zc.lockfile; "
         f"lock = zc.lockfile.LockFile({str(tmp_path / '2' / '.lock')!r}); "
         "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert clear_stale_downloads(ClientStorage()) == [str(tmp_path / "1" / "0.03e0.blob.dl")]
        assert (tmp_path / "2" / "0.03e0.blob.dl").exists()
        shared = ClientStorage()
        shared.shared_blob_dir = True
        assert clear_stale_downloads(shared) == []
    finally:
        holder.kill()
        holder.wait()
    assert clear_stale_downloads(ClientStorage()) == [str(tmp_path / "2" / "0.03e0.blob.dl")]
