"""Issue 16, finding 1: a published (scheduled, withdrawn) material changes only through a
placement's Replace or the moderator's workflow. The section's edit rights of an Executor,
a Head of unit or a Coordinator do not reach it: PATCH, ``@@edit``, Generate and rename
are refused with 403 and leave the stored data exactly as it was."""

import pytest

from statportal.testing import basic_auth, last_transaction, login_html
from tests.helpers.materials import as_user
from tests.helpers.placement import new_request, run_chain
from tests.helpers.published import SECTION, material_in, stored

HTML = {"Accept": "text/html"}
#: Executor and Head of unit of the section (local roles), a global Coordinator.
SECTION_EDITORS = ["aigerim", "marat", "dana"]
STATES = ["published", "scheduled", "withdrawn"]


@pytest.fixture(params=STATES)
def material(request, app, testapp, demo, frozen):
    return material_in(testapp, request.param)


@pytest.mark.parametrize("user", SECTION_EDITORS)
def test_patch_is_refused(app, testapp, material, user):
    before, data = last_transaction(app), stored(testapp, material)
    as_user(testapp, user)
    testapp.patch_json(f"/++api++{material}", {"title": {"en": "Forged figures"}}, status=403)
    testapp.patch_json(f"/++api++{material}", {"files": []}, status=403)
    assert last_transaction(app) == before
    assert stored(testapp, material) == data


@pytest.mark.parametrize("user", SECTION_EDITORS)
def test_edit_form_is_refused(app, testapp, material, user):
    data = stored(testapp, material)
    login_html(testapp, user)
    # the section itself stays theirs to edit: its form gives the session's CSRF token
    token = testapp.get(f"{SECTION}/@@edit", headers=HTML).forms["edit-form"][
        "csrf_token"].value
    before = last_transaction(app)
    testapp.get(f"{material}/@@edit", headers=HTML, status=403)
    testapp.post(f"{material}/@@edit", {"csrf_token": token, "title.en": "Forged figures",
                                        "save": "save"}, headers=HTML, status=403)
    assert last_transaction(app) == before
    assert stored(testapp, material) == data


@pytest.mark.parametrize("user", SECTION_EDITORS)
def test_generate_is_refused(app, testapp, material, user):
    before, data = last_transaction(app), stored(testapp, material)
    testapp.authorization = basic_auth(user)
    response = testapp.post_json(f"/++api++{material}/@generate",
                                 {"rows": "region", "cols": "year"}, status=403)
    assert response.status_int == 403
    assert last_transaction(app) == before
    assert stored(testapp, material) == data


@pytest.mark.parametrize("user", SECTION_EDITORS)
def test_rename_needs_rights_on_the_object(app, testapp, material, user):
    name = material.rsplit("/", 1)[1]
    as_user(testapp, None)
    login_html(testapp, user)
    token = testapp.get(f"{SECTION}/@@edit", headers=HTML).forms["edit-form"][
        "csrf_token"].value
    before = last_transaction(app)
    testapp.get(f"{SECTION}/@@rename?name={name}", headers=HTML, status=403)
    testapp.post(f"{SECTION}/@@rename?name={name}",
                 {"csrf_token": token, "new_name": "forged"}, headers=HTML, status=403)
    assert last_transaction(app) == before
    as_user(testapp, "yerlan")
    testapp.get(f"/++api++{SECTION}/forged", status=404)
    testapp.get(f"/++api++{material}", status=200)


def test_rename_of_what_they_may_edit_still_works(app, testapp, demo):
    """Rights on the object itself: a sub-section of their own section is theirs to rename."""
    as_user(testapp, "aigerim")
    testapp.post_json(f"/++api++{SECTION}", {"@type": "Section", "id": "monthly",
                                            "title": {"en": "Monthly"}}, status=201)
    as_user(testapp, None)
    login_html(testapp, "aigerim")
    form = testapp.get(f"{SECTION}/@@rename?name=monthly", headers=HTML).forms["rename-form"]
    form["new_name"] = "monthly-series"
    form.submit(headers=HTML, status=302)
    as_user(testapp, None)
    testapp.get(f"/++api++{SECTION}/monthly-series", status=200)


def test_the_moderators_workflow_still_changes_it(app, testapp, demo, frozen):
    """Withdrawing and publishing again (the moderator's workflow) are not edits."""
    path = material_in(testapp, "published")
    as_user(testapp, "yerlan")
    testapp.post_json(f"/++api++{path}/@workflow/withdraw", {"comment": "Error in table 2"},
                      status=200)
    testapp.post_json(f"/++api++{path}/@workflow/publish", {}, status=200)
    as_user(testapp, None)
    assert testapp.get(f"/++api++{path}").json["review_state"] == "published"


def test_a_replace_still_makes_a_new_version(app, testapp, demo, frozen):
    """A placement's Replace is the way the figures of a published material change."""
    original = new_request(testapp)
    run_chain(testapp, original)
    path = testapp.get(original).json["material"]
    replacement = new_request(testapp, placement_type="replace", replaces=path,
                              title={"en": "Industrial production, October 2026 (revised)"},
                              languages=["en"])
    run_chain(testapp, replacement)
    as_user(testapp, None)
    data = testapp.get(f"/++api++{path}").json
    assert data["version"] == 2 and data["review_state"] == "published"
    assert data["title"]["en"] == "Industrial production, October 2026 (revised)"


def test_contents_offers_rename_only_of_what_they_may_edit(app, testapp, demo, frozen):
    path = material_in(testapp, "published")
    name = path.rsplit("/", 1)[1]
    as_user(testapp, "aigerim")
    testapp.post_json(f"/++api++{SECTION}", {"@type": "Section", "id": "monthly",
                                            "title": {"en": "Monthly"}}, status=201)
    as_user(testapp, None)
    login_html(testapp, "aigerim")
    page = testapp.get(f"{SECTION}/@@contents", headers=HTML).text
    assert "@@rename?name=monthly" in page
    assert name in page and f"@@rename?name={name}" not in page
