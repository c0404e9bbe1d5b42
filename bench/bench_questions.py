"""The questions dashboard and the public Q&A search over a year of questions.

    .venv/bin/python bench/bench_questions.py [--questions 5000] [--runs 5]

Builds a portal on a temporary FileStorage with N questions spread over a year (75 %
answered and sent, a third of those published, the rest open, routed to one of three
units), then times through the real WSGI app (WebTest):
- ``POST /questions`` (an anonymous question, its number, deadline and confirmation);
- ``GET /questions/@dashboard`` as the coordinator (every question, each permission
  checked), warm and with the object cache emptied first;
- ``GET /questions/@published?q=…`` (the public search over the published ones);
- anonymous ``GET /++api++/questions`` (a page of the published ones, from their index),
  warm and with the object cache emptied.
A statistics office receives a few thousand questions a year.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import transaction
from pyramid.request import Request
from pyramid.scripting import prepare

from statportal import clock
from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)

NOW = datetime(2026, 12, 14, 5, 0, tzinfo=UTC)
UNITS = ("/orgunits/industry-statistics", "/orgunits/labour-statistics",
         "/orgunits/dissemination")
WORDS = ("prices", "wages", "population", "industry", "exports", "housing", "regions")


def build(app, total, rng, batch=1000):
    from statportal.demo import add_demo_content

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    made = 0
    while made < total:
        # a batch as the worker runs a task: a request whose connection joins the batch's
        # transaction (the transitions' mails are queued in the portal the batch writes)
        tm = transaction.TransactionManager(explicit=True)
        request = Request.blank("/", base_url="http://localhost")
        request.tm = tm
        env = None
        try:
            with tm:
                env = prepare(request=request, registry=app.registry)
                made = add_questions(request, env["root"], min(batch, total - made), made, rng)
        finally:
            if env is not None:
                env["closer"]()
        print(f"  {made:,} / {total:,} questions", file=sys.stderr)


def fire_at(request, question, name, moment):
    """The system takes the transition, dated like the desk's: its subscriber sets
    routed_at (and the due time), answered_at, sent_at, published_at from the clock."""
    from statportal.workflow import fire

    with clock.frozen(moment):
        fire(request, question, name, system="bench", at=moment)


def add_questions(request, portal, count, made, rng):
    from statportal.questions.rules import create_question

    folder = portal["questions"]
    for _ in range(count):
        asked = NOW - timedelta(days=rng.uniform(0, 365))
        with clock.frozen(asked):
            question = create_question(request.registry, folder, None, {
                "name": "Bench", "email": f"q{made}@example.kz", "topic": "prices",
                "language": rng.choice(("kk", "ru", "en")), "may_publish": True,
                "international": False,
                "text": " ".join(rng.choices(WORDS, k=12)) + "?"}, None)
        roll = rng.random()
        question.units = (rng.choice(UNITS),)
        made += 1
        if roll < 0.1:
            continue
        fire_at(request, question, "route", asked + timedelta(hours=2))
        if roll < 0.25:
            continue
        question.answer = " ".join(rng.choices(WORDS, k=40))
        sent = asked + timedelta(hours=rng.uniform(4, 120))
        fire_at(request, question, "answer", sent - timedelta(hours=1))
        fire_at(request, question, "approve", sent)
        if roll < 0.5:  # the public text and answer: the asker's (the subscriber's)
            fire_at(request, question, "publish", sent + timedelta(hours=1))
    return made


def timed(call, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from webtest import TestApp

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(make_settings(Path(tmp)))
        try:
            start = time.perf_counter()
            build(app, args.questions, rng)
            print(f"built {args.questions:,} questions in {time.perf_counter() - start:.1f} s")
            client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
            db = app.registry._zodb_databases[""]
            with clock.frozen(NOW):
                ask = {"@type": "Question", "name": "Bench Asker", "topic": "prices",
                       "text": "How are regional price indices weighted?", "language": "en"}
                counter = iter(range(10**6))

                def post():
                    client.authorization = None
                    client.post_json("/++api++/questions",
                                     {**ask, "email": f"asker{next(counter)}@example.kz"},
                                     status=201, extra_environ={
                                         "REMOTE_ADDR": f"10.0.{next(counter) % 250}.1"})

                def dashboard():
                    client.authorization = basic_auth("dana")
                    client.get("/++api++/questions/@dashboard")

                def cold_dashboard():
                    db.cacheMinimize()
                    dashboard()

                def search():
                    client.authorization = None
                    client.get("/++api++/questions/@published?q=wages+regions&language=ru")

                def listing():
                    client.authorization = None
                    client.get("/++api++/questions?b_size=25")

                def cold_listing():
                    db.cacheMinimize()
                    listing()

                dashboard()
                rows = [("POST /questions (anonymous)", *timed(post, args.runs)),
                        ("GET @dashboard, warm", *timed(dashboard, args.runs)),
                        ("GET @dashboard, cache emptied", *timed(cold_dashboard, args.runs)),
                        ("GET @published?q=…, warm", *timed(search, args.runs)),
                        ("GET /++api++/questions (anonymous), warm", *timed(listing,
                                                                            args.runs)),
                        ("GET /++api++/questions (anonymous), cache emptied",
                         *timed(cold_listing, args.runs))]
            print(f"\n| request ({args.questions:,} questions) | median ms | worst ms |")
            print("|---|---|---|")
            for name, median, worst in rows:
                print(f"| {name} | {median:,.1f} | {worst:,.1f} |")
        finally:
            close_app(app)


if __name__ == "__main__":
    main()
