"""A GET writes nothing: the disclosure pages and the staff pages read without a transaction
that stores."""

import pytest

from statportal.testing import last_transaction
from tests.helpers.basis_tables import material_with
from tests.helpers.disclosure_samples import published_xlsx
from tests.helpers.materials import add as add_material
from tests.helpers.materials import as_user, upload


# -- a GET writes nothing ------------------------------------------------------------------
@pytest.mark.parametrize("older", [False, True])
def test_the_disclosure_pages_write_nothing(app, testapp, demo, older):
    """The disclosure page and its JSON read the tables and bases (their digests key the
    cache) but store nothing."""
    from tests.helpers.disclosure_samples import basis_xlsx

    url = add_material(testapp, **material_with(
        [upload("wages-en.xlsx", published_xlsx(), "en")],
        [upload("wages.basis.xlsx", basis_xlsx())], languages=("en",)))
    if older:  # files stored before their digest was kept with them
        from pyramid.traversal import find_resource

        from statportal.testing import open_portal

        with open_portal(app) as portal:
            material = find_resource(portal, url)
            for stored in [*material.files, *material.bases]:
                del stored.sha256
    as_user(testapp, "dana")
    testapp.get("/++api++/")           # a user's first request keeps when they were seen
    before = last_transaction(app)
    testapp.get(f"/++api++{url}/@disclosure")
    testapp.get(f"{url}/@@disclosure", headers={"Accept": "text/html"})
    testapp.get(f"/++api++{url}")
    assert last_transaction(app) == before


def test_the_new_staff_pages_write_nothing(app, testapp, demo):
    """My work with placed materials, the register (page, .xlsx, .csv) and the note's form
    are GETs: nothing is stored."""
    from statportal.testing import login_html
    from tests.helpers.register import placed

    first = placed(testapp)
    for login in ("aigerim", "dana"):
        testapp.authorization = None
        testapp.reset()
        login_html(testapp, login)
        testapp.get("/my-work", headers={"Accept": "text/html"})
    before = last_transaction(app)
    testapp.get("/my-work", headers={"Accept": "text/html"})
    testapp.get("/requests/@register", headers={"Accept": "text/html"})
    testapp.get("/requests/@register?format=xlsx", headers={"Accept": "text/html"})
    testapp.get("/requests/@register?format=csv", headers={"Accept": "text/html"})
    request_url = first["@id"].replace("http://localhost", "").replace("/++api++", "")
    testapp.get(f"{request_url}/@@register-note", headers={"Accept": "text/html"})
    testapp.get("/@@primary-data", status="*", headers={"Accept": "text/html"})
    assert last_transaction(app) == before
