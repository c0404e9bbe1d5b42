"""The questions' second review (issue 15, item 4) and the coordinator's correction of the
``international`` flag (item 6, art. 26): each test failed on the code before its fix.
Through the API and the HTML forms, on the real storage, with the controlled clock."""

import base64
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statportal.testing import last_transaction, open_portal
from tests.test_placement import as_user, step
from tests.test_questions import (
    OTHER_UNIT,
    QUESTIONS,
    UNIT,
    almaty,
    app_settings,  # noqa: F401 (the fixture: mail settings and the EDMS address)
    ask,
    path,
    question,
    stored_questions,
)

ASKER_DETAILS = ("asel@bank.example.kz", "Асель", "Halyk Bank")


def routed(testapp, units=(UNIT,), **changes):
    url = path(ask(testapp, **changes).json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": list(units)})
    return url


def stored(app, url):
    """The question as stored, as a plain dict of what matters here."""
    with open_portal(app) as portal:
        q = portal["questions"][url.rsplit("/", 1)[1]]
        return {"units": q.units, "answer": q.answer, "due": q.due, "text": q.text,
                "international": q.international, "name": q.name, "email": q.email,
                "public_text": q.public_text, "history": len(q.__workflow_history__)}


# -- 1. reroute and reopen --------------------------------------------------------------
@pytest.mark.parametrize("way", ["reroute", "reopen", "reroute in the page"])
def test_reroute_and_reopen_clear_units_draft_and_deadline(app, testapp, demo, frozen, way):
    url = routed(testapp, units=(UNIT, OTHER_UNIT))          # two units: five working days
    as_user(testapp, "aigerim").patch_json(url, {"answer": "A draft naming Ms Nurova."})
    assert almaty(testapp.get(url).json["due"]) == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert "asel@bank.example.kz" in testapp.get(url.replace("/++api++", "")).text
    as_user(testapp, "dana")
    if way == "reroute":
        testapp.post_json(f"{url}/@workflow/reroute", {"comment": "Not industry's."})
    elif way == "reroute in the page":
        form = testapp.get(url.replace("/++api++", "")).forms["question-form"]
        form["comment"] = "Not industry's."
        form.submit("transition", value="reroute").follow()
    else:
        testapp.post_json(f"{url}/@workflow/close", {"comment": "Spam?"})
        testapp.post_json(f"{url}/@workflow/reopen", {})
    data = testapp.get(url).json
    assert data["review_state"] == "received"
    assert data["units"] == [] and data["answer"] == ""
    # Three working days from receipt (Tuesday 1 December): Friday 4 December, 18:00.
    assert almaty(data["due"]) == datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    # The unit that had it loses the asker's details at once, in every form.
    as_user(testapp, "aigerim")
    testapp.get(url, status=(403, 404))
    testapp.get(f"{url}/@@attachment", status=(403, 404))
    page = testapp.get(url.replace("/++api++", ""), status=(403, 404))
    assert not any(detail in page.text for detail in ASKER_DETAILS)
    board = testapp.get("/++api++/questions/@dashboard").text
    assert not any(detail in board for detail in ASKER_DETAILS)
    assert "2026-000001" not in (testapp.get("/my-work").html.find(id="my-questions")
                                 or "")
    # Routed again, the new unit starts from a clean page.
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [OTHER_UNIT]})
    assert testapp.get(url).json["units"] == [OTHER_UNIT]
    assert testapp.get(url).json["answer"] == ""


# -- 2. a PATCH of what a GET returned ---------------------------------------------------
def test_what_a_get_returned_may_be_sent_back(app, testapp, demo, frozen):
    from tests.samples import pdf as sample_pdf

    url = path(ask(testapp, attachment={"filename": "table.pdf", "data": base64.b64encode(
        sample_pdf(1)).decode()}).json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {
        "units": [OTHER_UNIT, UNIT]})                   # stored in this order…
    data = testapp.get(url).json
    assert data["units"] == [UNIT, OTHER_UNIT]          # read back sorted
    assert data["attachment"]["filename"] == "table.pdf"
    for who in ("dana", "aigerim"):                  # …read back sorted, in another state
        as_user(testapp, who)
        for units in (data["units"], data["units"][::-1]):
            sent = testapp.patch_json(url, {**data, "units": units}).json
            assert sent["units"] == data["units"] and sent["attachment"] == data["attachment"]
    # A description that is not the stored file's is a replacement: refused by name.
    other = {**data["attachment"], "size": data["attachment"]["size"] + 1}
    refused = testapp.patch_json(url, {"attachment": other}, status=(400, 409)).json
    assert refused["errors"][0]["field"] == "attachment"


def test_the_edit_form_sends_crlf_line_ends_back(app, testapp, demo, frozen):
    url = path(ask(testapp, text="Why did prices rise?\nAnd where is the table?").json)
    as_user(testapp, "dana")
    form = testapp.get(url.replace("/++api++", "") + "/@@edit").forms["edit-form"]
    # A browser submits a textarea's line ends as CRLF, whatever the page held.
    form["text"] = form["text"].value.replace("\r\n", "\n").replace("\n", "\r\n")
    assert "\r\n" in form["text"].value
    next(box for box in form.fields["checkbox"] if box._value == UNIT).checked = True
    form.submit("submit", status=302)
    assert testapp.get(url).json["units"] == [UNIT]
    assert stored(app, url)["text"] == "Why did prices rise?\nAnd where is the table?"


def test_a_question_asked_in_a_form_is_stored_with_plain_line_ends(app, testapp, demo,
                                                                   frozen):
    from tests.test_questions import _ask_form

    form = _ask_form(testapp, text="First line\r\nsecond line\rthird line")
    form.submit("submit", status=302)
    with open_portal(app) as portal:
        (q,) = portal["questions"].values()
        assert q.text == "First line\nsecond line\nthird line"


# -- 3. emptying public_text --------------------------------------------------------------
def published_question(testapp, **publish):
    url = routed(testapp)
    as_user(testapp, "aigerim").post_json(f"{url}/@workflow/answer", {
        "answer": "Dear Ms Nurova, vegetables rose by 9 %."})
    step(testapp, "marat", url, "approve")
    as_user(testapp, "dana").post_json(f"{url}/@workflow/publish", publish)
    return url


def public_view(testapp, url):
    as_user(testapp, None)
    data = testapp.get(url).json
    page = testapp.get(url.replace("/++api++", "")).html.find("blockquote").text
    listing = testapp.get("/++api++/questions/@published").json["items"][0]
    return data["text"], page.strip(), listing["text"]


@pytest.mark.parametrize("how", ["json", "form"])
def test_emptying_the_public_text_shows_the_question_as_asked(app, testapp, demo, frozen,
                                                              how):
    asked = question()["text"]
    url = published_question(testapp, public_text="Why did food prices rise?")
    assert public_view(testapp, url) == ("Why did food prices rise?",) * 3
    as_user(testapp, "dana")
    if how == "json":
        testapp.patch_json(url, {"public_text": "", "public_answer": ""})
    else:
        form = testapp.get(url.replace("/++api++", "")).forms["question-form"]
        form["public_text"] = ""
        form["public_answer"] = ""
        form.submit("save").follow()
    assert stored(app, url)["public_text"] == ""
    assert public_view(testapp, url) == (asked,) * 3
    assert as_user(testapp, None).get(url).json["answer"].startswith("Dear Ms Nurova")


@pytest.mark.parametrize("how", ["json", "form"])
def test_json_and_form_clear_the_draft_alike(app, testapp, demo, frozen, how):
    url = routed(testapp)
    as_user(testapp, "aigerim").patch_json(url, {"answer": "A first draft."})
    if how == "json":
        testapp.patch_json(url, {"answer": ""})
    else:
        form = testapp.get(url.replace("/++api++", "")).forms["question-form"]
        form["answer"] = ""
        form.submit("save").follow()
    assert testapp.get(url).json["answer"] == "" and stored(app, url)["answer"] == ""


# -- 4. an oversized body ------------------------------------------------------------------
class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readlines = read

    def __iter__(self):
        raise AssertionError("the body was read")


def post_unread(testapp, where, status=413, remote="203.0.113.66", **headers):
    """POST a body of 20 MB that nobody may read (WebTest would set its real length)."""
    from webtest import TestRequest

    request = TestRequest.blank(where, method="POST",
                                headers={"Accept-Language": "en", **headers})
    request.environ.update({"REMOTE_ADDR": remote, "wsgi.input": Unreadable(),
                            "CONTENT_LENGTH": str(20 * 1024 * 1024)})
    return testapp.do_request(request, status=status, expect_errors=True)


@pytest.mark.parametrize("where", [QUESTIONS, "/questions", "/questions/@@ask"])
def test_an_oversized_body_is_refused_unread_and_counts(app, testapp, demo, frozen, where):
    before = last_transaction(app)
    form = where.endswith("@@ask")
    headers = {"Content-Type": "multipart/form-data; boundary=x"} if form else {
        "Content-Type": "application/json", "Accept": "application/json"}
    for _ in range(10):
        refused = post_unread(testapp, where, **headers)
        if not form:
            assert refused.json["errors"][0]["field"] == "attachment"
            # the public's attachment limit (issue 16: 2 MB), not the staff's 10 MB
            assert "2 MB" in refused.json["errors"][0]["message"]
        else:
            assert "2 MB" in refused.text and "<html" in refused.text
    assert last_transaction(app) == before and stored_questions(app) == []
    # Ten refusals were ten attempts from that address: the next question waits.
    ask(testapp, status=429, remote="203.0.113.66")
    ask(testapp, status=201, remote="203.0.113.67")


def test_an_oversized_body_is_not_copied_by_the_retry_policy(app, testapp, demo, frozen):
    """pyramid_retry makes the body seekable (copies it) before any tween or view; a body
    refused for its size must never be copied."""
    from webob.request import BaseRequest

    copied = []
    original = BaseRequest.make_body_seekable

    def spy(self):
        copied.append(self.path_info)
        return original(self)

    BaseRequest.make_body_seekable = spy
    try:
        post_unread(testapp, QUESTIONS, remote="203.0.113.70",
                    **{"Content-Type": "application/json"})
        assert copied == []
        ask(testapp, remote="203.0.113.70")
        assert copied[0] == "/++api++/questions"         # a question of normal size is
    finally:                                            # copied for retries, as before
        BaseRequest.make_body_seekable = original


def test_the_body_limit_is_configured_per_path():
    from statportal.security.bodylimit import BodyLimits

    limits = BodyLimits()
    limits.add("questions", ("/questions", "/questions/@@ask"), 1000, methods=("POST",))
    assert limits.refusing("POST", "/questions", 1001).name == "questions"
    assert limits.refusing("POST", "/questions", 1000) is None
    assert limits.refusing("POST", "/questions/q123", 10**9) is None
    assert limits.refusing("PATCH", "/questions", 10**9) is None
    assert limits.refusing("POST", "/questions/@@ask", None) is None


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


# -- 9. booleans, as the docs say -----------------------------------------------------------
def documented_booleans():
    text = (Path(__file__).parent.parent / "docs" / "questions.md").read_text()
    section = text.split("### Booleans", 1)[1].split("\n#", 1)[0]
    accepted = re.search(r"Accepted:(.*)", section).group(1)
    refused = re.search(r"Refused[^:]*:(.*)", section).group(1)
    return re.findall(r"`([^`]+)`", accepted), re.findall(r"`([^`]+)`", refused)


def test_the_docs_say_exactly_which_booleans_are_accepted(app, testapp, demo, frozen):
    import json

    accepted, refused = documented_booleans()
    assert accepted == ["true", "false", '"true"', '"false"', "null"]
    assert {"1", "0", '"yes"', '"no"', '"on"', '""'} <= set(refused)
    for n, literal in enumerate(accepted):
        value = json.loads(literal)
        data = ask(testapp, remote=f"192.0.2.{n}", email=f"a{n}@example.kz",
                   may_publish=value).json
        assert data["may_publish"] is (value in (True, "true")), literal
    for n, literal in enumerate(refused):
        errors = ask(testapp, status=400, remote=f"198.51.100.{n}", email=f"r{n}@example.kz",
                     may_publish=json.loads(literal)).json["errors"]
        assert [e["field"] for e in errors] == ["may_publish"], literal


# -- the asker's fields; the international flag (art. 26) ----------------------------------
@pytest.mark.parametrize(("field", "value"), [
    ("name", "Someone Else"), ("email", "other@example.kz"), ("organisation", "Other"),
    ("text", "Another question entirely."), ("topic", "labour"), ("language", "kk"),
    ("may_publish", False)])
def test_the_askers_fields_are_never_changed(app, testapp, demo, frozen, field, value):
    url = path(ask(testapp).json)
    before = stored(app, url)
    for login in ("dana", "admin"):
        refused = as_user(testapp, login).patch_json(url, {field: value}, status=400).json
        assert [(e["field"], e["type"]) for e in refused["errors"]] == [(field, "read_only")]
        assert field in refused["errors"][0]["message"] or "asker" in refused["message"]
    assert stored(app, url) == before


def test_the_coordinator_corrects_the_international_flag(app, testapp, demo, frozen, smtp):
    url = path(ask(testapp).json)
    as_user(testapp, "dana")
    assert testapp.patch_json(url, {"international": True}).json["international"] is True
    testapp.post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    # While routed the executor drafts; the coordinator may still correct the flag…
    testapp.patch_json(url, {"international": False})
    testapp.patch_json(url, {"international": True})
    # …but neither writes the answer, nor may the executor correct the flag.
    refused = testapp.patch_json(url, {"answer": "The coordinator's answer"},
                                 status=(403, 409)).json
    assert refused["errors"][0]["field"] == "answer"
    before = stored(app, url)
    refused = as_user(testapp, "aigerim").patch_json(url, {"international": False},
                                                     status=403).json
    assert refused["errors"][0]["field"] == "international"
    assert stored(app, url) == before
    history = as_user(testapp, "dana").get(f"{url}/@workflow").json["history"]
    notes = [h for h in history if h["action"] == "international"]
    assert [(h["actor"], h["from"], h["to"]) for h in notes] == [
        ("dana", "received", "received"), ("dana", "routed", "routed"),
        ("dana", "routed", "routed")]
    assert all(h["comment"] for h in notes)
    # The correction decides the path: the answer now waits for international cooperation.
    as_user(testapp, "aigerim").post_json(f"{url}/@workflow/answer", {"answer": "Yes."})
    step(testapp, "marat", url, "approve")
    assert as_user(testapp, "zhanar").get(url).json["review_state"] == \
        "awaiting_international"
    # Once answered the flag is settled: refused, naming the state, nothing kept.
    before = stored(app, url)
    refused = as_user(testapp, "dana").patch_json(url, {"international": False},
                                                  status=409).json
    assert refused["errors"][0]["field"] == "international"
    assert "awaiting_international" in refused["errors"][0]["message"]
    assert stored(app, url) == before


def test_the_coordinator_corrects_the_flag_in_the_question_page(app, testapp, demo, frozen):
    url = routed(testapp)
    page = url.replace("/++api++", "")
    form = as_user(testapp, "dana").get(page).forms["question-form"]
    form["international"] = True
    form.submit("save").follow()
    assert stored(app, url)["international"] is True
    history = testapp.get(f"{url}/@workflow").json["history"]
    assert history[-1]["action"] == "international"
    assert "international" not in as_user(testapp, "aigerim").get(page).forms[
        "question-form"].fields


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


def test_the_edit_form_refuses_a_changed_asker_field(app, testapp, demo, frozen):
    url = path(ask(testapp).json)
    before = stored(app, url)
    form = as_user(testapp, "dana").get(url.replace("/++api++", "") + "/@@edit").forms[
        "edit-form"]
    form["email"] = "someone.else@example.kz"
    refused = form.submit("submit", status=400)
    field = refused.html.find("div", class_="item-email")
    assert "The asker's email is never changed." in field.find(class_="invalid-feedback").text
    assert stored(app, url) == before
