"""`make serve`'s own path on a `var` an older release wrote (tests/evolve/data: commit
7e27402's code), with real processes: pserve refuses it as it is; `statportal evolve
etc/development.ini` (the Makefile's step) upgrades it; then `pserve etc/development.ini`
serves it, its worker thread says it runs, the mail the old version left in the outbox
reaches a real SMTP server, the old release entries keep their status and transitions, and
the old embargoed material goes public at its release's second once the release is moved
to now."""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from statportal.testing import DEMO_PASSWORD
from tests.helpers.http import Http, free_port, wait_until_served

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "evolve" / "data" / "statportal-7e27402.tar.gz"
EMBARGOED = "/official-statistics/economy/industry/industrial-production-october-2026"
LOGINS = ("aigerim", "marat", "dana", "aidos", "yerlan", "serik", "zhanar", "admin")
# What the old demo's calendar held (read from the fixture with the old code).
OLD_ENTRIES = {
    "/calendar/2026/consumer-price-index-monthly": ("confirmed", ["cancel"]),
    "/calendar/2026/gross-domestic-product-flash-estimate": ("published", []),
    "/calendar/2026/household-expenditure": ("cancelled", []),
    "/calendar/2026/retail-trade-turnover": ("confirmed", ["cancel"]),
    "/calendar/2027/labour-force-survey-quarterly": ("provisional", ["confirm", "cancel"]),
    "/calendar/2027/consumer-price-index-november-2026": ("confirmed", ["cancel"]),
}
EMBARGO_ENTRY = "/calendar/2027/consumer-price-index-november-2026"   # the fixture's


def environ():
    return {k: v for k, v in os.environ.items() if not k.startswith("STATPORTAL_")}


def command(*args, **kw):
    return subprocess.run(  # noqa: S603 (our own console scripts)
        [sys.executable, "-m", *args], capture_output=True, text=True, env=environ(),
        timeout=300, **kw)


class Lines:
    """What a process writes on stderr, read as it comes."""

    def __init__(self, stream):
        self.lines = []
        threading.Thread(target=lambda: [self.lines.append(line) for line in stream],
                         daemon=True).start()

    def wait(self, pattern, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [line for line in self.lines if re.search(pattern, line)]
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} not said in {seconds} s: {''.join(self.lines)}")


@pytest.fixture(scope="module")
def old_var(tmp_path_factory):
    """The old release's var in ``root/var`` (``dev_ini`` writes ``root/etc``)."""
    root = tmp_path_factory.mktemp("old-var")
    (root / "etc").mkdir()
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(root / "var", filter="data")
    return root


def dev_ini(root):
    """etc/development.ini verbatim: its mail goes to the maildir ``var/mail`` (issue 21)."""
    ini = root / "etc" / "development.ini"
    ini.write_text((ROOT / "etc" / "development.ini").read_text())
    return ini


def test_make_serve_upgrades_and_serves_an_old_var(old_var):
    ini = dev_ini(old_var)
    port = free_port()
    pserve = ("pyramid.scripts.pserve", str(ini), f"http_port={port}")

    refused = command(*pserve)
    assert refused.returncode != 0
    # pserve prints the app factory's ConfigurationError (its traceback, Pyramid's way);
    # the last line says what to do
    assert "run `statportal evolve CONFIG`" in refused.stderr.strip().splitlines()[-1]

    started = time.monotonic()
    evolved = command("statportal.scripts.cli", "evolve", str(ini))
    assert evolved.returncode == 0, evolved.stderr
    assert "7 step(s) applied" in evolved.stdout, evolved.stdout
    assert time.monotonic() - started < 60
    again = command("statportal.scripts.cli", "evolve", str(ini))
    assert again.stdout.startswith("Nothing to evolve"), again.stdout

    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", *pserve], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=environ())
    said = Lines(server.stderr)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_served(base + "/", 60, server)
        said.wait(r"\[statportal\.worker\] The release worker runs in this process "
                  r"\(statportal\.worker\.in_process = auto; FileStorage .*Data\.fs\)",
                  10)
        http = Http(base, dict.fromkeys(LOGINS, DEMO_PASSWORD))
        assert http.call("GET", "/")[0] == 200
        assert http.call("GET", "/login")[0] == 200

        # issue 18 on the old data: the executor's old requests are "My requests" (the
        # step statportal.placement 1 filled the creator index), nobody else's; old users
        # read mail in the portal's default language; the menu's pages list the old
        # published materials of their category
        for login, count in (("aigerim", 3), ("marat", 0), ("admin", 0)):
            code, page = http.call("GET", "/my-work", login, accept="text/html")
            table = BeautifulSoup(page, "html.parser").find("table", id="my-requests")
            assert code == 200 and (len(table.tbody.find_all("tr")) if table else 0) == count
            assert http.get("/++api++/@preferences", login, status=200) == {"language": "kk"}
        listed = {}
        for name in ("latest-data", "express-information", "press-releases", "bulletins"):
            code, page = http.call("GET", f"/{name}", accept="text/html")
            listed[name] = len(BeautifulSoup(page, "html.parser").select(
                ".search-results ul.materials li > a"))
        assert code == 200 and all(listed.values()), listed

        # the mail the old version left in the outbox is delivered by the new sender,
        # into make serve's maildir
        delivered = old_var / "var" / "mail" / "new"
        deadline = time.monotonic() + 30
        while not (delivered.exists() and any(delivered.iterdir())) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert delivered.exists() and any(delivered.iterdir())

        for path, (status, transitions) in OLD_ENTRIES.items():
            data = http.get(f"/++api++{path}", "dana", status=200)
            assert data["status"] == status == data["review_state"], (path, data["status"])
            flow = http.get(f"/++api++{path}/@workflow", "dana", status=200)
            assert sorted(t["@id"].rsplit("/", 1)[-1] for t in flow["transitions"]) == \
                sorted(transitions), path

        # an old entry's transitions by its workflow, with the calendar's rules, over HTTP
        provisional = "/++api++/calendar/2027/labour-force-survey-quarterly"
        code, body = http.call("POST", f"{provisional}/@workflow/confirm", "dana", data={})
        assert code == 409 and body["errors"][0]["field"] == "release_at"   # a month only
        code, body = http.call("POST", f"{provisional}/@workflow/cancel", "dana",
                               data={"comment": "Not this year"})
        assert code == 200, body
        assert http.get(provisional, "dana")["status"] == "cancelled"

        # the disclosure check of every old published material (the tables and bases the
        # old version stored), read by the new engine and number reader: none blocks
        found = http.get("/++api++/@search?b_size=200", status=200)["items"]
        assert len(found) == 6
        checked = {}
        for item in found:
            path = re.sub(r"^https?://[^/]+", "", item["@id"])
            data = http.get(f"{path}/@disclosure", "admin", status=200)
            checked[path] = (len(data["tables"]), data["findings"], data["blocks_publishing"])
        assert [c for c in checked.values() if c[1] or c[2]] == [], checked
        assert sum(tables for tables, _f, _b in checked.values()) >= 3

        # the old embargoed material: its confirmed 2027 release moved to now + 4 s
        assert http.call("GET", f"/++api++{EMBARGOED}")[0] in (401, 403, 404)
        assert http.get(f"/++api++{EMBARGOED}", "dana", status=200)["review_state"] == \
            "scheduled"
        entry = EMBARGO_ENTRY
        announced = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
        http.patch(f"/++api++{entry}", {"release_at": announced.isoformat(),
                                        "reason": "Brought forward"}, "dana", status=200)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            code, data = http.call("GET", f"/++api++{EMBARGOED}")
            if code == 200:
                break
            time.sleep(0.05)
        assert code == 200, "not public within 15 s of the move"
        assert data["review_state"] == "published"
        published_at = datetime.fromisoformat(data["published_at"])
        assert timedelta(0) <= published_at - announced < timedelta(seconds=1)
        said.wait(re.escape(f"Released {entry} at {announced.isoformat()}"), 5)
        assert http.get(f"/++api++{entry}", "dana")["status"] == "published"
        assert not [line for line in said.lines if "Traceback" in line or "ERROR" in line], \
            "".join(said.lines)
    finally:
        server.terminate()
        server.wait(20)


def test_the_old_var_is_refused_before_evolve(tmp_path):
    """pserve on an un-evolved old var (etc/development.ini verbatim): refused, its last
    line naming the command."""
    (tmp_path / "etc").mkdir()
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path / "var", filter="data")
    ini = tmp_path / "etc" / "development.ini"
    shutil.copy(ROOT / "etc" / "development.ini", ini)
    done = command("pyramid.scripts.pserve", str(ini), f"http_port={free_port()}")
    assert done.returncode != 0
    assert "run `statportal evolve CONFIG`" in done.stderr.strip().splitlines()[-1]
