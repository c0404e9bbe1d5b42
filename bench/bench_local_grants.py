#!/usr/bin/env python
""""Where this user has roles": the walk behind the Users and groups page, timed.

    .venv/bin/python bench/bench_local_grants.py [--sections 5000] [--materials 4] [--runs 5]

Builds a portal on a temporary FileStorage with the demo (materials included) and N sections
more (50 top-level ones, the rest below them; every tenth granted a local role), each
holding M materials, then times ``statportal.security.sharing.local_grants`` (the walk of
the places that can hold local roles) with a cold cache (the connection's cache emptied)
and warm (median of the runs), and the Manager's ``/principals`` page (median, in
process through WebTest). Prints milliseconds.
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from statportal.testing import (
    DEMO_PASSWORD,
    close_app,
    login_html,
    make_app,
    make_settings,
    open_portal,
)


def build(app, sections, materials):
    from statportal.content.registry import get_content_registry

    content = get_content_registry(app.registry)
    with open_portal(app) as portal:
        root = portal["official-statistics"]
        tops = max(1, min(50, sections))
        for i in range(tops):
            top = content.create("Section", title={"en": f"Bench {i}"})
            root.add(f"bench-{i}", top, send_events=False)
            for j in range(sections // tops - 1):
                sub = content.create("Section", title={"en": f"Bench {i}.{j}"})
                top.add(f"s{j}", sub, send_events=False)
                if j % 10 == 0:
                    sub.grant("user:aigerim", "Executor")
                for k in range(materials):
                    sub.add(f"m{k}", content.create("Material", title={"en": f"M {k}"}),
                            send_events=False)


def time_walk(app, runs):
    from statportal.security.sharing import local_grants

    timings = []
    for run in range(runs + 1):
        with open_portal(app) as portal:
            if run == 0:
                portal._p_jar.cacheMinimize()
            start = time.perf_counter()
            local_grants(portal)
            timings.append(time.perf_counter() - start)
    return timings[0] * 1000, statistics.median(timings[1:]) * 1000


def time_page(app, runs):
    from webtest import TestApp

    client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                         "REMOTE_ADDR": "127.0.0.1"})
    login_html(client, "admin")
    timings = []
    for _run in range(runs):
        start = time.perf_counter()
        client.get("/principals", headers={"Accept": "text/html"})
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main(argv=None):
    from statportal.demo import add_demo_content

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=5000)
    parser.add_argument("--materials", type=int, default=4, help="materials per section")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="bench-grants-")
    app = make_app(make_settings(Path(tmp)))
    try:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
        results = [("demo", *time_walk(app, args.runs), time_page(app, args.runs))]
        if args.sections:
            build(app, args.sections, args.materials)
            label = f"+{args.sections} sections, {args.materials} materials each"
            results.append((label, *time_walk(app, args.runs), time_page(app, args.runs)))
        print(f"{'portal':<40} {'walk cold':>10} {'walk warm':>10} {'page':>10}")
        for label, cold, warm, page in results:
            print(f"{label:<40} {cold:>8.1f}ms {warm:>8.1f}ms {page:>8.1f}ms")
        return results
    finally:
        close_app(app)
        shutil.rmtree(tmp, ignore_errors=True)  # the 5,000 sections go with the run


if __name__ == "__main__":
    main()
