"""The subscription pages as a person meets them (issue 21, part A): the form, the
confirmation page (its button), the manage and unsubscribe pages: axe-core finds no
violation at 1366 px and at 390 px, where nothing scrolls sideways; a wrong address is
named at its field."""

from playwright.sync_api import expect

from statportal import clock
from statportal.subscriptions.resources import add_confirmed, subscribe
from statportal.subscriptions.tokens import make_token
from statportal.testing import TEST_SECRET, open_portal
from tests.browser.helpers import assert_accessible

SHOTS = None   # set to a folder to keep screenshots when looking at the pages


def _links(app):
    with open_portal(app) as portal:
        confirmed = add_confirmed(portal, "browser.reader@example.org", "en",
                                  sections=("/official-statistics/economy",))
        _new, token = subscribe(portal, {"email": "browser.new@example.org", "calendar": True},
                                clock.now(), secret=TEST_SECRET, hours=48)
        return {"confirm": f"/subscriptions/confirm?token={token}",
                **{purpose: f"/subscriptions/{purpose}?token="
                   + make_token(TEST_SECRET, purpose, confirmed, clock.now())
                   for purpose in ("manage", "unsubscribe")}}


def _check(page, width, name):
    assert_accessible(page, page.axe_source)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def test_the_subscription_pages_at_two_widths(browser, live_server, axe_source):
    links = _links(live_server.app)
    for width, height in ((1366, 900), (390, 844)):
        context = browser.new_context(base_url=live_server.url, locale="en-US",
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.axe_source = axe_source
        page.goto("/subscriptions")
        expect(page.locator("h1")).to_have_text("Subscribe to releases")
        _check(page, width, "subscriptions")
        page.fill("input[name=email]", "postmaster@example.org")
        page.get_by_label("Release calendar").check()
        page.click("form#subscription-form button[name=submit]")
        expect(page.locator("form#subscription-form")).to_contain_text("role address")
        _check(page, width, "subscriptions-refused")
        for name in ("confirm", "manage", "unsubscribe"):
            page.goto(links[name])
            expect(page.locator("main button").first).to_be_visible()
            _check(page, width, name)
        context.close()
