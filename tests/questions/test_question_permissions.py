"""The question's page and PATCH: VIEW lets one see, the field's rule decides the change."""

from tests.helpers.materials import as_user


# -- the question's page and PATCH: VIEW lets one see, the field's rule decides the change -
def test_who_only_sees_a_question_changes_nothing(app, testapp, demo, frozen):
    """A published question is public: neither the public (with a valid CSRF token) nor
    staff without the edit right change its published wording or the asker's flag."""
    from tests.helpers.questions import published_question, stored

    url = published_question(testapp)
    page_url = url.replace("/++api++", "")
    before = stored(app, url)
    testapp.authorization = None
    testapp.reset()
    page = testapp.get(page_url, headers={"Accept": "text/html"})
    token = page.html.find("input", attrs={"name": "csrf_token"})
    token = token["value"] if token is not None else testapp.get(
        "/questions/@@ask", headers={"Accept": "text/html"}).html.find(
        "input", attrs={"name": "csrf_token"})["value"]
    testapp.post(page_url, {"csrf_token": token, "public_text": "Changed by the public",
                            "international-shown": "1", "international": "on"},
                 headers={"Accept": "text/html"}, status="*")
    as_user(testapp, "aigerim")          # the executor who answered: sees, may not edit
    testapp.patch_json(url, {"public_text": "Changed by the executor"}, status=403)
    testapp.patch_json(url, {"international": True}, status=409)
    assert stored(app, url) == before
