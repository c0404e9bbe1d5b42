"""Generate: parameters of any JSON type are a 400 naming the field."""

import pytest

from statportal.testing import last_transaction
from tests.helpers.basis_tables import basis, field_of, generate, material_with
from tests.helpers.disclosure_samples import published_xlsx
from tests.helpers.materials import add as add_material
from tests.helpers.materials import upload


@pytest.mark.parametrize("body, field", [
    ({"method": ["collapse"]}, "method"),
    ({"method": {"collapse": 1}}, "method"),
    ({"rows": ["region"]}, "rows"),
    ({"rows": {"region": 1}}, "rows"),
    ({"cols": None}, "cols"),
    ({"basis": ["wages.basis.xlsx"]}, "basis"),
    ({"basis": {"a": 1}}, "basis"),
    ({"method": "collapse", "dim": ["region"], "depth": 1}, "dim"),
    ({"method": "collapse", "dim": "region", "depth": -1}, "depth"),
    ({"method": "collapse", "dim": "region", "depth": 10**30}, "depth"),
    ({"method": "collapse", "dim": "region", "depth": 1.5}, "depth"),
    ({"method": "transfer", "dim": "region", "code": ["ABAI-1"], "to": "ABAI-2"}, "code"),
    ({"method": "transfer", "dim": "region", "code": "ABAI-1", "to": "ABAI-2",
      "where": {"region": ["x"]}}, "where"),
    ({"method": "combine", "dim": "activity", "codes": [["B"], ["C"]], "new_code": "X"},
     "codes"),
    ({"method": "combine", "dim": "activity", "codes": "B,C", "new_code": {"x": 1}},
     "new_code"),
])
def test_generate_refuses_parameters_of_any_type(testapp, demo, body, field):
    url = add_material(testapp, **material_with(
        [upload("wages-en.xlsx", published_xlsx(status={}), "en")], [basis()],
        languages=("en",)))
    before = last_transaction(testapp.app)
    response = generate(testapp, url, status=400,
                        **{"rows": "region", "cols": "activity", **body})
    assert field_of(response) == [field]
    assert last_transaction(testapp.app) == before
