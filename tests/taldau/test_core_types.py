"""/data, its topics and indicators: the fixed place, one schema for the API's JSON, the
dimensions' rules (refused by field, nothing stored), permissions, the evolve step."""

import pytest

from statportal.testing import last_transaction, login_html, open_portal
from tests.helpers.placement import as_user
from tests.helpers.taldau import DATA, indicator_payload


def test_data_is_a_fixed_place_of_a_new_portal(app, testapp):
    found = testapp.get(DATA).json
    assert found["@type"] == "DataRoot"
    assert found["title"] == {"kk": "Taldau", "ru": "Талдау", "en": "Taldau"}
    with open_portal(app) as portal:
        assert "data" not in dict(portal.sections())  # not a section of the navigation
        assert portal["data"].__is_fixed__
    places = app.registry.introspector.get_category("statportal fixed places")
    assert [p["introspectable"]["type_name"] for p in places] == ["DataRoot"]


def test_a_publisher_adds_a_topic_and_an_indicator(testapp, demo):
    as_user(testapp, "yerlan")
    topic = testapp.post_json(DATA, {"@type": "DataTopic", "id": "labour",
                                     "title": {"en": "Labour"},
                                     "section": "official-statistics/economy/"}, status=201)
    assert topic.json["section"] == "/official-statistics/economy"
    created = testapp.post_json(f"{DATA}/labour", indicator_payload(), status=201).json
    assert created["@id"].endswith("/data/labour/wages")
    assert created["periodicity"] == "monthly" and created["decimals"] == 1
    region = created["dimensions"][0]
    assert region["code"] == "region" and region["title"]["ru"] == "Регион"
    assert [m["code"] for m in region["hierarchy"]] == ["KZ", "KZ-AST", "KZ-ALA", "KZ-KAR"]
    assert region["hierarchy"][1] == {"code": "KZ-AST", "parent": "KZ", "label": {
        "kk": "Астана", "ru": "Астана", "en": "Astana"}}
    as_user(testapp, None)  # no public data yet: the indicator is not there for the public
    testapp.get(f"{DATA}/labour/wages", status=404)
    as_user(testapp, "dana")  # the office sees it (review 2, finding 3)
    staff = testapp.get(f"{DATA}/labour/wages").json
    assert staff["code"] == "WAGE_AVG" and staff["unit"] == "/orgunits/labour-statistics"


@pytest.mark.parametrize(("login", "status"), [("aigerim", 403), ("dana", 403),
                                               (None, 401)])
def test_only_publishers_add_indicators(testapp, demo, login, status):
    as_user(testapp, login)
    testapp.post_json(DATA, indicator_payload(), status=status)


def _dims(*dims):
    return [{"code": code, "title": {"en": code},
             "hierarchy": [{"code": c, "parent": p, "label": {"en": c}} for c, p in members]}
            for code, members in dims]


@pytest.mark.parametrize(("changes", "field"), [
    ({"periodicity": "weekly"}, "periodicity"),
    ({"code": "wage avg"}, "code"),
    ({"title": {"en": ""}}, "title"),
    ({"executor_email": "nobody"}, "executor_email"),
    ({"methodology_url": "not a url"}, "methodology_url"),
    ({"decimals": 9}, "decimals"),
    ({"section": "/nowhere"}, "section"),
    ({"unit": "/official-statistics"}, "unit"),
    ({"dimensions": _dims(("period", [("A", "")]))}, "dimensions.0.code"),
    ({"dimensions": _dims(("1region", [("A", "")]))}, "dimensions.0.code"),
    ({"dimensions": _dims(("sex", [("A", "")]), ("sex", [("B", "")]))}, "dimensions.1.code"),
    ({"dimensions": _dims(("sex", []))}, "dimensions.0.hierarchy"),
    ({"dimensions": _dims(("sex", [("T", ""), ("T", "")]))},
     "dimensions.0.hierarchy.1.code"),
    ({"dimensions": _dims(("sex", [("T", ""), ("M", "X")]))},
     "dimensions.0.hierarchy.1.parent"),
    ({"dimensions": _dims(("sex", [("T", "M"), ("M", "T")]))},
     "dimensions.0.hierarchy.0.parent"),
    ({"dimensions": _dims(("sex", [("a,b", "")]))}, "dimensions.0.hierarchy.0.code"),
    ({"dimensions": [{"code": "sex", "title": {"en": "Sex"},
                      "hierarchy": [{"code": "T", "parent": "", "label": {}}]}]},
     "dimensions.0.hierarchy.0.label"),
])
def test_bad_indicators_are_refused_by_field(app, testapp, demo, changes, field):
    as_user(testapp, "admin")
    before = last_transaction(app)
    errors = testapp.post_json(DATA, indicator_payload(**changes), status=400).json["errors"]
    assert field in [e["field"] for e in errors]
    assert last_transaction(app) == before


def test_the_units_executor_edits_its_indicator_and_no_other(testapp, demo):
    as_user(testapp, "admin")
    testapp.post_json(DATA, indicator_payload(unit="/orgunits/industry-statistics"),
                      status=201)
    testapp.post_json(DATA, indicator_payload(id="other"), status=201)
    as_user(testapp, "aigerim")  # an executor of industry statistics
    edited = testapp.patch_json(f"{DATA}/wages", {"notes": {"en": "Revised in March."}})
    assert edited.json["notes"]["en"] == "Revised in March."
    # refused; "other" has no public data yet, so it does not exist for her (review 3): 404
    testapp.patch_json(f"{DATA}/other", {"notes": {"en": "Mine?"}}, status=404)


def test_permissions_of_the_staff_and_the_public(app, testapp, demo):
    from statportal.security.acl import permits
    from statportal.taldau import IMPORT, SEE_EMBARGOED

    as_user(testapp, "admin")
    testapp.post_json(DATA, indicator_payload(unit="/orgunits/industry-statistics"),
                      status=201)
    # login -> (sees embargoed vintages, imports); aigerim executes the indicator's unit
    expected = {None: (False, False), "dana": (True, False), "aigerim": (True, True),
                "marat": (True, False), "yerlan": (True, True), "admin": (True, True)}
    with open_portal(app) as portal:
        indicator = portal["data"]["wages"]
        for login, (embargoed, importing) in expected.items():
            principals = _principals(portal, indicator, login)
            assert bool(permits(app.registry, indicator, principals, SEE_EMBARGOED)) \
                == embargoed, login
            assert bool(permits(app.registry, indicator, principals, IMPORT)) == importing, \
                login
        # an executor elsewhere imports nothing at /data itself
        assert not permits(app.registry, portal["data"],
                           _principals(portal, portal["data"], "aigerim"), IMPORT)


def _principals(portal, context, login):
    """What the security policy computes for ``login`` at ``context``."""
    from pyramid.authorization import Authenticated, Everyone

    from statportal.security.localroles import local_roles_in
    from statportal.security.principals import find_user, user_roles

    if login is None:
        return [Everyone]
    user = find_user(portal, login)
    ids = user.principal_ids()
    roles = user_roles(portal, user) | local_roles_in(context, ids)
    return [Everyone, Authenticated, *ids, *(f"role:{r}" for r in sorted(roles))]


def test_the_evolve_step_adds_data_to_an_older_database(app):
    from statportal.evolve import VERSIONS_KEY, evolve
    from statportal.taldau import add_data_root

    with open_portal(app) as portal:  # as a database made before Taldau
        portal.remove("data", send_events=False)
        del portal._p_jar.root()[VERSIONS_KEY]["statportal.taldau"]
    with open_portal(app) as portal:
        done = evolve(portal._p_jar.root(), portal, app.registry)
        assert [(s.package, s.version) for s in done] == [("statportal.taldau", 1)]
        assert done[0].step is add_data_root
    with open_portal(app) as portal:
        data = portal["data"]
        assert data.__content_type__ == "DataRoot" and data.title["ru"] == "Талдау"
        add_data_root(portal, app.registry)  # again: nothing changes
        assert portal["data"] is data


def test_the_forms_render_the_one_schema(testapp, demo):
    as_user(testapp, "admin")
    testapp.post_json(DATA, indicator_payload(), status=201)
    headers = {"Accept": "text/html"}
    add = testapp.get("/data/@@add?type=Indicator", headers=headers)
    assert "periodicity" in add.text and "dimensions" in add.text
    edit = testapp.get("/data/wages/@@edit", headers=headers)
    assert "KZ-AST" in edit.text and "WAGE_AVG" in edit.text
    assert testapp.get("/data/@@add?type=DataTopic", headers=headers).status_int == 200


def test_the_edit_form_saves_what_it_shows(app, testapp, demo):
    as_user(testapp, "admin")
    testapp.post_json(DATA, indicator_payload(), status=201)
    as_user(testapp, None)
    login_html(testapp, "admin")
    html = {"Accept": "text/html"}
    form = testapp.get("/data/wages/@@edit", headers=html).forms["edit-form"]
    form.set("code", "WAGE_AVG_2", index=0)
    assert form.submit("submit", headers=html).status_int == 302
    found = testapp.get(f"{DATA}/wages").json
    assert found["code"] == "WAGE_AVG_2"
    assert found["dimensions"] == indicator_payload()["dimensions"]


def test_stored_data_keep_the_codes_in_their_places(app, testapp, demo):
    from tests.helpers.taldau import SEXES, dimension, make_indicator

    sex = dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)
    make_indicator(app, "/data/births", dimensions=[sex], periods=(2025,),
                   values=[[1], [2], [3]])
    as_user(testapp, "admin")
    url = f"{DATA}/births"
    moved = dict(sex, hierarchy=[sex["hierarchy"][i] for i in (1, 0, 2)])
    before = last_transaction(app)
    for changes, field in (({"dimensions": [moved]}, "dimensions.0.hierarchy"),
                           ({"dimensions": [dict(sex, code="gender")]}, "dimensions.0.code"),
                           ({"dimensions": []}, "dimensions"),
                           ({"periodicity": "monthly"}, "periodicity")):
        errors = testapp.patch_json(url, changes, status=400).json["errors"]
        assert field in [e["field"] for e in errors], errors
    assert last_transaction(app) == before
    # the periodicity is named by its translated title, never by its raw code
    for lang, title in (("en", "“Annual”"), ("ru", "«Годовая»")):
        errors = testapp.patch_json(url, {"periodicity": "monthly"}, status=400,
                                    headers={"Accept-Language": lang}).json["errors"]
        message = next(e["message"] for e in errors if e["field"] == "periodicity")
        assert title in message or title.strip("“”«»") in message, message
        assert "annual" not in message, message
    other = {"code": "X", "parent": "T", "label": {"en": "Other"}}
    grown = dict(sex, hierarchy=[*sex["hierarchy"], other])  # a code appended: fine
    found = testapp.patch_json(url, {"dimensions": [grown]}).json
    assert [m["code"] for m in found["dimensions"][0]["hierarchy"]] == ["T", "M", "F", "X"]
    with open_portal(app) as portal:
        from statportal.taldau.cube import cube_of

        cube = cube_of(app.registry, portal["data"]["births"])
        assert cube.dims == (("sex", ("T", "M", "F", "X")),)
        assert cube.values[:, 0].tolist()[:3] == [1, 2, 3]
