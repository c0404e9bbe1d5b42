"""Review 2, finding 11: an indicator's ``updated`` is the latest moment of the data the
reader sees (an embargoed vintage released after a later unbound import is the newest),
the same in @data, @metadata, @tables and /api/v2, written the same way (UTC, ``Z``)."""

from datetime import timedelta

import numpy as np

from statportal.content.paths import find_by_path
from statportal.testing import open_portal
from tests.helpers.clock import NOW
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, columns_for, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])
RELEASED = NOW - timedelta(hours=1)


def _released_after_a_later_import(app):
    from statportal.taldau.store import add_vintage, publish_vintage

    make_indicator(app, "/data/births", dimensions=[REGION], values=[[10.0], [11.0]],
                   periods=[2024], now=NOW - timedelta(days=10))
    with open_portal(app) as portal:
        indicator = find_by_path(portal, "/data/births")
        second = add_vintage(indicator, columns_for(indicator, np.array([[12.0], [13.0]]),
                                                    [2025]),
                             filename="a.csv", actor="aigerim", now=NOW - timedelta(days=3),
                             embargoed=True)
        add_vintage(indicator, columns_for(indicator, np.array([[10.5], [11.5]]), [2024]),
                    filename="b.csv", actor="aigerim", now=NOW - timedelta(days=2),
                    embargoed=False)
        publish_vintage(second, RELEASED)


def test_updated_is_the_latest_public_moment_everywhere(app, testapp, demo, frozen):
    _released_after_a_later_import(app)
    as_user(testapp, None)
    expected = RELEASED.strftime("%Y-%m-%dT%H:%M:%SZ")
    seen = {
        "@data": testapp.get("/data/births/@data").json["updated"],
        "@metadata": testapp.get("/data/births/@metadata").json["updated"],
        "@tables": testapp.get("/data/@tables").json["items"][0]["updated"],
        "/api/v2/tables/births": testapp.get("/api/v2/tables/births").json["updated"],
        "/api/v2 listing": testapp.get("/api/v2/tables").json["tables"][0]["updated"],
        "/api/v2 metadata": testapp.get("/api/v2/tables/births/metadata").json["updated"],
    }
    assert seen == dict.fromkeys(seen, expected)
    recent = testapp.get("/data/@tables", {"pastDays": 1}).json["items"]
    assert [item["id"] for item in recent] == ["births"]
    assert [t["id"] for t in testapp.get("/api/v2/tables", {"pastDays": 1}).json["tables"]] \
        == ["births"]
