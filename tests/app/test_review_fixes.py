"""Defects found in review, each pinned by a test."""

import pytest

from statportal.testing import basic_auth, last_transaction, login_html, open_portal

HTML = {"Accept": "text/html"}


class TestCSRFWithBasicCredentials:
    """Browsers replay remembered Basic credentials cross-site: they are no CSRF defence."""

    def test_form_post_with_basic_needs_token(self, app, testapp, demo):
        testapp.authorization = basic_auth("admin")
        before = last_transaction(app)
        testapp.post("/official-statistics/@@sharing",
                     {"principal": "user:aigerim", "role": "Manager", "grant": "1"},
                     headers=HTML, status=400)
        assert last_transaction(app) == before

    def test_text_plain_json_with_basic_refused(self, app, testapp, demo):
        testapp.authorization = basic_auth("admin")
        before = last_transaction(app)
        testapp.post("/++api++/official-statistics/@sharing",
                     '{"principal":"user:aigerim","grant":["Manager"]}',
                     content_type="text/plain", status=400)
        assert last_transaction(app) == before

    def test_patch_and_delete_need_no_token(self, testapp, demo):
        testapp.authorization = basic_auth("admin")
        testapp.patch_json("/++api++/official-statistics/environment", {"title": {"en": "Env"}})
        testapp.delete("/++api++/official-statistics/environment", status=204)


def test_listing_total_past_the_end(testapp, demo):
    data = testapp.get("/++api++/official-statistics/economy?b_start=50").json
    assert data["items"] == [] and data["items_total"] == 6


def test_home_lists_only_viewable_sections(app, testapp, demo):
    from statportal.security.permissions import VIEW

    with open_portal(app) as portal:
        portal["bulletins"].__acl__ = [("Deny", "system.Everyone", VIEW)]
    page = testapp.get("/", headers=HTML)
    assert "Bulletins" not in page.text
    assert "bulletins" not in [i["id"] for i in testapp.get("/++api++/").json["items"]]


class TestRenames:
    def test_fixed_places_keep_their_ids(self, app, testapp, demo):
        testapp.authorization = basic_auth("admin")
        page = testapp.post("/@@rename?name=principals",
                            {"new_name": "people",
                             "csrf_token": self._token(testapp)}, headers=HTML, status=200)
        assert "This id cannot be changed." in page.text
        with open_portal(app) as portal:
            assert "principals" in portal

    def test_logins_cannot_be_renamed(self, app, testapp, demo):
        testapp.authorization = basic_auth("admin")
        page = testapp.post("/principals/users/@@rename?name=aigerim",
                            {"new_name": "aika", "csrf_token": self._token(testapp)},
                            headers=HTML, status=200)
        assert "This id cannot be changed." in page.text

    def _token(self, testapp):
        return testapp.get("/official-statistics/@@rename?name=economy",
                           headers=HTML).forms["rename-form"]["csrf_token"].value


def test_grants_do_not_pass_to_a_new_account_with_the_same_login(testapp, demo):
    testapp.authorization = basic_auth("admin")
    testapp.delete("/++api++/principals/users/aigerim", status=204)
    testapp.post_json("/++api++/principals/users", {
        "@type": "User", "id": "aigerim", "fullname": "Another Aigerim",
        "email": "a2@stat.kz", "password": "a long password"}, status=201)
    sharing = testapp.get("/++api++/official-statistics/economy/industry/@sharing").json
    assert "user:aigerim" not in sharing["local_roles"]
    testapp.authorization = basic_auth("aigerim", "a long password")
    testapp.patch_json("/++api++/official-statistics/economy/industry",
                       {"title": {"en": "x"}}, status=403)


def test_forwarded_for_is_not_believed(app, demo):
    from webtest import TestApp

    client = TestApp(app, extra_environ={"REMOTE_ADDR": "10.1.1.1"})
    for n in range(30):
        login_html(client, f"nobody{n}", "wrong-password")
        client.reset()
    fresh = TestApp(app, extra_environ={"REMOTE_ADDR": "10.1.1.1",
                                        "HTTP_X_FORWARDED_FOR": "192.0.2.7"})
    assert login_html(fresh, "dana").status_int == 429


def test_html_errors_are_pages(testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/official-statistics/@@add?type=Bogus",
                       headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                       status=400)
    assert page.content_type == "text/html"
    assert "Unknown type Bogus." in page.text


def test_type_must_be_a_string(app, testapp, demo):
    testapp.authorization = basic_auth("admin")
    response = testapp.post_json("/++api++/official-statistics", {"@type": ["Section"]},
                                 status=400)
    assert response.json["errors"][0]["field"] == "@type"


def test_came_from_with_control_characters(testapp, demo):
    response = testapp.get("/@@set-language?lang=ru&came_from=/%0d%0aX:1")
    assert response.headers["Location"] == "http://localhost/"


@pytest.mark.parametrize(("payload", "field"), [
    ({"id": "renamed"}, "id"), ({"@type": "Group"}, "@type")])
def test_patch_cannot_change_id_or_type(app, testapp, demo, payload, field):
    testapp.authorization = basic_auth("admin")
    before = last_transaction(app)
    response = testapp.patch_json("/++api++/official-statistics/economy", payload, status=400)
    assert response.json["errors"][0]["field"] == field
    assert last_transaction(app) == before


def test_caches_key_on_language_and_keep_private_pages_private(testapp, demo):
    public = testapp.get("/official-statistics/", headers=HTML)
    assert {"Accept", "Accept-Language", "Cookie"} <= set(public.headers["Vary"].split(", "))
    assert "private" not in public.headers.get("Cache-Control", "")
    login_html(testapp, "dana")
    private = testapp.get("/official-statistics/", headers=HTML)
    assert "private" in private.headers["Cache-Control"]


def test_available_languages_setting(tmp_path):
    from webtest import TestApp

    from statportal.testing import close_app, make_app, make_settings

    app = make_app(make_settings(tmp_path, **{"statportal.available_languages": "kk ru"}))
    try:
        client = TestApp(app)
        page = client.get("/", headers={"Accept": "text/html", "Accept-Language": "en"})
        assert '<html lang="kk"' in page.text and "English" not in page.text
        client.set_cookie("_LOCALE_", "k")
        assert '<html lang="kk"' in client.get("/", headers=HTML).text
    finally:
        close_app(app)


def test_manager_cannot_remove_own_account(app, testapp, demo):
    testapp.authorization = basic_auth("admin")
    response = testapp.delete("/++api++/principals/users/admin", status=409)
    assert response.json["errors"][0]["type"] == "own_account"
