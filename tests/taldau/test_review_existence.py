"""Review 3: what tells the public that something exists, and the first burst.

1. An indicator whose data all wait for a release does not exist for the public: every view
   of it or under it (the core's edit and delete, ``@import``, ``@consistency``, the CORS
   preflight, ``@data``) answers exactly as a missing name under /data does (one
   ``ContextFound`` subscriber, ``taldau.visibility.hide_invisible``); its editors still
   reach it.
2. ``embargo.binding`` answers a release entry the caller may not view as a missing one.
3. ``directives.utility`` makes a registry's utility once when threads ask together.
"""

import threading
import time

import pytest
from pyramid.registry import Registry
from zope.interface import Interface

from statportal.content.editing import EditError
from statportal.content.paths import find_by_path
from statportal.directives import utility
from statportal.security.permissions import VIEW
from statportal.taldau import embargo
from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])
UNIT = dict(unit="/orgunits/industry-statistics", section="/official-statistics/economy")
PREFLIGHT = {"Origin": "https://x.example", "Access-Control-Request-Method": "POST"}


@pytest.fixture
def waiting(app, testapp, demo, frozen):
    make_indicator(app, "/data/births", dimensions=[REGION], values=[[7.0], [8.0]],
                   periods=[2025], embargoed=True, title={"en": "Births secret title"},
                   **UNIT)
    as_user(testapp, None)
    return testapp


def answer(testapp, method, url):
    if method == "GET":
        found = testapp.get(url, status="*", expect_errors=True)
    elif method == "OPTIONS":
        found = testapp.options(url, headers=PREFLIGHT, status="*", expect_errors=True)
    else:
        found = testapp.post_json(url, {}, status="*", expect_errors=True)
    return found.status_int, found.headers.get("Location", ""), found.content_type


@pytest.mark.parametrize("method,prefix,suffix", [
    ("GET", "", "/@@import"), ("GET", "", "/@@edit"), ("GET", "", "/@@delete"),
    ("GET", "", "/@consistency"), ("GET", "", "/@@consistency"),
    ("POST", "", "/@import"), ("POST", "/++api++", "/@import"),
    ("GET", "/++api++", "/@consistency"),
    ("OPTIONS", "", "/@data"), ("OPTIONS", "", "/@metadata"),
    ("OPTIONS", "/++api++", "/@data"),
    ("GET", "", "/@data"), ("GET", "", "/@metadata"), ("GET", "/++api++", "/@data"),
    ("POST", "", "/@data"),
])
def test_a_waiting_indicator_answers_as_a_missing_name(waiting, method, prefix, suffix):
    hidden = answer(waiting, method, f"{prefix}/data/births{suffix}")
    missing = answer(waiting, method, f"{prefix}/data/nothere{suffix}")
    assert hidden == missing
    assert hidden[0] == 404
    # @data and @metadata: the API's JSON 404 for both (as it always answered a hidden one)
    # (the content API, /++api++, answers JSON anyway)
    json = prefix == "/++api++" or suffix in ("/@data", "/@metadata")
    assert (hidden[2] == "application/json") == json


def test_its_editor_still_reaches_it(waiting):
    as_user(waiting, "aigerim")
    assert waiting.get("/data/births/@@edit", status=200)
    assert waiting.get("/data/births/@@import", status=200)
    assert waiting.get("/data/births/@data", status=200).json


class Caller:
    """A request that may view nothing (or everything)."""

    def __init__(self, allowed):
        self.allowed, self.asked = allowed, []

    def has_permission(self, permission, context):
        self.asked.append((permission, context))
        return self.allowed


def test_binding_refuses_a_release_the_caller_may_not_view(app, testapp, demo, frozen):
    path = add_entry(testapp, section=UNIT["section"]).json["@id"].replace(
        "http://localhost/++api++", "")
    make_indicator(app, "/data/w", dimensions=[REGION], **UNIT)
    with open_portal(app) as portal:
        indicator = find_by_path(portal, "/data/w")
        entry = find_by_path(portal, path)
        allowed = Caller(True)
        assert embargo.binding(allowed, indicator, path) is entry
        assert (VIEW, entry) in allowed.asked
        with pytest.raises(EditError) as refused:
            embargo.binding(Caller(False), indicator, path)
        missing = pytest.raises(EditError, embargo.binding, Caller(True), indicator,
                                path + "-nothere")
    assert refused.value.field == missing.value.field == "release"
    assert refused.value.type == missing.value.type == "not_found"
    assert str(refused.value.message).startswith("No release at")


class IThing(Interface):
    pass


def test_utility_is_made_once_when_threads_ask_together():
    registry, made, start = Registry("t"), [], threading.Barrier(6)

    def slow():
        made.append(object())
        time.sleep(0.05)
        return made[-1]

    found = []

    def ask():
        start.wait()
        found.append(utility(registry, IThing, slow))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert all(one is made[0] for one in found) and len(found) == 6
