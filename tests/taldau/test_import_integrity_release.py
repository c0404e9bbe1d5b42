"""An import is bound only to a release of its indicator's section or of a section above
it (R1 review of issue 20, finding 7: the regional accounts were bound to the prices'
release): another is refused naming ``release``, and nothing is stored."""

import base64

import pytest

from statportal.testing import last_transaction, open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, dimension, make_indicator

PATH = "/data/grp"
URL = f"/++api++{PATH}/@import"
BODY = {"file": {"filename": "grp.csv", "data": base64.b64encode(
    b"region,period,value\nKZ-AST,2026,5\n").decode()}}
ACCOUNTS = "/official-statistics/economy/national-accounts"


def release_in(testapp, section, day):
    as_user(testapp, "dana")
    path = add_entry(testapp, section=section, release_at=f"2026-12-{day}T10:00:00+05:00",
                     title={"kk": f"R {day}", "ru": f"R {day}", "en": f"R {day}"})
    as_user(testapp, "aigerim")
    return path.json["@id"].replace("http://localhost/++api++", "")


def grp(app, section=ACCOUNTS):
    make_indicator(app, PATH, unit="/orgunits/industry-statistics", section=section,
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)])


def states(app):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        return [v.state for v in find_by_path(portal, PATH).vintages]


def test_a_release_of_another_section_is_refused(app, testapp, demo, frozen):
    grp(app)
    prices = release_in(testapp, "/official-statistics/economy/prices", 14)
    written = last_transaction(app)
    answer = testapp.post_json(URL, {**BODY, "release": prices}, status=400).json
    assert [(e["field"], e["type"]) for e in answer["errors"]] == [("release", "other_section")]
    message = answer["errors"][0]["message"]
    assert "/official-statistics/economy/prices" in message and ACCOUNTS in message
    assert states(app) == [] and last_transaction(app) == written


@pytest.mark.parametrize("section", [ACCOUNTS, "/official-statistics/economy"])
def test_its_own_sections_release_or_one_above_it_is_taken(app, testapp, demo, frozen,
                                                         section):
    grp(app)
    entry = release_in(testapp, section, 15)
    answer = testapp.post_json(URL, {**BODY, "release": entry}, status=201).json
    assert answer["state"] == "embargoed" and answer["release"] == entry


def test_no_section_on_either_side_is_not_refused(app, testapp, demo, frozen):
    """An entry stored before the calendar required a section is the whole portal's; an
    indicator naming no section has nothing to compare with."""
    from statportal.content.paths import find_by_path

    grp(app)
    entry = release_in(testapp, "/official-statistics/economy/prices", 17)
    with open_portal(app) as portal:
        find_by_path(portal, entry).section = ""
    testapp.post_json(URL, {**BODY, "release": entry}, status=201)
    with open_portal(app) as portal:
        find_by_path(portal, PATH).section = ""
        find_by_path(portal, entry).section = "/official-statistics/economy/prices"
    other = {"file": {"filename": "grp.csv", "data": base64.b64encode(
        b"region,period,value\nKZ-AST,2026,6\n").decode()}}
    answer = testapp.post_json(URL, {**other, "release": entry}, status=201).json
    assert answer["number"] == 2
