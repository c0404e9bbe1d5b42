"""``statportal embargo-probe`` asks for the indicators' addresses too (issue 20, item 3):
the data service registers its targets (``add_embargo_probe_targets``); the releases,
which run the probe, import nothing of it."""

import pytest

from statportal.testing import open_portal
from tests.helpers.embargo_probe import add_release, bound, run, serve, write_ini
from tests.helpers.taldau import REGIONS, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])


@pytest.fixture
def server(app):
    yield from serve(app)


@pytest.fixture
def ini(tmp_path):
    return write_ini(tmp_path)


@pytest.fixture
def waiting(app, testapp, demo, frozen):
    """``/data/wages``: 2024-2025 public, 2026 waiting; ``/data/births``: only waiting."""
    release = add_release(testapp)
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
    assert ("/data/@tables?b_start=0&b_size=200", ["/data/births"]) in births.must_not_contain
    assert ("/api/v2/tables?pageSize=1000&pageNumber=1",
            ["/api/v2/tables/births?"]) in births.must_not_contain
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
    # births: 7 addresses, 5 listings; wages: its 2 CSVs, @metadata, /api/v2's metadata
    # and the page (test_embargo_probe_values: the values a waiting revision changes)
    assert out.strip().endswith("0 leaks") and int(out.split()[-4]) == 7 + 5 + 2 + 3


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
    assert "LEAK /data/@tables?b_start=0&b_size=200: shows /data/births" in out, out
    assert ("LEAK /api/v2/tables?pageSize=1000&pageNumber=1: shows /api/v2/tables/births?"
            in out), out
    assert "LEAK /data/wages/@data?outputFormat=csv: shows ,2026," in out, out


def test_probe_asks_every_page_of_the_listings(app, server, ini, waiting, monkeypatch):
    """An indicator listed on page 2 is seen: the probe asks each page at the largest size
    (here one indicator a page: ``statportal.batch_max`` 1 and /api/v2's sizes patched)."""
    from pathlib import Path

    from statportal.content.paths import find_by_path
    from statportal.taldau import pxweb_shapes

    monkeypatch.setattr(pxweb_shapes, "PAGE_SIZE", 1)
    monkeypatch.setattr(pxweb_shapes, "MAX_PAGE_SIZE", 1)
    Path(ini).write_text(Path(ini).read_text() + "statportal.batch_max = 1\n")
    with open_portal(app) as portal:
        vintage = find_by_path(portal, "/data/births").vintages[-1]
        vintage.state, vintage.public_at = "public", vintage.created
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 1, out
    leaks = [line for line in out.splitlines() if line.startswith("LEAK /")]
    native = [line for line in leaks if "shows /data/births" in line and "@tables" in line]
    pxweb = [line for line in leaks if "shows /api/v2/tables/births?" in line]
    assert len(native) == 1 and "b_size=1:" in native[0], out
    assert int(native[0].split("b_start=")[1].split("&")[0]) >= 1, out
    assert len(pxweb) == 1 and "pageSize=1&" in pxweb[0], out
    assert int(pxweb[0].split("pageNumber=")[1].split(":")[0]) >= 2, out
