"""Review 2, finding 9: a dimension may not be named as a column of the import file
(``status``, ``value``, ``shown``) or as JSON-stat's metric (``ContentsCode``), in any
case: such an indicator could never be imported. Refused at creation, naming the field."""

import pytest

from statportal.testing import last_transaction
from tests.helpers.placement import as_user
from tests.helpers.taldau import DATA, indicator_payload


def _dims(code):
    return [{"code": code, "title": {"en": code},
             "hierarchy": [{"code": "A", "parent": "", "label": {"en": "A"}}]}]


@pytest.mark.parametrize("code", ["status", "Value", "SHOWN", "ContentsCode", "contentscode"])
def test_a_reserved_dimension_code_is_refused(app, testapp, demo, code):
    as_user(testapp, "admin")
    before = last_transaction(app)
    errors = testapp.post_json(DATA, indicator_payload(dimensions=_dims(code)),
                               status=400).json["errors"]
    found = [e for e in errors if e["field"] == "dimensions.0.code"]
    assert found and code in found[0]["message"]
    assert last_transaction(app) == before


def test_codes_that_only_contain_a_reserved_word_are_fine(testapp, demo):
    as_user(testapp, "admin")
    testapp.post_json(DATA, indicator_payload(dimensions=_dims("status_of_work")), status=201)
