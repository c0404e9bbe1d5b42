#!/usr/bin/env python
"""The editors' pages of two versions of statportal, timed in turns (A B A B …).

    .venv/bin/python bench/bench_staff_pages.py [--old-src /tmp/start18/src] [--new-src src]
        [--requests 20000] [--materials 300] [--rounds 5] [--runs 5] [--only NAME]

Two worker processes (this script re-run with ``--worker``, each with ``PYTHONPATH`` set
to one version's ``src``) build the same portal on their own temporary FileStorage: the
full demo, N placement requests (``bench_requests``'s: a quarter made by the executor
``aigerim``; the newest 200 registered and queued, due within a week; 50 submitted; 50 of
hers drafts; the rest placed, each naming one of M private materials in the industry
section, which its folder contents list).
Then, round after round, each page is timed ``--runs`` times in one worker and then in the
other (the order swapped every round), in process through WebTest as the person who
opens it, so that both versions meet the same load of a shared machine. Only one worker
works at a time. Prints, per page, each version's median over all its runs, the median
of the rounds' ratios (new / old) and their range. A page that answers other than 200
in either version is reported (its status is printed). Each run's wall time and the
worker's CPU time (``time.process_time``) are recorded: on a loaded machine the wall time
of a page of a few ms is mostly the scheduler's (a 4 ms time slice lost or not), so the
ratios are taken of the CPU medians.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = ("/orgunits/industry-statistics", "/orgunits/labour-statistics",
         "/orgunits/almaty-city/industry", "/orgunits/karaganda-region/labour")
CATEGORIES = ("latest_data", "press_release", "express_information", "bulletin", "compilation")
REGISTER = ("/requests/@register?year=2025&category=bulletin&state=placed"
            "&unit=/orgunits/labour-statistics&sort=registered_at&order=desc")
# name, who (None: anonymous), path ("{request}": a registered request of aigerim's)
PAGES = [
    ("home", None, "/"),
    ("section", None, "/official-statistics/economy/"),
    ("search", None, "/search?SearchableText=%D0%B8%D0%BD%D0%B4%D0%B5%D0%BA%D1%81"),
    ("calendar", None, "/calendar/"),
    ("my-work (executor)", "aigerim", "/my-work"),
    # "My requests" at its 201st page (issue 18; before it, the parameter was ignored)
    ("my-work, My requests p201", "aigerim", "/my-work?b_start=4000"),
    ("my-work (coordinator)", "dana", "/my-work"),
    ("register, 4 filters", "dana", REGISTER),
    ("register, no filter", "dana", "/requests/@register"),
    ("register .xlsx, 4 filters", "dana", REGISTER + "&format=xlsx"),
    ("queue", "yerlan", "/requests/@queue"),
    ("request page", "dana", "{request}"),
    ("principals", "admin", "/principals"),
    ("sharing", "admin", "/official-statistics/economy/sharing"),
    ("contents", "admin", "/official-statistics/economy/industry/contents"),
]
PAGE_NAMES = [p[0] for p in PAGES]


# --------------------------------------------------------------------------- worker

def build(app, total, materials, batch=5000):
    from statportal.content.registry import get_content_registry
    from statportal.demo import add_demo_content
    from statportal.files import StoredFile
    from statportal.placement.catalog import get_catalog
    from statportal.placement.queue import enqueue
    from statportal.testing import DEMO_PASSWORD, open_portal
    from statportal.workflow import adopt

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
        content = get_content_registry(app.registry)
        industry = portal["official-statistics"]["economy"]["industry"]
        for i in range(materials):
            material = content.create("Material", title={"ru": f"Материал {i}",
                                                         "en": f"Material {i}"},
                                      category=CATEGORIES[i % 5])
            industry.add(f"bench-{i:04d}", material, send_events=False)
    content = get_content_registry(app.registry)
    rng = random.Random(7)
    start, now = datetime(2025, 1, 9, 4, 0, tzinfo=UTC), datetime.now(UTC)
    shared = StoredFile("report.xlsx", b"PK\x03\x04" + b"\0" * 2000, "xlsx")
    made, sample = 0, None
    while made < total:
        with open_portal(app) as portal:
            requests = portal["requests"]
            catalog = get_catalog(requests)
            for _ in range(min(batch, total - made)):
                made += 1
                hers = made % 4 == 0
                obj = content.create("PlacementRequest", title={
                    "kk": f"Өнеркәсіп өндірісі №{made}", "en": f"Industrial output {made}"})
                obj.creator = "aigerim" if hers else "bench"
                obj.category = rng.choice(CATEGORIES)
                obj.unit = UNITS[0] if hers else rng.choice(UNITS)
                obj.section = "/official-statistics/economy/industry"
                obj.placement_type, obj.replaces = "new", None
                obj.languages = ("kk", "ru")
                obj.executor_email, obj.executor, obj.head_of_unit = "a@stat.kz", "A", "M"
                obj.page_count, obj.paper_number, obj.paper_date, obj.note = 1, "", None, ""
                obj.files.append(shared)
                moment = start + timedelta(minutes=7 * made)
                obj.submitted_at = obj.registered_at = moment
                obj.due = moment + timedelta(minutes=30)
                obj.number = f"{moment.year}-{made:06d}"
                name = requests.new_id()
                requests.add(name, obj, send_events=False)
                left = total - made
                if left < 200:  # due from 30 minutes to a week from now (the time left)
                    obj.due = now + timedelta(minutes=rng.randint(30, 7 * 24 * 60))
                    adopt(app.registry, obj, "registered", actor="bench", at=moment)
                    enqueue(obj)
                    if hers:
                        sample = name
                elif left < 250:
                    adopt(app.registry, obj, "submitted", actor="bench", at=moment)
                elif left < 450 and hers:
                    adopt(app.registry, obj, "draft", actor="bench", at=moment)
                else:  # placed: its material one of the section's (their addresses)
                    obj.material = f"/official-statistics/economy/industry/bench-" \
                                   f"{made % max(1, materials):04d}"
                    obj.executed_at = obj.due - timedelta(minutes=rng.randint(1, 40))
                    adopt(app.registry, obj, "placed", actor="bench", at=obj.executed_at)
                catalog.index(obj)
    return sample


def worker(args):
    from webtest import TestApp

    import statportal
    from statportal.testing import close_app, login_html, make_app, make_settings

    for name in [n for n in os.environ if n.startswith("STATPORTAL_")]:
        del os.environ[name]  # never write into a configured database
    tmp, app = tempfile.mkdtemp(prefix="bench-staff-"), None
    try:
        app = make_app(make_settings(Path(tmp), **{"statportal.mail.deliver_in_process": "false"}))
        began = time.perf_counter()
        sample = build(app, args.requests, args.materials)
        built = time.perf_counter() - began
        clients = {}
        for _name, who, _path in PAGES:
            if who not in clients:
                client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "ru",
                                                     "REMOTE_ADDR": "127.0.0.1"})
                if who:
                    login_html(client, who)
                clients[who] = client
        pages = {name: (who, path.replace("{request}", f"/requests/{sample}"))
                 for name, who, path in PAGES}
        for who, path in pages.values():  # templates compiled, caches filled: not timed
            for _ in range(2):
                clients[who].get(path, headers={"Accept": "text/html"}, status="*")
        print("READY " + json.dumps({"file": statportal.__file__, "built_s": round(built, 1)}),
              flush=True)
        for line in sys.stdin:
            name, runs = line.rsplit(" ", 1)
            who, path = pages[name]
            client, times, cpu, status, size = clients[who], [], [], None, 0
            for _ in range(int(runs)):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(path, headers={"Accept": "text/html"}, status="*")
                cpu.append((time.process_time() - c0) * 1000)
                times.append((time.perf_counter() - t0) * 1000)
                status, size = response.status_int, len(response.body)
            print(json.dumps({"status": status, "bytes": size, "times": times, "cpu": cpu}),
                  flush=True)
    finally:  # the stored requests go with the worker
        if app is not None:
            close_app(app)
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- driver

class Worker:
    def __init__(self, label, src, args):
        env = dict(os.environ, PYTHONPATH=str(Path(src).resolve()))
        self.label = label
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", "--requests", str(args.requests),
             "--materials", str(args.materials)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd="/")

    def ready(self):
        for line in self.proc.stdout:
            if line.startswith("READY "):
                return json.loads(line[6:])
        raise RuntimeError(f"the {self.label} worker ended before it was ready")

    def time(self, page, runs):
        self.proc.stdin.write(f"{page} {runs}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.label} worker died")
        return json.loads(line)

    def stop(self):
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-src", default="/tmp/start18/src")
    parser.add_argument("--new-src", default=str(ROOT / "src"))
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--materials", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5, help="runs of a page per turn")
    parser.add_argument("--only", action="append", choices=PAGE_NAMES, metavar="NAME")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)

    print(f"loadavg at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"nproc {os.cpu_count()}; {args.requests:,} requests, {args.materials} materials; "
          f"{args.rounds} rounds x {args.runs} runs", flush=True)
    workers = [Worker("old", args.old_src, args), Worker("new", args.new_src, args)]
    try:
        for w in workers:
            info = w.ready()
            print(f"  {w.label}: {info['file']} (built in {info['built_s']} s)", flush=True)
        selected = [p for p in PAGE_NAMES if not args.only or p in args.only]
        samples = {(p, w.label, kind): [] for p in selected for w in workers
                   for kind in ("times", "cpu")}
        ratios = {p: [] for p in selected}  # of the rounds' CPU medians
        statuses = {}
        for number in range(args.rounds):
            order = workers if number % 2 == 0 else workers[::-1]
            for page in selected:
                medians = {}
                for w in order:
                    result = w.time(page, args.runs)
                    statuses[(page, w.label)] = (result["status"], result["bytes"])
                    for kind in ("times", "cpu"):
                        samples[(page, w.label, kind)].extend(result[kind])
                    medians[w.label] = statistics.median(result["cpu"])
                ratios[page].append(medians["new"] / max(medians["old"], 1e-3))
            print(f"  round {number + 1}: loadavg "
                  f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    finally:
        for w in workers:
            w.stop()
    print("\n| page | who | old wall ms | new wall ms | old CPU ms | new CPU ms |"
          " new/old CPU (median of rounds) | rounds' range | status old/new | bytes old/new |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, who, _path in PAGES:
        if name not in ratios:
            continue
        med = {key[1:]: statistics.median(values) for key, values in samples.items()
               if key[0] == name}
        r = sorted(ratios[name])
        (so, bo), (sn, bn) = statuses[(name, "old")], statuses[(name, "new")]
        print(f"| {name} | {who or 'anonymous'} | {med[('old', 'times')]:.1f} | "
              f"{med[('new', 'times')]:.1f} | {med[('old', 'cpu')]:.1f} | "
              f"{med[('new', 'cpu')]:.1f} | {statistics.median(r):.2f} | "
              f"{r[0]:.2f}–{r[-1]:.2f} | {so}/{sn} | {bo:,}/{bn:,} |")
    print(f"\nloadavg at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
