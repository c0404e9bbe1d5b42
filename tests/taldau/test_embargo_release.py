"""The embargo of an indicator's data (issue 20, item 3): an import bound to a release
stays the staff's until the worker publishes that release — in the same pass as its
materials, or by the data service's own task for a release of data only; cancelled, its
vintages never go public; postponed, they wait for the new time."""

from datetime import timedelta

import numpy as np
import pytest

from statportal.content.editing import EditError
from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo import RELEASE
from tests.helpers.placement import as_user, new_request, run_chain, step
from tests.helpers.taldau import REGIONS, dimension, make_indicator

PATH = "/data/wages"
REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])


def entry_path(response):
    return response.json["@id"].replace("http://localhost/++api++", "")


@pytest.fixture
def release(app, testapp, demo, frozen):
    """A confirmed release of 14 December with nothing placed for it (data only)."""
    return entry_path(add_entry(testapp, section="/official-statistics/economy"))


@pytest.fixture
def scheduled(app, testapp, demo, frozen):
    """A new material placed for the release of 14 December: ``(material path, entry)``."""
    entry = entry_path(add_entry(testapp, section="/official-statistics/economy/industry"))
    url = new_request(testapp, release=entry)
    run_chain(testapp, url)
    return testapp.get(url).json["material"], entry


@pytest.fixture
def indicator(app, demo):
    """``/data/wages``: 2024 and 2025 public (10, 20 / 11, 21); of the industry's section
    (its releases and the economy's may carry it: ``embargo.section_fits``)."""
    make_indicator(app, PATH, dimensions=[REGION], values=[[10, 20], [11, 21]],
                   periods=[2024, 2025], section="/official-statistics/economy/industry")
    return PATH


def import_for(app, release, values=((10, 25, 30), (11, 21, 31)), periods=(2024, 2025, 2026)):
    """A vintage bound to ``release`` as the import stores it (binding, add_vintage, bind)."""
    from pyramid.scripting import prepare

    from statportal import clock
    from statportal.content.paths import find_by_path
    from statportal.taldau import embargo
    from statportal.taldau.store import add_vintage
    from tests.helpers.taldau import columns_for

    with open_portal(app) as portal:
        env = prepare(registry=app.registry)
        try:
            ind = find_by_path(portal, PATH)
            entry = embargo.binding(env["request"], ind, release)
            vintage = add_vintage(ind, columns_for(ind, np.array(values, float), periods),
                                  filename="wages.csv", release=release or "", actor="aigerim",
                                  now=clock.now(), embargoed=entry is not None)
            embargo.bind(env["request"], ind, vintage, entry)
            return vintage.number
        finally:
            env["closer"]()


def cube(app, staff=False):
    from statportal.content.paths import find_by_path
    from statportal.taldau.cube import cube_of

    with open_portal(app) as portal:
        found = cube_of(app.registry, find_by_path(portal, PATH), staff=staff)
        return None if found is None else {
            "periods": tuple(found.periods), "values": found.values.tolist(),
            "updated": found.updated, "vintages": tuple(found.vintages)}


def states(app):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        return [(v.number, v.state) for v in find_by_path(portal, PATH).vintages]


def entry_status(app, path):
    from statportal.content.paths import find_by_path
    from statportal.taldau.embargo import data_vintages

    with open_portal(app) as portal:
        entry = find_by_path(portal, path)
        return entry.status, list(data_vintages(entry))


def refused(app, path):
    from pyramid.scripting import prepare

    from statportal.content.paths import find_by_path
    from statportal.taldau import embargo

    with open_portal(app) as portal:
        env = prepare(registry=app.registry)
        try:
            with pytest.raises(EditError) as caught:
                embargo.binding(env["request"], find_by_path(portal, PATH), path)
        finally:
            env["closer"]()
    return caught.value.field, caught.value.type


def test_binding_names_the_release_when_it_cannot_hold_data(app, testapp, release, indicator):
    assert refused(app, "/calendar/2026/no-such-release") == ("release", "not_found")
    assert refused(app, "/official-statistics") == ("release", "not_a_release")
    assert refused(app, "calendar") == ("release", "invalid")
    as_user(testapp, "dana")
    other = entry_path(add_entry(testapp, section="/official-statistics/economy",
                                 release_at="2026-12-11T10:00:00+05:00"))
    step(testapp, "dana", f"/++api++{other}", "cancel", comment="The survey is suspended.")
    assert refused(app, other) == ("release", "cancelled")
    assert states(app) == [(1, "public")]          # nothing stored by a refusal


def test_data_only_release_is_published_by_the_worker_at_its_time(app, testapp, release,
                                                                  indicator, frozen):
    before = cube(app)
    assert import_for(app, release) == 2
    assert entry_status(app, release) == ("confirmed", [{"indicator": PATH, "vintage": 2}])
    # the public still reads the previous vintage; the staff the new one
    assert cube(app) == before and before["periods"] == (2024, 2025)
    assert cube(app, staff=True)["periods"] == (2024, 2025, 2026)
    frozen.set(RELEASE - timedelta(seconds=1))
    result = run_pass(app.registry)
    assert result.data_released == [] and states(app) == [(1, "public"), (2, "embargoed")]
    assert cube(app) == before
    frozen.set(RELEASE + timedelta(seconds=20))
    result = run_pass(app.registry)
    assert result.data_released == [release] and result.vintages == 1
    assert result.released == []   # the releases' task had no placement to release
    assert states(app) == [(1, "public"), (2, "public")]
    assert entry_status(app, release)[0] == "published"
    after = cube(app)
    assert after["periods"] == (2024, 2025, 2026) and after["values"][0] == [10, 25, 30]
    assert after["updated"] == RELEASE + timedelta(seconds=20)   # `updated` moves
    # nothing twice; and the currency monitor finds nothing missing for it
    frozen.advance(minutes=1)
    again = run_pass(app.registry)
    assert again.data_released == [] and again.vintages == 0
    from statportal.releases.currency import open_findings

    with open_portal(app) as portal:
        assert [f.kind for f in open_findings(portal)] == []


def test_data_and_materials_go_public_in_the_same_pass(app, testapp, scheduled, indicator,
                                                       frozen):
    material, release = scheduled
    import_for(app, release)
    frozen.set(RELEASE + timedelta(seconds=5))
    result = run_pass(app.registry)
    assert result.released == [release]       # the releases' task: materials and data
    assert result.data_released == []         # so the data service's task had none left
    assert states(app) == [(1, "public"), (2, "public")]
    with open_portal(app) as portal:
        from statportal.content.paths import find_by_path

        entry = find_by_path(portal, release)
        vintage = find_by_path(portal, PATH).vintages[1]
        assert vintage.public_at == entry.published_at == RELEASE + timedelta(seconds=5)


def test_a_cancelled_release_cancels_its_vintages(app, testapp, release, indicator, frozen):
    import_for(app, release)
    step(testapp, "dana", f"/++api++{release}", "cancel", comment="The survey is suspended.")
    assert states(app) == [(1, "public"), (2, "cancelled")]
    assert cube(app, staff=True)["periods"] == (2024, 2025)   # nobody reads it any more
    frozen.set(RELEASE + timedelta(days=1))
    assert run_pass(app.registry).data_released == []
    assert cube(app)["periods"] == (2024, 2025)


def test_a_postponed_release_keeps_them_embargoed(app, testapp, release, indicator, frozen):
    import_for(app, release)
    as_user(testapp, "dana").patch_json(f"/++api++{release}", {
        "release_at": "2026-12-15T10:00:00+05:00", "reason": "Revised source data"})
    frozen.set(RELEASE + timedelta(minutes=5))
    assert run_pass(app.registry).data_released == []
    assert states(app)[-1] == (2, "embargoed") and cube(app)["periods"] == (2024, 2025)
    # at the new time, the worker's timed run (the due tasks alone, at that second)
    from statportal.releases.worker import next_due
    from statportal.worker import run_timed

    moment = next_due(app.registry, RELEASE + timedelta(minutes=5))
    assert moment == RELEASE + timedelta(days=1)
    frozen.set(moment)
    assert run_timed(app.registry).data_released == [release]
    assert cube(app)["periods"] == (2024, 2025, 2026)


def test_a_late_import_is_released_at_once(app, testapp, release, indicator, frozen):
    frozen.set(RELEASE + timedelta(seconds=5))      # the worker has not passed yet
    import_for(app, release)
    assert states(app) == [(1, "public"), (2, "public")]
    assert entry_status(app, release)[0] == "published"
    # and a published release takes no more data
    assert refused(app, release) == ("release", "published")


def test_an_import_without_release_is_public_at_once(app, testapp, release, indicator):
    import_for(app, "")
    assert states(app) == [(1, "public"), (2, "public")]
    assert entry_status(app, release) == ("confirmed", [])
