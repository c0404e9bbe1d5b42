"""Writes the database of tests/evolve/data/statportal-7e27402.tar.gz with the code of
commit 7e27402 (issue 16's last, the release before evolve steps): run it in a checkout of
that commit, whose code and tests it imports.

    cd CHECKOUT-OF-7e27402 && PYTHONPATH=src:. python PATH/TO/make_fixture.py OUT.tar.gz

The demo content (materials and their files in blobs), every user's password
``statportal.testing.DEMO_PASSWORD`` hashed at the CHEAPEST argon2 profile; a material under
embargo for a confirmed release in 2027, one placed at once, a request waiting to be
registered, a reported incident, a question from the public, a worker pass (findings, the
morning list), mail waiting in the outbox; then packed.
"""

import sys
import tarfile
import tempfile
from importlib import import_module
from pathlib import Path

from webtest import TestApp

import statportal
from statportal.demo import add_demo_content
from statportal.releases.worker import run_pass
from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)

INDUSTRY = "/official-statistics/economy/industry"
# That commit's test modules were also its helpers (the tests now share tests/helpers).
entry_payload = import_module("tests.test_calendar_api").entry_payload
b64, payload = (getattr(import_module("tests.test_placement"), name) for name in ("b64", "payload"))


def main(out):
    print(f"statportal from {statportal.__file__}", file=sys.stderr)
    var = Path(tempfile.mkdtemp())
    app = make_app(make_settings(var))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                         "REMOTE_ADDR": "127.0.0.1"})

    def as_user(login):
        client.authorization = basic_auth(login) if login else None
        return client

    def request(steps, **changes):
        made = as_user("aigerim").post_json("/++api++/requests", payload(**changes),
                                            status=201).json["@id"]
        made = made.replace("http://localhost", "")
        for login, transition in steps:
            as_user(login).post_json(f"{made}/@workflow/{transition}", {})
        return made

    entry = as_user("dana").post_json("/++api++/calendar", entry_payload(
        section=INDUSTRY, release_at="2027-03-15T10:00:00+05:00",
        non_working_confirmed=True), status=201).json["@id"]
    entry = entry.replace("http://localhost/++api++", "")
    placing = (("aigerim", "submit"), ("marat", "approve"), ("dana", "register"),
               ("yerlan", "place"))
    request(placing, release=entry, files=[b64("report.docx")])       # under embargo
    request(placing, files=[b64("report.docx")],                        # public at once
            title={"kk": "Құрылыс, қазан 2026", "ru": "Строительство, октябрь 2026",
                   "en": "Construction, October 2026"})
    request((("aigerim", "submit"),), files=[b64("report.docx")])      # waiting
    as_user("yerlan").post_json("/++api++/incidents", {
        "@type": "Incident", "title": {"en": "Uploads to the portal fail"},
        "description": {"en": "Every upload answers 502."},
        "since": "2026-12-01T08:45:00+05:00"}, status=201)
    as_user(None).post_json("/++api++/questions", {
        "@type": "Question", "name": "Асель Нұрова", "email": "asel@bank.example.kz",
        "organisation": "Halyk Bank", "international": False, "topic": "prices",
        "text": "Why did the consumer price index for food rise in October?",
        "may_publish": True, "language": "en"}, status=201,
        extra_environ={"REMOTE_ADDR": "203.0.113.7"})
    print(run_pass(app.registry).as_dict(), file=sys.stderr)
    db = app.registry._zodb_databases[""]
    db.pack()
    close_app(app)
    with tarfile.open(out, "w:gz") as tar:
        tar.add(var / "Data.fs", "Data.fs")
        tar.add(var / "blobs", "blobs")


if __name__ == "__main__":
    main(sys.argv[1])
