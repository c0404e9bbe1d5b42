"""The data service's pages in the browser (issue 20, part G): the topic tree and an
indicator page of the demo content with axe-core at 1366 and 390 px (nothing scrolls
sideways on a phone), and the selector used without script: a person ticks regions and
periods, the table and the chart follow."""

import os

from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations

GRP = "/data/economy/national-accounts/grp"
SHOTS = os.environ.get("STATPORTAL_SCREENSHOTS")  # a folder: the docs' screenshots

#: the desktop's and the phone's viewports, and their screenshots' suffixes
WIDTHS = ((1366, 900, ""), (390, 844, "-390"))


def new_page(browser, live_server, **options):
    """A page in a new English context of the live server (15 s timeouts); its context."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_tree_and_indicator_page_are_accessible_at_both_widths(browser, live_server,
                                                                axe_source):
    for width, height, suffix in WIDTHS:
        context, page = new_page(browser, live_server,
                                 viewport={"width": width, "height": height})
        page.goto("/data")
        expect(page.locator("h1")).to_have_text("Taldau")
        expect(page.locator("main")).to_contain_text("Gross regional product")
        assert_no_serious_violations(page, axe_source)
        fits(page)
        shot(page, f"taldau-topics{suffix}.png")
        page.get_by_role("link", name="Gross regional product (production approach)").click()
        expect(page.locator("table.data caption")).to_contain_text("Gross regional product")
        expect(page.locator("svg.line-chart title").first).to_contain_text(
            "Gross regional product")
        assert page.locator("svg.line-chart:visible").get_attribute("role") == "img"
        assert_no_serious_violations(page, axe_source)
        fits(page)
        shot(page, f"taldau-indicator{suffix}.png")
        context.close()


def test_the_selector_without_script(browser, live_server, axe_source):
    context, page = new_page(browser, live_server, java_script_enabled=False)
    page.goto(GRP)
    rows_before = page.locator("table.data tbody tr").count()
    region = page.locator("fieldset.dimension").first
    # tick the first three regions below the total (checkboxes or a list, by their count)
    if region.locator("select").count():
        options = region.locator("option")
        values = [options.nth(i).get_attribute("value") for i in range(1, 4)]
        region.locator("select").select_option(values)
    else:
        boxes = region.locator("input[type=checkbox]")
        boxes.nth(0).uncheck()
        for i in range(1, 4):
            boxes.nth(i).check()
    periods = page.locator("#period-from option")
    page.select_option("#period-from", periods.nth(periods.count() - 4).get_attribute("value"))
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "valuecodes%5Bregion%5D=" in page.url or "valuecodes[region]=" in page.url
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 3 and rows_before == 1  # the default: the totals only
    assert page.locator("table.data thead th.num").count() == 4
    assert page.locator("svg.line-chart:visible g.series").count() == 3
    links = page.locator(".downloads li a")
    assert links.count() == 4
    assert "outputFormat=csv" in links.nth(1).get_attribute("href")
    shot(page, "taldau-selection.png")
    context.close()


#: regions × activities with long labels, confidential cells (KZ-33 × B) and the latest
#: quarters: the selection review 1 found cut at both widths
WIDE = (GRP + "?valuecodes[region]=KZ-33,KZ-59,KZ-75&valuecodes[activity]=TOTAL,B,G,H")


def test_a_region_by_activity_table_and_chart_fit_both_widths(browser, live_server,
                                                              axe_source):
    for width, height, suffix in WIDTHS:
        context, page = new_page(browser, live_server,
                                 viewport={"width": width, "height": height})
        page.goto(WIDE)
        expect(page.locator("table.data tbody tr")).to_have_count(12)
        fits(page)
        region = page.locator(".data-table .table-scroll")
        box = region.bounding_box()
        label = page.locator("table.data tbody th").nth(1)  # the long trade label wraps
        assert label.evaluate("e => getComputedStyle(e).whiteSpace") == "normal"
        assert label.bounding_box()["width"] <= (10 if width > 390 else 8.5) * 16 + 1
        first_num = page.locator("table.data tbody tr").first.locator("td").first
        assert first_num.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        if width == 1366:  # the numbers start within the page, not pushed off it
            assert first_num.bounding_box()["x"] < box["x"] + box["width"]
        # scrolled to the latest quarter, the row's first label stays in view (sticky)
        region.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        head = page.locator("table.data tbody tr").first.locator("th")
        assert abs(head.first.bounding_box()["x"] - box["x"]) < 3
        if width == 1366:  # and the activity beside it (a phone keeps the region only)
            assert abs(head.nth(1).bounding_box()["x"] - box["x"] - 160) < 3
        last = page.locator("table.data thead th.num").last
        assert last.bounding_box()["x"] + last.bounding_box()["width"] <= box["x"] + box[
            "width"] + 1
        # the chart: whole within the width, the latest quarter named on its axis
        chart = page.locator("figure.chart svg.line-chart:visible")
        expect(chart).to_have_count(1)
        drawn = chart.bounding_box()
        assert drawn["x"] >= 0 and drawn["x"] + drawn["width"] <= width
        latest = page.locator("table.data thead th.num").last.inner_text()
        ticks = chart.locator("g.axes text[text-anchor=middle]")
        assert ticks.last.text_content() == latest
        size = ticks.last.evaluate("e => e.getBoundingClientRect().height")
        assert size >= 10, size  # readable, not shrunk to 6–8 px
        assert_no_serious_violations(page, axe_source)
        shot(page, f"taldau-region-activity{suffix}.png")
        context.close()


def test_the_portal_search_finds_an_indicator(browser, live_server, axe_source):
    for width, height, suffix in WIDTHS:
        context, page = new_page(browser, live_server,
                                 viewport={"width": width, "height": height})
        page.goto("/@@search?SearchableText=regional+product")
        found = page.locator("section.search-source")
        expect(found.locator("h2")).to_contain_text("Indicators")
        # the materials' part says what it counts, not "Found: 0" under an indicator found
        expect(page.locator("#results-heading")).to_have_text("Publications found: 0")
        expect(page.locator("main")).not_to_contain_text("Nothing was found")
        found.get_by_role("link", name="Gross regional product (production approach)").click()
        expect(page.locator("h1")).to_have_text("Gross regional product (production approach)")
        page.go_back()
        assert_no_serious_violations(page, axe_source)
        fits(page)
        shot(page, f"taldau-search{suffix}.png")
        context.close()
