"""The moderator places a request: Place is the red, irreversible button; it asks first
(a <dialog> with script, a page without) with what will happen, and then says what happened
with a link to the material (issue 18, item 3), at 1366 and 390 px, with axe-core."""

import pytest
from webtest import TestApp

from tests.browser.helpers import assert_no_serious_violations, log_in
from tests.helpers.placement import new_request, step


def registered(live_server, title):
    api = TestApp(live_server.app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                                  "REMOTE_ADDR": "127.0.0.1"})
    url = new_request(api, title={"kk": title, "ru": title, "en": title})
    for login, name in (("aigerim", "submit"), ("marat", "approve"), ("dana", "register")):
        step(api, login, url, name)
    return url.replace("/++api++", ""), api


def moderator(browser, live_server, width, script=True):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": width, "height": 800},
                                  java_script_enabled=script)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "yerlan")
    return page


def no_sideways_scroll(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"


@pytest.mark.parametrize("width", [1366, 390])
def test_place_asks_in_a_dialog_then_says_where(browser, live_server, axe_source, width):
    title = f"Confirmed placement {width}"
    url, api = registered(live_server, title)
    page = moderator(browser, live_server, width)
    page.goto(url)
    place = page.locator('#request-actions button[value="place"]')
    assert "danger" in place.get_attribute("class")
    assert place.evaluate("b => getComputedStyle(b).backgroundColor") != \
        page.locator('#request-actions button[value="return"]').evaluate(
            "b => getComputedStyle(b).backgroundColor")
    no_sideways_scroll(page, width)
    assert_no_serious_violations(page, axe_source)

    # Cancel: nothing happens
    place.click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert "will be published in" in dialog.inner_text()
    assert "cannot be undone" in dialog.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Cancel"  # the safe choice
    no_sideways_scroll(page, width)
    assert_no_serious_violations(page, axe_source)
    dialog.get_by_role("button", name="Cancel").click()
    assert not dialog.is_visible()
    assert api.get("/++api++" + url).json["review_state"] == "registered"

    # Escape closes it too; then Place for real
    place.click()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    place.click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Place").click()
    message = page.locator(".messages .message.success")
    assert " placed: " in message.inner_text() and title in message.inner_text()
    no_sideways_scroll(page, width)
    assert_no_serious_violations(page, axe_source)
    with page.expect_navigation():
        message.get_by_role("link", name=title).click()
    assert page.locator("h1").inner_text() == title
    assert api.get("/++api++" + url).json["review_state"] == "placed"
    page.context.close()


def test_place_without_script_asks_on_a_page(browser, live_server, axe_source):
    title = "Confirmed placement without script"
    url, api = registered(live_server, title)
    page = moderator(browser, live_server, 390, script=False)
    page.goto(url)
    with page.expect_navigation():
        page.locator('#request-actions button[value="place"]').click()
    assert "will be published in" in page.locator("#confirm-text").inner_text()
    assert api.get("/++api++" + url).json["review_state"] == "registered"
    with page.expect_navigation():
        page.locator("#confirm-form button[type=submit]").click()
    assert " placed: " in page.locator(".messages .message.success").inner_text()
    assert api.get("/++api++" + url).json["review_state"] == "placed"
    page.context.close()

    # the same page by its address, checked with axe-core at both widths
    other, _api = registered(live_server, title + " (2)")
    try:
        for width in (1366, 390):
            page = moderator(browser, live_server, width)
            page.goto(other + "/@@workflow?confirm=place")
            assert page.locator("#confirm-form button.danger").count() == 1
            no_sideways_scroll(page, width)
            assert_no_serious_violations(page, axe_source)
            page.context.close()
    finally:
        # out of the moderator's queue again: the other tests place the first of it
        step(api, "dana", "/++api++" + other, "return", comment="test over")


def test_reject_without_a_reason_is_refused_before_any_question(browser, live_server):
    title = "Rejected with a reason"
    api = TestApp(live_server.app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                                  "REMOTE_ADDR": "127.0.0.1"})
    url = new_request(api, title={"kk": title, "ru": title, "en": title})
    for login, name in (("aigerim", "submit"), ("marat", "approve")):
        step(api, login, url, name)
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1366, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "dana")
    page.goto(url.replace("/++api++", "") + "/@@workflow")
    reject = page.locator('#workflow-form button[value="reject"]')
    with page.expect_navigation():
        reject.click()  # no reason: no question, the field's refusal
    assert "Give the reason in the comment." in page.locator(".message.error").inner_text()
    page.fill("#comment", "Belongs to another unit")
    page.locator('#workflow-form button[value="reject"]').click()
    dialog = page.get_by_role("dialog")
    assert "the executor is told the reason" in dialog.inner_text()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Reject").click()
    assert page.locator(".messages .message.success").inner_text() == f"Rejected: {title}."
    assert api.get(url).json["review_state"] == "rejected"
    context.close()


def test_closing_a_question_asks_at_phone_width(browser, live_server, axe_source):
    from tests.helpers.questions import ask, path

    api = TestApp(live_server.app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                                  "REMOTE_ADDR": "127.0.0.1"})
    url = path(ask(api, remote="203.0.113.77", text="Close me, please: a test question").json
               ).replace("/++api++", "")
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 390, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "dana")
    page.goto(url)
    page.fill("#comment", "A test, not a question")
    page.locator('#question-form button[value="close"]').click()
    dialog = page.get_by_role("dialog")
    assert "the coordinator may reopen it" in dialog.inner_text()
    assert "cannot be undone" not in dialog.inner_text()  # Close can be undone: Reopen
    no_sideways_scroll(page, 390)
    assert_no_serious_violations(page, axe_source)
    with page.expect_navigation():
        dialog.get_by_role("button", name="Close without an answer").click()
    assert page.locator(".messages .message.success").inner_text().endswith(
        "was closed without an answer.")
    no_sideways_scroll(page, 390)
    context.close()
