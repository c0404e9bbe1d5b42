"""bench/bench_requests.py and bench/bench_questions.py build their data through the
state API (``adopt``, ``fire``): the figures they print are measured on requests and
questions in the states, catalogs and listings the real transitions leave."""

import collections
import random
import sys
from pathlib import Path

import pytest

from statportal.testing import close_app, make_app, make_settings, open_portal
from statportal.workflow import history_of, state_of

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    for name in ("bench_requests", "bench_questions"):  # fresh, from this tree
        sys.modules.pop(name, None)
    import bench_questions
    import bench_requests

    return bench_requests, bench_questions


@pytest.fixture
def app(tmp_path):
    app = make_app(make_settings(tmp_path))
    yield app
    close_app(app)


def test_the_requests_are_stored_in_their_states_queued_and_catalogued(app, bench):
    from statportal.placement.catalog import get_catalog

    bench[0].build(app, 30, 4, batch=10)
    with open_portal(app) as portal:
        requests = portal["requests"]
        made = [r for r in requests.values() if r.number.startswith("2025-")]
        states = collections.Counter(state_of(r) for r in made)
        assert states == {"placed": 26, "registered": 4}
        for obj in made:
            (entry,) = history_of(obj)
            assert (entry["action"], entry["actor"], entry["to"]) == (
                "create", "bench", state_of(obj))
        catalog = get_catalog(requests)
        for state, count in states.items():
            assert catalog.query(state=state)[1] == count


def test_the_questions_take_their_transitions_at_their_moments(app, bench):
    from statportal.mail.outbox import get_pending

    bench[1].build(app, 60, random.Random(7), batch=25)
    with open_portal(app) as portal:
        questions = list(portal["questions"].values())
        states = collections.Counter(state_of(q) for q in questions)
        assert sum(states.values()) == 60 and set(states) == {
            "received", "routed", "sent", "published"}
        for question in questions:
            actions = [entry["action"] for entry in history_of(question)]
            assert actions == {"received": ["create"], "routed": ["create", "route"],
                               "sent": ["create", "route", "answer", "approve"],
                               "published": ["create", "route", "answer", "approve",
                                             "publish"]}[state_of(question)]
            if state_of(question) == "published":
                assert question.received_at < question.routed_at < question.sent_at \
                    < question.published_at
                assert history_of(question)[-1]["time"] == question.published_at
                assert question.public_answer == question.answer
        published = {q.__name__ for q in questions if state_of(q) == "published"}
        folder = portal["questions"]
        assert set(folder.published()) == published
        assert folder.published_page(0, 100)[1] == len(published) > 0
        assert len(get_pending(portal)) > 60  # confirmations, the units', the answers
