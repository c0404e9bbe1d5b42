"""``statportal embargo-probe`` asks for the indicators' addresses too (issue 20, item 3):
the data service registers its targets (``add_embargo_probe_targets``); the releases,
which run the probe, import nothing of it."""

import numpy as np
import pytest
from webtest.http import StopableWSGIServer

from statportal.testing import TEST_SECRET, open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo_probe import run
from tests.helpers.taldau import REGIONS, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])


@pytest.fixture
def server(app):
    server = StopableWSGIServer.create(app)
    yield server
    server.shutdown()


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "probe.ini"
    path.write_text(f"""
[app:main]
use = egg:statportal
zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs
statportal.secret = {TEST_SECRET}
""")
    return str(path)


def bound(app, path, release, values, periods):
    """A vintage of ``values`` bound to ``release``, as the import stores it."""
    from pyramid.scripting import prepare

    from statportal import clock
    from statportal.content.paths import find_by_path
    from statportal.taldau import embargo
    from statportal.taldau.store import add_vintage
    from tests.helpers.taldau import columns_for

    with open_portal(app) as portal:
        env = prepare(registry=app.registry)
        try:
            indicator = find_by_path(portal, path)
            entry = embargo.binding(env["request"], indicator, release)
            vintage = add_vintage(indicator, columns_for(indicator, np.array(values, float),
                                                         periods),
                                  filename="x.csv", release=release, actor="aigerim",
                                  now=clock.now(), embargoed=True)
            embargo.bind(env["request"], indicator, vintage, entry)
        finally:
            env["closer"]()


@pytest.fixture
def waiting(app, testapp, demo, frozen):
    """``/data/wages``: 2024-2025 public, 2026 waiting; ``/data/births``: only waiting."""
    release = add_entry(testapp, section="/official-statistics/economy").json["@id"].replace(
        "http://localhost/++api++", "")
    make_indicator(app, "/data/wages", dimensions=[REGION], values=[[10, 20], [11, 21]],
                   periods=[2024, 2025])
    bound(app, "/data/wages", release, [[10, 20, 30], [11, 21, 31]], [2024, 2025, 2026])
    make_indicator(app, "/data/births", dimensions=[REGION])
    bound(app, "/data/births", release, [[7], [8]], [2025])
    return release


def test_the_indicators_targets(app, waiting):
    from statportal.releases.probe import targets

    with open_portal(app) as portal:
        found = {t.material: t for t in targets(portal, app.registry)}
    births, wages = found["/data/births"], found["/data/wages"]
    assert "/data/births" in births.must_404 and "/api/v2/tables/births" in births.must_404
    assert "/data/births/@data?outputFormat=csv" in births.must_404
    assert ("/data/@tables", ["/data/births"]) in births.must_not_contain
    assert wages.must_404 == []
    assert wages.must_not_contain == [("/data/wages/@data?outputFormat=csv", [",2026,"]),
                                      ("/api/v2/tables/wages/data?outputFormat=csv",
                                       [",2026,"])]
    # without the registry (an older caller): the calendar's placements only
    with open_portal(app) as portal:
        assert targets(portal) == []


def test_probe_is_quiet_under_the_embargo(app, server, ini, waiting):
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 0, out
    assert out.strip().endswith("0 leaks") and int(out.split()[-4]) == 7 + 5 + 2


def test_probe_finds_a_leak(app, server, ini, waiting):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        # a defect makes the waiting vintages public behind the calendar's back (written
        # past the store's functions on purpose, as a defect would)
        for path in ("/data/births", "/data/wages"):
            vintage = find_by_path(portal, path).vintages[-1]
            vintage.state, vintage.public_at = "public", vintage.created
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 1, out
    assert "LEAK /data/births/@data: answered 200" in out, out
    assert "LEAK /api/v2/tables/births/data: answered 200" in out, out
    assert "LEAK /data/@tables: shows /data/births" in out, out
    assert "LEAK /data/wages/@data?outputFormat=csv: shows ,2026," in out, out
