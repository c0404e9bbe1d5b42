"""No 500 under contention (issue 19): concurrent HTTP clients against a real waitress
server on FileStorage. Adds into one folder and a dozen editors registering answer no
500, everything acknowledged is stored and the numbers stay gapless; retries spent
answer 503 with Retry-After and store nothing."""

import threading

import pytest
from pyramid.threadlocal import get_current_request

from statportal.testing import make_settings, open_portal
from tests.contention.clients import run_clients, serve
from tests.helpers.placement import payload

ECONOMY = "/++api++/official-statistics/economy"


def test_160_concurrent_adds_into_one_folder(served):
    """8 clients add 20 sections each to one folder: no 500, each 201 stored, each
    client's sections in the order it added them."""
    created = [[] for _i in range(8)]

    def adds(i):
        for j in range(20):
            answer = served.call("admin", "POST", ECONOMY, {
                "@type": "Section", "id": f"c{i}-{j}", "title": {"en": f"Section {i}.{j}"}})
            if answer.status == 201:
                created[i].append(f"c{i}-{j}")

    assert run_clients(adds, 8) == []
    assert served.server_errors() == {} or set(served.server_errors()) == {
        ("POST", "economy", 503)}, served.statuses
    with open_portal(served.app) as portal:
        names = list(portal["official-statistics"]["economy"].keys())
    for mine in created:
        assert [name for name in names if name in set(mine)] == mine
    assert sum(map(len, created)) == served.statuses["POST", "economy", 201] >= 150


def test_a_dozen_editors_register_concurrently(served):
    """12 editors each create, submit, approve and register 2 requests at once: no 500,
    every 201 stored, every registration numbered, the numbers 1..N without a gap."""
    registered, made = [], []

    def editor(i):
        for _n in range(2):
            answer = served.call("aigerim", "POST", "/++api++/requests", payload(),
                                 retry_busy=2)
            if answer.status != 201:
                continue
            url = answer.json["@id"].removeprefix(served.url)
            made.append(url.rsplit("/", 1)[-1])
            for login, name in (("aigerim", "submit"), ("marat", "approve"),
                                ("dana", "register")):
                answer = served.call(login, "POST", f"{url}/@workflow/{name}", {},
                                     retry_busy=2)
                if answer.status != 200:
                    break
            else:
                registered.append(url.rsplit("/", 1)[-1])

    assert run_clients(editor, 12) == []
    assert not [key for key in served.server_errors() if key[2] != 503], served.statuses
    assert len(registered) >= 20, served.statuses
    with open_portal(served.app) as portal:
        requests = portal["requests"]
        assert set(made) <= set(requests.keys())
        numbers = sorted(int(r.number[5:]) for r in requests.values() if r.number)
        assert all(requests[name].number for name in registered)
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == len(registered)


@pytest.fixture
def served_with(tmp_path):
    """A factory: the portal with ``attempts`` attempts per request and the conflicting
    views (``tests.contention.conflicting``); stopped at the test's end."""
    stops = []

    def start(attempts):
        directory = tmp_path / f"portal{len(stops)}"
        directory.mkdir()
        portal, stop = serve(make_settings(directory, **{
            "retry.attempts": str(attempts),
            "statportal.includes": "tests.contention.conflicting"}))
        stops.append(stop)
        return portal

    try:
        yield start
    finally:
        for stop in stops:
            stop()


def edit_at_once(portal):
    """Two PATCHes of one request, both changing it from the same state (held at a
    barrier on their first attempt, after the change): {client: answer}, the request."""
    from statportal.content.events import ObjectModified

    url = portal.call("aigerim", "POST", "/++api++/requests", payload()).json["@id"] \
        .removeprefix(portal.url)
    barrier = threading.Barrier(2, timeout=10)

    def hold(event):
        request = get_current_request()
        if request is not None and request.environ.get("retry.attempt") == 0:
            barrier.wait()

    portal.app.registry.registerHandler(hold, (ObjectModified,))
    answers = {}

    def edit(i):
        answers[i] = portal.call("aigerim", "PATCH", url, {"title": {
            "kk": f"Атау {i}", "ru": f"Название {i}", "en": f"Title {i}"}})

    try:
        assert run_clients(edit, 2) == []
    finally:
        portal.app.registry.unregisterHandler(hold, (ObjectModified,))
    return answers, url.rsplit("/", 1)[-1]


def test_two_real_concurrent_edits_without_retries_answer_503(served_with):
    """Two editors change one request from the same state: the second commit conflicts,
    and with no retry left it is a 503 with Retry-After; its change is not stored."""
    portal = served_with(1)
    answers, name = edit_at_once(portal)
    statuses = sorted(answer.status for answer in answers.values())
    assert statuses == [200, 503], statuses
    (winner,) = [i for i, answer in answers.items() if answer.status == 200]
    (busy,) = [answer for answer in answers.values() if answer.status == 503]
    assert busy.headers["Retry-After"] == "2"
    assert busy.headers["Content-Type"].startswith("application/json")
    assert busy.json["errors"][0]["type"] == "busy"
    assert "nothing was changed" in busy.json["message"]
    with open_portal(portal.app) as stored:
        title = stored["requests"][name].title
    assert title["en"] == f"Title {winner}"


def test_a_conflict_at_commit_before_the_last_attempt_is_retried(served_with):
    """The same with a second attempt: the conflicting commit is tried again (from the
    other's result), both answer 200, the one retried is the title stored."""
    from pyramid_retry import IBeforeRetry

    portal = served_with(2)
    retried = []
    portal.app.registry.registerHandler(retried.append, (IBeforeRetry,))
    answers, name = edit_at_once(portal)
    assert sorted(answer.status for answer in answers.values()) == [200, 200]
    (retry,) = retried  # the second commit's conflict, not answered but retried
    assert "PlacementRequest" in retry.exception.class_name
    with open_portal(portal.app) as stored:
        assert stored["requests"][name].title["en"] in ("Title 0", "Title 1")


@pytest.fixture
def served_thrice(tmp_path):
    from tests.contention import conflicting

    conflicting.ATTEMPTS.clear()
    portal, stop = serve(make_settings(tmp_path, **{
        "retry.attempts": "3", "statportal.includes": "tests.contention.conflicting"}),
        threads=2)
    try:
        yield portal
    finally:
        stop()


def test_retries_spent_answer_503_and_store_nothing(served_thrice):
    from tests.contention.conflicting import ATTEMPTS

    portal = served_thrice
    answer = portal.call("admin", "POST", "/++api++/@@conflict-always", {})
    assert (answer.status, answer.headers["Retry-After"]) == (503, "2")
    assert answer.json["errors"] == [{"field": None, "type": "busy",
                                      "message": answer.json["message"]}]
    assert ATTEMPTS["always"] == 3  # every attempt ran: the 503 is the last one's
    page = portal.call("admin", "POST", "/@@conflict-always", {}, accept="text/html")
    assert page.status == 503 and page.headers["Retry-After"] == "2"
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    assert '<html lang="en">' in html and "<h1>The portal is busy</h1>" in html
    assert "nothing was changed. Try again in a few seconds." in html
    russian = portal.call("admin", "POST", "/@@conflict-always", {}, accept="text/html",
                          language="ru").body.decode()
    assert '<html lang="ru">' in russian
    with open_portal(portal.app) as stored:
        assert getattr(stored, "conflict_mark", None) is None  # nothing half-done


def test_a_conflict_before_the_last_attempt_is_retried_not_answered(served_thrice):
    from tests.contention.conflicting import ATTEMPTS

    answer = served_thrice.call("admin", "POST", "/++api++/@@conflict-once", {})
    assert answer.status == 200 and answer.json == {"attempts": 2}
    assert ATTEMPTS["once"] == 2
    with open_portal(served_thrice.app) as stored:
        assert stored.conflict_mark == "once"  # the second attempt's, committed


def test_a_read_that_keeps_conflicting_answers_503_saying_so(served_thrice):
    from tests.contention.conflicting import ATTEMPTS

    answer = served_thrice.call(None, "GET", "/++api++/@@conflict-read")
    assert (answer.status, answer.headers["Retry-After"]) == (503, "2")
    assert answer.json["message"] == \
        "The page could not be read at this moment. Try again in a few seconds."
    assert ATTEMPTS["read"] == 3


def test_a_relstorage_commit_lock_timeout_answers_503_at_once(served_thrice):
    """RelStorage's ``UnableToAcquireCommitLockError`` is a ``StorageError``, not a
    ``TransientError``: a 503 with ``Retry-After`` too (not a 500), and not retried (each
    attempt would wait the commit lock's timeout again)."""
    from tests.contention.conflicting import ATTEMPTS

    answer = served_thrice.call("admin", "POST", "/++api++/@@commit-lock", {})
    assert (answer.status, answer.headers["Retry-After"]) == (503, "2")
    assert answer.json["errors"][0]["type"] == "busy"
    assert ATTEMPTS["commit-lock"] == 1
    page = served_thrice.call("admin", "POST", "/@@commit-lock", {}, accept="text/html")
    assert page.status == 503 and "<h1>The portal is busy</h1>" in page.body.decode()
    with open_portal(served_thrice.app) as stored:
        assert getattr(stored, "conflict_mark", None) is None  # nothing half-done
