"""Say what happened (issue 18, item 3): a specific message after each transition instead
of "Done."; a confirmation, with what will happen, before Place and Reject (without script
a page that carries the POST on with confirmed=1); irreversible actions look different."""

import re

from statportal.testing import last_transaction, login_html, open_portal
from tests.helpers.materials import as_user
from tests.helpers.placement import REQUESTS, payload, step

HTML = {"Accept": "text/html"}


def _request(testapp, *steps, **changes):
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(**changes), status=201).json["@id"].replace(
        "http://localhost/++api++", "")
    for login, name in steps:
        step(testapp, login, "/++api++" + url, name)
    return url


def _html_as(testapp, login):
    as_user(testapp, None)
    testapp.reset()
    login_html(testapp, login)


def _message(page):
    found = page.html.select(".messages .message.success")
    assert len(found) == 1, page.html.select(".messages")
    return found[0]


def test_submit_and_register_say_what_happened(app, testapp, demo):
    url = _request(testapp)
    _html_as(testapp, "aigerim")
    page = testapp.get(url, headers=HTML)
    done = page.forms["request-actions"].submit("transition", value="submit").follow()
    text = _message(done).text
    assert text.startswith("Submitted for approval: ") and "Done." not in done.text
    step(testapp, "marat", "/++api++" + url, "approve")
    _html_as(testapp, "dana")
    form = testapp.get(url + "/@@workflow", headers=HTML).forms["workflow-form"]
    done = form.submit("transition", value="register").follow()
    with open_portal(app) as portal:
        (obj,) = portal["requests"].values()
        number = obj.number
    text = " ".join(_message(done).text.split())
    # "2026-000001 registered, due <day month year, HH:MM>" in Asia/Almaty
    assert re.fullmatch(re.escape(number) + r" registered, due \d{1,2} \w+ \d{4}, \d\d:\d\d\.",
                        text), text


def test_place_asks_first_without_script_then_links_the_material(app, testapp, demo):
    url = _request(testapp, ("aigerim", "submit"), ("marat", "approve"), ("dana", "register"))
    _html_as(testapp, "yerlan")
    page = testapp.get(url, headers=HTML)
    place = page.html.select_one('#request-actions button[value="place"]')
    assert "danger" in place["class"] and "will be published in" in place["data-confirm"]
    before = last_transaction(app)
    asked = page.forms["request-actions"].submit("transition", value="place")
    assert asked.status_int == 200 and last_transaction(app) == before  # nothing written
    assert "will be published in" in asked.html.select_one("#confirm-text").text
    form = asked.forms["confirm-form"]
    assert form["confirmed"].value == "1" and form["transition"].value == "place"
    assert form["csrf_token"].value
    assert asked.html.select_one("#confirm-form button.danger")
    # the confirmation itself needs the CSRF token
    testapp.post(url + "/@@workflow", {"transition": "place", "confirmed": "1"}, status=400)
    assert last_transaction(app) == before
    done = form.submit().follow()
    message = _message(done)
    link = message.select_one("a")
    with open_portal(app) as portal:
        (obj,) = portal["requests"].values()
        assert obj.material and link["href"].endswith(obj.material + "/")
        assert message.text.startswith(obj.number + " placed: ")
    # the request's page names the material it placed, not its path
    placed = testapp.get(url, headers=HTML).html.find("dt", string="Placed").find_next("dd")
    assert placed.a.text == link.text == "Industrial production, October 2026"


def test_the_confirmation_page_by_get_writes_nothing(app, testapp, demo):
    url = _request(testapp, ("aigerim", "submit"), ("marat", "approve"), ("dana", "register"))
    _html_as(testapp, "yerlan")
    before = last_transaction(app)
    asked = testapp.get(url + "/@@workflow?confirm=place", headers=HTML)
    assert asked.forms["confirm-form"]["transition"].value == "place"
    assert last_transaction(app) == before
    # not one this user may take: the ordinary page, no question
    _html_as(testapp, "aigerim")
    page = testapp.get(url + "/@@workflow?confirm=place", headers=HTML)
    assert "confirm-form" not in page.forms


def test_reject_asks_with_its_reason_and_escapes_the_title(app, testapp, demo):
    evil = {"kk": "<b>x</b>", "ru": "<b>x</b>", "en": "<b>x</b>"}
    url = _request(testapp, ("aigerim", "submit"), ("marat", "approve"), title=evil)
    _html_as(testapp, "dana")
    form = testapp.get(url + "/@@workflow", headers=HTML).forms["workflow-form"]
    form["comment"] = "Wrong unit"
    asked = form.submit("transition", value="reject")
    confirm = asked.forms["confirm-form"]
    assert confirm["comment"].value == "Wrong unit"  # carried on, still editable
    done = confirm.submit().follow()
    message = _message(done)
    assert message.text == "Rejected: <b>x</b>." and message.select("b") == []


def test_a_transition_without_a_question_goes_at_once(app, testapp, demo):
    url = _request(testapp, ("aigerim", "submit"))
    _html_as(testapp, "marat")
    form = testapp.get(url + "/@@workflow", headers=HTML).forms["workflow-form"]
    button = testapp.get(url + "/@@workflow", headers=HTML).html.select_one(
        'button[value="approve"]')
    assert not button.get("data-confirm") and "danger" not in (button.get("class") or [])
    done = form.submit("transition", value="approve").follow()
    assert _message(done).text.startswith("Approved and sent to the coordinator: ")


def test_history_shows_titles_not_names(app, testapp, demo):
    url = _request(testapp, ("aigerim", "submit"), ("marat", "approve"))
    _html_as(testapp, "marat")
    cells = [" ".join(td.text.split()) for td in testapp.get(
        url + "/@@workflow", headers=HTML).html.select("table.listing tbody td:nth-child(3)")]
    assert cells == ["Approve", "Submit for approval", "Primary data", "Created"]


def test_closing_a_question_asks_then_says_so(app, testapp, demo):
    from tests.helpers.questions import ask, path

    url = path(ask(testapp).json).replace("/++api++", "")
    _html_as(testapp, "dana")
    page = testapp.get(url, headers=HTML)
    close = page.html.select_one('#question-form button[value="close"]')
    assert "without an answer" in close["data-confirm"]
    form = page.forms["question-form"]
    form["comment"] = "Spam"
    before = last_transaction(app)
    asked = form.submit("transition", value="close")
    assert last_transaction(app) == before and "the coordinator may reopen it" in asked.text
    done = asked.forms["confirm-form"].submit().follow()
    with open_portal(app) as portal:
        (question,) = portal["questions"].values()
        assert _message(done).text == \
            f"Question {question.number} was closed without an answer."
    # Reopen asks nothing: at once, in its own words
    done = testapp.get(url, headers=HTML).forms["question-form"].submit("transition",
                                                                      value="reopen").follow()
    assert _message(done).text == f"Question {question.number} was reopened."


def test_revoke_asks_first_also_without_script(app, testapp, demo):
    url = "/official-statistics/economy/industry/@@sharing"
    _html_as(testapp, "admin")
    page = testapp.get(url, headers=HTML)
    grant = next(f for f in page.forms.values() if "grant" in f.fields)
    grant["principal"] = "user:serik"
    grant["role"] = "Moderator"
    page = grant.submit("grant").follow()
    revoke = next(f for f in page.forms.values()
                  if "revoke" in f.fields and f["principal"].value == "user:serik")
    button = page.html.select_one('form button[name="revoke"][data-confirm*="serik"]')
    assert "Moderator" in button["data-confirm"]
    before = last_transaction(app)
    asked = revoke.submit("revoke")
    assert last_transaction(app) == before and "they lose what it allows" in asked.text
    confirm = asked.forms["confirm-form"]
    assert [confirm[k].value for k in ("principal", "role", "revoke", "confirmed")] == \
        ["user:serik", "Moderator", "1", "1"]
    done = confirm.submit().follow()
    assert _message(done).text == "Role revoked."
    with open_portal(app) as portal:
        section = portal["official-statistics"]["economy"]["industry"]
        assert "Moderator" not in section.local_roles().get("user:serik", ())


def test_the_request_page_names_its_languages_and_unit(app, testapp, demo):
    url = _request(testapp)
    _html_as(testapp, "aigerim")
    page = testapp.get(url, headers=HTML)
    facts = {dt.text.strip(): " ".join(dt.find_next_sibling("dd").text.split())
             for dt in page.html.select("dl.fields dt")}
    assert facts["Languages"] == "Қазақша, Русский, English"
    assert facts["Structural unit"] == "Industry Statistics Department"  # not its path
    assert facts["Placement"].startswith("New")


def test_the_json_api_tells_the_question_the_titles_and_the_message(app, testapp, demo):
    url = "/++api++" + _request(testapp, ("aigerim", "submit"), ("marat", "approve"))
    as_user(testapp, "dana")
    data = testapp.get(url + "/@workflow").json
    by_id = {t["id"]: t for t in data["transitions"]}
    assert by_id["reject"]["irreversible"] is True and "is not placed" in \
        by_id["reject"]["confirm"]
    assert by_id["register"]["irreversible"] is False and by_id["register"]["confirm"] is None
    assert [e["title"] for e in data["history"]][-2:] == ["Submit for approval", "Approve"]
    done = testapp.post_json(url + "/@workflow/register", {}).json  # the API asks nothing
    assert done["state"]["id"] == "registered" and " registered, due " in done["message"]


def test_the_message_is_shown_on_the_page_the_buttons_were_on(app, testapp, demo):
    url = _request(testapp)
    _html_as(testapp, "aigerim")
    done = testapp.get(url, headers=HTML).forms["request-actions"].submit(
        "transition", value="submit")
    assert done.location.rstrip("/") == "http://localhost" + url  # the request's page
    assert _message(done.follow()).text.startswith("Submitted for approval: ")
    # an address from elsewhere is not followed: the object's own @@workflow instead
    step(testapp, "marat", "/++api++" + url, "return", comment="Fix it")
    _html_as(testapp, "aigerim")
    form = testapp.get(url, headers=HTML).forms["request-actions"]
    form["next"] = "http://evil.example/"
    done = form.submit("transition", value="submit")
    assert done.location == "http://localhost" + url + "/@@workflow"


def test_a_replace_names_the_material_it_replaces(app, testapp, demo):
    first = _request(testapp, ("aigerim", "submit"), ("marat", "approve"), ("dana", "register"),
                     ("yerlan", "place"))
    with open_portal(app) as portal:
        material = next(o for o in portal["requests"].values() if o.material).material
    url = _request(testapp, placement_type="replace", replaces=material)
    assert first != url
    _html_as(testapp, "aigerim")
    placement = testapp.get(url, headers=HTML).html.find("dt", string="Placement") \
        .find_next("dd")
    assert placement.a.text == "Industrial production, October 2026"
    assert placement.a["href"].endswith(material) and material not in placement.text
