"""Review of issue 18's UI, fixes seen in the browser at a phone's width (390 px) in
Russian, with axe-core: Sharing's granted roles fit the screen with their Revoke buttons,
and the Revoke question's title reads as words, not the screen-reader label."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations, log_in

PHONE = {"width": 390, "height": 800}
PLACE = "/orgunits/karaganda-region/labour/@@sharing"  # no other browser test grants here


@pytest.fixture
def manager(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "admin")
    yield page
    context.close()


def grant(page, principal, role):
    page.select_option("select#principal", principal)
    page.check(f"#role-{role}")
    with page.expect_navigation():
        page.click("form.grant button[name=grant]")


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def test_sharing_revoke_buttons_fit_a_phone(manager, axe_source):
    page = manager
    page.goto(PLACE)
    grant(page, "user:yerlan", "Executor")
    grant(page, "user:zhanar", "HeadOfUnit")
    table = page.get_by_role("table", name="Роли, назначенные здесь")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    buttons = table.locator("button[name=revoke]")
    expect(buttons).to_have_count(2)
    for index in range(2):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # stacked: the button below the principal's name, not beside it
    name_box = rows.first.locator("td").first.bounding_box()
    assert buttons.first.bounding_box()["y"] >= name_box["y"] + name_box["height"] - 1
    # still a table for screen readers: its headers and cells
    expect(table.get_by_role("columnheader")).to_have_count(3)
    expect(table.get_by_role("cell", name="Ерлан Төлеуов (yerlan)", exact=True)).to_have_count(1)
    assert page.evaluate("getComputedStyle(document.querySelector('table.grants'))"
                         ".overflowX") == "visible"  # it does not scroll inside itself
    no_sideways_scroll(page)
    assert_no_serious_violations(page, axe_source)
    # the question's title and button read as words, without the screen-reader label
    buttons.first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    title = dialog.locator("#confirm-dialog-title").inner_text()
    assert title == buttons.first.get_attribute("data-confirm-title"), title
    assert "yerlan" not in title and "Исполнитель" not in title and "—" not in title
    expect(dialog.locator("button.confirm-yes")).to_have_text("Отозвать")
    expect(dialog).to_have_accessible_name(title)
    # the text says whose role it is
    expect(dialog.locator("#confirm-dialog-text")).to_contain_text("Ерлан Төлеуов (yerlan)")
    assert_no_serious_violations(page, axe_source)
    dialog.locator("button.confirm-no").click()
    revoke_all(page, table)


def revoke_all(page, table):
    """Take the grants back (other tests count the places where people have roles)."""
    while table.locator("button[name=revoke]").count():
        table.locator("button[name=revoke]").first.click()
        with page.expect_navigation():
            page.get_by_role("dialog").locator("button.confirm-yes").click()
