"""Review of issue 18's day, walked in the browser on `make serve`'s storage: what a person
tripped over on a phone, fixed and held here."""

from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations, log_in

CAPTIONS = """() => Array.from(document.querySelectorAll('main table.listing > caption'), c => {
    const box = c.getBoundingClientRect();
    return {text: c.innerText, left: box.left, right: box.right,
            hidden: c.scrollWidth - c.clientWidth};
})"""


def test_a_wide_listing_caption_stays_on_a_phone_screen(browser, live_server, axe_source):
    """My work's captions ("Сізді күтіп тұрған азаматтардың сұрақтары") were as wide as
    their tables at 390 px and ran off the screen's edge, cut mid-word; they wrap within
    the screen and stay in view while the table scrolls sideways."""
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ",
                                  viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "dana")
        for path in ("/my-work",):
            page.goto(path)
            captions = page.evaluate(CAPTIONS)
            assert captions, path
            for caption in captions:
                assert caption["left"] >= 0 and caption["right"] <= 390, (path, caption)
                assert caption["hidden"] <= 0, (path, caption)
            # the table scrolled to its end: its caption is still where it was
            table = page.locator("main table.listing:has(> caption)").first
            scroller = table.evaluate_handle(
                "t => t.closest('.table-wrap') || t")
            scroller.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
            moved = page.evaluate(CAPTIONS)[0]
            assert moved["left"] >= 0 and moved["right"] <= 390, (path, moved)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            expect(page.locator("main h1")).to_be_visible()
            assert_no_serious_violations(page, axe_source)
    finally:
        context.close()


def test_pages_load_without_a_console_error(browser, live_server):
    """Every page logged "Failed to load resource: 404" in the console: the browser asked
    for /favicon.ico, which the portal has not. The layout names its icon."""
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        errors, failed = [], []
        page.on("console", lambda m: m.type == "error" and errors.append((page.url, m.text)))
        page.on("pageerror", lambda e: errors.append((page.url, str(e))))
        page.on("requestfinished", lambda r: r.response() and r.response().status >= 400
                and failed.append(r.url))
        for path in ("/", "/express-information/", "/questions/@@ask", "/login"):
            page.goto(path)
            page.wait_for_load_state("networkidle")
        log_in(page, "aigerim")
        page.goto("/my-work")
        page.wait_for_load_state("networkidle")
        assert errors == [] and failed == [], (errors, failed)
        icon = page.locator("link[rel=icon]").get_attribute("href")
        assert page.request.get(icon).status == 200
    finally:
        context.close()
