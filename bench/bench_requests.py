"""The moderator's queue and the coordinator's register with 100,000 requests stored.

    .venv/bin/python bench/bench_requests.py [--requests 100000] [--queued 200] [--runs 30]

Builds a portal on a temporary FileStorage, stores N placement requests in
batches (progress is printed), then times, in process through WebTest (no
HTTP server): GET /requests/@queue, a filtered GET /requests/@register, and
the register transition of one request. Prints median and p90 in ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
for name in [n for n in os.environ if n.startswith("STATPORTAL_")]:
    del os.environ[name]  # never write into a configured database

from statportal.testing import (  # noqa: E402
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)

CATEGORIES = ("latest_data", "press_release", "express_information", "bulletin", "compilation")
UNITS = ("/orgunits/industry-statistics", "/orgunits/labour-statistics",
         "/orgunits/almaty-city/industry", "/orgunits/karaganda-region/labour")


def build(app, total, queued, batch=5000):
    from statportal.content.registry import get_content_registry
    from statportal.demo import add_demo_content
    from statportal.files import StoredFile
    from statportal.placement.catalog import get_catalog
    from statportal.placement.queue import enqueue
    from statportal.workflow import adopt

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    content = get_content_registry(app.registry)
    rng = random.Random(7)
    start = datetime(2025, 1, 9, 4, 0, tzinfo=UTC)
    made = 0
    began = time.perf_counter()
    shared = None
    while made < total:
        with open_portal(app) as portal:
            requests = portal["requests"]
            catalog = get_catalog(requests)
            if shared is None:
                shared = StoredFile("report.xlsx", b"PK\x03\x04" + b"\0" * 2000, "xlsx")
            for _ in range(min(batch, total - made)):
                made += 1
                obj = content.create("PlacementRequest", title={
                    "kk": f"Өнеркәсіп өндірісі №{made}", "en": f"Industrial output {made}"})
                obj.category = rng.choice(CATEGORIES)
                obj.unit = rng.choice(UNITS)
                obj.section = "/official-statistics/economy/industry"
                obj.placement_type, obj.replaces = "new", None
                obj.languages = ("kk", "ru")
                obj.executor_email, obj.executor, obj.head_of_unit = "a@stat.kz", "A", "M"
                obj.page_count, obj.paper_number, obj.paper_date, obj.note = 1, "", None, ""
                obj.files.append(shared)
                moment = start + timedelta(minutes=7 * made)
                obj.submitted_at = obj.registered_at = moment
                obj.due = moment + timedelta(minutes=30)
                in_queue = made > total - queued
                obj.number = f"{moment.year}-{made:06d}"
                name = requests.new_id()
                requests.add(name, obj, send_events=False)
                # stored in the state it has reached (registering 200 by the transition
                # would mail 200 PDF forms; placing 100,000 would publish as many materials)
                if in_queue:
                    adopt(app.registry, obj, "registered", actor="bench", at=moment)
                    enqueue(obj)
                else:
                    obj.executed_at = obj.due - timedelta(minutes=rng.randint(1, 40))
                    adopt(app.registry, obj, "placed", actor="bench", at=obj.executed_at)
                catalog.index(obj)
        rate = made / (time.perf_counter() - began)
        print(f"  stored {made:>7,} / {total:,} requests ({rate:,.0f}/s)", flush=True)


def timed(runs, call):
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--queued", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from webtest import TestApp

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(make_settings(Path(tmp), **{"statportal.mail.deliver_in_process": "false"}))
        try:
            print(f"building {args.requests:,} requests ({args.queued} in the queue)…")
            build(app, args.requests, args.queued)
            size = sum(f.stat().st_size for f in Path(tmp).glob("Data.fs"))
            print(f"  Data.fs: {size / 2**20:,.0f} MiB")
            client = TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
            client.authorization = basic_auth("dana")
            client.get("/++api++/requests/@queue")  # warm the caches once
            results = {}
            client.authorization = basic_auth("yerlan")
            results["queue JSON (yerlan)"] = timed(args.runs, lambda: client.get(
                "/++api++/requests/@queue"))
            client.authorization = basic_auth("dana")
            query = "/++api++/requests/@register?year=2025&category=bulletin&state=placed" \
                    "&unit=/orgunits/labour-statistics&sort=registered_at&order=desc"
            found = client.get(query).json["items_total"]
            results[f"register, 4 filters ({found:,} match), page 1"] = timed(
                args.runs, lambda: client.get(query))
            unfiltered = "/++api++/requests/@register?sort=number&b_start=10000"
            results["register, no filter, page at 10,000"] = timed(
                max(5, args.runs // 5), lambda: client.get(unfiltered))
            results["register page HTML, 4 filters"] = timed(args.runs, lambda: client.get(
                query.replace("/++api++", ""), headers={"Accept": "text/html"}))
            urls = []
            client.authorization = basic_auth("aigerim")
            for _ in range(args.runs):
                body = {"@type": "PlacementRequest", "title": {"kk": "Жаңа"},
                        "category": "bulletin", "unit": UNITS[0],
                        "section": "/official-statistics/economy/industry",
                        "placement_type": "new", "languages": ["kk"],
                        "files": [{"data": "JVBERi0xLjQK", "filename": "a.pdf"}],
                        "executor_email": "a@stat.kz", "executor": "A", "head_of_unit": "M"}
                url = client.post_json("/++api++/requests", body).json["@id"]
                client.post_json(f"{url}/@workflow/submit")
                urls.append(url)
            client.authorization = basic_auth("marat")
            for url in urls:
                client.post_json(f"{url}/@workflow/approve")
            client.authorization = basic_auth("dana")
            pending = list(urls)
            results["register transition (number, due, index, PDF mail)"] = timed(
                len(pending), lambda: client.post_json(f"{pending.pop()}/@workflow/register"))
            print()
            print(f"{'measure':<58} {'median ms':>10} {'p90 ms':>8}")
            for label, (median, p90) in results.items():
                print(f"{label:<58} {median:>10.1f} {p90:>8.1f}")
        finally:
            close_app(app)


if __name__ == "__main__":
    main()
