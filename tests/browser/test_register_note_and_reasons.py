"""Issue 15, item 6 in the browser: the register's note written and shown in the register,
the placed materials in the executor's "My work", the calendar's reasons in the page's
language; each page passes axe-core."""

import base64

from tests.browser.helpers import api, assert_accessible, log_in
from tests.helpers.files import SAMPLES

TITLE = "Methodology gaps (browser), October 2026"


def test_register_note_and_placed_materials(browser, live_server, axe_source):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    created = api(context, "POST", "/requests", "aigerim", {
        "@type": "PlacementRequest", "title": {"en": TITLE}, "category": "bulletin",
        "unit": "/orgunits/industry-statistics",
        "section": "/official-statistics/economy/prices", "placement_type": "new",
        "files": [{"data": base64.b64encode(SAMPLES["report.docx"]).decode(),
                   "encoding": "base64", "filename": "report.docx", "language": "en"}],
        "languages": ["en"], "executor_email": "aigerim@stat.example.kz",
        "executor": "Әйгерім Сейітова", "head_of_unit": "Марат Жұмабаев"})
    path = created["@id"].split("/++api++", 1)[1]
    api(context, "POST", f"{path}/@workflow/submit", "aigerim", {})
    api(context, "POST", f"{path}/@workflow/approve", "marat", {})
    api(context, "POST", f"{path}/@workflow/register", "dana",
        {"register_note": "Paper copy received"})

    page = context.new_page()
    log_in(page, "dana")
    page.goto("/requests/@register?state=registered")
    row = page.locator("tr", has_text=TITLE)
    assert "Official statistics → Economy → Prices" in row.inner_text()
    assert "Paper copy received" in row.locator("td.register-note").inner_text()
    assert_accessible(page, axe_source)
    with page.expect_navigation():
        row.get_by_role("link", name="Edit note").click()
    assert_accessible(page, axe_source)
    page.get_by_label("Register note").fill("Paper copy received; scan sent")
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    assert "Paper copy received; scan sent" in page.locator("dd.register-note").inner_text()
    context.clear_cookies()

    api(context, "POST", f"{path}/@workflow/place", "yerlan", {})
    log_in(page, "aigerim")
    page.goto("/my-work")
    placed = page.locator("#placed-materials")
    link = placed.get_by_role("link", name=TITLE)
    assert link.count() == 1
    assert_accessible(page, axe_source)
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == TITLE
    context.close()


def test_the_calendar_shows_the_reason_in_the_pages_language(browser, live_server,
                                                             axe_source):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/calendar")
    reason = page.locator("span[lang]", has_text="Отчёты двух областей поступили с опозданием.")
    assert reason.count() == 1 and reason.get_attribute("lang") == "ru"
    text = page.locator("main").inner_text()
    assert "Late returns from two regions" not in text
    assert "Екі облыстан есептер кешігіп түсті" not in text
    assert_accessible(page, axe_source)
    context.close()
