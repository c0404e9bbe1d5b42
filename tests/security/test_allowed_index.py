"""The catalogs' ``allowed`` index (who may view each object, from its ACL) answers exactly
what asking the security policy object by object answers: for every demo user and the
public, after a transition and after a change of local roles."""

import pytest
from pyramid.request import Request

from statportal.content.catalog import allowed_principals
from statportal.demo import USERS
from statportal.security.permissions import VIEW
from statportal.testing import DEMO_PASSWORD, basic_auth, open_portal
from tests.helpers.placement import payload

LOGINS = [None, *(login for login, *_rest in USERS)]
REQUESTS = "/++api++/requests"
INDUSTRY = "/++api++/official-statistics/economy/industry"


def _request_as(app, portal, login):
    request = Request.blank("/")
    request.registry = app.registry
    request._statportal_portal = portal
    request.context = portal
    request._statportal_identity = (portal["principals"]["users"][login]
                                    if login else None)
    return request


def _catalogs(portal):
    from statportal.materials.catalog import get_catalog as materials
    from statportal.placement.catalog import get_catalog as requests
    from statportal.questions.catalog import get_catalog as questions
    from statportal.releases.catalog import get_release_catalog

    return {"materials": materials(portal), "requests": requests(portal["requests"]),
            "releases": get_release_catalog(portal), "questions": questions(portal["questions"])}


def _seen(app, login):
    """{catalog: (docids from the index, docids whose object the policy lets view)}."""
    found = {}
    with open_portal(app) as portal:
        request = _request_as(app, portal, login)
        principals = allowed_principals(request)
        for name, catalog in _catalogs(portal).items():
            by_index = set(catalog.allowed_ids(principals))
            by_policy = {docid for docid in catalog.members
                         if request.has_permission(VIEW, catalog.resolve(docid))}
            test = catalog.allowed_test(principals)  # per docid: the queue's rows
            assert {docid for docid in catalog.members if test(docid)} == by_index, name
            found[name] = (by_index, by_policy)
    return found


def _assert_index_matches_policy(app):
    for login in LOGINS:
        for name, (by_index, by_policy) in _seen(app, login).items():
            assert by_index == by_policy, (login, name, by_index ^ by_policy)


@pytest.fixture
def content(app, testapp):
    """The demo with its materials and questions, three requests (two drafts, one awaiting
    approval) and a private material."""
    from statportal.demo import add_demo_content

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    testapp.authorization = basic_auth("aigerim")
    drafts = [testapp.post_json(REQUESTS, payload(), status=201).json["@id"].replace(
        "http://localhost", "") for _ in range(3)]
    testapp.post_json(f"{drafts[1]}/@workflow/submit", {}, status=200)
    testapp.authorization = basic_auth("yerlan")  # a Moderator adds a material: private
    testapp.post_json(INDUSTRY, {"@type": "Material", "id": "private-one",
                                 "title": {"en": "Private"}, "category": "express_information"},
                      status=201)
    return drafts


def test_every_user_sees_by_the_index_what_the_policy_allows(app, testapp, content):
    _assert_index_matches_policy(app)
    # and it is not vacuous: some see more than others
    seen = {login: {name: len(pair[0]) for name, pair in _seen(app, login).items()}
            for login in ("aigerim", "serik", None)}
    assert seen["aigerim"]["requests"] == 3 and seen["serik"]["requests"] == 0
    assert seen[None]["materials"] < seen["aigerim"]["materials"]
    assert seen[None]["questions"] < seen["aigerim"]["questions"]


def test_the_public_sees_only_published_materials(app, content):
    from statportal.workflow import state_of

    with open_portal(app) as portal:
        catalog = _catalogs(portal)["materials"]
        ids = catalog.allowed_ids(allowed_principals(_request_as(app, portal, None)))
        states = {state_of(catalog.resolve(docid)) for docid in ids}
        private = len(catalog) - len(ids)
    assert states == {"published"} and private >= 1


def test_after_a_transition_and_a_change_of_local_roles(app, testapp, content):
    testapp.authorization = basic_auth("marat")
    testapp.post_json(f"{content[0]}/@workflow/submit", {}, status=403)
    testapp.authorization = basic_auth("aigerim")
    testapp.post_json(f"{content[0]}/@workflow/submit", {}, status=200)
    testapp.authorization = basic_auth("marat")
    testapp.post_json(f"{content[1]}/@workflow/approve", {}, status=200)
    _assert_index_matches_policy(app)
    testapp.authorization = basic_auth("dana")
    testapp.post_json(f"{content[1]}/@workflow/register", {}, status=200)
    _assert_index_matches_policy(app)
    # zhanar becomes an executor of the industry unit (and its section): she now sees its
    # drafts; then loses it again.
    before = _seen(app, "zhanar")["requests"][0]
    testapp.authorization = basic_auth("admin")
    for path in ("/++api++/orgunits/industry-statistics", INDUSTRY):
        testapp.post_json(f"{path}/@sharing", {"principal": "user:zhanar",
                                               "grant": ["Executor"]}, status=200)
    _assert_index_matches_policy(app)
    granted = _seen(app, "zhanar")["requests"][0]
    assert len(granted) == 3 and before < granted
    testapp.post_json("/++api++/orgunits/industry-statistics/@sharing",
                      {"principal": "user:zhanar", "revoke": ["Executor"]}, status=200)
    _assert_index_matches_policy(app)
    assert _seen(app, "zhanar")["requests"][0] == before


def test_the_evolve_step_fills_a_catalog_made_before_the_index(app, content):
    """An old database: its catalogs lack the security indexes; the statportal.catalog
    step 1 adds and fills them (and a catalog not yet evolved fills them on first use)."""
    from statportal.content.catalog import SECURITY_INDEXES, evolve_security_indexes
    from statportal.evolve import get_evolve_steps

    steps = get_evolve_steps(app.registry).packages["statportal.catalog"]
    assert steps[1].step is evolve_security_indexes
    with open_portal(app) as portal:
        for catalog in _catalogs(portal).values():
            for name in SECURITY_INDEXES:
                del catalog.catalog[name]
    with open_portal(app) as portal:
        portal._p_jar.cacheMinimize()  # the step meets the places as ghosts, as after a start
        assert evolve_security_indexes(portal, app.registry) == 4
    _assert_index_matches_policy(app)
    with open_portal(app) as portal:
        catalog = _catalogs(portal)["materials"]
        for name in SECURITY_INDEXES:
            del catalog.catalog[name]
    _assert_index_matches_policy(app)  # filled on first use


def test_no_role_name_outside_its_homes():
    """Permissions come from ACLs: only statportal.security, the workflow definitions and
    the demo name a role; features name role groups and ask permissions."""
    import re
    from pathlib import Path

    import statportal
    from statportal.security.roles import BUILTIN_ROLES

    root = Path(statportal.__file__).parent
    names = "|".join(role.name for role in BUILTIN_ROLES)
    pattern = re.compile(rf"""(["'])({names})\1""")  # "Executor", not "Executor's"
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("security/", "demo")) or path.name == "workflow.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_each_user_logged_in_lists_exactly_the_requests_they_may_open(app, testapp, content):
    """Over HTTP, as each demo user: the register (from the index) lists exactly the
    requests whose own address answers them 200 (the policy, request by request)."""
    with open_portal(app) as portal:
        names = sorted(portal["requests"].keys())
    counts = {}
    for login in LOGINS:
        testapp.authorization = basic_auth(login) if login else None
        listed = testapp.get(f"{REQUESTS}/@register", params={"b_size": 100}, status="*")
        opened = {name for name in names
                  if testapp.get(f"{REQUESTS}/{name}", status="*").status_int == 200}
        if login is None:
            assert listed.status_int == 401 and not opened
            continue
        assert listed.status_int in (200, 403), (login, listed.status)
        items = listed.json.get("items", []) if listed.status_int == 200 else []
        assert {item["@id"].rsplit("/", 1)[1] for item in items} == opened, login
        counts[login] = len(opened)
    # drafts and the one awaiting approval are the unit's; the office sees none before
    # submission, and Support and IntlCoop none at all
    assert counts["aigerim"] == counts["marat"] == counts["admin"] == 3
    assert counts["dana"] == counts["yerlan"] == counts["serik"] == counts["zhanar"] == 0
