"""Paths are stored in one form, the canonical resource path; a path that resolves to nothing
is a 400 naming it. WebTest against the real application on a FileStorage."""

import pytest

from statportal.testing import (
    last_transaction,
    open_portal,
)
from tests.helpers.placement import REQUESTS, as_user, payload


# -- (a) paths are stored as the canonical resource path ------------------------------------
def test_unit_and_section_paths_are_stored_canonical(app, testapp, demo):
    as_user(testapp, "aigerim")
    created = testapp.post_json(REQUESTS, payload(
        unit="orgunits//industry-statistics/",
        section=" official-statistics//economy/industry/ "), status=201).json
    assert created["unit"] == "/orgunits/industry-statistics"
    assert created["section"] == "/official-statistics/economy/industry"
    name = created["@id"].rsplit("/", 1)[1]
    with open_portal(app) as portal:
        stored = portal["requests"][name]
        assert (stored.unit, stored.section) == (
            "/orgunits/industry-statistics", "/official-statistics/economy/industry")
    # the unit's head finds it in the unit's register (the catalog indexes the one form)
    as_user(testapp, "marat")
    register = testapp.get(f"{REQUESTS}/@register").json
    assert [item["@id"] for item in register["items"]] == [created["@id"]]
    for written in ("/orgunits/industry-statistics", "orgunits//industry-statistics/"):
        found = testapp.get(f"{REQUESTS}/@register", {"unit": written}).json
        assert found["items_total"] == 1, written


def test_a_patched_path_is_stored_canonical(app, testapp, demo):
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(), status=201).json["@id"].replace(
        "http://localhost", "")
    changed = testapp.patch_json(url, {"section": "official-statistics/economy//industry//"},
                                 status=200)
    assert changed.status_int == 200
    assert testapp.get(url).json["section"] == "/official-statistics/economy/industry"


@pytest.mark.parametrize("field, value", [
    ("unit", "orgunits//nowhere/"), ("unit", "//"), ("section", "///"),
    ("section", "official-statistics//no-such-section"),
    ("release", "calendar//no-such-release")])
def test_a_path_that_resolves_to_nothing_is_400_naming_it(app, testapp, demo, field, value):
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    response = testapp.post_json(REQUESTS, payload(**{field: value}), status=400)
    assert field in [error["field"] for error in response.json["errors"]]
    assert last_transaction(app) == before


def test_replaced_material_path_resolving_to_nothing_is_400(app, testapp, demo):
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    response = testapp.post_json(REQUESTS, payload(
        placement_type="replace", replaces="official-statistics//economy/none/"), status=400)
    assert "replaces" in [error["field"] for error in response.json["errors"]]
    assert last_transaction(app) == before
