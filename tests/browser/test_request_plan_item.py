"""The executor picks the plan item on a new request by typing (issue 18, item 2;
journeys: "picks the plan item (title, section, category and languages fill in)"), in
Kazakh, at 1366 and 390 px: the empty fields fill in, what she typed stays, the page is
accessible and does not scroll sideways; Save and submit takes what was filled."""

import pytest

from tests.browser.helpers import assert_no_serious_violations, log_in
from tests.helpers.files import SAMPLES

ADD = "/requests/@@add?type=PlacementRequest"


@pytest.mark.parametrize("width", [1366, 390])
def test_picking_the_plan_item_fills_the_form(browser, live_server, axe_source, width,
                                              tmp_path):
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ",
                                  viewport={"width": width, "height": 900},
                                  extra_http_headers={"Accept-Language": "kk"})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, "aigerim")
        page.goto(ADD)
        assert page.locator("html").get_attribute("lang") == "kk"
        title = page.locator("fieldset.multilingual").first.locator("input[type=text]")
        title.nth(1).fill("Промышленное производство, октябрь (моё)")  # hers: it stays
        assert page.input_value("select[name=category]") == ""
        box = page.locator("input[name=plan_item]")
        box.click()
        box.press_sequentially("Өнеркәсіп", delay=20)
        option = page.locator("[role=option]", has_text="Өнеркәсіп өндірісі")
        option.first.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        assert_no_serious_violations(page, axe_source)  # the open listbox too
        box.press("ArrowDown")
        box.press("Enter")
        assert box.input_value().startswith("/plan/")
        assert title.nth(0).input_value() == "Өнеркәсіп өндірісі"
        assert title.nth(1).input_value() == "Промышленное производство, октябрь (моё)"
        assert title.nth(2).input_value() == "Industrial production"
        assert page.input_value("select[name=category]") == "express_information"
        assert page.input_value("select[name=section]") == \
            "/official-statistics/economy/industry"
        for language in ("kk", "ru", "en"):
            assert page.locator(f"input[type=checkbox][value={language}]").is_checked()
        assert page.input_value("input[name=release]").startswith("/calendar/")
        assert_no_serious_violations(page, axe_source)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{wide} px wide at {width} px"
        upload = tmp_path / "esep.docx"
        upload.write_bytes(SAMPLES["report.docx"])
        page.locator("input[type=file][name=upload]").first.set_input_files(str(upload))
        with page.expect_navigation():
            page.locator("button[name=save_and_submit]").first \
                .click()
        assert "/requests/r" in page.url, page.content()[:2000]
        assert "Өнеркәсіп өндірісі" in page.content()
    finally:
        context.close()
