"""Issue 18, items 6 and 7 in the browser: the user's menu and the sections are a
disclosure on a phone (a button that the keyboard opens, with its expanded state, with or
without script) and always open on a wide screen; a refused form's error summary takes
the focus, its links lead to the controls, and the page passes axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations, log_in

PHONE = {"width": 390, "height": 800}
WIDE = {"width": 1366, "height": 900}


def new_page(browser, live_server, viewport, script=True):
    context = browser.new_context(base_url=live_server.url, viewport=viewport,
                                  locale="en-US", java_script_enabled=script)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "aigerim")
    return page


def expanded(page, name):
    """The expanded state that Chromium gives assistive technology for the disclosure
    button ``name`` (a summary: role DisclosureTriangle, aria-expanded on the platform)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    found = [n for n in nodes if n["role"]["value"] == "DisclosureTriangle"
             and n.get("name", {}).get("value") == name]
    assert len(found) == 1, [n.get("name") for n in nodes if n["role"]["value"] ==
                             "DisclosureTriangle"]
    states = {p["name"]: p["value"].get("value") for p in found[0].get("properties", [])}
    return states.get("expanded", False)


@pytest.mark.parametrize("script", [True, False])
def test_on_a_phone_the_menu_is_a_button_the_keyboard_opens(browser, live_server,
                                                            axe_source, script):
    page = new_page(browser, live_server, PHONE, script)
    try:
        page.goto("/my-work")
        button = page.locator("details.account-menu > summary")
        expect(button).to_be_visible()
        expect(page.locator("nav.account")).to_be_hidden()       # closed at first
        assert expanded(page, "Menu") is False
        expect(page.locator("nav.sections")).to_be_hidden()
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator("nav.account")).to_be_visible()
        expect(page.locator("nav.account a", has_text="My work")).to_be_visible()
        # its state as assistive technology reads it: expanded
        assert page.evaluate(
            "document.querySelector('details.account-menu').open") is True
        assert expanded(page, "Menu") is True
        page.keyboard.press("Enter")
        expect(page.locator("nav.account")).to_be_hidden()
        assert expanded(page, "Menu") is False
        page.locator("details.sections-menu > summary").click()
        expect(page.locator("nav.sections")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if script:  # (axe-core is a script)
            assert_no_serious_violations(page, axe_source)
    finally:
        page.context.close()


def test_on_a_wide_screen_the_menu_is_open_without_a_button(browser, live_server):
    page = new_page(browser, live_server, WIDE)
    try:
        page.goto("/my-work")
        expect(page.locator("details.account-menu > summary")).to_be_hidden()
        expect(page.locator("nav.account a", has_text="My work")).to_be_visible()
        expect(page.locator("nav.account .who")).to_have_text("Әйгерім Сейітова")
        expect(page.locator("nav.sections a").first).to_be_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE])
def test_the_error_summary_takes_the_focus_and_leads_to_the_fields(browser, live_server,
                                                                   axe_source, viewport):
    page = new_page(browser, live_server, viewport)
    try:
        page.goto("/requests/@@add?type=PlacementRequest")
        page.fill("input[name=executor]", "")
        page.fill("input[name=executor_email]", "not an address")
        with page.expect_navigation():
            page.click("button[name=submit]")
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(summary.locator("h2")).to_have_text("There was a problem with your submission")
        link = summary.locator("a", has_text="Executor's e-mail")
        link.click()
        expect(page.locator("input[name=executor_email]")).to_be_in_viewport()
        field = page.locator("input[name=executor_email]")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("type", "email")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert_no_serious_violations(page, axe_source)
    finally:
        page.context.close()
