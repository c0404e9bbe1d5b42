"""``statportal embargo-probe`` on an indicator WITH public data (R1 finding 15): besides
the periods only the waiting vintages hold, it checks ``@metadata``, ``/api/v2``'s
metadata and the page (``updated``, first/last period, periods) and the values of the
cells a waiting vintage revises in the public periods (the demo CPI's KZ-79 revision)."""

import numpy as np
import pytest

from statportal.testing import open_portal
from tests.helpers.embargo_probe import add_release, bound, run, serve, write_ini
from tests.helpers.taldau import REGIONS, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:3])
#: public: 2024-2025 of KZ, KZ-AST, KZ-ALA
PUBLIC = [[105.1, 106.2], [107.3, 108.4], [109.5, 110.6]]


@pytest.fixture
def server(app):
    yield from serve(app)


@pytest.fixture
def ini(tmp_path):
    return write_ini(tmp_path)


@pytest.fixture
def revision(app, testapp, demo, frozen):
    """``/data/prices``: 2024-2025 public; waiting: KZ-ALA 2025 revised (110.6 -> 110.9),
    nothing else: no new period, so no period label can tell the leak."""
    make_indicator(app, "/data/prices", dimensions=[REGION], values=PUBLIC,
                   periods=[2024, 2025], decimals=1)
    bound(app, "/data/prices", add_release(testapp),
          [[np.nan, 106.2], [np.nan, 108.4], [np.nan, 110.9]], [2024, 2025])


@pytest.fixture
def with_new_period(app, testapp, demo, frozen):
    """``/data/prices``: 2024-2025 public; waiting: 2026 and KZ 2024 revised, as the
    demo's CPI (a new month and a revision of the month before)."""
    make_indicator(app, "/data/prices", dimensions=[REGION], values=PUBLIC,
                   periods=[2024, 2025], decimals=1)
    bound(app, "/data/prices", add_release(testapp),
          [[105.4, np.nan, 111.0], [np.nan, np.nan, 112.0], [np.nan, np.nan, 113.0]],
          [2024, 2025, 2026])


def leaks_of(out):
    return [line for line in out.splitlines() if line.startswith("LEAK ")]


def publish_behind_the_calendar(app, path):
    """A defect: the waiting vintage made public past the store's functions."""
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        vintage = find_by_path(portal, path).vintages[-1]
        vintage.state, vintage.public_at = "public", vintage.created


def test_the_targets_ask_for_the_revised_cells(app, revision):
    from statportal.releases.probe import targets

    with open_portal(app) as portal:
        target, = targets(portal, app.registry)
    assert target.must_404 == [] and target.must_not_contain == []   # no new period
    urls = [url for url, _check in target.checks]
    assert urls[:3] == ["/data/prices/@metadata", "/api/v2/tables/prices/metadata",
                        "/data/prices"]
    # one selection of the one revised cell, from both APIs
    assert urls[3] == "/data/prices/@data?valuecodes%5Bregion%5D=KZ-ALA&" \
                      "valuecodes%5Bperiod%5D=2025"
    assert urls[4].startswith("/api/v2/tables/prices/data?valuecodes%5Bregion%5D=KZ-ALA&")
    assert len(urls) == 5


def test_quiet_under_the_embargo(app, server, ini, revision):
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 0, out
    assert out.strip().endswith("5 requests, 0 leaks"), out


def test_a_published_revision_is_found(app, server, ini, revision):
    """No period label changes: only the values, ``updated`` tell the leak."""
    publish_behind_the_calendar(app, "/data/prices")
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 1, out
    leaks = leaks_of(out)
    value = [line for line in leaks if "region=KZ-ALA, period=2025" in line]
    assert len(value) == 2, out            # @data and /api/v2
    assert value[0].startswith("LEAK /data/prices/@data?valuecodes"), out
    assert "shows 110.9 r at region=KZ-ALA, period=2025, where the public value is 110.6 " \
           "(vintage 2 waits for its release)" in value[0], out
    assert value[1].startswith("LEAK /api/v2/tables/prices/data?"), out
    assert any(line.startswith("LEAK /data/prices/@metadata: shows updated ")
               for line in leaks), out
    assert any(line.startswith("LEAK /api/v2/tables/prices/metadata: shows updated ")
               for line in leaks), out
    assert any(line.startswith("LEAK /data/prices: shows no update time of the public")
               for line in leaks), out


def test_values_leaking_through_the_cube_alone(app, server, ini, revision, monkeypatch):
    """A defect in what the public's cube is made of (the vintages' visibility, patched):
    the revised value and ``updated`` leak, though the vintage's state says it waits."""
    from statportal.content.paths import find_by_path
    from statportal.taldau import cube

    with open_portal(app) as portal:   # its time, as a defect could write it; still waiting
        vintage = find_by_path(portal, "/data/prices").vintages[-1]
        vintage.public_at = vintage.created
    monkeypatch.setattr(cube, "visible_vintages", lambda indicator, **kw: [
        v for v in indicator.vintages if v.state != "cancelled"])
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 1, out
    leaks = leaks_of(out)
    assert sum("shows 110.9 r at region=KZ-ALA, period=2025" in line for line in leaks) == 2
    assert any(line.startswith("LEAK /data/prices/@metadata: shows updated ")
               for line in leaks), out
    assert any(line.startswith("LEAK /data/prices: shows no update time of the public")
               for line in leaks), out   # the page's "Updated" is the cube's too
    assert len(leaks) == 5, out


def test_a_published_month_and_revision_are_found(app, server, ini, with_new_period):
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 0, out
    assert out.strip().endswith("7 requests, 0 leaks"), out   # 2 CSVs, 3 pages, 2 values
    publish_behind_the_calendar(app, "/data/prices")
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 1, out
    leaks = leaks_of(out)
    assert "LEAK /data/prices/@data?outputFormat=csv: shows ,2026," in leaks, out
    metadata = next(line for line in leaks if line.startswith("LEAK /data/prices/@metadata"))
    assert metadata.startswith("LEAK /data/prices/@metadata: shows updated "), out
    assert "LEAK /data/prices/@metadata: shows last period 2026" in leaks, out
    assert "LEAK /data/prices/@metadata: shows period 2026" in leaks, out
    assert "LEAK /api/v2/tables/prices/metadata: shows last period 2026" in leaks, out
    assert "LEAK /data/prices: shows period 2026" in leaks, out
    assert sum("shows 105.4 r at region=KZ, period=2024, where the public value is 105.1"
               in line for line in leaks) == 2, out


def test_at_most_a_sample_of_the_changed_cells(app, testapp, demo, frozen, monkeypatch):
    """A vintage revising many cells is asked for ``SAMPLE`` of them, spread evenly over
    them (the first and the last here), in selections of at most ``GROUP_CELLS``."""
    from statportal.releases.probe import targets
    from statportal.taldau import probe_targets

    make_indicator(app, "/data/prices", dimensions=[REGION], values=PUBLIC,
                   periods=[2024, 2025], decimals=1)
    bound(app, "/data/prices", add_release(testapp), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
          [2024, 2025])
    monkeypatch.setattr(probe_targets, "SAMPLE", 2)
    monkeypatch.setattr(probe_targets, "GROUP_CELLS", 1)
    with open_portal(app) as portal:
        target, = targets(portal, app.registry)
    values = [url for url, _check in target.checks][3:]
    assert values == [
        "/data/prices/@data?valuecodes%5Bregion%5D=KZ&valuecodes%5Bperiod%5D=2024",
        "/api/v2/tables/prices/data?valuecodes%5Bregion%5D=KZ&valuecodes%5Bperiod%5D=2024"
        "&outputFormat=json-stat2",
        "/data/prices/@data?valuecodes%5Bregion%5D=KZ-ALA&valuecodes%5Bperiod%5D=2025",
        "/api/v2/tables/prices/data?valuecodes%5Bregion%5D=KZ-ALA&valuecodes%5Bperiod%5D="
        "2025&outputFormat=json-stat2"]
