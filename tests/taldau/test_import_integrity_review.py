"""The import's integrity checks against waiting vintages (R3 review of issue 20): a cell a
waiting vintage merely repeats unchanged does not hold back a correction of a public
period; an X never public (a waiting vintage of the import's own release) may be
corrected, an X of another release or a public one stays."""

import base64

import pytest

from statportal.testing import last_transaction, open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, dimension, make_indicator

PATH = "/data/w"
URL = f"/++api++{PATH}/@import"
SECTION = "/official-statistics/economy"
HEADER = "region,period,value,status\n"


def upload(text, **more):
    return {"file": {"filename": "w.csv",
                     "data": base64.b64encode(text.encode()).decode()}, **more}


def entry_path(response):
    return response.json["@id"].replace("http://localhost/++api++", "")


def vintages(app):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        return [(v.number, v.state) for v in find_by_path(portal, PATH).vintages]


def refused(app, testapp, body):
    before, written = vintages(app), last_transaction(app)
    answer = testapp.post_json(URL, body, status=400).json
    assert vintages(app) == before and last_transaction(app) == written
    return [(e["row"], e["type"]) for e in answer["errors"]]


@pytest.fixture
def releases(app, testapp, demo, frozen):
    """``/data/w``: 2024 and 2025 public (vintage 1) for KZ and KZ-AST; two releases of
    the section (the second three days earlier)."""
    make_indicator(app, PATH, dimensions=[dimension("region", ("Өңір", "Регион", "Region"),
                                                    REGIONS[:2])],
                   values=[[10.0, 20.0], [11.0, 21.0]], periods=[2024, 2025],
                   unit="/orgunits/industry-statistics", section=SECTION)
    first = entry_path(add_entry(testapp, section=SECTION))
    other = entry_path(add_entry(testapp, section=SECTION,
                                 release_at="2026-12-11T10:00:00+05:00"))
    as_user(testapp, "aigerim")
    return first, other


def test_a_waiting_full_series_holds_only_the_cells_it_changes(app, testapp, releases):
    first, _other = releases
    # the whole series again, bound to the release: 2024 unchanged, 2025 of KZ revised
    testapp.post_json(URL, upload(HEADER + "KZ,2024,10,\nKZ,2025,20.5,\nKZ,2026,30,\n"
                                  "KZ-AST,2024,11,\nKZ-AST,2025,21,\nKZ-AST,2026,31,\n",
                                  release=first), status=201)
    # a correction of public 2024 (repeated unchanged by the waiting vintage) goes out now
    answer = testapp.post_json(URL, upload(HEADER + "KZ-AST,2024,11.5,\n"), status=201).json
    assert answer["state"] == "public"
    # the cell it revises, and the period not yet public, still wait for the release
    assert refused(app, testapp, upload(HEADER + "KZ-AST,2025,22,\nKZ,2025,20.7,\n"
                                        "KZ,2026,33,\n")) == [(3, "waiting"), (4, "waiting")]


def test_an_x_never_public_is_corrected_with_its_own_release_only(app, testapp, releases):
    first, other = releases
    testapp.post_json(URL, upload(HEADER + "KZ,2026,,X\nKZ-AST,2026,31,\n", release=first),
                      status=201)
    fix = HEADER + "KZ,2026,30,\n"
    assert refused(app, testapp, upload(fix, release=other)) == [
        (2, "confidential"), (2, "waiting")]
    answer = testapp.post_json(URL, upload(fix, release=first), status=201).json
    assert answer["state"] == "embargoed" and answer["release"] == first


def test_a_public_x_stays_even_with_a_release(app, testapp, releases):
    first, _other = releases
    testapp.post_json(URL, upload(HEADER + "KZ,2025,,X\n"), status=201)     # public X
    testapp.post_json(URL, upload(HEADER + "KZ,2026,30,\n", release=first), status=201)
    assert refused(app, testapp, upload(HEADER + "KZ,2025,20,\n", release=first)) == [
        (2, "confidential")]
