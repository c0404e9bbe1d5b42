"""The public main menu's category pages and the home page's next releases (issue 18 item
5), as a member of the public sees them in Kazakh and in Russian, on a laptop (1366 px) and
on a phone (390 px): every page passes axe-core (no violation at all) and nothing scrolls
sideways."""

import pytest

from statportal.materials.categories import CATEGORY_PAGES
from tests.browser.helpers import assert_accessible

SIZES = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 800}}
LOCALES = {"kk": "kk-KZ", "ru": "ru-RU"}


@pytest.fixture(params=[(lang, size) for lang in LOCALES for size in SIZES],
                ids=lambda p: f"{p[0]}-{p[1]}")
def public(request, browser, live_server):
    lang, size = request.param
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size],
                                  locale=LOCALES[lang])
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page, lang
    context.close()


def fits_the_screen(page):
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, (page.url, width, viewport)


def test_the_menu_leads_to_the_category_pages(public, axe_source):
    page, lang = public
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == lang
    for name in CATEGORY_PAGES:
        page.goto(f"/{name}/")
        assert page.locator("main h1").inner_text().strip()
        assert page.locator("main p.lead").inner_text().strip()
        assert page.locator("#results-heading").is_visible()
        assert_accessible(page, axe_source)
        fits_the_screen(page)
    page.goto("/latest-data/")  # the demo's consumer price index is latest data
    items = page.locator(".search-results ul.materials > li")
    assert items.count() >= 1
    first = items.first.locator("a").first.inner_text()
    facet = page.locator("aside.facets a[href*='section=']").first
    facet.click()
    page.wait_for_load_state()
    assert "/latest-data/?section=" in page.url
    assert page.locator(".search-results ul.materials > li").count() >= 1
    assert_accessible(page, axe_source)
    fits_the_screen(page)
    page.goto("/latest-data/")
    page.locator(".search-results ul.materials > li a").first.click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text().strip() == first.strip()


def test_an_empty_category_says_so(public, axe_source):
    page, _lang = public
    page.goto("/compilations/")
    assert page.locator("p.empty").is_visible()
    assert page.locator(".search-results ul.materials > li").count() == 0
    assert_accessible(page, axe_source)
    fits_the_screen(page)


def test_the_home_page_shows_the_next_releases(public, axe_source):
    page, _lang = public
    page.goto("/")
    panel = page.locator("section.next-releases")
    assert panel.is_visible()
    entries = panel.locator("ul li")
    assert 1 <= entries.count() <= 5
    assert entries.first.locator("time").inner_text().strip()
    assert_accessible(page, axe_source)
    fits_the_screen(page)
    panel.locator("a.more").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/calendar")
