"""The checks of a release run ahead of its second (issue 15: a release is public within a
second of its announced time). The release transaction runs the disclosure check of every
material it publishes; with the issue's 220 × 88 table a cold check took 14 s (a
`statportal worker` in its own process has never seen the tables), so the release came
out 14 s late. The worker now runs those checks before the second, writing nothing, and
the release transaction finds them done."""

import time
from datetime import timedelta

import pytest

from statportal import clock
from statportal.testing import last_transaction
from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
from tests.helpers.embargo import RELEASE
from tests.helpers.materials import as_user, upload
from tests.helpers.placement import REQUESTS, payload, run_chain


@pytest.fixture
def scheduled(app, testapp, demo, frozen):
    """A material with a table and its basis, placed for a release still to come:
    ``(material path, entry path)``."""
    from tests.helpers.calendar import add as add_entry

    entry = add_entry(testapp, section="/official-statistics/economy/industry").json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(
        release=entry_path, languages=["en"], primary_data=True, primary_data_reason="",
        files=[upload("wages-en.xlsx", published_xlsx(), "en")],
        bases=[upload("wages.basis.xlsx", basis_xlsx())]), status=201).json["@id"].replace(
        "http://localhost", "")
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    assert testapp.get(f"/++api++{material}").json["review_state"] == "scheduled"
    return material, entry_path


def cold(app):
    from statportal.confidentiality.cache import disclosure_cache

    disclosure_cache(app.registry).clear()


def test_the_checks_run_ahead_and_the_second_finds_them_done(app, testapp, scheduled,
                                                             monkeypatch):
    from statportal.confidentiality import material as checks
    from statportal.releases.worker import prepare_releases, run_releases

    material, entry = scheduled
    cold(app)  # as the worker command's own process: it has seen no table
    before = last_transaction(app)
    assert prepare_releases(app.registry, RELEASE) == 1
    assert last_transaction(app) == before  # nothing written

    def computed(*args, **kw):
        raise AssertionError("the check was computed at the release's second")

    monkeypatch.setattr(checks, "read_basis_as_published", computed)
    monkeypatch.setattr(checks, "read_shown", computed)
    result = run_releases(app.registry, RELEASE)
    assert result.released == [entry]
    as_user(testapp, None)
    assert testapp.get(f"/++api++{material}").json["review_state"] == "published"


def test_without_running_ahead_the_second_computes_the_check(app, testapp, scheduled,
                                                            monkeypatch):
    """The same release, cold: the check is computed in the release transaction (what
    made the large table's release late) — and still refuses nothing it should not."""
    from statportal.confidentiality import material as checks
    from statportal.releases.worker import run_releases

    _material, entry = scheduled
    cold(app)
    calls = []
    real = checks.read_shown
    monkeypatch.setattr(checks, "read_shown", lambda *a: calls.append(a[0]) or real(*a))
    assert run_releases(app.registry, RELEASE).released == [entry]
    assert calls == ["wages-en.xlsx"]


def test_the_worker_prepares_before_the_second(app, testapp, scheduled, monkeypatch):
    """The worker's wait runs the checks of the release it waits for once, before its
    second (and again only after a full interval)."""
    from statportal.releases import worker as module

    prepared = []
    monkeypatch.setattr(module, "prepare_releases",
                        lambda registry, due: prepared.append((clock.now(), due)))
    worker = module.Worker(app.registry, 60)
    now = RELEASE - timedelta(minutes=5)
    assert worker._should_prepare(RELEASE, now)
    worker._prepare(RELEASE, now)
    assert prepared == [(clock.now(), RELEASE)]
    assert not worker._should_prepare(RELEASE, now + timedelta(seconds=10))
    assert worker._should_prepare(RELEASE, now + timedelta(seconds=60))   # an interval on
    assert worker._should_prepare(RELEASE + timedelta(hours=1), now)      # another moment
    assert not worker._should_prepare(RELEASE, RELEASE)                   # its time: release


def test_a_failing_preparation_does_not_stop_the_worker(app, monkeypatch, caplog):
    from statportal.releases import worker as module

    def broken(registry, due):
        raise RuntimeError("no database")

    monkeypatch.setattr(module, "prepare_releases", broken)
    worker = module.Worker(app.registry, 60)
    worker._prepare(RELEASE, RELEASE - timedelta(seconds=5))
    assert worker.prepared == (RELEASE, RELEASE - timedelta(seconds=5))
    assert "could not run ahead" in caplog.text


def test_the_wait_prepares_then_waits(app, monkeypatch):
    """On the real clock: a release 2 s ahead is prepared at once, and the wait still ends
    at its second."""
    from statportal.releases import worker as module

    due = clock.now() + timedelta(seconds=2)
    prepared = []
    monkeypatch.setattr(module, "next_due", lambda registry, now: due)
    monkeypatch.setattr(module, "prepare_releases",
                        lambda registry, moment: prepared.append((clock.now(), moment)))
    worker = module.Worker(app.registry, 60)
    began = time.monotonic()
    worker._wait(due + timedelta(seconds=30))
    assert len(prepared) == 1 and prepared[0][0] < due and prepared[0][1] == due
    assert 1.0 < time.monotonic() - began < 3.0
