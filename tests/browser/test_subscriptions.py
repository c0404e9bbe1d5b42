"""The subscription form as a person meets it (issue 21, part A): axe-core finds no
violation at 1366 px and at 390 px, where nothing scrolls sideways; a wrong address is
named at its field."""

from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible

SHOTS = None   # set to a folder to keep screenshots when looking at the page


def test_the_subscription_form_at_two_widths(browser, live_server, axe_source):
    for width, height in ((1366, 900), (390, 844)):
        context = browser.new_context(base_url=live_server.url, locale="en-US",
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/subscriptions")
        expect(page.locator("h1")).to_have_text("Subscribe to releases")
        assert_accessible(page, axe_source)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.fill("input[name=email]", "postmaster@example.org")
        page.get_by_label("Release calendar").check()
        page.click("form#subscription-form button[name=submit]")
        expect(page.locator("form#subscription-form")).to_contain_text("role address")
        assert_accessible(page, axe_source)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/subscriptions-{width}.png", full_page=True)
        context.close()
