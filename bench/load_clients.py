"""The clients of ``bench/load.py``: editors that take placement requests with files through
the JSON API from creation to placement (executor → head → coordinator → moderator, each
with HTTP Basic credentials: a JSON POST needs no CSRF token), anonymous readers of public
pages, and the thread-safe tally of what they got."""

import base64
import io
import json
import random
import re
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import requests
from load_checks import percentile

# The chain of a request: the step, who takes it (a demo user's role in bench/load.py).
CHAIN = (("submit", "executor"), ("approve", "head"), ("register", "coordinator"),
         ("place", "moderator"))
# Public pages of the demo content (statportal.demo), one of each kind a reader loads.
PAGES = (("home", "/"), ("calendar", "/calendar/"), ("category", "/express-information/"),
         ("material", "/official-statistics/economy/industry/industrial-production-index/"))
TIMEOUT = 120  # s: a request slower than this counts as an error, not a hang
STALE_TRIES = 5  # tries of a POST answered 503 or refused as stale (see Editor.post)


class Tally:
    """Durations and statuses per kind of request, from every client thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seconds = defaultdict(list)  # kind -> durations of the answered requests
        self.statuses = defaultdict(Counter)  # kind -> {status or exception name: count}
        self.stale = Counter()  # kind -> 403/404/409 for a step not yet seen, tried again
        self.busy = Counter()  # kind -> 503 with Retry-After, sent again
        self.samples = {}  # (kind, status) -> the first answer's body, for a refusal or error

    def record(self, kind, seconds, status, body=None):
        with self.lock:
            if body is not None and (kind, status) not in self.samples:
                self.samples[kind, status] = " ".join(body.split())[:300]
            if isinstance(status, int):
                self.seconds[kind].append(seconds)
            self.statuses[kind][status] += 1

    def record_again(self, kind, why):
        with self.lock:
            (self.stale if why == "stale" else self.busy)[kind] += 1

    def total(self):
        with self.lock:
            return sum(sum(c.values()) for c in self.statuses.values())

    def count(self, kind, status):
        with self.lock:
            return self.statuses[kind][status] if kind in self.statuses else 0

    def server_errors(self):
        """{status: count} of every 5xx answer (and client-side errors by exception name)."""
        found = Counter()
        with self.lock:
            for counter in self.statuses.values():
                for status, n in counter.items():
                    if not isinstance(status, int) or status >= 500:
                        found[status] += n
        return found

    def rows(self):
        """Per kind: count, the statuses, p50 and p99 in ms (answered requests)."""
        with self.lock:
            kinds = sorted(self.statuses, key=_kind_order)
            return [{"kind": kind, "count": sum(self.statuses[kind].values()),
                     "statuses": {str(k): v for k, v in sorted(
                         self.statuses[kind].items(), key=lambda kv: str(kv[0]))},
                     "p50_ms": _ms(percentile(self.seconds[kind], 0.5)),
                     "p99_ms": _ms(percentile(self.seconds[kind], 0.99))}
                    for kind in kinds]


def _kind_order(kind):
    order = ["create", *(step for step, _role in CHAIN), *(page for page, _path in PAGES)]
    return order.index(kind) if kind in order else len(order)


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def sample_files():
    """Two small real xlsx tables (the format policy checks content), Kazakh and Russian."""
    from openpyxl import Workbook

    files = []
    for name, label in (("report_kaz.xlsx", "Көрсеткіш"), ("report_rus.xlsx", "Показатель")):
        book = Workbook()
        sheet = book.active
        sheet.append([label, 2025, 2026])
        for row in range(1, 41):
            sheet.append([f"{label} {row}", row * 1.5, row * 1.7])
        buffer = io.BytesIO()
        book.save(buffer)
        files.append((name, buffer.getvalue()))
    return files


def request_payload(title, files):
    return {
        "@type": "PlacementRequest",
        "title": {"kk": f"Жүктеме {title}", "ru": f"Нагрузка {title}", "en": f"Load {title}"},
        "category": "express_information", "unit": "/orgunits/industry-statistics",
        "section": "/official-statistics/economy/industry", "placement_type": "new",
        "files": [{"data": base64.b64encode(data).decode(), "encoding": "base64",
                   "filename": name, "content-type": "application/vnd.openxmlformats-"
                   "officedocument.spreadsheetml.sheet"} for name, data in files],
        "languages": ["kk", "ru"], "executor_email": "aigerim@stat.example.kz",
        "executor": "Әйгерім Сейітова", "head_of_unit": "Марат Жұмабаев", "page_count": 1,
        "paper_number": "05-12/345", "paper_date": "2026-11-26",
        "primary_data": False, "primary_data_reason": "Load test: administrative data",
    }


def timed(tally, kind, session, method, url, **kwargs):
    """One HTTP request, recorded under ``kind``; returns the response or None."""
    began = time.perf_counter()
    try:
        response = session.request(method, url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        tally.record(kind, time.perf_counter() - began, type(exc).__name__, str(exc))
        return None
    status = response.status_code
    tally.record(kind, time.perf_counter() - began, status,
                 _readable(response) if status >= 300 and status != 304 else None)
    return response


def stale(response):
    """A refusal that a process answers when it has not yet seen the last step: the request
    unknown (404), not yet the actor's (403), or in the state before (409)."""
    if response is None:
        return False
    return response.status_code in (403, 404) or (
        response.status_code == 409 and "not possible in the state" in response.text)


def _readable(response):
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.text


class Editor(threading.Thread):
    """Creates requests and takes each through the chain until ``stop``; ``acknowledged``:
    {request id: {"step": the last step answered 2xx, "files": names, "sha256": digests}}."""

    def __init__(self, index, bases, credentials, stop, tally, files, tag):
        super().__init__(name=f"editor-{index}", daemon=True)
        self.index, self.bases, self.stop, self.tally = index, bases, stop, tally
        self.files, self.tag = files, tag
        self.rng = random.Random(index)
        self.sessions = {}
        for role, (login, password) in credentials.items():
            session = requests.Session()
            session.auth = (login, password)
            session.headers["Accept"] = "application/json"
            session.headers["Accept-Language"] = "en"  # refusals in English in the output
            self.sessions[role] = session
        self.acknowledged = {}

    def run(self):
        import hashlib

        digests = sorted(hashlib.sha256(data).hexdigest() for _name, data in self.files)
        number = 0
        while not self.stop.is_set():
            number += 1
            body = request_payload(f"{self.tag} e{self.index} #{number}", self.files)
            response = self.post("create", "executor", "/++api++/requests", body)
            if response is None or response.status_code != 201:
                self.stop.wait(0.2)  # not a hot loop on a failing server
                continue
            path = urlsplit(response.json()["@id"]).path
            name = path.rstrip("/").rsplit("/", 1)[-1]
            self.acknowledged[name] = {"step": "create", "files": [n for n, _d in self.files],
                                       "sha256": digests, "path": path}
            for step, role in CHAIN:
                if self.stop.is_set():
                    break
                # editors place in parallel, not in the queue's order: that needs a reason
                body = {"comment": "Load test: placed as it was registered"} \
                    if step == "place" else {}
                response = self.post(step, role, f"{path}/@workflow/{step}", body)
                if response is None or response.status_code != 200:
                    break
                self.acknowledged[name]["step"] = step

    def post(self, kind, role, path, body):
        """POST as a client would: a 503 (the portal busy) is sent again after its
        Retry-After, and a step refused as stale again after 0.25 s, a few times."""
        for _attempt in range(STALE_TRIES):
            response = timed(self.tally, kind, self.sessions[role], "POST",
                             self.base() + path, json=body)
            if response is not None and response.status_code == 503 \
                    and "Retry-After" in response.headers:
                self.tally.record_again(kind, "busy")
                self.stop.wait(min(float(response.headers["Retry-After"]), 5.0))
            elif kind != "create" and stale(response):
                # this process has not yet seen the step before (or the request), made
                # on another one a moment ago: ZEO's and RelStorage's invalidations
                # come asynchronously. A person would click again.
                self.tally.record_again(kind, "stale")
                self.stop.wait(0.25)
            else:
                break
        return response

    def base(self):
        # each step to any web process: what one process wrote, the others must see
        return self.rng.choice(self.bases)


class Reader(threading.Thread):
    """An anonymous visitor loading the public pages in turn until ``stop``."""

    def __init__(self, index, bases, stop, tally):
        super().__init__(name=f"reader-{index}", daemon=True)
        self.index, self.bases, self.stop, self.tally = index, bases, stop, tally

    def run(self):
        session = requests.Session()
        turn = self.index
        while not self.stop.is_set():
            kind, path = PAGES[turn % len(PAGES)]
            base = self.bases[(turn // len(PAGES)) % len(self.bases)]
            turn += 1
            response = timed(self.tally, kind, session, "GET", base + path)
            if response is None or response.status_code >= 500:
                self.stop.wait(0.2)


# One line per retry (logger statportal.retry): "Retry N of POST /path after ConflictError:
# database conflict error (oid …, class X, …)" (src/statportal/__init__.py) and, since
# fd9efa7, also "retry N of POST /path after ConflictError on X oid …"
# (statportal/views/overload.py). Each form is counted apart and the larger count of a log
# taken, so a retry is counted once while either line or both are logged.
RETRY_LINES = (
    re.compile(r"\[statportal\.retry\] Retry \d+ of (\S+) (\S+) after (\w+)(?:: (.*))?"),
    re.compile(r"\[statportal\.retry\] retry \d+ of (\S+) (\S+) after (\w+)(.*)"),
)
CONFLICT_CLASS = re.compile(r"(?:class| on) ([\w.]+)")
EXHAUSTED = re.compile(r"\[statportal\.retry\] retries exhausted")


class RetryCount:
    """Counts the ``statportal.retry`` lines the web processes log, reading each log file
    on from where it stopped; ``by_class``: the classes of the objects that conflicted,
    ``by_kind``: the kind of request retried; ``exhausted``: the requests whose retries ran
    out (answered 503 since fd9efa7)."""

    def __init__(self, paths):
        self.offsets = dict.fromkeys(paths, 0)
        self.seen = {(path, form): (Counter(), Counter())
                     for path in paths for form in range(len(RETRY_LINES))}
        self.exhausted = 0

    def update(self):
        for path, offset in self.offsets.items():
            try:
                with open(path, "rb") as f:
                    f.seek(offset)
                    chunk = f.read()
            except FileNotFoundError:
                continue
            complete = chunk.rfind(b"\n") + 1  # a line still being written waits
            self.offsets[path] = offset + complete
            for line in chunk[:complete].decode(errors="replace").splitlines():
                self.exhausted += bool(EXHAUSTED.search(line))
                for form, pattern in enumerate(RETRY_LINES):
                    match = pattern.search(line)
                    if match:
                        method, path_, error, detail = match.groups()
                        found = CONFLICT_CLASS.search(detail or "")
                        by_class, by_kind = self.seen[path, form]
                        by_class[found.group(1) if found else error] += 1
                        by_kind[retried_kind(method, path_)] += 1
        return self.total

    def _chosen(self):
        for path in self.offsets:
            yield max((self.seen[path, form] for form in range(len(RETRY_LINES))),
                      key=lambda counters: sum(counters[0].values()))

    @property
    def total(self):
        return sum(sum(by_class.values()) for by_class, _by_kind in self._chosen())

    @property
    def by_class(self):
        return sum((by_class for by_class, _by_kind in self._chosen()), Counter())

    @property
    def by_kind(self):
        return sum((by_kind for _by_class, by_kind in self._chosen()), Counter())


def retried_kind(method, path):
    if method == "POST" and path.rstrip("/").endswith("/requests"):
        return "create"
    found = re.search(r"@workflow/(\w+)", path)
    return found.group(1) if found else f"{method} {path}"


def retry_self_check():
    """RetryCount counts a retry once whichever of the two lines (or both) is logged."""
    import tempfile
    from pathlib import Path

    head = "2026-12-07 14:00:00,000 INFO  [statportal.retry] "
    both = tempfile.NamedTemporaryFile("w", suffix=".log", delete=False)
    both.write(f"{head}Retry 1 of POST /++api++/requests after ConflictError: database "
               "conflict error (oid 0x0d, class statportal.placement.resources.Requests)\n"
               f"{head}retry 1 of POST /++api++/requests after ConflictError on "
               "statportal.placement.resources.Requests oid 0x0d\n"
               f"{head}retry 2 of POST /requests/r1/@workflow/register after ConflictError "
               "on BTrees.OOBTree.OOBTree oid 0x0e\n"
               f"{head}retries exhausted: 503 for POST /x after ConflictError\n"
               f"{head}Retry 1 of POST /requests/r1/@workflow/pla")  # still being written
    both.close()
    old = tempfile.NamedTemporaryFile("w", suffix=".log", delete=False)
    old.write(f"{head}Retry 1 of POST /requests/r1/@workflow/place after ConflictError: "
              "database conflict error (oid 0x0d, class BTrees.LFBTree.LFTreeSet)\n")
    old.close()
    try:
        count = RetryCount([Path(both.name), Path(old.name)])
        assert count.update() == 3 and count.exhausted == 1
        assert count.by_kind == Counter(create=1, register=1, place=1), count.by_kind
        assert count.by_class["BTrees.LFBTree.LFTreeSet"] == 1
        with open(both.name, "a") as f:
            f.write("ce after ConflictError: x\n")
        assert count.update() == 3  # the "Retry" form of that log is still the smaller
    finally:
        Path(both.name).unlink()
        Path(old.name).unlink()
