"""The import page of an indicator (issue 20, part B) in the browser: an executor chooses a
file with mistakes, the errors come back in a table of row, column and problem; axe-core
at 1366 and 390 px, nothing scrolls sideways. (Storing is tested with WebTest: the demo's
indicators stay as the other browser tests read them.)"""

import os

from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations, log_in

CPI = "/data/economy/prices/cpi"
SHOTS = os.environ.get("STATPORTAL_SCREENSHOTS")  # a folder: the docs' screenshots
BAD = (b"region,period,value,status\n"
       b"KZ-10,2026-01,104.5,\n"
       b"KZ-XX,2026-01,103.1,\n"
       b"KZ-11,2026-01,12 %,\n"
       b"KZ-11,2026-02,7,X\n")


def test_an_executor_sees_the_rows_and_columns_to_fix(browser, live_server, axe_source):
    for width, height in ((1366, 900), (390, 844)):
        context = browser.new_context(base_url=live_server.url, locale="en-US",
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, "aigerim")
        page.goto(f"{CPI}/@@import")
        expect(page.locator("h1")).to_contain_text("Import observations")
        assert_no_serious_violations(page, axe_source)
        page.set_input_files("#import-file", files=[{
            "name": "cpi.csv", "mimeType": "text/csv", "buffer": BAD}])
        with page.expect_navigation():
            page.get_by_role("button", name="Import").click()
        rows = page.locator("section.import-errors tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("3")
        expect(rows.nth(0)).to_contain_text("KZ-XX")
        expect(rows.nth(1)).to_contain_text("12 %")
        expect(rows.nth(2)).to_contain_text("marked X")
        expect(page.get_by_role("alert")).to_contain_text("3 errors")
        assert_no_serious_violations(page, axe_source)
        width_seen = page.evaluate("() => document.documentElement.scrollWidth")
        assert width_seen <= width, width_seen
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"taldau-import-{width}.png"),
                            full_page=True)
        context.close()
