"""A moderator cannot publish a table that shows a confidential cell: the refusal names
the cell; the portal makes the protected table from the basis, and that one publishes."""

from playwright.sync_api import expect

from tests.browser.helpers import assert_no_serious_violations, staff_page, start_material
from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx

SECTION = "/official-statistics/economy/construction"


def test_an_unprotected_table_is_refused_then_protected(browser, live_server, tmp_path,
                                                        axe_source):
    table = tmp_path / "wages-en.xlsx"
    table.write_bytes(published_xlsx(status={}))  # Semey × Mining shown: a sole respondent
    basis = tmp_path / "wages.basis.xlsx"
    basis.write_bytes(basis_xlsx())

    page = staff_page(browser, live_server, "yerlan")
    start_material(page, SECTION, ("Жалақы өңірлер бойынша (браузер)",
                                   "Заработная плата по регионам (браузер)",
                                   "Wages by region (browser)"), "latest_data")
    page.locator("input[type=file]").nth(0).set_input_files(str(table))
    page.locator("select[name=language]").nth(0).select_option("en")
    page.get_by_label("The tables are derived from primary data").check()
    page.locator("input[type=file]").nth(3).set_input_files(str(basis))
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    url = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Semey (ABAI-1) × Mining (B) is confidential")
    with page.expect_navigation():
        page.get_by_role("link", name="See the confidentiality check").click()
    findings = page.locator("table.listing tr.finding-confidential_shown")
    expect(findings).to_have_count(1)
    expect(findings).to_contain_text("ABAI-1")
    assert_no_serious_violations(page, axe_source)

    page.select_option("select#rows", "region")
    page.select_option("select#cols", "activity")
    with page.expect_navigation():
        page.get_by_role("button", name="Generate").click()
    expect(page.locator(".message.success").first).to_be_visible()
    page.goto(url)
    # the generated wages-en.xlsx took the place of the hand-made one: it publishes
    expect(page.locator(".table-preview td.confidential").first).to_have_text("X")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.context.close()
    public = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    public.goto(url)
    expect(public.locator("h1")).to_have_text("Wages by region (browser)")
    expect(public.locator("td.confidential").first).to_have_text("X")
    public.context.close()


def test_a_table_uploaded_without_a_basis_is_refused(browser, live_server, tmp_path,
                                                     axe_source):
    """Fail closed (issue 15): the editor leaves the declaration as it is and uploads no
    basis; the table is presumed derived from primary data and publishing is refused,
    naming the file. Declaring why it is not (with the reason) lets it through."""
    table = tmp_path / "costs-en.xlsx"
    table.write_bytes(published_xlsx())

    page = staff_page(browser, live_server, "yerlan")
    start_material(page, SECTION, ("Шығындар өңірлер бойынша (браузер)",
                                   "Затраты по регионам (браузер)",
                                   "Costs by region (browser)"), "press_release")
    page.locator("input[type=file]").nth(0).set_input_files(str(table))
    page.locator("select[name=language]").nth(0).select_option("en")
    presumed = page.get_by_role("radio", name="Presumed from the category")
    expect(presumed).to_be_checked()  # nothing ticked is no declaration
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    url = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("costs-en.xlsx has no basis")
    expect(alert).to_contain_text("presumed derived from primary data")
    assert_no_serious_violations(page, axe_source)

    # Declaring "not derived" without a reason is refused at the field, nothing kept.
    page.goto(url.rstrip("/") + "/@@edit")
    page.get_by_role("radio", name="The tables are not derived from primary data").check()
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    expect(page.locator("form#edit-form")).to_contain_text(
        "Say why the tables are not derived from primary data")
    assert_no_serious_violations(page, axe_source)
    page.get_by_role("radio", name="The tables are not derived from primary data").check()
    page.get_by_label("Why the tables are not derived from primary data").fill(
        "Administrative data of the Ministry of Finance")
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    expect(page.locator("#primary-data")).to_contain_text("Ministry of Finance")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.goto("/@@primary-data")  # the report lists the declaration, with who made it
    row = page.locator("#primary-data-report tr", has_text="Costs by region (browser)")
    expect(row).to_contain_text("Administrative data of the Ministry of Finance")
    expect(row).to_contain_text("yerlan")
    assert_no_serious_violations(page, axe_source)
    page.context.close()
