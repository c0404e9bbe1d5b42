#!/usr/bin/env python
"""Requests per second of statportal pages served by waitress, against a bare Pyramid baseline.

Run from the project root::

    .venv/bin/python bench/bench_pages.py [--duration 5] [--clients 8] [--only NAME]
                                          [--rounds N]

Targets (``--only`` takes these names, and may be repeated):

* ``baseline``     -- a minimal Pyramid app in this script (pyramid_tm + pyramid_zodbconn +
  pyramid_chameleon) rendering a 50x20 table from a persistent object in a ZODB
  FileStorage: what Pyramid + ZODB + Chameleon + waitress cost for a small page;
* ``floor``        -- the same app's ``/hello``: a constant one-line page, no template, on
  the same ZODB root object: the fixed cost of waitress + Pyramid + pyramid_tm + ZODB;
* ``section-html`` -- anonymous ``GET /official-statistics/economy/`` (HTML);
* ``section-json`` -- the same URL with ``Accept: application/json``;
* ``home``         -- ``GET /`` (with the newest materials per category);
* ``material``     -- anonymous ``GET`` of a published material whose xlsx file is a
  50x20 table: the page with its stored preview (the goal: at least half of
  ``baseline``).

Each app is served by waitress in its own subprocess (this script re-run with the
hidden ``--serve`` option), on a port of 127.0.0.1 that the OS picks, with its data in
a temporary directory that is removed at the end; both servers run from the start, and
``--rounds`` measures every target that many times in turn (on a shared machine the load
changes between rounds: each ratio is taken against the same round's baseline, and the
median round is shown). statportal is built as the test
suite builds it (``statportal.testing.make_settings``/``make_app``) and filled with
``statportal.demo.add_demo_content``. Only one server is loaded at a time.

The load generator is ``--clients`` threads of this process, each one keep-alive
``http.client.HTTPConnection``; after ``--warmup`` seconds it counts, for
``--duration`` seconds, the requests that both started and finished in the window.
Besides requests/s and latency it prints the CPU time the server process used per
request (from /proc), which is the figure that does not depend on the load generator.
"""

import argparse
import contextlib
import cProfile
import http.client
import json
import math
import os
import platform
import pstats
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html import escape
from importlib.metadata import PackageNotFoundError, version

HOST = "127.0.0.1"
ROWS, COLS = 50, 20
STARTUP_TIMEOUT = 120.0  # seconds a server may take to build its app and report its port
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Target:
    name: str
    server: str  # "bare" or "statportal"
    path: str
    accept: str
    content_type: str  # expected media type of the answer


TARGETS = [
    Target("baseline", "bare", "/", "text/html", "text/html"),
    Target("floor", "bare", "/hello", "text/html", "text/html"),
    Target("section-html", "statportal", "/official-statistics/economy/", "text/html",
           "text/html"),
    Target("section-json", "statportal", "/official-statistics/economy/", "application/json",
           "application/json"),
    Target("home", "statportal", "/", "text/html", "text/html"),
    Target("material", "statportal", "/official-statistics/economy/industry/bench-table",
           "text/html", "text/html"),
]
TARGET_NAMES = [t.name for t in TARGETS]


# --------------------------------------------------------------------------- servers

BASELINE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${context['title']}</title></head>
<body>
  <h1>${context['title']}</h1>
  <p>${context['description']}</p>
  <table>
    <thead><tr><th tal:repeat="h context['headers']">${h}</th></tr></thead>
    <tbody>
      <tr tal:repeat="row context['rows']"><td tal:repeat="cell row">${cell}</td></tr>
    </tbody>
  </table>
</body>
</html>
"""


def make_bare_app(data_dir):
    """A minimal Pyramid app: one view, a Chameleon table, the context a ZODB root object."""
    import transaction
    from persistent.mapping import PersistentMapping
    from pyramid.config import Configurator
    from pyramid.response import Response
    from pyramid_zodbconn import get_connection
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    os.makedirs(data_dir, exist_ok=True)
    filename = os.path.join(data_dir, "Data.fs")
    db = DB(FileStorage(filename))
    conn = db.open()
    with transaction.manager:
        table = PersistentMapping()
        table["title"] = "Industrial production by region"
        table["description"] = "Volume indices, previous year = 100."
        table["headers"] = [f"Column {c}" for c in range(COLS)]
        table["rows"] = [[round(100 + (r * COLS + c) * 0.37 % 17, 1) for c in range(COLS)]
                         for r in range(ROWS)]
        conn.root()["bench"] = table
    conn.close()
    db.close()

    template = os.path.join(data_dir, "table.pt")
    with open(template, "w", encoding="utf-8") as f:
        f.write(BASELINE_TEMPLATE)

    def root_factory(request):
        return get_connection(request).root()["bench"]

    def table_view(context, request):
        return {}

    def hello_view(context, request):
        return Response(f"<!DOCTYPE html><p>{escape(context['title'])}</p>")

    settings = {
        "zodbconn.uri": f"file://{filename}",
        "tm.manager_hook": "pyramid_tm.explicit_manager",  # as statportal
    }
    with Configurator(settings=settings, root_factory=root_factory) as config:
        config.include("pyramid_tm")
        config.include("pyramid_zodbconn")
        config.include("pyramid_chameleon")
        config.add_view(table_view, renderer=template)
        config.add_view(hello_view, name="hello")
    return config.make_wsgi_app()


def make_statportal_app(data_dir):
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, make_app, make_settings, open_portal

    # statportal applies STATPORTAL_* variables over its settings: a deployment's
    # STATPORTAL_ZODBCONN_URI must not send the demo content into its database.
    for name in [name for name in os.environ if name.startswith("STATPORTAL_")]:
        del os.environ[name]
    os.makedirs(data_dir, exist_ok=True)
    app = make_app(make_settings(data_dir))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
        add_table_material(app.registry, portal)
    return app


def add_table_material(registry, portal):
    """A published material whose file is a 50x20 xlsx table (the same figures as the
    baseline's), with its preview computed when it is stored, as an upload's is."""
    import io

    from openpyxl import Workbook

    from statportal.content.registry import get_content_registry
    from statportal.files import StoredFile
    from statportal.workflow import fire

    book = Workbook()
    sheet = book.active
    sheet.append(["Region", *[f"Column {c}" for c in range(1, COLS)]])
    for r in range(ROWS - 1):
        sheet.append([f"Region {r + 1}",
                      *[round(100 + (r * COLS + c) * 0.37 % 17, 1) for c in range(1, COLS)]])
    buffer = io.BytesIO()
    book.save(buffer)
    material = get_content_registry(registry).create(
        "Material", title={"kk": "Кесте", "ru": "Таблица", "en": "Industrial production by "
                           "region"}, category="express_information")
    material.files.append(StoredFile("table.xlsx", buffer.getvalue(), "xlsx", language="en"))
    material.primary_data = False  # the table needs no basis (as in the tests)
    material.primary_data_reason = "Administrative data"
    portal["official-statistics"]["economy"]["industry"].add("bench-table", material)
    fire(None, material, "publish", system=True)  # as a moderator's Publish: guards, events


def serve(kind, data_dir, threads):
    """The server subprocess: build the app, print ``PORT n``, serve until stdin closes."""
    import logging

    import waitress

    logging.basicConfig(level=logging.WARNING)
    # With more clients than threads the queue is never empty; waitress would warn on each.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = make_bare_app(data_dir) if kind == "bare" else make_statportal_app(data_dir)
    server = waitress.create_server(app, host=HOST, port=0, threads=threads)

    def watch_parent():
        # The parent closes our stdin to stop us, and so does its death.
        try:
            sys.stdin.buffer.read()
        finally:
            os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"PORT {server.effective_port}", flush=True)
    server.run()


class Server:
    """A ``--serve`` subprocess; a context manager that always stops it."""

    def __init__(self, kind, workdir, threads):
        self.kind = kind
        self.log_path = os.path.join(workdir, f"{kind}-server.log")
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", kind,
             "--data", os.path.join(workdir, kind), "--server-threads", str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
        )
        self.port = None

    def wait_port(self, timeout=STARTUP_TIMEOUT):
        deadline = time.monotonic() + timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(fd, 256)
            if not chunk:
                break
            buf += chunk
            if b"\n" in buf:
                line = buf.split(b"\n", 1)[0].decode()
                if line.startswith("PORT "):
                    self.port = int(line.split()[1])
                    return self.port
                break
        raise RuntimeError(f"the {self.kind} server did not start; its log:\n{self.log_tail()}")

    def cpu_seconds(self):
        """utime + stime of the server process, or None where /proc is not there."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def log_tail(self, n=40):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self):
        proc = self.proc
        try:
            if proc.poll() is None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
                try:
                    proc.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    proc.terminate()
                    try:
                        proc.wait(STOP_TIMEOUT)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(STOP_TIMEOUT)
        finally:
            for stream in (proc.stdin, proc.stdout):
                if stream is not None and not stream.closed:
                    stream.close()
            self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --------------------------------------------------------------------------- load

@dataclass
class ClientResult:
    latencies: list = field(default_factory=list)  # seconds, of the 200s in the window
    ok: int = 0
    failures: int = 0
    errors: dict = field(default_factory=dict)  # description -> count, in the window


def fetch_once(port, target, timeout=10.0):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", target.path, headers={"Accept": target.accept})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", ""), resp.read()
    finally:
        conn.close()


def client_loop(port, target, warm_end, end, result, timeout):
    headers = {"Accept": target.accept, "Accept-Encoding": "identity"}
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    clock = time.perf_counter
    try:
        while True:
            t0 = clock()
            if t0 >= end:
                break
            error = None
            try:
                conn.request("GET", target.path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    error = f"HTTP {resp.status}"
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                conn.close()  # the next request opens a new connection
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
                time.sleep(0.01)
            t1 = clock()
            if t0 < warm_end or t1 > end:
                continue
            if error is None:
                result.ok += 1
                result.latencies.append(t1 - t0)
            else:
                result.failures += 1
                result.errors[error] = result.errors.get(error, 0) + 1
    finally:
        conn.close()


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def run_load(server, target, clients, warmup, duration, timeout):
    start = time.perf_counter() + 0.05
    warm_end = start + warmup
    end = warm_end + duration
    results = [ClientResult() for _ in range(clients)]
    threads = [threading.Thread(target=client_loop, daemon=True,
                                args=(server.port, target, warm_end, end, r, timeout))
               for r in results]
    for t in threads:
        t.start()
    # Server and load generator CPU over the measured window.
    time.sleep(max(0.0, warm_end - time.perf_counter()))
    srv0, cli0 = server.cpu_seconds(), time.process_time()
    time.sleep(max(0.0, end - time.perf_counter()))
    srv1, cli1 = server.cpu_seconds(), time.process_time()
    for t in threads:
        t.join(max(0.1, end + timeout + 1 - time.perf_counter()))
    stuck = sum(t.is_alive() for t in threads)
    latencies = sorted(x for r in results for x in r.latencies)
    ok = sum(r.ok for r in results)
    errors = {}
    for r in results:
        for k, v in r.errors.items():
            errors[k] = errors.get(k, 0) + v
    return {
        "rps": ok / duration,
        "ok": ok,
        "failures": sum(r.failures for r in results),
        "errors": errors,
        "mean_ms": (sum(latencies) / len(latencies) * 1000) if latencies else float("nan"),
        "p95_ms": percentile(latencies, 95) * 1000,
        "srv_cpu_ms": ((srv1 - srv0) / ok * 1000) if ok and srv0 is not None and srv1 is not None
        else float("nan"),
        "srv_cpu_pct": ((srv1 - srv0) / duration * 100) if srv0 is not None and srv1 is not None
        else float("nan"),
        "cli_cpu_pct": (cli1 - cli0) / duration * 100,
        "stuck": stuck,
    }


# --------------------------------------------------------------------------- profile

PROFILE_FILTER = (r"src/statportal/|bench_pages|_[0-9a-f]{32}\.py:|url\.py:\d+\(resource_url\)"
                  r"|colander/__init__\.py:\d+\(bind\)|chameleon/template\.py:\d+\(render\)"
                  r"|pyramid_tm/__init__\.py|router\.py:\d+\(__call__\)")


def profile_targets(targets, workdir, count, lines):
    """Each target's requests in-process, one thread, under cProfile: where the time goes."""
    from webob import Request

    apps = {}
    try:
        for target in targets:
            if target.server not in apps:
                data_dir = os.path.join(workdir, f"profile-{target.server}")
                apps[target.server] = (make_bare_app(data_dir) if target.server == "bare"
                                       else make_statportal_app(data_dir))
            app = apps[target.server]

            def once(app=app, target=target):
                request = Request.blank(target.path, headers={"Accept": target.accept},
                                        remote_addr=HOST)
                response = request.get_response(app)
                if response.status_int != 200:
                    raise RuntimeError(f"{target.name}: {response.status}")

            for _ in range(20):
                once()
            t0 = time.perf_counter()
            for _ in range(count):
                once()
            plain = (time.perf_counter() - t0) / count * 1000
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(count):
                once()
            profiler.disable()
            print(f"\n=== profile of {target.name}: {plain:.2f} ms/request in-process without "
                  f"the profiler; {count} requests, cumulative time, project code, templates "
                  f"and a few library calls only")
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(PROFILE_FILTER, lines)
    finally:
        for app in apps.values():
            for db in getattr(app.registry, "_zodb_databases", {}).values():
                db.close()


# --------------------------------------------------------------------------- report

def package_version(name):
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def nproc():
    exe = shutil.which("nproc")
    if exe:
        try:
            out = subprocess.run([exe], capture_output=True, text=True, timeout=5, check=True)
            return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count())


def print_environment(args):
    print(f"Python     {platform.python_version()} ({platform.python_implementation()}, "
          f"{sys.executable})")
    for dist in ("pyramid", "ZODB", "waitress", "Chameleon", "statportal"):
        print(f"{dist:<10} {package_version(dist)}")
    print(f"nproc      {nproc()}")
    print(f"platform   {platform.platform()}")
    if hasattr(os, "getloadavg"):
        # Other work on the machine shows here, and makes every figure below lower.
        print("loadavg    " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"load       {args.clients} keep-alive clients (threads of one process), "
          f"warm-up {args.warmup:g} s, measured {args.duration:g} s; "
          f"waitress threads={args.server_threads}")
    print()


def check_target(server, target):
    """One request before the load: 200 and the expected media type, or an exception."""
    status, ctype, body = fetch_once(server.port, target)
    if status != 200 or not ctype.startswith(target.content_type):
        raise RuntimeError(f"{target.name}: GET {target.path} answered {status} {ctype!r}")
    if target.content_type == "application/json":
        json.loads(body)
    return len(body)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0,
                        help="measured seconds per target (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="seconds of load before measuring (default 1)")
    parser.add_argument("--clients", type=int, default=8,
                        help="concurrent keep-alive clients (default 8)")
    parser.add_argument("--only", action="append", choices=TARGET_NAMES, metavar="NAME",
                        help=f"run only this target (repeatable): {', '.join(TARGET_NAMES)}")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every target this many times, in turn (default 1)")
    parser.add_argument("--server-threads", type=int, default=4,
                        help="waitress threads (default 4)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="socket timeout of one request, seconds (default 10)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="afterwards, profile N requests of each target in-process")
    parser.add_argument("--profile-lines", type=int, default=25, help=argparse.SUPPRESS)
    parser.add_argument("--serve", choices=("bare", "statportal"), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        serve(args.serve, args.data, args.server_threads)
        return 0
    if (args.duration <= 0 or args.warmup < 0 or args.clients < 1 or args.server_threads < 1
            or args.rounds < 1):
        parser.error("--duration, --clients, --rounds and --server-threads must be positive, "
                     "--warmup not negative")

    # A SIGTERM ends the run through the finally clauses, which stop the servers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    selected = [t for t in TARGETS if not args.only or t.name in args.only]
    print_environment(args)
    rounds = {}  # target name -> one result per round
    workdir = tempfile.mkdtemp(prefix="statportal-bench-")
    try:
        with contextlib.ExitStack() as stack:
            servers = {}
            for kind in ("bare", "statportal"):  # both up, idle while the other is loaded
                if any(t.server == kind for t in selected):
                    server = servers[kind] = stack.enter_context(
                        Server(kind, workdir, args.server_threads))
                    t0 = time.perf_counter()
                    server.wait_port()
                    print(f"[{kind} server on {HOST}:{server.port}, pid {server.proc.pid}, "
                          f"ready in {time.perf_counter() - t0:.1f} s]")
            for number in range(args.rounds):
                if args.rounds > 1:
                    print(f"round {number + 1} of {args.rounds}")
                for target in selected:
                    server = servers[target.server]
                    size = check_target(server, target)
                    res = run_load(server, target, args.clients, args.warmup, args.duration,
                                   args.timeout)
                    res["bytes"] = size
                    rounds.setdefault(target.name, []).append(res)
                    print(f"  {target.name:<13} {res['rps']:8.1f} req/s"
                          f"  ({res['ok']} ok, {res['failures']} failed)")
                    if server.proc.poll() is not None:
                        raise RuntimeError(f"the {target.server} server died; its log:\n"
                                           f"{server.log_tail()}")
        results = combine(rounds)
        print_table(selected, results)
        if args.profile > 0:
            profile_targets(selected, workdir, args.profile, args.profile_lines)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if any(r["failures"] or r["stuck"] for r in results.values()) else 0


def combine(rounds):
    """One result per target: the median round's figures (by req/s), failures summed, and
    ``ratio``, the median of each round's req/s over the same round's baseline (a shared
    machine's load changes between rounds more than within one)."""
    base = rounds.get("baseline")
    results = {}
    for name, runs in rounds.items():
        middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
        result = dict(middle, failures=sum(r["failures"] for r in runs),
                      stuck=sum(r["stuck"] for r in runs))
        if base:
            ratios = sorted(r["rps"] / b["rps"] for r, b in zip(runs, base, strict=True)
                            if b["rps"])
            result["ratio"] = ratios[len(ratios) // 2] if ratios else None
        results[name] = result
    return results


def print_table(selected, results):
    print()
    header = (f"{'target':<13} {'request':<42} {'req/s':>8} {'mean ms':>8} {'p95 ms':>7} "
              f"{'fail':>5} {'ratio':>6} {'srv CPU ms/req':>14} {'srv CPU':>7} "
              f"{'gen CPU':>7} {'bytes':>6}")
    print(header)
    print("-" * len(header))
    for t in selected:
        r = results.get(t.name)
        if r is None:
            continue
        ratio = f"{r['ratio']:.2f}x" if r.get("ratio") else "-"
        request = f"GET {t.path} ({t.accept.split('/')[1]})"
        print(f"{t.name:<13} {request:<42} {r['rps']:8.1f} {r['mean_ms']:8.2f} "
              f"{r['p95_ms']:7.2f} {r['failures']:5d} {ratio:>6} {r['srv_cpu_ms']:14.2f} "
              f"{r['srv_cpu_pct']:6.0f}% {r['cli_cpu_pct']:6.0f}% {r['bytes']:6d}")
    for t in selected:
        r = results.get(t.name)
        if r and (r["errors"] or r["stuck"]):
            print(f"{t.name}: errors {r['errors']}, clients still running at the end: "
                  f"{r['stuck']}")
    print("\nratio = req/s / baseline req/s of the same round (the median of the rounds; the "
          "other figures are the median round's);\nsrv CPU = CPU time of the waitress process "
          "(100% = one core);\ngen CPU = CPU time of this load generator over the window.")


if __name__ == "__main__":
    sys.exit(main())
