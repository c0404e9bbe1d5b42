"""The executor follows her work in the browser (issue 18, item 1), in Kazakh, on a laptop
(1366 px) and a phone (390 px): "My requests" in My work lists her returned request as
returned, with the reason; its page says so at the top; resubmitted, the banner goes. Each
page passes axe-core and never scrolls sideways."""

import base64

import pytest

from tests.browser.helpers import api, assert_accessible, log_in
from tests.helpers.files import SAMPLES

TITLE = {"kk": "Бөлшек сауда айналымы, қараша 2026 (қайтарылған)",
         "ru": "Оборот розничной торговли, ноябрь 2026 (возвращён)",
         "en": "Retail trade turnover, November 2026 (returned)"}
REASON = "Қараша айының деректері толық емес: 17 және 18 кестелерді қосыңыз"


def returned_request(browser, live_server, title):
    """A request of aigerim's, submitted and returned by her head of unit with a reason;
    its page's path."""
    context = browser.new_context(base_url=live_server.url)
    created = api(context, "POST", "/requests", "aigerim", {
        "@type": "PlacementRequest", "title": title, "category": "express_information",
        "unit": "/orgunits/industry-statistics",
        "section": "/official-statistics/economy/industry", "placement_type": "new",
        "files": [{"data": base64.b64encode(SAMPLES["report.docx"]).decode(),
                   "encoding": "base64", "filename": "report.docx", "language": "kk"}],
        "languages": ["kk"], "executor_email": "aigerim@stat.example.kz",
        "executor": "Әйгерім Сейітова", "head_of_unit": "Марат Жұмабаев",
        "primary_data": False, "primary_data_reason": "Әкімшілік деректер"})
    path = created["@id"].split("/++api++", 1)[1]
    api(context, "POST", f"{path}/@workflow/submit", "aigerim", {})
    api(context, "POST", f"{path}/@workflow/return", "marat", {"comment": REASON})
    context.close()
    return path


def fits_the_screen(page):
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, (page.url, width, viewport)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_executor_sees_her_returned_request_and_resubmits_it(browser, live_server,
                                                                 axe_source, width):
    title = {lang: f"{text}, {width} px" for lang, text in TITLE.items()}
    path = returned_request(browser, live_server, title)
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ",
                                  viewport={"width": width, "height": 900},
                                  extra_http_headers={"Accept-Language": "kk"})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, "aigerim")
        page.goto("/my-work")
        assert page.locator("html").get_attribute("lang") == "kk"
        row = page.locator("#my-requests tbody tr", has_text=title["kk"])
        assert row.count() == 1
        assert "returned" in row.get_attribute("class").split()
        assert REASON in row.locator(".returned-reason").inner_text()
        assert "Марат Жұмабаев" in row.inner_text()
        fits_the_screen(page)
        assert_accessible(page, axe_source)

        # its page: the banner at the top, with the reason, who and when
        row.get_by_role("link", name=title["kk"]).click()
        page.wait_for_url(lambda url: path in url)
        banner = page.locator("#returned")
        assert banner.is_visible()
        assert REASON in banner.inner_text() and "Марат Жұмабаев" in banner.inner_text()
        assert page.locator("p.state").get_attribute("class").split() == [
            "state", "state-returned"]
        fits_the_screen(page)
        assert_accessible(page, axe_source)

        # she sends it again: the banner goes, the page says when it came back
        with page.expect_navigation():
            page.locator("button[name=transition][value=submit]").click()
        page.goto(path)
        assert page.locator("#returned").count() == 0
        assert page.locator("p.state").get_attribute("class").split() == [
            "state", "state-awaiting_approval"]
        assert page.locator("p.resubmitted time").count() == 2
        fits_the_screen(page)
        assert_accessible(page, axe_source)
        page.goto("/my-work")
        row = page.locator("#my-requests tbody tr", has_text=title["kk"])
        assert "returned" not in row.get_attribute("class").split()
        assert row.locator(".returned-reason").count() == 0
    finally:
        context.close()
