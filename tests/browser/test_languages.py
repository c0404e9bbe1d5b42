"""Issue 18, item 8 in the browser: a Kazakh-speaking staff member on a phone (390 px)
reads the portal in Kazakh, sets the language of her mail on "My preferences", sees the
language of a question on its staff page; the public Q&A list tags each question's
language. Each page: axe-core finds nothing serious, nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations, log_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
#: The catalogs' Kazakh names of the languages (LANGUAGE_TITLES).
KK_NAMES = ("Қазақша", "Орысша", "Ағылшынша")


def _kk_phone(browser, live_server, viewport=PHONE):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="kk-KZ",
                                  extra_http_headers={"Accept-Language": "kk"})
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.viewport_size["width"]
    assert width <= wide, f"{page.url} is {width} px wide at {wide} px"


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_a_kazakh_executor_sets_the_language_of_her_mail(browser, live_server, axe_source,
                                                        viewport):
    context, page = _kk_phone(browser, live_server, viewport)
    try:
        log_in(page, "aigerim")
        assert page.evaluate("document.documentElement.lang") == "kk"
        expect(page.locator("header")).to_contain_text("Шығу")          # "Log out", in kk
        menu = page.locator(".account a[href$='/@@preferences']")
        expect(menu).to_have_count(1)                                   # in the user menu
        page.goto("/@@preferences")
        language = page.locator("select[name=language]")
        expect(language).to_have_value("kk")
        options = language.locator("option")
        expect(options).to_have_count(3)
        _fits(page)
        assert_no_serious_violations(page, axe_source)
        language.select_option("ru")
        with page.expect_navigation():
            page.click("form#edit-form button[name=submit]")
        expect(page.locator("main")).to_contain_text("Орысша")          # the flash, kk name
        expect(page.locator("select[name=language]")).to_have_value("ru")
        assert page.evaluate("document.documentElement.lang") == "kk"  # the page stays kk
        _fits(page)
        assert_no_serious_violations(page, axe_source)
        page.locator("select[name=language]").select_option("kk")       # as it was
        with page.expect_navigation():
            page.click("form#edit-form button[name=submit]")
        expect(page.locator("select[name=language]")).to_have_value("kk")
    finally:
        context.close()


def test_the_question_language_on_the_staff_page_and_the_public_list(browser, live_server,
                                                                    axe_source):
    context, page = _kk_phone(browser, live_server)
    try:
        page.goto("/questions")
        tags = page.locator("article.qa .lang-tag")
        assert tags.count() > 0
        for index in range(tags.count()):
            tag = tags.nth(index)
            assert tag.get_attribute("lang") in ("kk", "ru", "en")
            assert tag.inner_text() in ("Қазақша", "Русский", "English")
        _fits(page)
        assert_no_serious_violations(page, axe_source)
        link = page.locator("article.qa h2 a").first.get_attribute("href")
        log_in(page, "dana")
        page.goto(link)
        shown = page.locator("dd.question-language")
        expect(shown).to_have_count(1)
        assert shown.inner_text() in KK_NAMES
        _fits(page)
        assert_no_serious_violations(page, axe_source)
    finally:
        context.close()
