"""The reliability check's page in the browser (issue 20, part F): an executor compares a
published material's table with the demo's consumer price index and reads the one cell
that differs; axe-core at 1366 and 390 px, nothing scrolls sideways on a phone."""

import csv
import io
import os

from playwright.sync_api import expect

from tests.browser.helpers import api, assert_no_serious_violations, staff_page
from tests.helpers.materials import material, upload

CPI = "/data/economy/prices/cpi"
SECTION = "/official-statistics/economy/industry"
SHOTS = os.environ.get("STATPORTAL_SCREENSHOTS")


def long_table(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["region", "period", "value"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_executor_reads_the_differences(browser, live_server, axe_source):
    page = staff_page(browser, live_server, "aigerim")   # the CPI's unit's executor
    context = page.context
    public = context.request.get(f"{CPI}/@data?outputFormat=csv&valuecodes[period]=top(1)",
                                 headers={"Cookie": ""})
    rows = list(csv.DictReader(io.StringIO(public.text().lstrip("\ufeff"))))[:4]
    numbers = [[r["region"], r["period"], float(r["value"])] for r in rows]
    numbers[1][2] += 1.5                                  # one cell the material misprints
    created = api(context, "POST", SECTION, "yerlan", material(
        title={"kk": "ТБИ кестесі", "ru": "Таблица ИПЦ", "en": "CPI table for the check"},
        files=[upload("cpi_long.xlsx", long_table(numbers), "en")]))
    path = created["@id"].split("/++api++", 1)[1]
    api(context, "POST", f"{path}/@workflow/publish", "yerlan", {})
    for width, height, suffix in ((1366, 900, ""), (390, 844, "-390")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{CPI}/@@consistency")
        page.fill("#consistency-material", path)
        with page.expect_navigation():
            page.get_by_role("button", name="Compare").click()
        expect(page.locator(".consistency-summary")).to_contain_text("3 equal, 1 different")
        cells = page.locator("table.listing tbody tr td")
        expect(cells.nth(0)).to_have_text(numbers[1][0])
        assert page.locator("table.listing tbody tr").count() == 1
        assert_no_serious_violations(page, axe_source)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"taldau-consistency{suffix}.png"),
                            full_page=True)
    page.goto(f"{CPI}/@@consistency?material=/official-statistics")
    expect(page.locator("#consistency-error")).to_contain_text("is not a material")
    assert_no_serious_violations(page, axe_source)
    context.close()
