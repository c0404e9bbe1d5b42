"""Issue 15's pages on a phone (390 px wide), in Kazakh, whose words are the longest: the
page never scrolls sideways (a wide listing scrolls by itself, a filter's long choices stay
on the screen), and every page passes axe-core — a listing that scrolls can be reached by
the keyboard."""

import base64

import pytest

from tests.browser.helpers import api, assert_accessible, log_in
from tests.helpers.files import SAMPLES

PHONE = {"width": 390, "height": 800}
TITLE = {"kk": "Өнеркәсіп өнімі, телефон сынағы", "ru": "Промышленная продукция, телефон",
         "en": "Industrial output, phone test"}


@pytest.fixture(scope="module")
def registered(browser, live_server):
    """A request in the moderator's queue, with a history of four steps (returned to its
    draft afterwards)."""
    context = browser.new_context(base_url=live_server.url)
    created = api(context, "POST", "/requests", "aigerim", {
        "@type": "PlacementRequest", "title": TITLE, "category": "latest_data",
        "unit": "/orgunits/industry-statistics",
        "section": "/official-statistics/economy/industry", "placement_type": "new",
        "files": [{"data": base64.b64encode(SAMPLES["report.docx"]).decode(),
                   "encoding": "base64", "filename": "report.docx", "language": "kk"}],
        "languages": ["kk"], "executor_email": "aigerim@stat.example.kz",
        "executor": "Әйгерім Сейітова", "head_of_unit": "Марат Жұмабаев",
        "primary_data": False, "primary_data_reason": "Қаржы министрлігінің әкімшілік "
        "деректері"})
    path = created["@id"].split("/++api++", 1)[1]
    api(context, "POST", f"{path}/@workflow/submit", "aigerim", {})
    api(context, "POST", f"{path}/@workflow/approve", "marat", {})
    api(context, "POST", f"{path}/@workflow/register", "dana",
        {"register_note": "Қағаз көшірмесі алынды"})
    yield path
    # out of the queue again: the other tests place the first request of the queue
    api(context, "POST", f"{path}/@workflow/return", "dana", {"comment": "phone test done"})
    context.close()


def fits_the_screen(page):
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, (page.url, width, viewport)


@pytest.fixture(scope="module")
def asked(browser, live_server):
    """A question from the public with a long e-mail address, as its page's path."""
    context = browser.new_context(base_url=live_server.url)
    response = context.request.post("/++api++/questions", data={
        "@type": "Question", "name": "Мария Иванова",
        "email": "m.ivanova.statistics-department@example.kz", "topic": "population",
        "text": "Алматы халқының саны жыл басында қанша болды?", "may_publish": True,
        "language": "kk", "international": False},
        headers={"Accept": "application/json"})
    assert response.ok, response.text()
    path = response.json()["@id"].split("/++api++", 1)[1]
    context.close()
    return path


@pytest.mark.parametrize("login, paths", [
    ("yerlan", ["/requests/@queue", "{request}/@@workflow", "{request}/@@disclosure",
                "/@@primary-data", "/my-work"]),
    ("dana", ["/requests/@register", "/calendar", "/questions/@@dashboard", "{question}",
              "/@@timeliness"]),
    ("aigerim", ["/my-work", "/requests/@@add?type=PlacementRequest"]),
    ("admin", ["/@@contents", "/@@outbox", "/@@subscribers"]),
])
def test_the_pages_fit_a_phone_in_kazakh(browser, live_server, axe_source, registered,
                                        asked, login, paths):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="kk-KZ",
                                  extra_http_headers={"Accept-Language": "kk"})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, login)
    try:
        for path in paths:
            response = page.goto(path.format(request=registered, question=asked))
            assert response.ok, (path, response.status)
            assert page.locator("html").get_attribute("lang") == "kk"
            fits_the_screen(page)
            assert_accessible(page, axe_source)
    finally:
        context.close()


def test_a_generated_table_on_its_material_page_passes_axe(browser, live_server, axe_source):
    """Generate writes a pivot whose top-left cell is empty: the preview on the material's
    page gives it no empty column header, and the preview's section is no second landmark
    of the same name as its scrolling table (axe-core: empty-table-header,
    landmark-unique)."""
    from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx

    def b64(name, data, language=None):
        body = {"data": base64.b64encode(data).decode(), "encoding": "base64",
                "filename": name}
        return {**body, "language": language} if language else body

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    created = api(context, "POST", "/official-statistics/economy/industry", "yerlan", {
        "@type": "Material", "title": {"en": "Wages by region, generated (phone test)"},
        "category": "press_release", "languages": ["en"],
        "files": [b64("wages-en.xlsx", published_xlsx(status={}), "en")],
        "bases": [b64("wages.basis.xlsx", basis_xlsx())], "primary_data": True})
    path = created["@id"].split("/++api++", 1)[1]
    api(context, "POST", f"{path}/@generate", "yerlan",
        {"rows": "region", "cols": "activity"})
    page = context.new_page()
    log_in(page, "dana")
    page.goto(path)
    assert page.locator(".table-preview table").count() == 1
    assert_accessible(page, axe_source)
    context.close()
