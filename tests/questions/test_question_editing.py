"""Editing a question: reroute and reopen clear the units' draft and deadline, what a GET
returned may be sent back, line ends, emptying the public text, the booleans the docs name,
the asker's fields never change, and the coordinator corrects the ``international`` flag
(art. 26). Through the API and the HTML forms, on the real storage, with the controlled
clock."""

import base64
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statportal.testing import open_portal
from tests.helpers.placement import as_user, step
from tests.helpers.questions import (
    ASKER_DETAILS,
    OTHER_UNIT,
    UNIT,
    almaty,
    ask,
    path,
    published_question,
    question,
    routed,
    stored,
)


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
    from tests.helpers.samples import pdf as sample_pdf

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
    from tests.helpers.questions import _ask_form

    form = _ask_form(testapp, text="First line\r\nsecond line\rthird line")
    form.submit("submit", status=302)
    with open_portal(app) as portal:
        (q,) = portal["questions"].values()
        assert q.text == "First line\nsecond line\nthird line"


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


# -- 9. booleans, as the docs say -----------------------------------------------------------
def documented_booleans():
    text = (Path(__file__).parents[2] / "docs" / "questions.md").read_text()
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
