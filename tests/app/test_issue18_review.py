"""Issue 18's new pages as each person opens them (a reviewer's pass): My requests and the
returned banner, Users and groups, a user's page, Sharing's search, My preferences, the
category pages and the home page's next releases.

A GET stores nothing (also the first visit of a portal where no request was ever added);
personal data (e-mail addresses, the language of a user's mail) only to the Manager; a
title, a name or a reason holding markup is shown as text everywhere; the menu's pages and
the home page list nothing embargoed, withdrawn or private, for anybody; junk in a new
parameter is a 400 naming it."""

from datetime import UTC, datetime, timedelta

import pytest

from statportal.content.registry import get_content_registry
from statportal.testing import DEMO_PASSWORD, basic_auth, last_transaction, login_html, open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.materials import add, publish
from tests.helpers.placement import new_request, payload, step
from tests.helpers.published import material_in

HTML = {"Accept": "text/html"}
ROLES = (None, "aigerim", "marat", "dana", "yerlan", "serik", "admin")
EVIL = "<script>alert(1)</script>\"'&x"
CATEGORY_PAGES = ("/latest-data", "/press-releases", "/express-information", "/bulletins",
                  "/compilations")
INDUSTRY = "/official-statistics/economy/industry"


def as_(testapp, login):
    """``testapp`` logged in through the form as ``login`` (None: anonymous)."""
    testapp.reset()
    testapp.authorization = None
    if login:
        login_html(testapp, login)
    return testapp


def new_pages(request_page=None):
    pages = ["/", *CATEGORY_PAGES, "/my-work", "/my-work?b_start=20", "/@@preferences",
             "/principals", "/principals?q=ai", "/principals/users/aigerim",
             f"{INDUSTRY}/@@sharing", f"{INDUSTRY}/@@sharing?q=ai"]
    return [*pages, request_page] if request_page else pages


def assert_no_page_writes(app, testapp, pages):
    for login in ROLES:
        as_(testapp, login)
        before = last_transaction(app)
        for path in pages:
            testapp.get(path, headers=HTML, status="*")
        assert last_transaction(app) == before, (login, "a GET stored something")


def test_the_new_pages_write_nothing_for_anybody(app, testapp, demo):
    # the first visits of a portal where no request was ever made (My work once created
    # the requests' catalog on its first GET)
    assert_no_page_writes(app, testapp, new_pages())
    url = new_request(testapp)
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "return", comment="Wrong table")
    assert_no_page_writes(app, testapp, new_pages(url.replace("/++api++", "")))
    before = last_transaction(app)  # and the JSON of the same
    for login in ROLES[1:]:
        testapp.authorization = basic_auth(login)
        for path in ("/++api++/@preferences", url, f"/++api++{INDUSTRY}/@sharing",
                     "/++api++/principals/users/aigerim"):
            testapp.get(path, status="*")
    assert last_transaction(app) == before


def test_users_e_mails_and_languages_only_to_the_manager(app, testapp, demo):
    testapp.authorization = basic_auth("admin")
    testapp.patch_json("/++api++/principals/users/marat", {"language": "ru"}, status=200)
    for login in ROLES[1:-1]:
        as_(testapp, login)
        for path in ("/principals", "/principals?q=stat.example", "/principals/users/marat"):
            page = testapp.get(path, headers=HTML, status=403)
            assert "marat@stat.example.kz" not in page.text
        testapp.authorization = basic_auth(login)
        for path in ("/++api++/principals/users/marat", "/++api++/principals/users"):
            assert "marat@" not in testapp.get(path, status=403).text
        # My preferences are one's own: no field chooses whose
        assert testapp.patch_json("/++api++/@preferences",
                                  {"login": "marat", "language": "en"},
                                  status=400).json["errors"][0]["field"] == "login"
    as_(testapp, "admin")
    page = testapp.get("/principals/users/marat", headers=HTML)
    assert "marat@stat.example.kz" in page.text and "Русский" in page.text
    with open_portal(app) as portal:
        assert portal["principals"]["users"]["marat"].language == "ru"


@pytest.fixture
def evil(app, testapp, demo):
    """Markup in a user's name, a request's title, its return's reason and a material's
    title; the request's address."""
    with open_portal(app) as portal:
        content = get_content_registry(app.registry)
        user = content.create("User", fullname=EVIL, email="bota@stat.example.kz",
                              org_unit="/orgunits/industry-statistics")
        user.set_password(DEMO_PASSWORD)
        portal["principals"]["users"].add("bota", user)
        portal["orgunits"]["industry-statistics"].grant("user:bota", "Executor")
        portal["official-statistics"]["economy"]["industry"].grant("user:bota", "Executor")
        portal["official-statistics"]["economy"]["industry"].grant("user:bota", "HeadOfUnit")
    testapp.authorization = basic_auth("bota")
    url = testapp.post_json("/++api++/requests", payload(
        title={"kk": EVIL, "ru": EVIL, "en": EVIL}), status=201).json["@id"]
    url = url.replace("http://localhost", "")
    step(testapp, "bota", url, "submit")
    step(testapp, "marat", url, "approve")
    # dana returns it with a reason holding markup
    step(testapp, "dana", url, "return", comment=EVIL)
    material = add(testapp, category="bulletin",
                   title={"kk": EVIL, "ru": EVIL, "en": EVIL})
    publish(testapp, material)
    soon = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)  # the home's panel
    add_entry(testapp, title={"kk": EVIL, "ru": EVIL, "en": EVIL}, release_at=soon.isoformat())
    return url.replace("/++api++", "")


def assert_escaped(text, where):
    assert "<script>alert(1)</script>" not in text, where
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, where


def test_markup_is_shown_as_text_in_every_new_place(testapp, evil):
    as_(testapp, "bota")
    for path in ("/my-work", evil):  # My requests, the waiting list, the returned banner
        assert_escaped(testapp.get(path, headers=HTML).text, path)
    as_(testapp, None)
    for path in ("/bulletins", "/"):  # a material's title; the next release's on the home
        assert_escaped(testapp.get(path, headers=HTML).text, path)
    home = testapp.get("/", headers=HTML).html
    assert EVIL in [a.get_text() for a in home.select("a[href*='/calendar/']")]
    as_(testapp, "admin")
    for path in ("/principals", "/principals?q=bota", "/principals/users/bota",
                 f"{INDUSTRY}/@@sharing", f"{INDUSTRY}/@@sharing?q=bota"):
        assert_escaped(testapp.get(path, headers=HTML).text, path)
    # Revoke's confirmation page names the person
    page = testapp.get(f"{INDUSTRY}/@@sharing", headers=HTML)
    form = next(f for f in page.forms.values()
                if f.fields.get("principal") and f["principal"].value == "user:bota")
    assert_escaped(form.submit("revoke", headers=HTML).text, "revoke's question")
    # the search box keeps the query, as text
    for path in ("/principals", f"{INDUSTRY}/@@sharing", "/bulletins"):
        key = "SearchableText" if path == "/bulletins" else "q"
        text = testapp.get(path, {key: EVIL}, headers=HTML).text
        assert "<script>alert(1)</script>" not in text, path


def test_the_menu_and_the_home_page_show_nothing_embargoed_withdrawn_or_private(
        testapp, demo):
    scheduled = material_in(testapp, "scheduled")
    withdrawn = material_in(testapp, "withdrawn")
    private = add(testapp, category="express_information",
                  title={"kk": "Private kk", "ru": "Private ru", "en": "Private index"})
    shown = add(testapp, category="express_information",
                title={"kk": "Shown kk", "ru": "Shown ru", "en": "Shown index"})
    publish(testapp, shown)
    testapp.authorization = basic_auth("yerlan")
    titles = {path: testapp.get(f"/++api++{path}").json["title"]["en"]
              for path in (scheduled, withdrawn, private)}
    for login in ROLES:
        as_(testapp, login)
        for path in (*CATEGORY_PAGES, "/", "/express-information?b_size=100",
                     "/latest-data?SearchableText=index"):
            text = testapp.get(path, headers={**HTML, "Accept-Language": "en"}).text
            for material, title in titles.items():
                assert title not in text and material not in text, (login, path, title)
        text = testapp.get("/express-information", headers={"Accept-Language": "en"}).text
        assert "Shown index" in text, login


@pytest.mark.parametrize(("path", "field"), [
    ("/my-work?b_start=x", "b_start"), ("/my-work?b_size=0", "b_size"),
    ("/principals?b_start=-1", "b_start"), ("/principals?b_size=x", "b_size"),
    ("/bulletins?b_start=x", "b_start"), ("/bulletins?year=x", "year"),
    ("/bulletins?language=xx", "language"), ("/latest-data?category=nope", "category"),
])
def test_junk_in_a_new_parameter_is_a_400_naming_it(app, testapp, demo, path, field):
    as_(testapp, "admin")
    before = last_transaction(app)
    page = testapp.get(path, headers=HTML, status=400)
    assert field in page.text
    assert last_transaction(app) == before


def test_my_preferences_refuse_junk_and_a_post_without_the_token(app, testapp, demo):
    as_(testapp, "aigerim")
    before = last_transaction(app)
    testapp.post("/@@preferences", {"language": "ru", "submit": "1"}, headers=HTML,
                 status=400)  # no CSRF token
    page = testapp.get("/@@preferences", headers=HTML)
    form = next(f for f in page.forms.values() if "language" in f.fields)
    form["language"].force_value("xx")
    page = form.submit("submit", headers=HTML, status=400)
    assert "language" in page.text.lower()
    testapp.authorization = basic_auth("aigerim")
    errors = testapp.patch_json("/++api++/@preferences", {"language": "xx"},
                                status=400).json["errors"]
    assert errors[0]["field"] == "language"
    assert last_transaction(app) == before


def test_the_users_page_says_no_groups_exist_rather_than_none_matches(testapp, demo):
    as_(testapp, "admin")
    assert "No groups yet." in testapp.get("/principals", headers=HTML).text
    page = testapp.get("/principals", {"q": "nobody-here"}, headers=HTML)
    assert "No group matches." in page.text and "No groups yet." not in page.text


def test_my_requests_are_only_ones_own_whoever_else_may_see_them(app, testapp, demo):
    with open_portal(app) as portal:
        content = get_content_registry(app.registry)
        user = content.create("User", fullname="Бота Ерланқызы", email="bota@stat.example.kz",
                              org_unit="/orgunits/almaty-city")
        user.set_password(DEMO_PASSWORD)
        portal["principals"]["users"].add("bota", user)
        portal["orgunits"]["almaty-city"].grant("user:bota", "Executor")
    new_request(testapp, title={"kk": "Aigerim's kk", "ru": "Aigerim's ru", "en": "Aigerim's"})
    testapp.authorization = basic_auth("bota")
    testapp.post_json("/++api++/requests", payload(
        unit="/orgunits/almaty-city", title={"kk": "Bota's kk", "ru": "Bota's ru",
                                             "en": "Bota's"}), status=201)
    for login, mine in (("aigerim", ["Aigerim's"]), ("bota", ["Bota's"]), ("marat", []),
                        ("dana", []), ("yerlan", []), ("admin", [])):
        page = as_(testapp, login).get("/my-work", headers={**HTML, "Accept-Language": "en"})
        table = page.html.find("table", id="my-requests")
        rows = table.tbody.find_all("tr") if table is not None else []
        assert [tr.find_all("td")[1].get_text(strip=True) for tr in rows] == mine, login


def test_the_message_after_an_action_shows_markup_as_text(testapp, evil):
    """The flash after a transition names the request (issue 18, item 3): as text."""
    as_(testapp, "bota")
    page = testapp.get(evil, headers=HTML)
    form = next(f for f in page.forms.values() if "transition" in f.fields)
    done = form.submit("transition", value="submit", headers=HTML, status="*")
    if done.status_int in (301, 302, 303):
        done = done.follow(headers=HTML)
    (message,) = done.html.select("p.message")
    assert EVIL in message.get_text()  # the title, as text
    assert_escaped(str(message), "the message after Submit")
    assert_escaped(done.text, "the page after Submit")
