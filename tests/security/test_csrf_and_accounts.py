"""The CSRF check with Basic credentials; accounts: grants do not pass to a new account with the
same login, a Manager cannot remove their own account."""

from statportal.testing import basic_auth, last_transaction

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


def test_manager_cannot_remove_own_account(app, testapp, demo):
    testapp.authorization = basic_auth("admin")
    response = testapp.delete("/++api++/principals/users/admin", status=409)
    assert response.json["errors"][0]["type"] == "own_account"
