"""One worker pass over 10,000 release entries and 100,000 materials.

    .venv/bin/python bench/bench_worker.py [--entries 10000] [--materials 100000] [--runs 5]

Builds a portal on a temporary FileStorage (the materials as bench_search.py builds them;
2 % of them past their next-update date, 20 % with a future one), then a calendar of N
entries: 90 % published in the past, 8 % confirmed in the future, 1 % due now with a new
material waiting under embargo, 1 % past their time with nothing placed. Times the first
pass (it releases the due bundles and records the findings), then steady-state passes
(nothing new), warm and with the object cache emptied first. The goal of issue #6: a
pass under one second, by catalog queries.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import build  # noqa: E402 (the path above)

from statportal import clock  # noqa: E402
from statportal.testing import close_app, make_app, make_settings, open_portal  # noqa: E402

NOW = datetime(2026, 12, 14, 5, 0, 30, tzinfo=UTC)


def outdate(app, total, rng):
    from statportal.materials.catalog import get_catalog

    with open_portal(app) as portal:
        catalog = get_catalog(portal)
        for material in list(catalog.objects.values()):
            roll = rng.random()
            if roll < 0.02:
                material.next_update = date(2026, 11, 1) + timedelta(days=rng.randrange(40))
            elif roll < 0.22:
                material.next_update = date(2027, 1, 1) + timedelta(days=rng.randrange(300))
            else:
                continue
            catalog.index(material)


def calendar(app, total, rng, batch=2000):
    from statportal.content.paths import find_by_path
    from statportal.content.registry import get_content_registry
    from statportal.releases.catalog import get_release_catalog
    from statportal.releases.timing import ReleaseTime
    from statportal.workflow import fire

    content = get_content_registry(app.registry)
    made = 0
    while made < total:
        with open_portal(app) as portal:
            catalog = get_release_catalog(portal)
            for _ in range(min(batch, total - made)):
                roll = made % 100
                entry = content.create("ReleaseEntry", title={"en": f"Release {made}"})
                entry.category, entry.section = "latest_data", "/official-statistics/economy"
                if roll < 90:
                    at = NOW - timedelta(days=1 + made % 3000, hours=rng.randrange(5))
                elif roll < 98:
                    at = NOW + timedelta(days=1 + made % 300)
                else:
                    at = NOW - timedelta(seconds=30)
                entry.release = ReleaseTime(at=at)
                year = str(at.year)
                if year not in portal["calendar"]:
                    portal["calendar"].add(year, content.create("CalendarYear"),
                                           send_events=False)
                portal["calendar"][year].add(f"e{made:06d}", entry, send_events=False)
                # the status is the entry's workflow state: taken by the state API, as the
                # worker (publish) and the calendar's rules (confirm) take it
                if roll < 90:
                    published = at + timedelta(seconds=20)
                    fire(None, entry, "publish", "published", system="system:worker",
                         at=published)
                    entry.published_at = published
                else:
                    fire(None, entry, "confirm", "confirmed", system=True)
                if roll == 98:  # due now, with a material waiting under embargo
                    section = find_by_path(portal, "/official-statistics/economy/industry")
                    # titled in every language it declares: the checks of publishing run
                    # at the release and would refuse it (nothing released, nothing timed)
                    material = content.create("Material", title={
                        "kk": f"Эмбарго {made}", "ru": f"Эмбарго {made}",
                        "en": f"Embargoed {made}"})
                    section.add(f"embargoed-{made}", material, send_events=False)
                    # a placement held back for the release: Place, to "scheduled"
                    fire(None, material, "place", "placed under embargo",
                         system="system:placement", to_state="scheduled")
                    entry.bundle.append({"material": f"/official-statistics/economy/industry/"
                                         f"embargoed-{made}", "request": None,
                                         "action": "new", "done": None})
                catalog.index(entry)
                made += 1
        print(f"  {made:>7} release entries stored", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--materials", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true",
                        help="print the first pass's top functions (cProfile)")
    args = parser.parse_args(argv)
    from statportal.worker import run_pass

    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(make_settings(tmp))
        try:
            print(f"Building {args.materials:,} published materials …", flush=True)
            build(app, args.materials)
            outdate(app, args.materials, rng)
            print(f"Building {args.entries:,} release entries …", flush=True)
            calendar(app, args.entries, rng)
            with clock.frozen(NOW):
                profiler = None
                if args.profile:
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                began = time.perf_counter()
                first = run_pass(app.registry)
                first_s = time.perf_counter() - began
                if profiler is not None:
                    import pstats

                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
                steady = []
                for _ in range(args.runs):
                    began = time.perf_counter()
                    again = run_pass(app.registry)
                    steady.append(time.perf_counter() - began)
                cold = []
                db = app.registry._zodb_databases[""]
                for _ in range(args.runs):
                    db.cacheMinimize()   # as after a restart: nothing in memory
                    began = time.perf_counter()
                    run_pass(app.registry)
                    cold.append(time.perf_counter() - began)
            print(f"\nfirst pass: {first_s * 1000:.0f} ms — released {len(first.released)} "
                  f"entries ({first.materials} materials), {first.findings} findings; "
                  f"release transaction {first.seconds['release'] * 1000:.0f} ms, "
                  f"currency transaction {first.seconds['currency'] * 1000:.0f} ms")
            print(f"steady pass: median {statistics.median(steady) * 1000:.0f} ms, "
                  f"worst {max(steady) * 1000:.0f} ms — released {len(again.released)}, "
                  f"{again.findings} new findings")
            print(f"steady pass, cold cache: median {statistics.median(cold) * 1000:.0f} ms, "
                  f"worst {max(cold) * 1000:.0f} ms")
        finally:
            close_app(app)


if __name__ == "__main__":
    main()
