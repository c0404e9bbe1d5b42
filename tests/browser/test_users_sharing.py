"""The Manager's Users and groups and Sharing pages in Russian, on a laptop (1366 px) and a
phone (390 px): the search works from the form, each user's places with roles are listed,
Sharing chooses nobody in advance and shows inherited roles; axe-core finds nothing serious
and no page scrolls sideways."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations, log_in

WIDTHS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 800}}


@pytest.fixture(params=sorted(WIDTHS))
def manager(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  viewport=WIDTHS[request.param])
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "admin")
    yield page
    context.close()


def fits_the_screen(page):
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, (page.url, width, viewport)


def test_users_search_and_where_they_have_roles(manager, axe_source):
    page = manager
    page.goto("/principals")
    expect(page.locator("h1")).to_have_text("Пользователи и группы")
    fits_the_screen(page)
    assert_no_serious_violations(page, axe_source)
    page.fill("input[name=q]", "сейітова")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    rows = page.locator("table.principals-users tbody tr")
    expect(rows).to_have_count(1)
    places = rows.first.locator("td").nth(2)
    expect(places).to_contain_text("Исполнитель")
    expect(places.locator("a[href$='/orgunits/industry-statistics/@@sharing']")).to_have_count(1)
    fits_the_screen(page)
    assert_no_serious_violations(page, axe_source)


def test_sharing_search_grant_and_revoke(manager, axe_source):
    page = manager
    url = "/official-statistics/economy/prices/@@sharing"
    page.goto(url)
    expect(page.locator("select#principal")).to_have_value("")
    expect(page.locator("input[name=role]:checked")).to_have_count(0)
    fits_the_screen(page)
    assert_no_serious_violations(page, axe_source)
    page.fill("#sharing-q", "жұмабаев")
    with page.expect_navigation():
        page.click("form.search-principals button[type=submit]")
    expect(page.locator("select#principal option")).to_have_count(2)  # the empty one, marat
    page.select_option("select#principal", "user:marat")
    page.check("#role-Moderator")
    with page.expect_navigation():
        page.click("form.grant button[name=grant]")
    expect(page.locator(".messages")).to_be_visible()
    granted = page.locator("table.listing").first.locator("tbody tr", has_text="marat")
    expect(granted).to_contain_text("Модератор")
    fits_the_screen(page)
    assert_no_serious_violations(page, axe_source)
    # Revoke asks first (issue 18, item 3): the dialog's own button does it
    granted.locator("button[name=revoke]").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("marat")
    assert_no_serious_violations(page, axe_source)
    with page.expect_navigation():
        dialog.locator("button.confirm-yes").click()
    expect(page.locator("table.listing").first.locator("tbody tr", has_text="marat")) \
        .to_have_count(0)


def test_sharing_shows_inherited_roles(manager, axe_source):
    page = manager
    page.goto("/orgunits/almaty-city/industry/@@sharing")
    inherited = page.locator("table.listing", has=page.locator("caption",
                                                                has_text="Назначены выше"))
    row = inherited.locator("tbody tr", has_text="aidos")
    expect(row).to_contain_text("Координатор")
    expect(row.locator("a")).to_have_attribute(
        "href", re.compile(r"/orgunits/almaty-city/@@sharing$"))
    fits_the_screen(page)
    assert_no_serious_violations(page, axe_source)


def test_a_users_page_lists_their_places(manager, axe_source):
    page = manager
    page.goto("/principals?q=aigerim")
    with page.expect_navigation():
        page.locator("table.principals-users tbody tr").first.locator("a").first.click()
    expect(page.locator("h1")).to_have_text("Әйгерім Сейітова")
    rows = page.locator("table.user-places tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Исполнитель")
    fits_the_screen(page)
    assert_no_serious_violations(page, axe_source)
