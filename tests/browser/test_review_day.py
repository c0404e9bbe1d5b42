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
