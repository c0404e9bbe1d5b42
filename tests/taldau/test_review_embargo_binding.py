"""Review 2, findings 1 and 2: what a release holds of the data.

1. The entry holds the indicator and the vintage themselves, not a path and a number:
   renaming an indicator and making a new one at its old path does not make the release
   publish the new one's vintage (bound to a later release) early, and the renamed one's
   vintage is released with its release. Items bound before (path and number) are still
   read, their vintage only when it names this release.
2. Binding writes the entry itself: an import committing after the worker's pass that
   published the release conflicts with it, and its retry is refused (the release is
   published) instead of leaving a vintage embargoed for ever.
"""

import base64
from datetime import timedelta

import numpy as np
import pytest
from persistent.list import PersistentList
from pyramid.scripting import prepare
from ZODB.POSException import ConflictError

from statportal.content.paths import find_by_path
from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo import RELEASE
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, columns_for, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])
SECTION = "/official-statistics/economy"
BASE = "http://localhost/++api++"


def release(testapp, **changes):
    return add_entry(testapp, section=SECTION, **changes).json["@id"].replace(BASE, "")


def indicator(app, path):
    make_indicator(app, path, dimensions=[REGION], unit="/orgunits/industry-statistics",
                   section=SECTION)


def imp(testapp, path, text, entry, status=201):
    as_user(testapp, "aigerim")
    body = {"file": {"filename": "n.csv", "data": base64.b64encode(text.encode()).decode()},
            "release": entry}
    found = testapp.post_json(f"/++api++{path}/@import", body, status=status)
    as_user(testapp, None)
    return found


def states(app, *paths):
    with open_portal(app) as portal:
        return {p: [(v.number, v.state) for v in find_by_path(portal, p).vintages]
                for p in paths}


def test_a_renamed_indicator_keeps_its_release_and_the_new_one_waits(app, testapp, demo,
                                                                     frozen):
    early, late = release(testapp), release(testapp, release_at="2027-03-01T10:00:00+05:00")
    indicator(app, "/data/a")
    imp(testapp, "/data/a", "region,period,value\nKZ,2025,1\n", early)
    with open_portal(app) as portal:
        portal["data"].rename("a", "a-old")
    indicator(app, "/data/a")
    imp(testapp, "/data/a", "region,period,value\nKZ,2025,999\n", late)
    frozen.set(RELEASE + timedelta(seconds=20))
    run_pass(app.registry)
    assert states(app, "/data/a", "/data/a-old") == {
        "/data/a": [(1, "embargoed")], "/data/a-old": [(1, "public")]}
    public = testapp.get("/data/a/@data", {"outputFormat": "csv"}, status="*")
    assert public.status_int == 404 and "999" not in public.text
    assert ",1" in testapp.get("/data/a-old/@data", {"outputFormat": "csv"}).text


def test_items_bound_by_path_before_are_read_only_for_their_own_release(app, testapp, demo,
                                                                         frozen):
    early, late = release(testapp), release(testapp, release_at="2027-03-01T10:00:00+05:00")
    indicator(app, "/data/a")
    indicator(app, "/data/b")
    imp(testapp, "/data/a", "region,period,value\nKZ,2025,1\n", early)
    imp(testapp, "/data/b", "region,period,value\nKZ,2025,2\n", late)
    with open_portal(app) as portal:     # as bind stored them before: path and number
        entry = find_by_path(portal, early)
        entry.data_vintages = PersistentList([{"indicator": "/data/a", "vintage": 1},
                                              {"indicator": "/data/b", "vintage": 1}])
    frozen.set(RELEASE + timedelta(seconds=20))
    run_pass(app.registry)
    assert states(app, "/data/a", "/data/b") == {"/data/a": [(1, "public")],
                                                 "/data/b": [(1, "embargoed")]}


def test_an_import_committing_after_the_release_conflicts_with_it(app, testapp, demo,
                                                                   frozen):
    from statportal.taldau import embargo
    from statportal.taldau.store import add_vintage

    entry_path = release(testapp)
    indicator(app, "/data/w")
    imp(testapp, "/data/w", "region,period,value\nKZ,2025,1\n", entry_path)
    before = RELEASE - timedelta(seconds=1)
    frozen.set(before)
    with pytest.raises(ConflictError), open_portal(app) as portal:   # import_file's steps
        env = prepare(registry=app.registry)
        try:
            found = find_by_path(portal, "/data/w")
            entry = embargo.binding(env["request"], found, entry_path)
            vintage = add_vintage(found, columns_for(found, np.array([[1.0], [2.0]]), [2025]),
                                  filename="b.csv", release=entry_path, actor="aigerim",
                                  now=before, embargoed=True)
            embargo.bind(env["request"], found, vintage, entry, before)
            frozen.set(RELEASE + timedelta(seconds=1))
            assert run_pass(app.registry).data_released == [entry_path]  # commits first
        finally:
            env["closer"]()
    assert states(app, "/data/w") == {"/data/w": [(1, "public")]}


def test_the_retried_import_is_refused_once_the_release_is_out(app, testapp, demo, frozen,
                                                               monkeypatch):
    from statportal.taldau import embargo

    entry_path = release(testapp)
    indicator(app, "/data/w")
    imp(testapp, "/data/w", "region,period,value\nKZ,2025,1\n", entry_path)
    frozen.set(RELEASE - timedelta(seconds=1))
    original, passes = embargo.bind, []

    def bind_then_the_worker(request, *args, **kw):
        original(request, *args, **kw)
        if not passes:       # the worker's pass commits while the import is still running
            frozen.set(RELEASE + timedelta(seconds=1))
            passes.append(run_pass(app.registry).data_released)

    monkeypatch.setattr(embargo, "bind", bind_then_the_worker)
    refused = imp(testapp, "/data/w", "region,period,value\nKZ-AST,2025,2\n", entry_path,
                  status=400).json["errors"]
    assert passes == [[entry_path]]
    assert [(e["field"], e["type"]) for e in refused] == [("release", "published")]
    assert states(app, "/data/w") == {"/data/w": [(1, "public")]}
