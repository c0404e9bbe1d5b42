"""Conflicts under contention, counted by the object that collided (issue 19).

    .venv/bin/python bench/bench_contention.py [--adders 8] [--adds 20] [--editors 12]
        [--requests 4] [--attempts 10] [--runs 1] [--zeo]

Serves the portal (demo content, a temporary FileStorage; with ``--zeo`` two web
applications on one ZEO server, as two processes, each client's requests alternating
between them) with waitress on 127.0.0.1 (8 threads each) and, with HTTP clients in
threads: ADDERS clients add ADDS sections each into
one folder; then EDITORS clients each create, submit, approve and register REQUESTS
placement requests. Prints per phase the answers by status, the retries by the class of
the object that conflicted (``ConflictError.class_name``; pyramid_retry's BeforeRetry),
and whether the registration numbers are gapless.
"""

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
for name in [n for n in os.environ if n.startswith("STATPORTAL_")]:
    del os.environ[name]  # never write into a configured database

from pyramid_retry import IBeforeRetry  # noqa: E402
from tests.contention.clients import run_clients, serve  # noqa: E402
from tests.helpers.placement import payload  # noqa: E402

from statportal.testing import make_settings, open_portal  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adders", type=int, default=8)
    parser.add_argument("--adds", type=int, default=20)
    parser.add_argument("--editors", type=int, default=12)
    parser.add_argument("--requests", type=int, default=4)
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--zeo", action="store_true")
    args = parser.parse_args()
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            bench(args, Path(tmp), run)


def bench(args, tmp, run):
    if not args.zeo:
        portal, stop = serve(settings(args, tmp, f"file://{tmp}/Data.fs"))
        try:
            phases(args, [portal], run)
        finally:
            stop()
        return
    from statportal.storage_servers import zeo_server

    with zeo_server(tmp / "zeo") as zeo:
        webs, stops = [], []
        try:
            for n in (1, 2):
                web, stop = serve(settings(args, tmp / f"web{n}", zeo.uri()), demo=n == 1)
                webs.append(web)
                stops.append(stop)
            phases(args, webs, run)
        finally:
            for stop in stops:
                stop()


def settings(args, directory, uri):
    return make_settings(directory, **{"zodbconn.uri": uri,
                                       "retry.attempts": str(args.attempts),
                                       "statportal.retry_pause_ms": "20"})


def phases(args, webs, run):
    conflicts = Counter()

    def count(event):
        exc = event.exception
        conflicts[getattr(exc, "class_name", None) or type(exc).__name__] += 1

    for web in webs:
        web.app.registry.registerHandler(count, (IBeforeRetry,))

    def adds(i):
        for j in range(args.adds):
            webs[(i + j) % len(webs)].call(
                "admin", "POST", "/++api++/official-statistics/economy",
                {"@type": "Section", "id": f"b{i}-{j}", "title": {"en": f"B {i}.{j}"}})

    def editor(i):
        for n in range(args.requests):
            web = webs[(i + n) % len(webs)]  # a request's steps on the process that made it
            answer = web.call("aigerim", "POST", "/++api++/requests", payload())
            if answer.status != 201:
                continue
            url = answer.json["@id"].removeprefix(web.url)
            for login, name in (("aigerim", "submit"), ("marat", "approve"),
                                ("dana", "register")):
                if web.call(login, "POST", f"{url}/@workflow/{name}", {}).status != 200:
                    break

    for phase, target, clients in (("adds", adds, args.adders),
                                   ("editors", editor, args.editors)):
        conflicts.clear()
        for web in webs:
            web.statuses.clear()
        started = time.perf_counter()
        errors = run_clients(target, clients, timeout=600)
        statuses = sum((web.statuses for web in webs), Counter())
        print(f"run {run + 1} {phase}: {time.perf_counter() - started:.1f} s, "
              f"{clients} clients, answers {dict(sorted(statuses.items()))}"
              + (f", client errors {errors}" if errors else ""))
        print(f"  {sum(conflicts.values())} retries: "
              + ", ".join(f"{n} {name}" for name, n in conflicts.most_common()))
    with open_portal(webs[0].app) as root:
        numbers = sorted(int(r.number[5:]) for r in root["requests"].values() if r.number)
    print(f"  {len(numbers)} numbers, gapless: "
          f"{numbers == list(range(1, len(numbers) + 1))}")


if __name__ == "__main__":
    main()
