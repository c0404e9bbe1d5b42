"""The release calendar in the browser: the public calendar with its filters and feed link
(and axe-core), a coordinator adding a release through the form, and the coordinator's
currency and timeliness pages (axe-core)."""

from datetime import time, timedelta

from playwright.sync_api import expect

from statportal import clock
from statportal.schedule import WorkCalendar
from tests.browser.helpers import format_violations, log_in, run_axe


def next_working_day(days):
    calendar = WorkCalendar()
    day = calendar.local(clock.now()).date() + timedelta(days=days)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return calendar.at(day, time(10, 0))


def test_public_calendar_filters_and_accessibility(browser, live_server, axe_source):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/calendar")
    expect(page.locator("h1")).to_have_text("Release calendar")
    expect(page.locator("main")).to_contain_text("Consumer price index")
    expect(page.locator("tr.status-postponed")).to_contain_text("Postponed")
    violations = run_axe(page, axe_source)["violations"]
    assert not violations, format_violations(violations)
    page.select_option("#filter-category", "express_information")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).not_to_contain_text("Consumer price index")
    expect(page.locator("main")).to_contain_text("Retail trade turnover")
    assert "category=express_information" in page.get_attribute(
        "a[type='text/calendar']", "href")
    page.get_by_role("link", name="Cancelled releases").click()         # the filter is kept
    expect(page.locator("main")).to_contain_text("No releases here.")
    page.goto("/calendar?view=cancelled")
    expect(page.locator("ul.cancelled")).to_contain_text("Merged into the annual compilation.")
    page.get_by_role("link", name="Past").click()
    expect(page.locator("table.releases")).to_contain_text("On time")
    violations = run_axe(page, axe_source)["violations"]
    assert not violations, format_violations(violations)
    context.close()


def test_coordinator_adds_a_release_and_reads_the_dashboards(browser, live_server,
                                                              axe_source):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "dana")
    page.goto("/calendar")
    page.get_by_role("link", name="Add a release").click()
    title = page.locator("fieldset.multilingual").first
    title.locator("input[type=text]").nth(2).fill("Foreign trade, browser test")
    when = next_working_day(8)
    page.fill("input[name=release_at]", when.isoformat())
    page.select_option("select[name=status]", "confirmed")
    page.select_option("select[name=category]", "express_information")
    page.select_option("select[name=section]", "/official-statistics/economy/trade")
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    expect(page.locator("h1")).to_have_text("Foreign trade, browser test")
    expect(page.locator("dl.facts")).to_contain_text("Confirmed")
    # A date in the past is refused at its field, and nothing is added.
    page.goto("/calendar/@@add?type=ReleaseEntry")
    page.locator("fieldset.multilingual").first.locator("input[type=text]").nth(2).fill(
        "Too late")
    page.fill("input[name=release_at]", "2020-01-10T10:00:00+05:00")
    page.select_option("select[name=section]", "/official-statistics/economy/trade")
    page.select_option("select[name=category]", "latest_data")
    page.click("form#edit-form button[name=submit]")
    expect(page.locator("form#edit-form")).to_contain_text("The release time is in the past.")
    for path, heading in (("/@@currency", "Currency of the portal"),
                          ("/@@timeliness", "Timeliness")):
        page.goto(path)
        expect(page.locator("h1")).to_have_text(heading)
        violations = run_axe(page, axe_source)["violations"]
        assert not violations, format_violations(violations)
    expect(page.locator("figure svg").first).to_be_visible()
    context.close()
