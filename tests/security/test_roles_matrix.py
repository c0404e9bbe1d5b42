"""Who may do what: each role (global or local) against each action, over HTTP.

aigerim is Executor on /official-statistics/economy/industry only; marat is Head of
unit there; dana is a global Coordinator; yerlan a global Moderator; serik
Support; zhanar IntlCoop; admin the Manager.
"""

import pytest

from statportal.testing import basic_auth

INDUSTRY = "/++api++/official-statistics/economy/industry"
PRICES = "/++api++/official-statistics/economy/prices"


def _new_section(name):
    return {"@type": "Section", "id": name, "title": {"en": name}}


ALLOWED = {
    # action: users allowed (others get 401/403)
    "view section": {None, "aigerim", "marat", "dana", "yerlan", "serik", "zhanar", "admin"},
    "add in own section": {"aigerim", "marat", "dana", "yerlan", "admin"},
    "edit own section": {"aigerim", "marat", "dana", "yerlan", "admin"},
    "edit other section": {"dana", "yerlan", "admin"},
    "add at top level": {"admin"},
    "delete section": {"yerlan", "admin"},
    "list users": {"admin"},
    "add user": {"admin"},
    "grant roles": {"admin"},
    "edit org unit": {"admin"},
    "view org units": {"aigerim", "marat", "dana", "yerlan", "serik", "zhanar", "admin"},
    "view requests place": {"aigerim", "marat", "dana", "yerlan", "serik", "zhanar", "admin"},
}

ACTIONS = {
    "view section": lambda c, s: c.get(PRICES, status=s),
    "add in own section": lambda c, s: c.post_json(INDUSTRY, _new_section("sub"), status=s),
    "edit own section": lambda c, s: c.patch_json(INDUSTRY, {"title": {"en": "I"}}, status=s),
    "edit other section": lambda c, s: c.patch_json(PRICES, {"title": {"en": "P"}}, status=s),
    "add at top level": lambda c, s: c.post_json("/++api++/", _new_section("top"), status=s),
    "delete section": lambda c, s: c.delete(
        "/++api++/official-statistics/environment", status=s),
    "list users": lambda c, s: c.get("/++api++/principals/users", status=s),
    "add user": lambda c, s: c.post_json("/++api++/principals/users", {
        "@type": "User", "id": "intruder", "fullname": "I", "email": "i@x.kz",
        "roles": ["Manager"], "password": "a long password"}, status=s),
    "grant roles": lambda c, s: c.post_json(f"{PRICES}/@sharing", {
        "principal": "user:aigerim", "grant": ["Manager"]}, status=s),
    "edit org unit": lambda c, s: c.patch_json("/++api++/orgunits/industry-statistics",
                                               {"code": "99"}, status=s),
    "view org units": lambda c, s: c.get("/++api++/orgunits", status=s),
    "view requests place": lambda c, s: c.get("/++api++/requests", status=s),
}

USERS = [None, "aigerim", "marat", "dana", "yerlan", "serik", "zhanar", "admin"]


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("user", USERS, ids=lambda u: u or "anonymous")
def test_matrix(testapp, demo, action, user):
    if user is not None:
        testapp.authorization = basic_auth(user)
    allowed = user in ALLOWED[action]
    denied_status = 401 if user is None else 403
    response = ACTIONS[action](testapp, "*")
    if allowed:
        assert response.status_int < 400, (action, user, response.status, response.body[:300])
    else:
        assert response.status_int == denied_status, (action, user, response.status)


def test_local_role_reaches_subsections_not_siblings(testapp, demo):
    testapp.authorization = basic_auth("aigerim")
    testapp.post_json(INDUSTRY, _new_section("monthly"), status=201)
    testapp.patch_json(f"{INDUSTRY}/monthly", {"title": {"kk": "Айлық"}}, status=200)
    testapp.patch_json("/++api++/official-statistics/economy", {"title": {"en": "E"}},
                       status=403)


def test_html_pages_hide_what_user_may_not_do(testapp, demo):
    from statportal.testing import login_html

    login_html(testapp, "aigerim")
    page = testapp.get("/official-statistics/economy/industry/", headers={"Accept": "text/html"})
    assert "@@edit" in page.text and "@@sharing" not in page.text and "@@delete" not in page.text
    assert "/principals" not in page.text
    other = testapp.get("/official-statistics/economy/prices/", headers={"Accept": "text/html"})
    assert "@@edit" not in other.text
    testapp.get("/official-statistics/economy/prices/@@edit", headers={"Accept": "text/html"},
                status=403)
    testapp.get("/principals", headers={"Accept": "text/html"}, status=403)
    testapp.get("/official-statistics/economy/industry/@@sharing",
                headers={"Accept": "text/html"}, status=403)


def test_group_roles_apply(app, testapp, demo):
    """A global role given to a group reaches its members."""
    admin = basic_auth("admin")
    testapp.authorization = admin
    testapp.post_json("/++api++/principals/groups", {
        "@type": "Group", "id": "moderators", "title": {"en": "Moderators"},
        "roles": ["Moderator"]}, status=201)
    testapp.patch_json("/++api++/principals/users/serik", {"groups": ["moderators"]}, status=200)
    testapp.authorization = basic_auth("serik")
    testapp.delete("/++api++/official-statistics/environment", status=204)


def test_territorial_coordinator_local_to_body(testapp, demo):
    """aidos coordinates Almaty city only: a local role on that org unit."""
    testapp.authorization = basic_auth("admin")
    sharing = testapp.get("/++api++/orgunits/almaty-city/industry/@sharing").json
    assert sharing["inherited"][0]["principal"] == "user:aidos"
    testapp.authorization = basic_auth("aidos")
    testapp.patch_json(PRICES, {"title": {"en": "P"}}, status=403)


# Issue 16: published, scheduled and withdrawn materials for every role. Changing one is
# the moderator's (and the Manager's) alone; the section's edit rights of an Executor, a
# Head of unit or a Coordinator do not reach it, and deleting is the Manager's.
MATERIAL_ALLOWED = {
    ("published", "view"): {None, "aigerim", "marat", "dana", "yerlan", "serik", "zhanar",
                            "admin"},
    ("scheduled", "view"): {"aigerim", "marat", "dana", "yerlan", "admin"},
    ("withdrawn", "view"): {"aigerim", "marat", "dana", "yerlan", "admin"},
    **{(state, action): {"yerlan", "admin"} for state in ("published", "scheduled", "withdrawn")
       for action in ("edit", "workflow")},
    **{(state, "delete"): {"admin"} for state in ("published", "scheduled", "withdrawn")},
}
#: What each state's workflow action is: withdraw what is out (or waiting), publish again.
WORKFLOW_ACTION = {"published": ("withdraw", {"comment": "Error in table 2"}),
                   "scheduled": ("withdraw", {"comment": "Error in table 2"}),
                   "withdrawn": ("publish", {})}
MATERIAL_ACTIONS = {
    "view": lambda c, url, state: c.get(url, status="*"),
    "edit": lambda c, url, state: c.patch_json(url, {"title": {"en": "Forged"}}, status="*"),
    "workflow": lambda c, url, state: c.post_json(
        f"{url}/@workflow/{WORKFLOW_ACTION[state][0]}", WORKFLOW_ACTION[state][1], status="*"),
    "delete": lambda c, url, state: c.delete(url, status="*"),
}


def _material_denied(state, action, user):
    """Anonymous: what is not public is not there (404); the workflow answers 403."""
    if user is not None:
        return 403
    if state != "published":
        return 404
    return 403 if action == "workflow" else 401


@pytest.mark.parametrize("state", ["published", "scheduled", "withdrawn"])
@pytest.mark.parametrize("user", USERS, ids=lambda u: u or "anonymous")
def test_material_matrix(app, testapp, demo, frozen, state, user):
    from statportal.testing import last_transaction
    from tests.helpers.published import material_in, stored

    path = material_in(testapp, state)
    for action in MATERIAL_ACTIONS:
        data, before = stored(testapp, path), last_transaction(app)
        testapp.authorization = basic_auth(user) if user else None
        response = MATERIAL_ACTIONS[action](testapp, f"/++api++{path}", state)
        if (state, action) in MATERIAL_ALLOWED and user in MATERIAL_ALLOWED[state, action]:
            assert response.status_int < 400, (state, action, user, response.status)
            if action != "view":  # it changed: the next action gets a fresh material
                path = material_in(testapp, state)
            continue
        assert response.status_int == _material_denied(state, action, user), (
            state, action, user, response.status)
        assert last_transaction(app) == before
        assert stored(testapp, path) == data
