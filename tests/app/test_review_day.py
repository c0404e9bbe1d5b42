"""Review of issue 18's day, walked in the browser on `make serve`'s storage: what a person
tripped over, fixed and held here (WebTest against the real app)."""

import base64

from statportal.testing import login_html
from tests.helpers.materials import SECTION, add, as_user, publish
from tests.helpers.placement import REQUESTS, payload, step
from tests.helpers.samples import TABLE, xlsx_table

HTML = {"Accept": "text/html"}


def _request(testapp, *steps, **changes):
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(**changes), status=201).json["@id"].replace(
        "http://localhost/++api++", "")
    for login, name in steps:
        step(testapp, login, "/++api++" + url, name)
    return url


def _html_as(testapp, login, language="en"):
    as_user(testapp, None)
    testapp.reset()
    testapp.set_cookie("_LOCALE_", language)
    login_html(testapp, login)


def test_a_return_that_takes_the_request_out_of_sight_lands_where_the_message_shows(
        testapp, demo):
    """The coordinator (or the moderator) returns a request from its page: it becomes her
    unit's draft, which they may not open. They land on the requests' folder with the
    message, not on a 403 after an action that succeeded."""
    for login, steps in (("dana", (("aigerim", "submit"), ("marat", "approve"))),
                         ("yerlan", (("aigerim", "submit"), ("marat", "approve"),
                                     ("dana", "register")))):
        url = _request(testapp, *steps)
        _html_as(testapp, login)
        form = testapp.get(url, headers=HTML).forms["request-actions"]
        form["comment"] = "Line 17 is missing"
        done = form.submit("transition", value="return")
        assert done.status_int == 302
        assert done.location == "http://localhost/requests/", (login, done.location)
        page = done.follow(headers=HTML)
        message = page.html.select_one(".messages .message.success")
        assert message is not None and message.text.strip().startswith(
            "Returned to the executor:"), page.html.select(".messages")
        testapp.get(url, headers=HTML, status=403)  # truly out of their sight
        as_user(testapp, "aigerim")
        assert testapp.get("/++api++" + url).json["review_state"] == "draft"
    # who still sees the object goes back to the page the buttons were on, as before
    url = _request(testapp, ("aigerim", "submit"))
    _html_as(testapp, "marat")
    form = testapp.get(url, headers=HTML).forms["request-actions"]
    form["comment"] = "Line 17 is missing"
    done = form.submit("transition", value="return")
    assert done.location.rstrip("/") == "http://localhost" + url


def test_a_request_history_names_the_empty_sheets_its_files_lost(testapp, demo):
    """The request's history said `remove_empty_sheets`: the note's title is the request's
    workflow's too (it was only the material's)."""
    data = base64.b64encode(xlsx_table(TABLE)).decode()  # one table, one empty sheet
    url = _request(testapp, files=[{"data": data, "encoding": "base64",
                                    "filename": "kestesi.xlsx",
                                    "content-type": "application/octet-stream"}])
    as_user(testapp, "aigerim")
    assert testapp.get("/++api++" + url).json["files"][0]["removed_sheets"] == ["Бос парақ"]
    _html_as(testapp, "aigerim")
    history = testapp.get(url + "/@@workflow", headers=HTML)
    actions = [row.select("td")[2].text.strip() for row in history.html.select("tbody tr")]
    assert "Empty sheets removed" in actions, actions
    assert "remove_empty_sheets" not in history.text
    as_user(testapp, "aigerim")
    titles = [e["title"] for e in testapp.get("/++api++" + url + "/@workflow").json["history"]]
    assert "Empty sheets removed" in titles and "remove_empty_sheets" not in titles


def test_where_a_user_has_roles_heads_its_column_not_with_the_place_action(testapp, demo):
    """The column of places on a user's page was headed by the msgid "Place", the request's
    action: in Kazakh it read "Орналастыру" (placing) above a list of sections."""
    _html_as(testapp, "admin", "kk")
    page = testapp.get("/principals/users/aigerim", headers=HTML)
    headings = [th.text.strip() for th in page.html.select("table.user-places th")]
    assert len(headings) == 3 and "Орналастыру" not in headings, headings
    _html_as(testapp, "admin", "en")
    page = testapp.get("/principals/users/aigerim", headers=HTML)
    headings = [th.text.strip() for th in page.html.select("table.user-places th")]
    assert headings[0] == "Section or org unit", headings


def test_a_subject_keeps_its_spaces_however_it_is_folded():
    """The question's office notice reached Marat as "Сұраққа жауап келісудікүтуде": Python
    3.11's default policy folded the encoded subject at a space and lost it."""
    import email
    import email.policy

    from statportal.mail.outbox import OutgoingMail, make_message

    for subject in ("Сұраққа жауап келісуді күтуде: № 2026-000001",
                    "Халықаралық ұйымға жауап келісуді күтуде: № 2026-000005",
                    "Материал орналастырылды: Өнеркәсіп өнімі, қараша 2026 [kk] kk-1366",
                    "Заявка 2026-000014 зарегистрирована,\nсрок 09:38", "Plain words " * 9):
        message = make_message("portal@stat.example.kz", "marat@stat.example.kz", subject, "x")
        stored = OutgoingMail(message, None)
        wanted = " ".join(subject.split())
        received = email.message_from_bytes(stored.data, policy=email.policy.default)
        assert received["Subject"] == wanted and stored.subject == wanted
        assert max(len(line) for line in stored.data.split(b"\n")) <= 78


def _facts(page):
    return {dt.text.strip(): dt.find_next("dd").text.strip()
            for dt in page.html.select("dl dt")}


def test_a_returned_or_resubmitted_request_shows_no_past_due(testapp, demo):
    """Returned after registration, the request's page still said "Due 17:18" under the
    Returned banner and after resubmission (My work did not): a due binds once the
    request is registered again."""
    url = _request(testapp, ("aigerim", "submit"), ("marat", "approve"), ("dana", "register"))
    _html_as(testapp, "aigerim")
    assert _facts(testapp.get(url, headers=HTML))["Due"] != "—"  # registered: it binds
    step(testapp, "dana", "/++api++" + url, "return", comment="Line 17 is missing")
    _html_as(testapp, "aigerim")
    page = testapp.get(url, headers=HTML)
    assert page.html.select_one("#returned") is not None
    assert _facts(page)["Due"] == "—"
    step(testapp, "aigerim", "/++api++" + url, "submit")
    _html_as(testapp, "aigerim")
    assert _facts(testapp.get(url, headers=HTML))["Due"] == "—"
    for login, name in (("marat", "approve"), ("dana", "register")):
        step(testapp, login, "/++api++" + url, name)
    _html_as(testapp, "aigerim")
    assert _facts(testapp.get(url, headers=HTML))["Due"] != "—"  # registered again


def test_the_history_says_who_by_name(testapp, demo):
    """The history's Who column showed logins (aigerim, marat) where the Returned banner
    says names; it says the person's name, and a login no user has any more as it is."""
    url = _request(testapp, ("aigerim", "submit"), ("marat", "approve"))
    _html_as(testapp, "dana", "ru")
    page = testapp.get(url + "/@@workflow", headers=HTML)
    who = [row.select("td")[1].text.strip() for row in page.html.select("tbody tr")]
    assert who[:2] == ["Марат Жұмабаев", "Әйгерім Сейітова"], who
    assert "aigerim" not in who and "marat" not in who
    as_user(testapp, "admin")
    testapp.delete("/++api++/principals/users/marat", status=204)
    _html_as(testapp, "dana", "ru")
    page = testapp.get(url + "/@@workflow", headers=HTML)
    assert page.html.select("tbody tr")[0].select("td")[1].text.strip() == "marat"


def test_a_bulk_withdraw_says_what_will_happen_to_each(testapp, demo):
    """Folder contents' Withdraw… asked only for a reason: the item's own button says what
    will happen (the public no longer sees it; it can be published again)."""
    published = add(testapp, title={"en": "Public table", "ru": "Открытая", "kk": "Ашық"})
    publish(testapp, published)
    as_user(testapp, "yerlan")
    contents = testapp.get(SECTION + "/@@contents", headers=HTML)
    token = contents.forms["bulk"]["csrf_token"].value
    asked = testapp.post(SECTION + "/@@bulk", [
        ("action", "transition:withdraw"), ("ids", published.rsplit("/", 1)[1]),
        ("csrf_token", token)], headers=HTML)
    said = [p.text for p in asked.html.select("ul.bulk-report p.asked")]
    assert len(said) == 1 and "the public no longer sees the material" in said[0], said
    assert "Public table" in said[0]
    button = asked.html.select_one("#bulk-confirm button[type=submit]")
    assert "danger" not in (button.get("class") or [])  # it can be published again
