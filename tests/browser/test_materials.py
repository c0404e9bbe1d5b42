"""A material from upload to download in the browser: a moderator uploads a table per
language, sees the preview, publishes; the public finds it, reads it and downloads it.
And axe-core on the public pages."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    format_violations,
    log_in,
    run_axe,
    staff_page,
    start_material,
)
from tests.helpers import samples

SECTION = "/official-statistics/economy/construction"


def test_upload_preview_publish_read_download(browser, live_server, tmp_path):
    table = tmp_path / "Құрылыс_2026_kaz.xlsx"
    table.write_bytes(samples.xlsx_table(samples.TABLE))
    chart = tmp_path / "construction_chart.png"
    chart.write_bytes(samples.image("PNG", (120, 60)))

    page = staff_page(browser, live_server, "yerlan", timeout=10_000)
    start_material(page, SECTION, ("Құрылыс жұмыстарының көлемі (браузер)",
                                   "Объём строительных работ (браузер)",
                                   "Construction output (browser)"), "latest_data")
    page.locator("input[type=file]").nth(0).set_input_files(str(table))
    page.locator("input[type=file]").nth(1).set_input_files(str(chart))
    page.locator("select[name=language]").nth(1).select_option("kk")
    page.get_by_role("radio", name="The tables are not derived from primary data").check()
    page.get_by_label("Why the tables are not derived from primary data").fill(
        "Administrative data of the Ministry of Industry and Construction")
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    url = page.url
    expect(page.locator(".message.info")).to_contain_text("Бос парақ")
    # The private page already shows the table: header cells, the X mark, the footnote.
    preview = page.locator(".table-preview table.preview")
    expect(preview.locator("th[scope=col]").first).to_have_text("Өңір")
    expect(preview.locator("td.confidential")).to_have_text("X")
    expect(page.locator(".table-preview p.footnote")).to_contain_text("X – деректер құпия")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    page.context.close()

    # The public: home page, search, the material page in English, the download.
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Construction output (browser)").first.click()
    expect(page).to_have_url(url)
    expect(page.locator("h1")).to_have_text("Construction output (browser)")
    expect(page.locator("td.confidential")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name=table.name).click()
    saved = tmp_path / "downloaded.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == table.name
    from openpyxl import load_workbook

    assert load_workbook(saved).sheetnames == ["Кесте 1"]  # the empty sheet was removed

    page.goto("/@@search")
    page.fill("#search-text", "Construction")
    with page.expect_navigation():
        page.locator("form.search button[type=submit]").click()
    expect(page.get_by_role("link", name="Construction output (browser)")).to_have_count(1)
    page.locator("aside.facets").get_by_role("link", name=re.compile("^Latest data")).click()
    expect(page).to_have_url(re.compile(r"category=latest_data"))
    context.close()


PUBLIC_PAGES = [
    ("/", "home"),
    ("/official-statistics/economy/", "section with materials"),
    ("/official-statistics/economy/industry/industrial-production-index",
     "material with a table preview"),
    ("/official-statistics/social/labour/unemployment-rate", "press release with a chart"),
    ("/@@search?SearchableText=index", "search with facets"),
]


def test_accessibility_of_the_public_pages(page, live_server, axe_source):
    failures = []
    for language in ("en", "kk"):
        page.goto(f"/@@set-language?lang={language}&came_from=/")
        for path, what in PUBLIC_PAGES:
            response = page.goto(path)
            assert response is not None and response.status == 200, (path, response)
            violations = run_axe(page, axe_source)["violations"]
            if violations:
                print(f"\n== axe-core on {what} ({path}, {language}):")
                print(format_violations(violations))
            bad = [v for v in violations if v["impact"] in ("critical", "serious")]
            if bad:
                failures.append(f"{what} ({path}, {language}):\n{format_violations(bad)}")
    assert not failures, "serious or critical accessibility violations:\n" + "\n".join(failures)


def test_accessibility_of_the_staff_material_pages(page, live_server, axe_source):
    log_in(page, "dana")
    failures = []
    for path in ("/@@translations",
                 "/official-statistics/economy/prices/consumer-price-index/@@history"):
        assert page.goto(path).status == 200, path
        bad = [v for v in run_axe(page, axe_source)["violations"]
               if v["impact"] in ("critical", "serious")]
        if bad:
            failures.append(f"{path}:\n{format_violations(bad)}")
    assert not failures, "\n".join(failures)
