"""The questions' rules: coordinators entering postal questions are not rate limited, a
withdrawn answer does not wait in My work, nobody deletes a question, and the public listing
reads only published questions (also of an older database)."""

import pytest

from statportal.testing import last_transaction, open_portal
from tests.helpers.placement import as_user, step
from tests.helpers.questions import (
    ASKER_DETAILS,
    QUESTIONS,
    ask,
    published_question,
    question,
    routed,
    stored_questions,
)


# -- 5. coordinators who enter postal questions -------------------------------------------
def test_coordinators_entering_postal_questions_are_not_rate_limited(app, testapp, demo,
                                                                     frozen):
    as_user(testapp, "dana")
    for n in range(12):                 # a day's post: more than an address may send
        testapp.post_json(QUESTIONS, question(email="post@example.kz", text=(
            f"A letter received by post, number {n}.")), status=201,
            extra_environ={"REMOTE_ADDR": "10.0.0.5"})
    assert len(stored_questions(app)) == 12
    # The public from the same address is still counted (the office's entries did not
    # use up its allowance, nor does the public get the office's exemption).
    for _ in range(10):
        ask(testapp, remote="10.0.0.5", email=f"p{_}@example.kz")
    ask(testapp, status=429, remote="10.0.0.5")
    # A logged-in user without the office's permission is the public.
    as_user(testapp, "aigerim")
    testapp.post_json(QUESTIONS, question(), status=429,
                      extra_environ={"REMOTE_ADDR": "10.0.0.5"})
    # The ask form is the same: the coordinator enters a letter from the exhausted address.
    as_user(testapp, "dana")
    form = testapp.get("/questions/@@ask", extra_environ={"REMOTE_ADDR": "10.0.0.5"}).forms[
        "edit-form"]
    for key, value in {"name": "By post", "email": "post@example.kz", "topic": "labour",
                       "text": "A letter received by post, in the form.",
                       "language": "en"}.items():
        form[key] = value
    form.submit("submit", status=302, extra_environ={"REMOTE_ADDR": "10.0.0.5"})
    assert len(stored_questions(app)) == 23


# -- 6. a withdrawn answer ----------------------------------------------------------------
def test_a_withdrawn_answer_does_not_wait_in_my_work(app, testapp, demo, frozen):
    url = published_question(testapp)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/withdraw", {"comment": "Outdated."})
    assert testapp.get(url).json["review_state"] == "sent"
    mine = testapp.get("/my-work").html.find(id="my-questions")
    assert mine is None or "2026-000001" not in mine.text
    # A second question, answered and not yet published, does wait.
    other = routed(testapp, email="b@example.kz")
    as_user(testapp, "aigerim").post_json(f"{other}/@workflow/answer", {"answer": "Yes."})
    step(testapp, "marat", other, "approve")
    mine = as_user(testapp, "dana").get("/my-work").html.find(id="my-questions")
    assert "2026-000002" in mine.text and "2026-000001" not in mine.text


# -- 7. nothing accepted is ever deleted ---------------------------------------------------
@pytest.mark.parametrize("login", ["admin", "dana"])
def test_nobody_deletes_a_question(app, testapp, demo, frozen, login):
    url = routed(testapp)
    before = last_transaction(app)
    as_user(testapp, login)
    refused = testapp.delete(url, status=(403, 405))
    assert "close" in refused.json["message"].lower()
    testapp.delete(url + "?confirm=1", status=(403, 405))
    html = url.replace("/++api++", "")
    testapp.get(f"{html}/@@delete", status=(403, 405))
    testapp.post(f"{html}/@@delete", {"confirm": "1"}, status=(400, 403, 405),
                 expect_errors=True)
    if login == "admin":
        contents = testapp.get("/questions/@@contents").text
        assert "@@delete" not in contents
    assert last_transaction(app) == before
    assert len(stored_questions(app)) == 1
    with open_portal(app) as portal:
        from statportal.content import editing

        with pytest.raises(editing.EditError) as refused:
            editing.remove(portal["questions"], url.rsplit("/", 1)[1], actor="admin")
        assert refused.value.status in (403, 405, 409)
        with pytest.raises(editing.EditError) as refused:      # nor a script, directly
            portal["questions"].remove(url.rsplit("/", 1)[1])
        assert refused.value.status == 405 and "close" in refused.value.message
    assert len(stored_questions(app)) == 1


# -- 8. the public listing -----------------------------------------------------------------
def test_the_public_listing_reads_only_published_questions(app, testapp, demo, frozen,
                                                          monkeypatch):
    from statportal.questions.resources import Question, Questions

    first = published_question(testapp)
    frozen.advance(hours=1)
    second = published_question(testapp, public_text="Second, shortened.")
    routed(testapp, email="waiting@example.kz")          # not published
    ask(testapp, email="new@example.kz")                 # not even routed
    loaded = []

    def no_walk(self, *args, **kwargs):
        raise AssertionError("the listing walked every question")

    for method in ("items", "values", "keys", "__iter__"):
        monkeypatch.setattr(Questions, method, no_walk)
    original = Question.__setstate__

    def tracking(self, state):
        loaded.append(state.get("number"))
        return original(self, state)

    monkeypatch.setattr(Question, "__setstate__", tracking)
    as_user(testapp, None)
    data = testapp.get(QUESTIONS).json
    ids = [item["@id"].replace("http://localhost", "") for item in data["items"]]
    assert ids == [second, first] and data["items_total"] == 2        # newest first
    assert set(loaded) <= {"2026-000001", "2026-000002"}
    text = testapp.get(QUESTIONS).text
    assert not any(detail in text for detail in ASKER_DETAILS)
    page = testapp.get(QUESTIONS + "?b_size=1&b_start=1").json
    assert [i["@id"] for i in page["items"]] == [data["items"][1]["@id"]]
    assert page["items_total"] == 2
    monkeypatch.undo()
    as_user(testapp, "dana")                        # the office still sees the others
    assert testapp.get(QUESTIONS).json["items_total"] == 4


def test_the_published_index_of_an_older_database(app, testapp, demo, frozen):
    """A database from before the order was kept has the published names only: the
    listing sorts those (writing nothing), and the next publication builds the order."""
    first = published_question(testapp)
    frozen.advance(hours=1)
    second = published_question(testapp)
    frozen.advance(hours=1)
    third = routed(testapp, email="third@example.kz")
    with open_portal(app) as portal:
        portal["questions"].published_order = None
    before = last_transaction(app)
    listed = as_user(testapp, None).get(QUESTIONS).json["items"]
    assert [i["@id"].replace("http://localhost", "") for i in listed] == [second, first]
    assert last_transaction(app) == before
    as_user(testapp, "aigerim").post_json(f"{third}/@workflow/answer", {"answer": "Yes."})
    step(testapp, "marat", third, "approve")
    as_user(testapp, "dana").post_json(f"{third}/@workflow/publish", {})
    as_user(testapp, "dana").post_json(f"{first}/@workflow/withdraw", {"comment": "Old."})
    with open_portal(app) as portal:
        order = portal["questions"].published_order
        assert [name for _at, name in order.keys()] == [second.rsplit("/", 1)[1],
                                                        third.rsplit("/", 1)[1]]
    listed = as_user(testapp, None).get(QUESTIONS + "?b_size=1").json
    assert listed["items_total"] == 2 and listed["items"][0]["@id"].endswith(third)
