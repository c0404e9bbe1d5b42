"""An import never publishes what waits for a release (R1 review of issue 20, finding 1):
a row whose period only embargoed vintages hold, or whose cell an embargoed vintage
holds, is refused unless the import is bound to that vintage's release; and a vintage
public at once counts its new and revised cells against what the public saw."""

import base64

import numpy as np
import pytest

from statportal.testing import last_transaction, open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, dimension, make_indicator

PATH = "/data/cpi"
URL = f"/++api++{PATH}/@import"
HEADER = "region,period,value\n"


def upload(text, **more):
    return {"file": {"filename": "cpi.csv",
                     "data": base64.b64encode(text.encode()).decode()}, **more}


def entry_path(response):
    return response.json["@id"].replace("http://localhost/++api++", "")


def vintages(app):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        return [(v.number, v.state) for v in find_by_path(portal, PATH).vintages]


@pytest.fixture
def waiting(app, testapp, demo, frozen):
    """``/data/cpi``: October public (vintage 1); vintage 2 embargoed for a release of
    14 December: November of Astana and a revision of Almaty's October. Returns the
    release's path."""
    make_indicator(app, PATH, periodicity="monthly", unit="/orgunits/industry-statistics",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)],
                   section="/official-statistics/economy")
    release = entry_path(add_entry(testapp, section="/official-statistics/economy"))
    as_user(testapp, "aigerim")
    testapp.post_json(URL, upload(HEADER + "KZ-AST,2026-10,101\nKZ-ALA,2026-10,102\n"
                                  "KZ-KAR,2026-10,103\n"), status=201)
    testapp.post_json(URL, upload(HEADER + "KZ-AST,2026-11,104\nKZ-ALA,2026-10,102.5\n",
                                  release=release), status=201)
    assert vintages(app) == [(1, "public"), (2, "embargoed")]
    return release


def refused(app, testapp, body):
    before, written = vintages(app), last_transaction(app)
    answer = testapp.post_json(URL, body, status=400).json
    assert vintages(app) == before and last_transaction(app) == written
    return [(e["field"], e["row"], e["column"], e["type"], e["message"])
            for e in answer["errors"]]


def test_a_waiting_period_is_refused_without_its_release(app, testapp, waiting):
    errors = refused(app, testapp, upload(HEADER + "KZ-KAR,2026-10,103.2\n"
                                          "KZ-KAR,2026-11,105\nKZ-ALA,2026-11,106\n"))
    assert errors == [("release", 3, "period", "waiting",
                       f"The period 2026-11 waits for the release {waiting}: bind the "
                       "import to it.")]
    as_user(testapp, None)      # the public still has no November
    assert testapp.get(f"/++api++{PATH}/@metadata").json["lastPeriod"] == "2026-10"


def test_a_waiting_revision_is_refused_but_other_cells_of_a_public_period_pass(
        app, testapp, waiting):
    errors = refused(app, testapp, upload(HEADER + "KZ-ALA,2026-10,102.7\n"))
    assert [e[:4] for e in errors] == [("release", 2, "period", "waiting")]
    assert errors[0][4].startswith("A revision of the period 2026-10 waits for the "
                                   f"release {waiting}")
    answer = testapp.post_json(URL, upload(HEADER + "KZ-KAR,2026-10,103.4\n"),
                               status=201).json
    assert answer["state"] == "public"
    assert answer["summary"]["revised"] == 1 and answer["summary"]["new"] == 0


def test_bound_to_its_release_it_passes_to_another_it_does_not(app, testapp, waiting):
    as_user(testapp, "dana")
    other = entry_path(add_entry(testapp, section="/official-statistics/economy",
                                 release_at="2026-12-11T10:00:00+05:00"))
    as_user(testapp, "aigerim")
    errors = refused(app, testapp, upload(HEADER + "KZ-KAR,2026-11,105\n", release=other))
    assert [e[:4] for e in errors] == [("release", 2, "period", "waiting")]
    assert waiting in errors[0][4]
    answer = testapp.post_json(URL, upload(HEADER + "KZ-KAR,2026-11,105\n",
                                           release=waiting), status=201).json
    assert answer["state"] == "embargoed" and answer["release"] == waiting


def test_a_public_vintage_counts_against_what_the_public_saw(app, demo, frozen):
    """Store level: vintage 2 (embargoed) revised Astana to 12 and added Almaty; a
    vintage public at once with 12 and 5 revises Astana (the public read 10) and adds
    Almaty (the public never saw it)."""
    from statportal import clock
    from statportal.content.paths import find_by_path
    from statportal.taldau.store import add_vintage
    from tests.helpers.taldau import columns_for

    region = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:3])
    make_indicator(app, PATH, dimensions=[region], values=[[np.nan], [10], [np.nan]],
                   periods=[2025])
    with open_portal(app) as portal:
        indicator = find_by_path(portal, PATH)
        add_vintage(indicator, columns_for(indicator, [[np.nan], [12], [4]], [2025]),
                    filename="b.csv", actor="t", now=clock.now(), embargoed=True)
        public = add_vintage(indicator, columns_for(indicator, [[np.nan], [12], [5]],
                                                    [2025]),
                             filename="c.csv", actor="t", now=clock.now(), embargoed=False)
        assert (public.summary["new"], public.summary["revised"]) == (1, 1)
        staff = add_vintage(indicator, columns_for(indicator, [[np.nan], [12], [6]],
                                                   [2025]),
                            filename="d.csv", actor="t", now=clock.now(), embargoed=True)
        assert (staff.summary["new"], staff.summary["revised"]) == (0, 1)
