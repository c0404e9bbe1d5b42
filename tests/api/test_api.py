"""The JSON API over the real WSGI app and a temporary FileStorage."""

import pytest

from statportal.testing import basic_auth, last_transaction, open_portal

JSON = {"Accept": "application/json"}


@pytest.fixture
def admin(testapp, demo):
    testapp.authorization = basic_auth("admin")
    return testapp


class TestRead:
    def test_section_json_on_same_url(self, testapp, demo):
        response = testapp.get("/official-statistics/economy", headers=JSON)
        data = response.json
        assert data["@id"] == "http://localhost/official-statistics/economy"
        assert data["@type"] == "Section" and data["id"] == "economy"
        assert data["title"] == {"kk": "Экономика", "ru": "Экономика", "en": "Economy"}
        assert data["items_total"] == 6
        assert data["items"][1]["id"] == "industry"
        assert data["parent"]["id"] == "official-statistics"
        assert "Accept" in response.headers["Vary"]

    def test_html_on_same_url_also_varies(self, testapp, demo):
        response = testapp.get("/official-statistics/economy", headers={"Accept": "text/html"})
        assert response.content_type == "text/html"
        assert "Accept" in response.headers["Vary"]

    def test_api_prefix(self, testapp, demo):
        data = testapp.get("/++api++/official-statistics/economy").json
        assert data["@id"] == "http://localhost/++api++/official-statistics/economy"
        root = testapp.get("/++api++").json
        assert root["@type"] == "Portal"

    def test_batching(self, testapp, demo):
        data = testapp.get("/++api++/official-statistics/economy?b_start=2&b_size=2").json
        assert [item["id"] for item in data["items"]] == ["agriculture", "prices"]
        assert data["items_total"] == 6
        assert data["batching"]["next"].endswith("b_start=4&b_size=2")
        assert data["batching"]["prev"].endswith("b_start=0&b_size=2")

    @pytest.mark.parametrize("query", ["b_size=0", "b_size=100000", "b_start=-1", "b_size=x"])
    def test_bad_batching(self, testapp, demo, query):
        response = testapp.get(f"/++api++/official-statistics?{query}", status=400)
        assert response.json["errors"][0]["field"] in ("b_start", "b_size")

    def test_errors_are_json(self, testapp, demo):
        assert testapp.get("/++api++/nothing-here", status=404).json["errors"][0]["type"] == \
            "not_found"
        response = testapp.get("/++api++/principals", status=401)
        assert response.json["message"]
        # no Basic challenge to a client that did not use HTTP auth: a browser would
        # prompt, then replay the credentials cross-site
        assert "WWW-Authenticate" not in response.headers

    def test_wrong_password_is_401_at_once(self, testapp, demo):
        testapp.authorization = basic_auth("admin", "wrong password")
        response = testapp.get("/++api++/official-statistics", status=401)
        assert response.json["errors"][0]["type"] == "unauthorized"

    def test_write_only_password_never_shown(self, admin):
        data = admin.get("/++api++/principals/users/aigerim").json
        assert "password" not in data and "password_hash" not in data
        assert data["roles"] == [] and data["org_unit"] == "/orgunits/industry-statistics"

    def test_types_lists_what_user_may_add(self, testapp, demo):
        testapp.authorization = basic_auth("aigerim")
        assert [t["name"] for t in testapp.get(
            "/++api++/official-statistics/economy/industry/@types").json] == ["Section"]
        assert testapp.get("/++api++/official-statistics/@types").json == []


class TestCreate:
    def test_post_creates_201_with_location(self, admin):
        response = admin.post_json("/++api++/official-statistics/economy", {
            "@type": "Section", "id": "energy",
            "title": {"kk": "Энергетика", "ru": "Энергетика", "en": "Energy"},
        }, status=201)
        assert response.headers["Location"] == \
            "http://localhost/++api++/official-statistics/economy/energy"
        assert response.json["creator"] == "admin"
        assert admin.get("/++api++/official-statistics/economy/energy").json["title"]["en"] == \
            "Energy"

    def test_id_made_from_title(self, admin):
        response = admin.post_json("/++api++/official-statistics", {
            "@type": "Section", "title": {"kk": "Туризм", "en": "Tourism statistics"}},
            status=201)
        assert response.json["id"] == "tourism-statistics"

    def test_json_with_accept_header_and_no_prefix(self, admin):
        admin.post_json("/official-statistics", {"@type": "Section", "id": "s1",
                                                 "title": {"en": "S"}},
                        headers=JSON, status=201)

    @pytest.mark.parametrize(("payload", "status", "field"), [
        ({"title": {"en": "x"}}, 400, "@type"),
        ({"@type": "Nope", "title": {"en": "x"}}, 400, "@type"),
        ({"@type": "Section"}, 400, "title"),
        ({"@type": "Section", "title": {}}, 400, "title"),
        ({"@type": "Section", "title": {"en": "   "}}, 400, "title"),
        ({"@type": "Section", "title": {"en": "x" * 201}}, 400, "title.en"),
        ({"@type": "Section", "title": {"de": "Titel"}}, 400, "title"),
        ({"@type": "Section", "title": {"en": 5}}, 400, "title.en"),
        ({"@type": "Section", "title": {"en": "x"}, "colour": "red"}, 400, "colour"),
        ({"@type": "Section", "id": "@workflow", "title": {"en": "x"}}, 400, "id"),
        ({"@type": "Section", "id": "++api++", "title": {"en": "x"}}, 400, "id"),
        ({"@type": "Section", "id": "a b", "title": {"en": "x"}}, 400, "id"),
        ({"@type": "Section", "id": 7, "title": {"en": "x"}}, 400, "id"),
        ({"@type": "Section", "id": "economy", "title": {"en": "x"}}, 409, "id"),
        ({"@type": "User", "id": "u1", "fullname": "U", "email": "u@x.kz"}, 409, "@type"),
    ])
    def test_bad_input_is_refused_and_nothing_stored(self, app, admin, payload, status, field):
        before = last_transaction(app)
        response = admin.post_json("/++api++/official-statistics", payload, status=status)
        fields = [error["field"] for error in response.json["errors"]]
        assert field in fields, response.json
        assert all(error["message"] for error in response.json["errors"])
        assert last_transaction(app) == before

    def test_not_json(self, app, admin):
        before = last_transaction(app)
        response = admin.post("/++api++/official-statistics", "{not json",
                              content_type="application/json", status=400)
        assert "JSON" in response.json["message"] or response.json["errors"]
        admin.post_json("/++api++/official-statistics", ["a list"], status=400)
        assert last_transaction(app) == before

    def test_add_user_and_log_in_with_it(self, admin, testapp):
        admin.post_json("/++api++/principals/users", {
            "@type": "User", "id": "asel", "fullname": "Әсел Нұрлан", "email": "asel@stat.kz",
            "roles": ["Coordinator"], "org_unit": "/orgunits/dissemination",
            "password": "a long password"}, status=201)
        testapp.authorization = basic_auth("asel", "a long password")
        assert testapp.get("/++api++/requests").json["@type"] == "Requests"

    def test_user_needs_password_and_valid_refs(self, app, admin):
        before = last_transaction(app)
        response = admin.post_json("/++api++/principals/users", {
            "@type": "User", "id": "bad", "fullname": "B", "email": "not-an-email",
            "roles": ["Emperor"], "groups": ["nope"], "org_unit": "/orgunits/nowhere",
            "password": "short"}, status=400)
        fields = {e["field"] for e in response.json["errors"]}
        assert {"email", "roles", "groups", "org_unit", "password"} <= fields
        response = admin.post_json("/++api++/principals/users", {
            "@type": "User", "id": "nopw", "fullname": "N", "email": "n@stat.kz"}, status=400)
        assert "password" in {e["field"] for e in response.json["errors"]}
        assert last_transaction(app) == before


class TestPatchDelete:
    def test_patch_merges_languages(self, admin):
        data = admin.patch_json("/++api++/official-statistics/economy",
                                {"title": {"en": "The economy"}}).json
        assert data["title"] == {"kk": "Экономика", "ru": "Экономика", "en": "The economy"}

    def test_patch_ignores_read_only_keys_and_refuses_unknown(self, app, admin):
        current = admin.get("/++api++/official-statistics/economy").json
        current["title"]["en"] = "Economy (changed)"
        admin.patch_json("/++api++/official-statistics/economy", current)
        before = last_transaction(app)
        response = admin.patch_json("/++api++/official-statistics/economy",
                                    {"titel": {"en": "x"}}, status=400)
        assert response.json["errors"][0]["field"] == "titel"
        assert last_transaction(app) == before

    def test_patch_title_to_nothing_refused(self, admin):
        response = admin.patch_json("/++api++/official-statistics/economy",
                                    {"title": {"kk": "", "ru": "", "en": ""}}, status=400)
        assert response.json["errors"][0]["field"] == "title"

    def test_delete_non_empty_needs_confirm(self, app, admin):
        before = last_transaction(app)
        response = admin.delete("/++api++/official-statistics/economy", status=409)
        assert response.json["errors"][0]["field"] == "confirm"
        assert last_transaction(app) == before
        admin.delete("/++api++/official-statistics/economy?confirm=true", status=204)
        admin.get("/++api++/official-statistics/economy", status=404)

    def test_delete_empty(self, admin):
        admin.delete("/++api++/official-statistics/environment", status=204)

    def test_fixed_places_and_portal_cannot_go(self, admin):
        admin.delete("/++api++/requests", status=409)
        admin.delete("/++api++/principals/users", status=409)
        admin.delete("/++api++/", status=409)

    def test_unsupported_method(self, admin):
        response = admin.put_json("/++api++/official-statistics", {}, status=405)
        assert "PATCH" in response.headers["Allow"]
        response = admin.post_json("/++api++/principals/users/aigerim", {}, status=405)
        assert "POST" not in response.headers["Allow"]


class TestSharingJSON:
    def test_grant_and_revoke(self, admin):
        url = "/++api++/official-statistics/economy/prices/@sharing"
        data = admin.post_json(url, {"principal": "user:dana", "grant": ["Executor"]}).json
        assert data["local_roles"] == {"user:dana": ["Executor"]}
        data = admin.post_json(url, {"principal": "user:dana", "revoke": ["Executor"]}).json
        assert data["local_roles"] == {}
        industry = admin.get("/++api++/official-statistics/economy/industry/@sharing").json
        assert industry["local_roles"]["user:aigerim"] == ["Executor"]

    @pytest.mark.parametrize(("payload", "field"), [
        ({"principal": "user:nobody", "grant": ["Executor"]}, "principal"),
        ({"principal": "user:dana", "grant": ["Emperor"]}, "role"),
        ({"principal": "user:dana", "grant": "Executor"}, "grant"),
        ({"grant": ["Executor"]}, "principal"),
        ({"principal": "user:dana", "extra": 1}, "extra"),
    ])
    def test_bad_grants(self, app, admin, payload, field):
        before = last_transaction(app)
        response = admin.post_json("/++api++/official-statistics/@sharing", payload, status=400)
        assert response.json["errors"][0]["field"] == field
        assert last_transaction(app) == before


def test_openapi_document(testapp, demo):
    doc = testapp.get("/@openapi.json").json
    assert doc["openapi"].startswith("3.")
    section = doc["components"]["schemas"]["Section"]
    assert section["properties"]["title"]["properties"]["kk"]["maxLength"] == 200
    assert "title" in section["required"]
    user = doc["components"]["schemas"]["User"]
    assert user["properties"]["password"]["writeOnly"] is True
    assert set(doc["paths"]["/{path}"]) >= {"get", "post", "patch", "delete", "parameters"}
    assert {"/{path}/@workflow/{transition}", "/{path}/@sharing"} <= set(doc["paths"])
    assert "enum" not in user["properties"]["org_unit"]  # no org structure for anyone


def test_created_objects_are_real_and_persistent(app, admin):
    admin.post_json("/++api++/official-statistics", {"@type": "Section", "id": "persisted",
                                                     "title": {"kk": "Сақталған"}}, status=201)
    with open_portal(app) as portal:
        section = portal["official-statistics"]["persisted"]
        assert section.title == {"kk": "Сақталған"}
        assert section._p_oid is not None
