"""The currency monitor watches the indicators too (issue 20, item 6): an indicator whose
next release of its section is past with no newer public vintage is outdated, until a
vintage goes public. Registered by the data service (``add_currency_watch``)."""

from datetime import timedelta

import numpy as np

from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo import RELEASE
from tests.helpers.taldau import REGIONS, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])


def findings(app):
    from statportal.releases.currency import open_findings

    with open_portal(app) as portal:
        return sorted((f.kind, f.target, f.executor_email) for f in open_findings(portal))


def test_an_indicator_past_its_next_release_is_outdated(app, testapp, demo, frozen):
    make_indicator(app, "/data/wages", dimensions=[REGION], values=[[10], [11]],
                   periods=[2025], section="/official-statistics/economy",
                   executor_email="labour@stat.example.kz")
    make_indicator(app, "/data/other", dimensions=[REGION], values=[[1], [2]],
                   periods=[2025], section="/official-statistics/society")
    entry = add_entry(testapp, section="/official-statistics/economy/prices").json["@id"]
    entry = entry.replace("http://localhost/++api++", "")
    run_pass(app.registry)
    assert findings(app) == []                       # the release is still to come
    frozen.set(RELEASE + timedelta(hours=1))
    run_pass(app.registry)
    assert findings(app) == [("missing", entry, ""),
                             ("outdated", "/data/wages", "labour@stat.example.kz")]
    # a new vintage goes public: the next scan resolves the indicator's finding
    from statportal import clock
    from statportal.content.paths import find_by_path
    from statportal.taldau.store import add_vintage
    from tests.helpers.taldau import columns_for

    with open_portal(app) as portal:
        indicator = find_by_path(portal, "/data/wages")
        add_vintage(indicator, columns_for(indicator, np.array([[10, 12], [11, 13]], float),
                                           [2025, 2026]),
                    filename="w.csv", actor="aigerim", now=clock.now(), embargoed=False)
    frozen.advance(minutes=1)
    run_pass(app.registry)
    assert findings(app) == [("missing", entry, "")]
