"""Review 2, finding 5: the public's earlier ``asOf`` never shows a number that is X now
(the issue: "never the number, in any format, at any asOf"); staff reads are unchanged."""

from datetime import timedelta

import numpy as np

from statportal.content.paths import find_by_path
from statportal.testing import open_portal
from tests.helpers.clock import NOW
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, columns_for, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])


def _suppressed(app):
    """/data/births: a number public two days ago, X since yesterday (a new vintage)."""
    from statportal.taldau.store import add_vintage

    make_indicator(app, "/data/births", dimensions=[REGION], values=[[10.0], [4321.0]],
                   periods=[2025], now=NOW - timedelta(days=3))
    with open_portal(app) as portal:
        indicator = find_by_path(portal, "/data/births")
        add_vintage(indicator, columns_for(indicator, np.array([[10.0], [np.nan]]), [2025],
                                           np.array([[0], [1]], dtype=np.uint8)),
                    filename="suppressed.csv", actor="aigerim", now=NOW - timedelta(days=1),
                    embargoed=False)


def test_an_earlier_asof_never_shows_a_number_now_x(app, testapp, demo, frozen):
    _suppressed(app)
    as_user(testapp, None)
    before = (NOW - timedelta(days=2)).isoformat()
    for fmt in ("csv", "json-stat2", "sdmx-csv"):
        old = testapp.get("/data/births/@data", {"outputFormat": fmt, "asOf": before})
        assert "4321" not in old.text, fmt
        assert "10" in old.text, fmt  # the other cell keeps its number
    stat = testapp.get("/data/births/@data", {"asOf": before}).json
    assert stat["value"][1] is None and stat["status"]["1"] == "X"
    pxweb = testapp.get("/api/v2/tables/births/data", {"asOf": before}, status="*")
    assert "4321" not in pxweb.text


def test_staff_reads_at_an_earlier_asof_are_unchanged(app, testapp, demo, frozen):
    from statportal.taldau.cube import cube_of

    _suppressed(app)
    with open_portal(app) as portal:
        indicator = find_by_path(portal, "/data/births")
        staff = cube_of(app.registry, indicator, staff=True, as_of=NOW - timedelta(days=2))
        public = cube_of(app.registry, indicator, as_of=NOW - timedelta(days=2))
        assert list(staff.values[:, 0]) == [10.0, 4321.0]
        assert public.values[0, 0] == 10.0 and np.isnan(public.values[1, 0])
        assert int(public.status[1, 0]) == 1
