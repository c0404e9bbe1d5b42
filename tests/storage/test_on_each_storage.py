"""The portal on FileStorage, on ZEO and on RelStorage with a real PostgreSQL: content,
placement requests with their files, registration numbers, the worker's passes and the mail
outbox, each written by one web process's application and read by another's (``web2``, a
second process's view: its own connections, caches and — on ZEO without a shared blob
directory and on RelStorage — its own blob cache). On FileStorage the second application
is the same process restarted (a FileStorage is one process's).

The servers are started by this directory's fixtures (conftest.py), not by CI.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers.files import SAMPLES
from tests.helpers.mail import deliver, outbox
from tests.helpers.placement import REQUESTS, b64, payload
from tests.helpers.release_worker import material_state, schedule_material
from tests.storage.conftest import open_storage
from tests.storage.helpers import Client, with_demo

pytestmark = pytest.mark.storage
INDUSTRY = "/official-statistics/economy/industry"


def soon(check, seconds=5):
    """``check()``'s first true value within ``seconds``: another ZEO client hears of a
    commit a moment after the committer's answer (RelStorage and a restart: at once)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def request_with_files(client, **changes):
    """A request with two files, submitted and approved: ready for registration."""
    url = client.as_user("aigerim").post_json(REQUESTS, payload(
        files=[b64("report.xlsx"), b64("report.docx")], **changes), status=201).json[
        "@id"].replace("http://localhost", "")
    client.as_user("aigerim").post_json(f"{url}/@workflow/submit", {})
    client.as_user("marat").post_json(f"{url}/@workflow/approve", {})
    return url


def test_content_added_edited_and_read_by_another_process(storage):
    web1 = with_demo(storage.app("web1"))
    admin = web1.as_user("admin")
    admin.post_json(f"/++api++{INDUSTRY}", {"@type": "Section", "id": "monthly",
                                            "title": {"en": "Monthly"}}, status=201)
    admin.patch_json(f"/++api++{INDUSTRY}/monthly", {"title": {"en": "Monthly series"}})
    made = web1.as_user("yerlan").post_json(f"/++api++{INDUSTRY}/monthly", {
        "@type": "Material", "title": {"en": "Industrial production index"},
        "category": "bulletin", "languages": ["en"], "unit": "/orgunits/industry-statistics",
        "period_start": "2026-01-01", "period_end": "2026-10-31",
        "files": [{**b64("report.docx"), "language": "en"}]}, status=201).json
    material = made["@id"].replace("http://localhost", "")
    web1.as_user("yerlan").patch_json(material, {"description": {"en": "January–October"}})
    stored = web1.as_user("yerlan").get(made["files"][0]["@id"]).body

    web2 = Client(storage.app("web2"))
    section = soon(lambda: web2.as_user("aigerim").get(f"/++api++{INDUSTRY}/monthly").json)
    assert section["title"]["en"] == "Monthly series"
    data = soon(lambda: (lambda d: d if d.get("description") else None)(
        web2.as_user("yerlan").get(material).json))
    assert data["title"]["en"] == "Industrial production index"
    assert data["description"]["en"] == "January–October"
    assert web2.as_user("yerlan").get(data["files"][0]["@id"]).body == stored
    assert stored[:2] == b"PK"


@pytest.mark.parametrize("kind,shared", [("file", True), ("zeo", True), ("zeo", False),
                                         ("relstorage", False)],
                         ids=["file", "zeo-shared-blobs", "zeo-own-blob-cache", "relstorage"])
def test_request_files_read_back_by_another_process(request, tmp_path, kind, shared):
    storage = open_storage(request, kind, tmp_path / "portal", shared_blobs=shared)
    try:
        web1 = with_demo(storage.app("web1"))
        url = request_with_files(web1)
        web2 = Client(storage.app("web2"))
        executor = web2.as_user("aigerim")
        for index, name in enumerate(("report.xlsx", "report.docx")):
            page = url.replace("/++api++", "")
            assert executor.get(f"{page}/@@download?file={index}").body == SAMPLES[name]
        if kind == "zeo" and shared:  # both wrote and read the server's own directory
            served = list(storage.zeo.blob_dir.rglob("*.blob"))
            assert sorted(p.read_bytes() for p in served) == sorted(
                [SAMPLES["report.xlsx"], SAMPLES["report.docx"]])
        if kind == "zeo" and not shared:  # web2 fetched the blobs into a cache of its own
            cached = list((tmp_path / "portal" / "web2" / "blob-cache").rglob("*.blob"))
            assert len(cached) == 2
            assert sorted(p.read_bytes() for p in cached) == sorted(
                [SAMPLES["report.xlsx"], SAMPLES["report.docx"]])
    finally:
        storage.close()


def test_registration_numbers_stay_gapless_across_two_processes(storage):
    web1 = with_demo(storage.app("web1"))
    urls = [request_with_files(web1, title={"en": f"Request {n}"}) for n in range(6)]

    def register(client, mine):
        for url in mine:
            client.as_user("dana").post_json(f"{url}/@workflow/register", {}, status=200)

    if storage.kind == "file":  # one process at a time: then the restarted one
        register(web1, urls[:3])
        web2 = Client(storage.app("web2"))
        register(web2, urls[3:])
    else:  # both processes at once, on the one counter
        web2 = Client(storage.app("web2"))
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(register, (web1, web2), (urls[0::2], urls[1::2])))
    numbers = [soon(lambda u=url: web2.as_user("dana").get(u).json["number"]) for url in urls]
    year = numbers[0][:4]
    assert sorted(numbers) == [f"{year}-{n:06d}" for n in range(1, 7)]


def test_the_worker_pass_of_another_process_releases_once(storage):
    from statportal.worker import run_pass

    web1 = with_demo(storage.app("web1"))
    release_at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    entry, material = schedule_material(web1, release_at)
    assert material_state(storage.apps[-1], material)[0] == "scheduled"

    worker = storage.app("worker")  # the worker process: `statportal worker CONFIG`
    passes = []
    assert soon(lambda: passes.append(run_pass(
        worker.registry, now=release_at + timedelta(seconds=1))) or passes[-1].materials)
    assert passes[-1].materials == 1 and passes[-1].released == [entry]
    assert passes[-1].errors == [] and {"release", "incidents", "questions"} <= set(
        passes[-1].ran)  # every task of the pass, on this storage
    again = run_pass(worker.registry, now=release_at + timedelta(seconds=2))
    assert (again.materials, again.released, again.errors) == (0, [], [])  # once
    reader = Client(storage.app("web2")).as_user(None)
    state = soon(lambda: reader.get(f"/++api++{material}", status="*").json)
    assert state["review_state"] == "published"
    state, published_at, last = material_state(storage.apps[-1], material)
    assert state == "published" and published_at == release_at + timedelta(seconds=1)
    assert last["action"] == "release" and last["actor"] == "system:worker"


def test_mail_queued_by_one_process_is_delivered_once_by_another(storage, smtp, smtp_port):
    mail = {"mail.host": "127.0.0.1", "mail.port": str(smtp_port),
            "mail.default_sender": "portal@stat.example.kz"}
    web1 = with_demo(storage.app("web1", **mail))
    url = request_with_files(web1)
    web1.as_user("dana").post_json(f"{url}/@workflow/register", {}, status=200)
    number = web1.as_user("dana").get(url).json["number"]
    assert outbox(storage.apps[-1]) == [("queued", 0, "")]

    worker = storage.app("worker", **mail)  # the process that sends the outbox
    assert soon(lambda: deliver(worker)) == (1, 0)
    assert deliver(worker) == (0, 0)  # sent once
    (recipients, message), = smtp.messages
    assert recipients == ["yerlan@stat.example.kz"]
    assert message["Subject"] == f"Орналастыруға өтінім {number} тіркелді"
    web2 = storage.app("web2", **mail)
    assert soon(lambda: outbox(web2)[0][0] == "sent")
