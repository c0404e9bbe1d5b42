"""In the browser: the edit form offers the tables a basis covers; Generate with a method
(collapse) replaces exactly the chosen table; both pages pass axe-core."""

from playwright.sync_api import expect
from webtest import TestApp

from statportal.testing import basic_auth
from tests.browser.helpers import assert_no_serious_violations, staff_page
from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
from tests.helpers.materials import upload

SECTION = "/official-statistics/economy/construction"


def test_choose_the_tables_then_generate_with_a_method(browser, live_server, tmp_path,
                                                       axe_source):
    api = TestApp(live_server.app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
    api.authorization = basic_auth("yerlan")
    kk_table = published_xlsx(status={}, language="kk")
    url = api.post_json(f"/++api++{SECTION}", {
        "@type": "Material", "category": "latest_data", "languages": ["kk", "en"],
        "title": {"kk": "Жалақы (кестелер)", "en": "Wages (basis tables)"},
        "files": [upload("wages-en.xlsx", published_xlsx(status={}), "en"),
                  upload("wages-kk.xlsx", kk_table, "kk")],
        "bases": [upload("wages.basis.xlsx", basis_xlsx())], "primary_data": True},
        status=201).json["@id"].replace("http://localhost", "").replace("/++api++", "")
    basis = tmp_path / "wages.basis.xlsx"
    basis.write_bytes(basis_xlsx())

    page = staff_page(browser, live_server, "yerlan")
    page.goto(f"{url}/@@edit")
    tables = page.get_by_label("Tables it is the basis of")
    expect(tables.locator("option")).to_have_text(["wages-en.xlsx", "wages-kk.xlsx"])
    assert_no_serious_violations(page, axe_source)
    tables.select_option(["wages-en.xlsx"])
    tables.locator("xpath=preceding-sibling::input[@type='file']").set_input_files(str(basis))
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")

    page.goto(f"{url}/@@disclosure")
    expect(page.locator("ul.files")).to_contain_text("the tables it lists")
    page.select_option("select#rows", "region")
    page.select_option("select#cols", "activity")
    page.get_by_label("How the confidential data are concealed").select_option("collapse")
    page.select_option("select#dim", "region")
    page.fill("#depth", "1")
    assert_no_serious_violations(page, axe_source)
    with page.expect_navigation():
        page.get_by_role("button", name="Generate").click()
    expect(page.locator(".message.success").first).to_contain_text(
        "took the place of the tables the basis covers")
    expect(page.locator("ul.files")).to_contain_text("region collapsed to level 1")
    page.context.close()

    files = {f["filename"]: f for f in api.get(f"/++api++{url}").json["files"]}
    assert list(files) == ["wages-en.xlsx", "wages-kk.xlsx"]
    kk = api.get(files["wages-kk.xlsx"]["@id"].replace("http://localhost", "")).body
    assert kk == kk_table  # the table the basis does not list is untouched
    en = api.get(files["wages-en.xlsx"]["@id"].replace("http://localhost", "")).body
    assert b"Semey" not in en and en != published_xlsx(status={})
