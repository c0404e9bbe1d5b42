#!/usr/bin/env python
"""The public menu's category pages against search, HTML pages, in process through WebTest.

    .venv/bin/python bench/bench_category_pages.py [--materials 3000] [--runs 30]

Builds a portal on a temporary FileStorage with the full demo (its materials, the release
calendar) and N published materials more (``bench_search``'s: five categories, the demo's
sections, periods over ten years), then times anonymous GETs of the HTML pages as the
public asks them: the search page (all, one category), a category page (first page, a later
page, a facet), the home page (with the next releases), a section. Prints median and p90
in ms. The category page is the search's code path with its category fixed: it should
answer in the time the search page with that category does.
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from bench_search import SECTIONS, new_material

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal

PAGES = [
    ("search page, all", "/@@search", {}),
    ("search page, bulletin", "/@@search", {"category": "bulletin"}),
    ("search page, bulletin p10", "/@@search", {"category": "bulletin", "b_start": "225"}),
    ("category page", "/bulletins/", {}),
    ("category page, page 10", "/bulletins/", {"b_start": "225"}),
    ("category page + facet", "/bulletins/", {"section": "/official-statistics/social"}),
    ("category page + words", "/latest-data/", {"SearchableText": "индекс"}),
    ("home", "/", {}),
    ("section (industry)", "/official-statistics/economy/industry/", {}),
]


def build(app, total, batch=1000):
    from statportal import clock
    from statportal.content.paths import find_by_path
    from statportal.content.registry import get_content_registry
    from statportal.demo import add_demo_content
    from statportal.workflow import fire

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    content = get_content_registry(app.registry)
    rng = random.Random(11)
    start = datetime(2016, 1, 1, 4, 0, tzinfo=UTC)
    made = 0
    with clock.frozen(start) as frozen:
        while made < total:
            with open_portal(app) as portal:
                for _ in range(min(batch, total - made)):
                    material = new_material(content, rng)
                    section = find_by_path(portal, "/" + rng.choice(SECTIONS))
                    section.add(f"m{made:06d}", material, send_events=False)
                    frozen.set(start + timedelta(minutes=made * 47))
                    fire(None, material, "publish", system=True)
                    made += 1
            print(f"  {made:>7} materials stored", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--materials", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    from webtest import TestApp

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(make_settings(tmp))
        try:
            print(f"Building the demo and {args.materials:,} published materials …",
                  flush=True)
            build(app, args.materials)
            client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "kk"})
            print(f"\n{'page':<26}{'listed':>8}{'median ms':>11}{'p90 ms':>9}")
            for name, path, params in PAGES:
                times = []
                for _ in range(args.runs):
                    began = time.perf_counter()
                    response = client.get(path, params, headers={"Accept": "text/html"})
                    times.append((time.perf_counter() - began) * 1000)
                found = response.html.select_one("#results-heading")
                listed = found.get_text(" ", strip=True).split()[-1] if found else "-"
                times.sort()
                p90 = times[max(0, int(len(times) * 0.9) - 1)]
                print(f"{name:<26}{listed:>8}{statistics.median(times):>11.1f}{p90:>9.1f}")
        finally:
            close_app(app)


if __name__ == "__main__":
    main()
