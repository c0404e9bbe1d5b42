"""The wait for the numbering's turn is one deadline for all the attempts of a request
(review of issue 19): with ``retry.attempts`` 10 a registration or a question that never
gets the turn waits ``TURN_TIMEOUT`` once and is answered 503 with ``Retry-After``, not
nine waits of ``TURN_TIMEOUT`` each; one that gets the turn within the deadline numbers."""

import logging
import threading
import time

import pytest

from statportal.content import numbering
from statportal.testing import make_settings
from tests.helpers.questions import ask, stored_questions

TIMEOUT = 0.4


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path, **{"retry.attempts": "10"})


@pytest.fixture
def turn(app, monkeypatch):
    """The process's turn, held by the test (another registration between its number and
    its commit)."""
    monkeypatch.setattr(numbering, "TURN_TIMEOUT", TIMEOUT)
    lock = numbering.turn_of(app.registry)
    lock.acquire()
    yield lock
    if lock.locked():
        lock.release()


def retries(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "statportal.retry"
            and r.getMessage().startswith("Retry")]


def test_a_question_that_never_gets_the_turn_waits_one_deadline_then_503(
        app, demo, testapp, turn, caplog):
    caplog.set_level(logging.INFO, logger="statportal.retry")
    before = stored_questions(app)
    started = time.monotonic()
    response = ask(testapp, status=503)
    elapsed = time.monotonic() - started
    # one conflict (the turn taken), one wait that runs out, 503 at once: not 9 waits
    assert len(retries(caplog)) == 1
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT * 4
    assert response.headers["Retry-After"] == "2"
    assert response.json["errors"][0]["type"] == "busy"
    assert any("TurnTimeout" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)
    assert stored_questions(app) == before


def test_a_question_that_gets_the_turn_within_the_deadline_is_numbered(
        app, demo, testapp, turn, caplog):
    caplog.set_level(logging.INFO, logger="statportal.retry")
    threading.Timer(TIMEOUT / 4, turn.release).start()
    number = ask(testapp).json["number"]
    assert number.endswith("-000001")
    assert len(retries(caplog)) == 1
