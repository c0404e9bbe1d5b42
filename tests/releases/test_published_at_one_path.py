"""A material's ``published_at`` and its catalog entry come from one subscriber of the
material's AfterTransition, whoever publishes: a user, a placement, the worker."""

from datetime import timedelta

from statportal.content.paths import find_by_path
from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from statportal.workflow import history_of, state_of
from tests.helpers.embargo import RELEASE
from tests.helpers.materials import add, publish
from tests.helpers.placement import new_request, run_chain


def published(app, path):
    """``(state, published_at, the last history entry)`` of the material."""
    with open_portal(app) as portal:
        material = find_by_path(portal, path)
        return state_of(material), material.published_at, history_of(material)[-1]


def searchable(testapp, path):
    testapp.authorization = None
    items = testapp.get("/@search", {"SearchableText": "industrial"}).json["items"]
    return any(item["@id"].endswith(path) for item in items)


def test_a_users_publish(app, testapp, demo):
    url = add(testapp)
    publish(testapp, url)
    state, at, last = published(app, url)
    assert (state, last["action"], last["actor"]) == ("published", "publish", "yerlan")
    assert at == last["time"]  # the history entry's own time: set by the subscriber


def test_a_placement(app, testapp, demo):
    url = new_request(testapp)
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    state, at, last = published(app, material)
    assert (state, last["action"], last["actor"]) == ("published", "place", "yerlan")
    assert at == last["time"]
    assert searchable(testapp, material)


def test_the_worker_at_the_release_time(app, testapp, scheduled, frozen):
    material, _entry = scheduled
    state, at, _last = published(app, material)
    assert state == "scheduled" and at is None and not searchable(testapp, material)
    frozen.set(RELEASE + timedelta(seconds=3))
    assert run_pass(app.registry).materials == 1
    state, at, last = published(app, material)
    assert (state, last["action"], last["actor"]) == ("published", "release", "system:worker")
    assert at == last["time"] == RELEASE + timedelta(seconds=3)
    assert searchable(testapp, material)
