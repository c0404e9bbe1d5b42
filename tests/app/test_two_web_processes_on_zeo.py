"""Two web processes (two pserve, two operating-system processes, each its own caches) on
one ZEO server, as an administrator runs them: what one process changes — a publication,
a withdrawal, a new section, a local role — the other shows on its next request (its
navigation, a section's listing, search results and facet counts, the register); and
both publishing at once, in parallel, every publication succeeds and the counts are exact
in both (the counters both bump are conflict-free: BTrees.Length)."""

import os
import re
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers.http import Http, free_port, wait_until_served
from tests.helpers.placement import b64, payload

ROOT = Path(__file__).resolve().parents[2]
ECONOMY = "/official-statistics/economy"
INDUSTRY = f"{ECONOMY}/industry"
PRICES = f"{ECONOMY}/prices"


def environ():
    return {k: v for k, v in os.environ.items() if not k.startswith("STATPORTAL_")}


def ini_for(root, zeo_uri):
    """etc/development.ini with the ZEO storage and no in-process mail or worker (what
    docs/administrators.md says several web processes need)."""
    text = (ROOT / "etc" / "development.ini").read_text()
    text = re.sub(r"(?m)^zodbconn\.uri = .*$", f"zodbconn.uri = {zeo_uri}", text)
    text = text.replace("[server:main]", "statportal.mail.deliver_in_process = false\n"
                                         "statportal.worker.in_process = false\n\n[server:main]")
    ini = root / "portal.ini"
    ini.write_text(text)
    return ini


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A ZEO server, `statportal init --demo` on it, two pserve processes; ``(A, B)`` as
    Http clients with the demo's passwords."""
    import ZEO

    root = tmp_path_factory.mktemp("two-processes")
    address, stop = ZEO.server(path=str(root / "zeo.fs"), blob_dir=str(root / "blobs"))
    host, port = address
    ini = ini_for(root, f"zeo://{host}:{port}?blob_dir={root}/blobs&shared_blob_dir=true")
    init = subprocess.run(  # noqa: S603 (our own console script)
        [sys.executable, "-m", "statportal.scripts.cli", "init", str(ini), "--demo"],
        capture_output=True, text=True, env=environ(), timeout=300)
    assert init.returncode == 0, init.stderr
    passwords = {line.split()[0]: line.split()[1] for line in init.stdout.splitlines()
                 if line.startswith("  ")}
    processes, clients = [], []
    try:
        for _name in "AB":
            http_port = free_port()
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "pyramid.scripts.pserve", str(ini),
                 f"http_port={http_port}"], stdout=subprocess.DEVNULL,
                stderr=(root / f"pserve-{_name}.log").open("w"), env=environ())
            processes.append(process)
            base = f"http://127.0.0.1:{http_port}"
            wait_until_served(base + "/", 90, process)
            clients.append(Http(base, passwords))
        yield tuple(clients)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)
        stop()
        for name in "AB":
            log = (root / f"pserve-{name}.log").read_text()
            assert "Traceback" not in log, log[-5000:]


def path_of(url):
    return re.sub(r"^https?://[^/]+(/\+\+api\+\+)?", "", url)


def page(client, path, login=None):
    code, text = client.call("GET", path, login, accept="text/html")
    assert code == 200, (path, code)
    return text


def nav(html):
    found = re.search(r'<nav class="sections".*?</nav>', html, re.S)
    return found.group(0) if found else ""


def search(client, login=None, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    data = client.get(f"/++api++/@search?b_size=200&{query}", login, status=200)
    facets = {name: {f["value"]: f["count"] for f in values}
              for name, values in data["facets"].items()}
    return {path_of(i["@id"]) for i in data["items"]}, data["items_total"], facets


def add_material(client, section, title, login="admin"):
    made = client.post(f"/++api++{section}", {
        "@type": "Material", "title": {"kk": title, "ru": title, "en": title},
        "category": "bulletin", "languages": ["kk", "ru", "en"],
        "period_start": "2026-01-01", "period_end": "2026-10-31",
        "unit": "/orgunits/industry-statistics"}, login, status=201)
    return path_of(made["@id"])


def soon(check, seconds=3):
    """``check()`` true within ``seconds``: ZEO tells the other process of a commit a
    moment after it returns (a kept copy that never follows would stay false)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not seen by the other process in time"
        time.sleep(0.05)


def fire(client, path, transition, login="admin", status=200):
    return client.call("POST", f"/++api++{path}/@workflow/{transition}", login,
                       data={"comment": "Two processes"}, status=status)


def test_a_publication_and_a_withdrawal_in_a_show_in_b(servers):
    a, b = servers
    for _ in range(2):       # B's layout, listing and facets kept before the change
        page(b, f"{INDUSTRY}/")
        before, total, facets = search(b)
    material = add_material(a, INDUSTRY, "Quarrying output two-process")
    fire(a, material, "publish")

    soon(lambda: material in search(b)[0])
    found, total_after, facets_after = search(b)
    assert material in found and total_after == total + 1
    assert facets_after["category"].get("bulletin", 0) == \
        facets["category"].get("bulletin", 0) + 1
    assert facets_after["section"][INDUSTRY] == facets["section"].get(INDUSTRY, 0) + 1
    assert material in search(b, SearchableText="Quarrying")[0]
    assert f"{material}" in page(b, f"{INDUSTRY}/")

    fire(a, material, "withdraw")
    soon(lambda: material not in search(b)[0])
    found, total_back, facets_back = search(b)
    assert material not in found and total_back == total and facets_back == facets
    assert not search(b, SearchableText="Quarrying")[0]
    assert f"{material}\"" not in page(b, f"{INDUSTRY}/")
    assert b.call("GET", f"/++api++{material}")[0] in (401, 403, 404)


def test_a_new_and_a_removed_section_in_a_show_in_b(servers):
    a, b = servers
    for _ in range(2):
        assert f"{ECONOMY}/monthly/" not in nav(page(b, f"{ECONOMY}/"))
    a.post(f"/++api++{ECONOMY}", {"@type": "Section", "id": "monthly",
                                  "title": {"en": "Monthly statistics", "kk": "Айлық",
                                            "ru": "Ежемесячная"}}, "admin", status=201)
    soon(lambda: f"{ECONOMY}/monthly/" in nav(page(b, f"{ECONOMY}/")))
    html = page(b, f"{ECONOMY}/")
    assert f"{ECONOMY}/monthly/" in nav(html)
    assert f"{ECONOMY}/monthly/" in html.split('class="cards"', 1)[-1]
    assert page(b, f"{ECONOMY}/monthly/")
    a.call("DELETE", f"/++api++{ECONOMY}/monthly", "admin", status=204)
    soon(lambda: f"{ECONOMY}/monthly/" not in page(b, f"{ECONOMY}/"))
    assert b.call("GET", f"{ECONOMY}/monthly/", accept="text/html")[0] == 404


def test_a_local_role_granted_in_a_shows_in_b_register(servers):
    """aidos coordinates Almaty city; granted Coordinator on the industry unit in A, B's
    register lists that unit's requests for him at once, and no longer when revoked."""
    a, b = servers
    industry = set()
    for _n in range(2):       # two requests of the industry unit, registered
        made = a.post("/++api++/requests", payload(files=[b64("report.docx")]), "aigerim",
                      status=201)
        industry.add(path_of(made["@id"]))
        for login, transition in (("aigerim", "submit"), ("marat", "approve"),
                                  ("dana", "register")):
            fire(a, path_of(made["@id"]), transition, login)
    assert industry <= {path_of(i["@id"]) for i in a.get(
        "/++api++/requests/@register?b_size=200", "admin", status=200)["items"]}

    def register(client):
        return {path_of(i["@id"]) for i in client.get(
            "/++api++/requests/@register?b_size=200", "aidos", status=200)["items"]}

    before = register(b)
    assert not industry & before
    a.post("/++api++/orgunits/industry-statistics/@sharing",
           {"principal": "user:aidos", "grant": ["Coordinator"]}, "admin", status=200)
    soon(lambda: industry <= register(b))
    assert register(b) == register(a)
    a.post("/++api++/orgunits/industry-statistics/@sharing",
           {"principal": "user:aidos", "revoke": ["Coordinator"]}, "admin", status=200)
    soon(lambda: register(b) == before)


def test_both_publishing_at_once_all_succeed_and_count_right(servers):
    """2 processes × 20 publications, 4 at a time in each: every one answers 200 (no
    ConflictError reaches a user), and both processes count them exactly."""
    a, b = servers
    _found, total, facets = search(a)
    made = [add_material(a, (INDUSTRY, PRICES)[n % 2], f"Parallel {n}") for n in range(40)]
    soon(lambda: search(b)[1] == total)           # private: not counted

    def publish(job):
        client, path = job
        return client.call("POST", f"/++api++{path}/@workflow/publish", "admin", data={})[0]

    jobs = [((a, b)[n % 2], path) for n, path in enumerate(made)]
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(publish, jobs))
    assert Counter(codes) == {200: 40}
    soon(lambda: search(b)[1] == total + 40)
    for client in (a, b):
        found, total_now, facets_now = search(client)
        assert set(made) <= found and total_now == total + 40
        assert facets_now["section"][INDUSTRY] == facets["section"].get(INDUSTRY, 0) + 20
        assert facets_now["section"][PRICES] == facets["section"].get(PRICES, 0) + 20
        assert facets_now["category"]["bulletin"] == facets["category"].get("bulletin", 0) + 40

    def withdraw(job):
        client, path = job
        return client.call("POST", f"/++api++{path}/@workflow/withdraw", "admin",
                           data={"comment": "Corrected"})[0]

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(withdraw, [((b, a)[n % 2], p) for n, p in enumerate(made)]))
    assert Counter(codes) == {200: 40}
    soon(lambda: search(b)[1] == total)
    for client in (a, b):
        assert search(client)[1:] == (total, facets)


def test_the_pause_before_a_retry_doubles(monkeypatch, caplog):
    """Writers that conflicted wait longer each attempt (0–N ms, then 2N, 4N … 64N); each
    retry is a log line (bench/load.py counts them)."""
    from ZODB.POSException import ConflictError

    import statportal

    ceilings = []
    monkeypatch.setattr(statportal.random, "uniform", lambda low, high: ceilings.append(high)
                        or high)
    monkeypatch.setattr(statportal.time, "sleep", lambda seconds: None)

    class Event:
        def __init__(self, attempt):
            self.request = type("R", (), {})()
            self.request.registry = type("G", (), {"settings": {
                "statportal.retry_pause_ms": "20"}})()
            self.request.environ = {"retry.attempt": attempt}
            self.request.method, self.request.path = "POST", "/requests/r1/@workflow/register"
            self.exception = ConflictError("database conflict error")

    caplog.set_level("INFO", logger="statportal.retry")
    for attempt in range(9):
        statportal._pause_before_retry(Event(attempt))
    assert ceilings == [20, 40, 80, 160, 320, 640, 1280, 1280, 1280]
    lines = [r.getMessage() for r in caplog.records if r.name == "statportal.retry"]
    assert len(lines) == 9 and lines[0] == ("Retry 1 of POST /requests/r1/@workflow/register "
                                            "after ConflictError: database conflict error")
