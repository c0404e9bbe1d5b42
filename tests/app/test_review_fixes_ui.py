"""Review of issue 18's UI, fixes checked over the real WSGI app (WebTest)."""

import csv
import io
import re

from statportal.testing import basic_auth, last_transaction, login_html, open_portal
from tests.helpers.placement import REQUESTS, as_user, new_request, step

HTML = {"Accept": "text/html"}


def test_a_missing_title_names_the_languages_not_their_codes(app, testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/official-statistics/@@contents", headers=HTML)
    form = page.click(href=re.escape("@@add?type=Section")).forms["edit-form"]
    before = last_transaction(app)
    page = form.submit("submit")
    assert "Give it in at least one language: Қазақша, Русский, English." in page.text
    assert "kk, ru or en" not in page.text
    assert last_transaction(app) == before



def test_my_work_links_a_request_without_a_number_by_its_title_only(testapp, demo):
    draft = new_request(testapp, title={"kk": "Нөмірсіз", "ru": "Без номера",
                                        "en": "No number yet"})
    url = "http://localhost" + draft.replace("/++api++", "")
    testapp.reset()
    testapp.authorization = None
    login_html(testapp, "aigerim")
    work = testapp.get("/my-work", headers=HTML)
    tables = [work.html.find("table", id="my-requests"),
              work.html.find("caption", string=re.compile("waiting for you")).parent]
    for table in tables:
        row = next(tr for tr in table.find("tbody").find_all("tr")
                   if "No number yet" in tr.get_text())
        number, title = row.find_all("td")[:2]
        assert number.get_text(strip=True) == "—" and number.find("a") is None
        assert [a["href"].rstrip("/") for a in title.find_all("a")] == [url.rstrip("/")]



def groups_field(page):
    """The legends or labels reading "Groups" on the page."""
    return [t for t in page.html.find_all(["legend", "label"])
            if t.get_text(strip=True) == "Groups"]


def test_the_user_form_shows_groups_only_when_there_are_some(app, testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/principals/users/serik/@@edit", headers=HTML)
    assert groups_field(page) == []  # no empty heading when there is no group
    form = page.forms["edit-form"]
    form["fullname"] = "Серік Омаров (edited)"
    assert form.submit("submit").status_int == 302  # the form still saves
    with open_portal(app) as portal:
        user = portal["principals"]["users"]["serik"]
        assert user.fullname == "Серік Омаров (edited)" and user.groups == ()
    # once a group exists, the field is there with it, and choosing it is stored
    api = testapp.__class__(testapp.app)
    api.authorization = basic_auth("admin")
    api.post_json("/++api++/principals/groups", {
        "@type": "Group", "id": "editors", "title": {"en": "Editors"}}, status=201)
    page = testapp.get("/principals/users/serik/@@edit", headers=HTML)
    assert len(groups_field(page)) == 1
    form = page.forms["edit-form"]
    box = next(f for f in form.fields.get("checkbox", []) if f._value == "editors")
    box.checked = True
    assert form.submit("submit").status_int == 302
    with open_portal(app) as portal:
        assert portal["principals"]["users"]["serik"].groups == ("editors",)


def test_the_register_exports_say_overdue_yes_or_no(testapp, demo, frozen):
    from openpyxl import load_workbook

    def registered(title):
        url = new_request(testapp, title={"en": title, "ru": title}, languages=["en"])
        step(testapp, "aigerim", url, "submit")
        step(testapp, "marat", url, "approve")
        step(testapp, "dana", url, "register")
        return url

    registered("Late one")
    frozen.advance(days=30)  # past its deadline, still not placed
    registered("On time one")
    as_user(testapp, "dana")
    ru = {"Accept-Language": "ru"}
    sheet = load_workbook(io.BytesIO(
        testapp.get(f"{REQUESTS}/@register?format=xlsx", headers=ru).body)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    xlsx = {r[1]: r[9] for r in rows[1:]}  # the "Overdue" column
    assert xlsx == {"Late one": "Да", "On time one": "Нет"}
    text = testapp.get(f"{REQUESTS}/@register?format=csv", headers=ru).body.decode("utf-8-sig")
    header, *lines = csv.reader(io.StringIO(text))
    assert {r[1]: r[9] for r in lines} == xlsx  # the same words in both exports
    assert header[9] == rows[0][9]
