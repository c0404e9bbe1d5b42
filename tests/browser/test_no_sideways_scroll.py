"""Issue 18, item 6: every staff page on a phone (390 px) in Kazakh, whose words are the
longest, for each staff role: the page never scrolls sideways
(``document.documentElement.scrollWidth <= 390``) and axe-core finds nothing serious.

The pages are not a list kept by hand: ``tests.helpers.staff_pages`` finds every page view
the application registered and the objects it is for (a request and a group are added
here: the demo has none), and the server says which of them each person may open. A few
pages the issue names are asserted among them, so a broken finder cannot pass by finding
nothing.
"""

import base64

import pytest
from webtest import TestApp

from statportal.testing import login_html, open_portal
from tests.browser.helpers import api, format_violations, log_in, run_axe, serious
from tests.helpers.files import SAMPLES
from tests.helpers.staff_pages import page_paths, reachable

PHONE = {"width": 390, "height": 800}

#: the staff roles of the demo (demo/people.py) and pages each must reach
ROLES = {
    "aigerim": ["/@@my-work", "/requests/@@add?type=PlacementRequest", "{request}",
                "{request}/@@workflow"],                                    # executor
    "marat": ["/@@my-work", "{request}"],                                   # head of unit
    "dana": ["/requests/@register", "/questions/@@dashboard", "{question}",
             "/calendar/", "/plan/@@import", "{request}/@@workflow"],       # coordinator
    "yerlan": ["/requests/@queue", "{request}/@@disclosure", "{request}"],  # moderator
    "admin": ["/@@contents", "/principals/users/", "/principals/groups/{group}",
              "/official-statistics/@@sharing", "/@@outbox", "/@@working-calendar",
              "/official-statistics/@@add?type=Material"],                  # Manager
}


@pytest.fixture(scope="module")
def staff_objects(browser, live_server):
    """A registered request (with a long title and history), a group and a question with
    long words; the request goes back to its executor afterwards (other tests place the
    first request of the queue)."""
    context = browser.new_context(base_url=live_server.url)
    created = api(context, "POST", "/requests", "aigerim", {
        "@type": "PlacementRequest", "category": "latest_data",
        "title": {"kk": "Өнеркәсіптік өндірістің көлемі, экономикалық қызмет түрлері бойынша",
                  "ru": "Объём промышленного производства", "en": "Industrial output"},
        "unit": "/orgunits/industry-statistics",
        "section": "/official-statistics/economy/industry", "placement_type": "new",
        "files": [{"data": base64.b64encode(SAMPLES["report.docx"]).decode(),
                   "encoding": "base64", "filename": "report.docx", "language": "kk"}],
        "languages": ["kk"], "executor_email": "aigerim@stat.example.kz",
        "executor": "Әйгерім Сейітова", "head_of_unit": "Марат Жұмабаев",
        "primary_data": False, "primary_data_reason": "Әкімшілік деректер"})
    path = created["@id"].split("/++api++", 1)[1]
    api(context, "POST", f"{path}/@workflow/submit", "aigerim", {})
    api(context, "POST", f"{path}/@workflow/approve", "marat", {})
    api(context, "POST", f"{path}/@workflow/register", "dana",
        {"register_note": "Қағаз көшірмесі алынды"})
    api(context, "POST", "/principals/groups", "admin", {
        "@type": "Group", "id": "phone-editors",
        "title": {"kk": "Телефон сынағының редакторлары", "en": "Phone test editors"}})
    # the question page 678 px wide at 390: long unbroken words and addresses
    response = context.request.post("/++api++/questions", data={
        "@type": "Question", "name": "Мария Иванова-Сейітқалиқызы",
        "email": "maria.ivanova.statistics-department.long-address@example-university.kz",
        "topic": "population", "may_publish": True, "language": "kk", "international": False,
        "text": "Алматы халқының саны қанша? https://stat.example.kz/official-statistics/"
                "social/population/population-of-almaty-by-district-at-the-beginning-of-2026"
                "-table-xlsx-download?lang=kk&version=2"},
        headers={"Accept": "application/json"})
    assert response.ok, response.text()
    question = response.json()["@id"].split("/++api++", 1)[1]
    yield {"request": path, "group": "phone-editors", "question": question}
    api(context, "POST", f"{path}/@workflow/return", "dana", {"comment": "phone test done"})
    context.close()


@pytest.fixture(scope="module")
def pages_of(live_server, staff_objects):
    """``pages_of(login)``: the paths of every page that person may open (the server's
    200), with the paths the module requires filled in."""
    app = live_server.app
    with open_portal(app) as portal:
        paths = page_paths(app, portal)
    names = staff_objects

    def pages(login):
        client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "kk",
                                             "REMOTE_ADDR": "127.0.0.1"})
        login_html(client, login)
        found = reachable(client, sorted({*paths, *(p.format(**names) for p in ROLES[login])}))
        return found, [p.format(**names) for p in ROLES[login]]
    return pages


CHECKED = set()  # axe-core runs once per page across the roles; each role measures them all


@pytest.mark.parametrize("login", list(ROLES))
def test_no_staff_page_scrolls_sideways_on_a_phone(browser, live_server, axe_source,
                                                   pages_of, login):
    paths, required = pages_of(login)
    assert set(required) <= set(paths), sorted(set(required) - set(paths))
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="kk-KZ",
                                  extra_http_headers={"Accept-Language": "kk"})
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, login)
    wide, inaccessible = [], []
    try:
        for path in paths:
            response = page.goto(path)
            assert response.ok, (path, response.status)
            assert page.locator("html").get_attribute("lang") == "kk", path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append((path, width))
            if path not in CHECKED:
                CHECKED.add(path)
                found = serious(run_axe(page, axe_source)["violations"])
                if found:
                    inaccessible.append(f"{path}:\n{format_violations(found)}")
    finally:
        context.close()
    assert wide == [], wide
    assert inaccessible == [], "\n".join(inaccessible)
    assert len(paths) >= len(required) + 5  # the finder found the pages, not only the list
