"""The API's @type and id: a type must be a string, a PATCH cannot change the id or the type."""

import pytest

from statportal.testing import basic_auth, last_transaction


def test_type_must_be_a_string(app, testapp, demo):
    testapp.authorization = basic_auth("admin")
    response = testapp.post_json("/++api++/official-statistics", {"@type": ["Section"]},
                                 status=400)
    assert response.json["errors"][0]["field"] == "@type"


@pytest.mark.parametrize(("payload", "field"), [
    ({"id": "renamed"}, "id"), ({"@type": "Group"}, "@type")])
def test_patch_cannot_change_id_or_type(app, testapp, demo, payload, field):
    testapp.authorization = basic_auth("admin")
    before = last_transaction(app)
    response = testapp.patch_json("/++api++/official-statistics/economy", payload, status=400)
    assert response.json["errors"][0]["field"] == field
    assert last_transaction(app) == before
