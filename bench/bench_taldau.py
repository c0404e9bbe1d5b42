#!/usr/bin/env python
"""Taldau, the data service: a large indicator's import, and its selections served by waitress.

Run from the project root::

    .venv/bin/python bench/bench_taldau.py [--regions 238] [--activities 80] [--months 120]
                                           [--duration 5] [--clients 8] [--rounds 3]
                                           [--requests 30] [--profile]

Three measures, on the storage ``make serve`` opens (a FileStorage with its blobs, here in a
temporary directory removed at the end):

(a) ``import`` -- an indicator of ``--regions`` x ``--activities`` x ``--months`` (238 x 80 x
    120 = 2,284,800 observations, one decimal, 1 % of them confidential ``X``) written as
    the long CSV an office would upload, then imported through the import's own functions:
    ``import_views.import_file`` (what ``POST /data/<id>/@import`` calls), its steps timed:
    ``read_rows`` (read), ``validate`` (every row checked), ``add_vintage`` and the commit
    (store). Goal: under 60 s in all.
(b) ``select``  -- ``GET /data/bench/@data`` of 20 regions x the last 12 months of one
    activity (JSON-stat 2), anonymous, under load from ``--clients`` keep-alive clients,
    against ``baseline``: the bare Pyramid + ZODB + Chameleon 50x20 page of
    ``bench_pages.py`` (its ``--serve bare``), in the same run, round after round. Goal: at
    least half the baseline's requests per second.
(c) ``table``   -- the whole table of one activity (238 regions x 120 months) as JSON-stat and
    as CSV: the first request of a server just started (cold: the vintage's blob read and the
    cube built) and the median of ``--requests`` sequential ones after it (warm). Goal:
    median under 100 ms.

Each server is a subprocess (this script re-run with the hidden ``--serve``, or
``bench_pages.py --serve bare``) on a port the OS picks; ``--profile`` prints, afterwards,
cProfile's top 15 (cumulative) of the import and of each request kind, in-process.
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_pages as pages  # noqa: E402

INDICATOR = "bench"
HTTP_INDICATOR = "bench-http"  # the same, empty: --http-import fills it
SETTINGS = {
    # the load generator is one client address: the public's pace must not refuse it
    "statportal.data.requests_per_minute": "1000000000",
    "statportal.worker.in_process": "false",
    "statportal.mail.deliver_in_process": "false",
}
GOALS = {"import": 60.0, "ratio": 0.5, "table": 100.0}


# --------------------------------------------------------------------------- the data

def region_codes(n):
    return [f"R{i:03d}" for i in range(1, n + 1)]


def activity_codes(n):
    return [f"A{i:02d}" for i in range(1, n + 1)]


def month_texts(n, first_year=2016):
    return [f"{first_year + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def write_csv(path, regions, activities, months, seed=20):
    """The long CSV (region, activity, period, value, status); 1 % of the cells ``X``
    with an empty value. Returns the number of rows."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    r, a, m = len(regions), len(activities), len(months)
    index = np.indices((r, a, m)).reshape(3, -1)
    values = np.round(rng.gamma(2.0, 500.0, r * a * m), 1)
    confidential = rng.random(r * a * m) < 0.01
    value_text = pd.Series(values).map("{:.1f}".format)
    value_text[confidential] = ""
    frame = pd.DataFrame({
        "region": np.asarray(regions)[index[0]], "activity": np.asarray(activities)[index[1]],
        "period": np.asarray(months)[index[2]], "value": value_text,
        "status": np.where(confidential, "X", "")})
    frame.to_csv(path, index=False)
    return len(frame)


def add_bench_indicator(registry, portal, regions, activities, name=INDICATOR):
    """``/data/bench``: a monthly indicator of regions x economic activities."""
    from statportal.demo.data import make_indicator

    def dimension(code, title, codes):
        return {"code": code, "title": {"kk": title, "ru": title, "en": title},
                "hierarchy": [{"code": c, "parent": "", "label": {"kk": c, "ru": c, "en": c}}
                              for c in codes]}

    fields = {
        "code": "BENCH", "title": {"kk": "Сынақ", "ru": "Тест", "en": "Bench"},
        "periodicity": "monthly", "decimals": 1,
        "unit": "/orgunits/industry-statistics",  # its executors import (aigerim)
        "unit_of_measure": {"kk": "млн теңге", "ru": "млн тенге", "en": "million tenge"},
        "dimensions": [dimension("region", "Region", regions),
                       dimension("activity", "Activity", activities)]}
    return make_indicator(registry, portal["data"], name, fields)


def import_csv(registry, indicator, path):
    """The import's own function (``import_views.import_file``, what ``POST @import`` and
    the staff form call) on the file at ``path``, its three steps timed where it calls
    them; returns their seconds and the vintage (the caller commits, timed as "store")."""
    from statportal.taldau import import_views, importing, store

    times = {"read": 0.0, "validate": 0.0, "store": 0.0}

    def timed(module, name, step):
        original = getattr(module, name)

        def run(*args, **kw):
            t0 = time.perf_counter()
            try:
                return original(*args, **kw)
            finally:
                times[step] += time.perf_counter() - t0
        return original, run

    patches = [(importing, "read_rows", "read"), (importing, "validate", "validate"),
               (store, "add_vintage", "store")]
    originals = []
    for module, name, step in patches:
        original, run = timed(module, name, step)
        originals.append((module, name, original))
        setattr(module, name, run)
    try:
        with open(path, "rb") as f:
            data = f.read()
        request = SimpleNamespace(registry=registry, authenticated_userid="bench")
        vintage = import_views.import_file(request, indicator, os.path.basename(path), data)
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    return times, vintage


def build(data_dir, csv_path, regions, activities, profile=False):
    """The portal with ``/data/bench`` imported from ``csv_path``; the import's split."""
    import transaction

    from statportal.demo import add_demo_content
    from statportal.testing import (
        DEMO_PASSWORD,
        close_app,
        make_app,
        make_settings,
        open_portal,
    )

    os.makedirs(data_dir, exist_ok=True)
    app = make_app(make_settings(data_dir, **SETTINGS))
    profiler = cProfile.Profile() if profile else None
    try:
        with open_portal(app) as portal:
            # the demo's people: aigerim (an executor) imports over HTTP (--http-import)
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
            indicator = add_bench_indicator(app.registry, portal, regions, activities)
            add_bench_indicator(app.registry, portal, regions, activities, HTTP_INDICATOR)
        with open_portal(app) as portal:
            indicator = portal["data"][INDICATOR]
            if profiler:
                profiler.enable()
            t0 = time.perf_counter()
            times, vintage = import_csv(app.registry, indicator, csv_path)
            t1 = time.perf_counter()
            transaction.commit()
            times["store"] += time.perf_counter() - t1
            times["total"] = time.perf_counter() - t0
            if profiler:
                profiler.disable()
            times["rows"] = vintage.rows
            times["summary"] = dict(vintage.summary)
    finally:
        close_app(app)
    return times, profiler


# --------------------------------------------------------------------------- servers

def serve(data_dir, threads):
    """The server subprocess: open the portal built by ``build``, print ``PORT n``, serve."""
    import logging
    import threading

    import waitress

    from statportal.testing import make_app, make_settings

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    for name in [name for name in os.environ if name.startswith("STATPORTAL_")]:
        del os.environ[name]
    app = make_app(make_settings(data_dir, **SETTINGS))
    server = waitress.create_server(app, host=pages.HOST, port=0, threads=threads)

    def watch_parent():
        try:
            sys.stdin.buffer.read()
        finally:
            os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"PORT {server.effective_port}", flush=True)
    server.run()


class TaldauServer(pages.Server):
    """``bench_taldau.py --serve`` on the portal in ``data_dir`` (bench_pages' Server,
    started with this script)."""

    def __init__(self, workdir, data_dir, threads, name="taldau"):
        self.kind = name
        self.log_path = os.path.join(workdir, f"{name}-server.log")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", "--data", data_dir,
             "--server-threads", str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self.port = None


@dataclass(frozen=True)
class Request:
    name: str
    path: str
    content_type: str
    server: str = "statportal"
    accept: str = "*/*"


def data_path(valuecodes, output_format=None):
    query = "&".join(f"valuecodes[{dim}]={quote(codes, safe=',()*')}"
                     for dim, codes in valuecodes.items())
    if output_format:
        query += f"&outputFormat={output_format}"
    return f"/data/{INDICATOR}/@data?{query}"


def requests_of(regions, activities):
    select = {"region": ",".join(regions[:20]), "activity": activities[0],
              "period": "top(12)"}
    table = {"activity": activities[0]}
    return {
        "select": Request("select", data_path(select), "application/json"),
        "table-json": Request("table-json", data_path(table), "application/json"),
        "table-csv": Request("table-csv", data_path(table, "csv"), "text/csv"),
    }


def http_import(workdir, data_dir, csv_path, threads, timeout):
    """``POST /data/bench-http/@import`` of the CSV (base64 in JSON) as the executor
    aigerim, over HTTP to a waitress server: seconds until its 201, and the body's size."""
    import base64
    import http.client

    from statportal.testing import DEMO_PASSWORD

    with open(csv_path, "rb") as f:
        body = json.dumps({"file": {"filename": "bench.csv",
                                    "data": base64.b64encode(f.read()).decode()}}).encode()
    token = base64.b64encode(f"aigerim:{DEMO_PASSWORD}".encode()).decode()
    with TaldauServer(workdir, data_dir, threads, name="taldau-import") as server:
        server.wait_port()
        conn = http.client.HTTPConnection(pages.HOST, server.port, timeout=timeout)
        try:
            t0 = time.perf_counter()
            conn.request("POST", f"/data/{HTTP_INDICATOR}/@import", body=body, headers={
                "Content-Type": "application/json", "Accept": "application/json",
                "Authorization": f"Basic {token}"})
            response = conn.getresponse()
            answer = response.read()
            seconds = time.perf_counter() - t0
        finally:
            conn.close()
    if response.status != 201:
        raise RuntimeError(f"POST @import answered {response.status}: {answer[:500]!r}")
    return {"seconds": seconds, "bytes": len(body), "rows": json.loads(answer).get("rows")}


def check(port, request, cells=None):
    """One request: 200, the media type, and (JSON-stat) the number of cells asked for."""
    status, ctype, body = pages.fetch_once(port, request)
    if status != 200 or not ctype.startswith(request.content_type):
        raise RuntimeError(f"{request.name}: GET {request.path} answered {status} {ctype!r}: "
                           f"{body[:300]!r}")
    if cells is not None and request.content_type == "application/json":
        found = len(json.loads(body)["value"])
        if found != cells:
            raise RuntimeError(f"{request.name}: {found} values, expected {cells}")
    return len(body)


def timed_requests(workdir, data_dir, request, count, threads, cells):
    """The first request of a freshly started server (cold), then ``count`` more (warm)."""
    with TaldauServer(workdir, data_dir, threads, name=f"taldau-{request.name}") as server:
        server.wait_port()
        t0 = time.perf_counter()
        size = check(server.port, request, cells)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(count):
            t0 = time.perf_counter()
            check(server.port, request)
            warm.append(time.perf_counter() - t0)
    warm.sort()
    return {"cold_ms": cold * 1000, "median_ms": statistics.median(warm) * 1000,
            "p95_ms": pages.percentile(warm, 95) * 1000, "bytes": size}


def load_rounds(workdir, data_dir, request, args):
    """``request`` and the baseline under load, in turn, ``--rounds`` times."""
    baseline = pages.Target("baseline", "bare", "/", "text/html", "text/html")
    target = pages.Target(request.name, "statportal", request.path, request.accept,
                          request.content_type)
    runs = {"baseline": [], request.name: []}
    with contextlib.ExitStack() as stack:
        bare = stack.enter_context(pages.Server("bare", workdir, args.server_threads))
        taldau = stack.enter_context(TaldauServer(workdir, data_dir, args.server_threads))
        bare.wait_port()
        taldau.wait_port()
        for number in range(args.rounds):
            for server, each in ((bare, baseline), (taldau, target)):
                pages.check_target(server, each)
                result = pages.run_load(server, each, args.clients, args.warmup,
                                        args.duration, args.timeout)
                runs[each.name].append(result)
                print(f"  round {number + 1}: {each.name:<9} {result['rps']:8.1f} req/s "
                      f"({result['ok']} ok, {result['failures']} failed)", flush=True)
    return pages.combine(runs)


# --------------------------------------------------------------------------- profile

def print_profile(title, profiler, lines=15):
    """Top ``lines`` of the data service's own code by cumulative time (below the tweens
    every request shares), then of everything by own time."""
    for order, restriction, what in (
            ("cumulative", (r"statportal/taldau/|importing|reading", lines),
             "the data service's functions by cumulative time"),
            ("tottime", (lines,), "all functions by own time")):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(order).print_stats(*restriction)
        body = stream.getvalue()
        body = body[body.find("   ncalls"):] if "   ncalls" in body else body
        print(f"\n=== {title}: cProfile, top {lines}, {what}\n{body.rstrip()}")


def profile_requests(data_dir, requests, count):
    from webob import Request as WebRequest

    from statportal.testing import close_app, make_app, make_settings

    app = make_app(make_settings(data_dir, **SETTINGS))
    try:
        for request in requests:
            def once(request=request):
                response = WebRequest.blank(request.path, remote_addr=pages.HOST) \
                    .get_response(app)
                if response.status_int != 200:
                    raise RuntimeError(f"{request.name}: {response.status}")

            once()
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(count):
                once()
            profiler.disable()
            print_profile(f"{request.name} ({count} requests, warm)", profiler)
    finally:
        close_app(app)


# --------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=238)
    parser.add_argument("--activities", type=int, default=80)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--duration", type=float, default=5.0,
                        help="measured seconds of each load (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="seconds of load before measuring (default 1)")
    parser.add_argument("--clients", type=int, default=8,
                        help="concurrent keep-alive clients (default 8)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="load rounds, selection and baseline in turn (default 3)")
    parser.add_argument("--requests", type=int, default=30,
                        help="sequential requests of each whole table after the first "
                             "(default 30)")
    parser.add_argument("--server-threads", type=int, default=4,
                        help="waitress threads (default 4)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="socket timeout of one request, seconds (default 30)")
    parser.add_argument("--profile", action="store_true",
                        help="afterwards, cProfile's top 15 of the import and the requests")
    parser.add_argument("--http-import", action="store_true",
                        help="also import the same CSV through POST @import over HTTP "
                             "(base64 in JSON, as an executor), into a second indicator")
    parser.add_argument("--workdir", help="keep the CSV and the portal in this directory "
                        "(not removed); a portal already built there is reused, not imported "
                        "again (the import's figures are then not shown)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.data, args.server_threads)
        return 0
    if min(args.regions, args.activities, args.months, args.clients, args.rounds,
           args.requests) < 1 or args.regions < 20 or args.months < 12:
        parser.error("sizes, --clients, --rounds and --requests must be positive; at least "
                     "20 regions and 12 months (the selection)")

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    pages.print_environment(args)
    regions, activities = region_codes(args.regions), activity_codes(args.activities)
    months = month_texts(args.months)
    requests = requests_of(regions, activities)
    workdir = args.workdir or tempfile.mkdtemp(prefix="statportal-bench-taldau-")
    data_dir = os.path.join(workdir, "statportal")
    built = os.path.join(workdir, "built")
    failed = []
    try:
        rows, imported, import_profile = args.regions * args.activities * args.months, None, None
        sizes = [args.regions, args.activities, args.months]
        if os.path.exists(built):
            with open(built) as f:
                if json.load(f) != sizes:
                    raise SystemExit(f"{workdir} holds a portal of other sizes: {f.name}")
        else:
            os.makedirs(workdir, exist_ok=True)
            csv_path = os.path.join(workdir, "bench.csv")
            t0 = time.perf_counter()
            rows = write_csv(csv_path, regions, activities, months)
            print(f"[wrote {rows:,} rows, {os.path.getsize(csv_path) / 1e6:.0f} MB of CSV in "
                  f"{time.perf_counter() - t0:.1f} s (not measured)]", flush=True)
            imported, import_profile = build(data_dir, csv_path, regions, activities,
                                             profile=args.profile)
            print(f"[imported in {imported['total']:.1f} s]", flush=True)
            with open(built, "w") as f:
                f.write(json.dumps(sizes))
        posted = None
        if args.http_import:
            csv_path = os.path.join(workdir, "bench.csv")
            if not os.path.exists(csv_path):
                write_csv(csv_path, regions, activities, months)
            posted = http_import(workdir, data_dir, csv_path, args.server_threads,
                                 max(args.timeout, 600))
            print(f"[imported over HTTP in {posted['seconds']:.1f} s]", flush=True)
        cells = args.regions * args.months
        tables = {name: timed_requests(workdir, data_dir, requests[name], args.requests,
                                       args.server_threads, cells)
                  for name in ("table-json", "table-csv")}
        loaded = load_rounds(workdir, data_dir, requests["select"], args)
        failed = report(args, rows, imported, posted, tables, loaded)
        if args.profile or failed:
            if import_profile:
                print_profile("import (read, validate, store, commit)", import_profile)
            profile_requests(data_dir, list(requests.values()), 20)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def report(args, rows, imported, posted, tables, loaded):
    """The table; returns the goals missed."""
    failed = []
    size = f"{args.regions} x {args.activities} x {args.months}"
    if imported is None:
        print(f"\n(a) import of {rows:,} observations ({size}): not run (--workdir reused)")
    else:
        print(f"\n(a) import of {rows:,} observations ({size}; {imported['rows']:,} stored, "
              f"summary {imported['summary']})")
        print(f"    read {imported['read']:.1f} s   validate {imported['validate']:.1f} s   "
              f"store {imported['store']:.1f} s   total {imported['total']:.1f} s   "
              f"(goal < {GOALS['import']:.0f} s)")
        if imported["total"] >= GOALS["import"]:
            failed.append("import")
    if posted is not None:
        print(f"    over HTTP: POST /data/{HTTP_INDICATOR}/@import, {posted['bytes'] / 1e6:.0f} MB "
              f"of JSON, 201 with {posted['rows']:,} rows in {posted['seconds']:.1f} s")
        if posted["seconds"] >= GOALS["import"]:
            failed.append("import over HTTP")
    select, base = loaded["select"], loaded["baseline"]
    ratio = select.get("ratio") or 0.0
    print(f"\n(b) {'request':<52} {'req/s':>8} {'mean ms':>8} {'p95 ms':>7} {'fail':>5} "
          f"{'ratio':>6} {'srv CPU ms/req':>14}")
    for name, result in (("baseline (bare Pyramid + ZODB, 50x20 page)", base),
                         ("select: 20 regions x 12 months, JSON-stat", select)):
        print(f"    {name:<52} {result['rps']:8.1f} {result['mean_ms']:8.2f} "
              f"{result['p95_ms']:7.2f} {result['failures']:5d} "
              f"{result.get('ratio') or 0:5.2f}x {result['srv_cpu_ms']:14.2f}")
    print(f"    (goal: ratio >= {GOALS['ratio']}; the median of {args.rounds} rounds, each "
          f"against its own round's baseline)")
    if ratio < GOALS["ratio"] or select["failures"]:
        failed.append("select")
    print(f"\n(c) whole table of one activity ({args.regions} x {args.months} cells)")
    print(f"    {'format':<12} {'cold ms':>8} {'median ms':>10} {'p95 ms':>7} {'bytes':>10}")
    for name, result in tables.items():
        print(f"    {name:<12} {result['cold_ms']:8.1f} {result['median_ms']:10.1f} "
              f"{result['p95_ms']:7.1f} {result['bytes']:10,}")
        if result["median_ms"] >= GOALS["table"]:
            failed.append(name)
    print(f"    (goal: median < {GOALS['table']:.0f} ms; cold = the first request of a server "
          f"just started, warm = {args.requests} sequential requests after it)")
    print("\ngoals missed: " + (", ".join(failed) if failed else "none"))
    return failed


if __name__ == "__main__":
    sys.exit(main())
