"""Search over 100,000 published materials: GET /@search, in process through WebTest.

    .venv/bin/python bench/bench_search.py [--materials 100000] [--runs 30] [--changes 10]

Builds a portal on a temporary FileStorage with demo content, adds N published
materials (kk/ru/en titles and descriptions from a vocabulary of statistical words,
five categories, the demo's sections, periods over ten years) in batches of 5,000
(progress is printed), then times anonymous searches, each with its facet counts, as
the public asks them. Prints median and p90 in ms, and the number found. The
goal of issue #4: under 100 ms median.

Then ``--changes`` times, one transaction publishes a new material or withdraws one
(alternately, through the workflow as the portal does), and the first search after it
is timed: the web process brings its copy of the facet sets up to date (issue #17's
goal: under 100 ms too, at 100,000 materials).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
for name in [n for n in os.environ if n.startswith("STATPORTAL_")]:
    del os.environ[name]  # never write into a configured database

from statportal.testing import (  # noqa: E402
    DEMO_PASSWORD,
    close_app,
    make_app,
    make_settings,
    open_portal,
)

CATEGORIES = ("latest_data", "press_release", "express_information", "bulletin", "compilation")
SECTIONS = ("official-statistics/economy/industry", "official-statistics/economy/prices",
            "official-statistics/economy/trade", "official-statistics/economy/construction",
            "official-statistics/social/labour", "official-statistics/social/population",
            "official-statistics/environment")
WORDS = {
    "kk": "өнеркәсіп өндіріс индекс баға тұтыну халық жұмыссыздық жалақы құрылыс сауда "
          "ауыл шаруашылығы өңір облыс тоқсан жыл ай көлем инвестиция экспорт импорт".split(),
    "ru": "промышленность производство индекс цены потребительские население безработица "
          "заработная плата строительство торговля сельское хозяйство регион область квартал "
          "год месяц объём инвестиции экспорт импорт".split(),
    "en": "industry production index prices consumer population unemployment wages "
          "construction trade agriculture region quarter year month volume investment "
          "exports imports".split(),
}
QUERIES = [
    ("one common word", {"SearchableText": "индекс"}),
    ("two words", {"SearchableText": "consumer prices"}),
    ("word + category", {"SearchableText": "өнеркәсіп", "category": "bulletin"}),
    ("word + section + year", {"SearchableText": "population",
                               "section": "/official-statistics/social", "year": "2024"}),
    ("facets only (all)", {}),
    ("category, page 40", {"category": "press_release", "b_start": "1000"}),
    ("rare word", {"SearchableText": "импорт экспорт инвестиции"}),
]


def build(app, total, batch=5000):
    from statportal import clock
    from statportal.content.paths import find_by_path
    from statportal.content.registry import get_content_registry
    from statportal.demo import add_demo_content
    from statportal.workflow import fire

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    content = get_content_registry(app.registry)
    rng = random.Random(11)
    start = datetime(2016, 1, 1, 4, 0, tzinfo=UTC)
    made = 0
    began = time.perf_counter()
    with clock.frozen(start) as frozen:
        while made < total:
            with open_portal(app) as portal:
                for _ in range(min(batch, total - made)):
                    material = new_material(content, rng)
                    section = find_by_path(portal, "/" + rng.choice(SECTIONS))
                    # Added without events (indexed once, when published); published at
                    # the frozen clock's time, 47 minutes apart.
                    section.add(f"m{made:06d}", material, send_events=False)
                    frozen.set(start + timedelta(minutes=made * 47))
                    fire(None, material, "publish", system=True)
                    made += 1
            rate = made / (time.perf_counter() - began)
            print(f"  {made:>7} materials stored ({rate:,.0f}/s)", flush=True)


def new_material(content, rng):
    title = {lang: " ".join(rng.sample(words, 5)) for lang, words in WORDS.items()}
    description = {lang: " ".join(rng.sample(words, 8)) for lang, words in WORDS.items()}
    material = content.create("Material", title=title, description=description,
                              category=rng.choice(CATEGORIES))
    year = rng.randrange(2016, 2027)
    material.period_start = date(year, 1, 1)
    material.period_end = date(year, 12, 31)
    return material


def change_once(app, n, rng):
    """One transaction: publish a new material (even ``n``) or withdraw a published one."""
    from statportal.content.paths import find_by_path
    from statportal.content.registry import get_content_registry
    from statportal.materials.catalog import get_catalog
    from statportal.workflow import fire, state_of

    with open_portal(app) as portal:
        if n % 2 == 0:
            material = new_material(get_content_registry(app.registry), rng)
            find_by_path(portal, "/" + rng.choice(SECTIONS)).add(f"new{n:04d}", material)
            fire(None, material, "publish", system=True)
        else:
            objects = get_catalog(portal).objects  # from a random docid on
            material = next(m for m in chain(objects.values(rng.randrange(2**31)),
                                             objects.values())
                            if state_of(m, "material") == "published")
            fire(None, material, "withdraw", "benchmark", system=True)


def time_changes(app, client, rng, count):
    firsts, seconds = [], []
    for n in range(count):
        change_once(app, n, rng)
        for times in (firsts, seconds):
            began = time.perf_counter()
            client.get("/@search", {"SearchableText": "индекс"},
                       headers={"Accept": "application/json"})
            times.append((time.perf_counter() - began) * 1000)
    for name, times in (("first after a change", firsts), ("the next one", seconds)):
        times.sort()
        p90 = times[max(0, int(len(times) * 0.9) - 1)]
        print(f"{name:<24}{'':>8}{statistics.median(times):>11.1f}{p90:>9.1f}"
              f"   (max {times[-1]:.1f}, {count} changes)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--materials", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--changes", type=int, default=10,
                        help="publications/withdrawals each followed by a timed search")
    parser.add_argument("--compare", action="store_true",
                        help="then time the same with a full copy of the sets per change")
    args = parser.parse_args(argv)
    from webtest import TestApp

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(make_settings(tmp))
        try:
            print(f"Building {args.materials:,} published materials …", flush=True)
            build(app, args.materials)
            client = TestApp(app)
            print(f"\n{'query':<24}{'found':>8}{'median ms':>11}{'p90 ms':>9}")
            for name, params in QUERIES:
                times = []
                found = None
                for _ in range(args.runs):
                    began = time.perf_counter()
                    response = client.get("/@search", params, headers={
                        "Accept": "application/json"})
                    times.append((time.perf_counter() - began) * 1000)
                    found = response.json["items_total"]
                times.sort()
                p90 = times[int(len(times) * 0.9) - 1]
                print(f"{name:<24}{found:>8}{statistics.median(times):>11.1f}{p90:>9.1f}")
            # After a change (a material published or withdrawn), the connection's copy
            # of the facet sets is brought up to date: the first search pays for it.
            rng = random.Random(17)
            time_changes(app, client, rng, args.changes)
            if args.compare:
                # The way before issue #17: every change makes each connection copy all
                # the sets again.
                from statportal.materials.facets import FlatFacets

                FlatFacets.refresh = lambda self, catalog: False
                print("with a full copy of the sets per change (before issue #17):")
                time_changes(app, client, rng, args.changes)
        finally:
            close_app(app)


if __name__ == "__main__":
    main()
