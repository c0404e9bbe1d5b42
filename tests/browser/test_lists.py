"""Issue 18, item 4 in the browser: the register (unit by name, sortable headings, the table
scrolling in its own labelled region) and folder contents (states, the filter, select all,
the bulk confirmation) at 1366 and at 390 px, with axe-core; the page never scrolls
sideways. Nothing here changes the shared demo content (a confirmation page writes
nothing)."""

import base64

import pytest

from tests.browser.helpers import api, assert_no_serious_violations, staff_page
from tests.helpers.files import SAMPLES

SIZES = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 800}}
CONTENTS = "/official-statistics/economy/industry/@@contents"


@pytest.fixture(scope="module")
def submitted(browser, live_server):
    """Two submitted requests with long Kazakh titles (not registered: the moderator's
    queue, which other tests place from, stays as it was)."""
    context = browser.new_context(base_url=live_server.url)
    for n in (1, 2):
        created = api(context, "POST", "/requests", "aigerim", {
            "@type": "PlacementRequest", "category": "bulletin", "placement_type": "new",
            "title": {"kk": f"Тізім сынағы {n}: өнеркәсіп өндірісінің айлық көрсеткіштері "
                            "өңірлер мен экономикалық қызмет түрлері бойынша"},
            "unit": "/orgunits/industry-statistics",
            "section": "/official-statistics/economy/industry",
            "files": [{"data": base64.b64encode(SAMPLES["report.docx"]).decode(),
                       "encoding": "base64", "filename": "report.docx", "language": "kk"}],
            "languages": ["kk"], "executor_email": "aigerim@stat.example.kz",
            "executor": "Әйгерім Сейітова", "head_of_unit": "Марат Жұмабаев",
            "primary_data": False, "primary_data_reason": "Қаржы министрлігінің деректері"})
        path = created["@id"].split("/++api++", 1)[1]
        api(context, "POST", f"{path}/@workflow/submit", "aigerim", {})
        api(context, "POST", f"{path}/@workflow/approve", "marat", {})
    context.close()


def fits_the_screen(page):
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, (page.url, width, viewport)


@pytest.mark.parametrize("size", SIZES)
def test_the_register(browser, live_server, axe_source, submitted, size):
    page = staff_page(browser, live_server, "dana")
    try:
        page.set_viewport_size(SIZES[size])
        page.goto("/requests/@register")
        units = page.locator("select#unit option").all_inner_texts()
        assert len(units) > 2 and not any(text.strip().startswith("/") for text in units)
        region = page.locator(".table-wrap[role=region]")
        assert region.get_attribute("tabindex") == "0"
        region.focus()  # the keyboard reaches it, and scrolls it
        assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
        if size == "phone":  # wider than the phone: it scrolls, the page does not
            assert page.evaluate("(el => el.scrollWidth > el.clientWidth)",
                                 region.element_handle())
        fits_the_screen(page)
        assert_no_serious_violations(page, axe_source)
        # a heading sorts: the page comes back sorted by it, said by aria-sort
        with page.expect_navigation():
            page.click("th >> text=Structural unit")
        assert page.locator("th[aria-sort=ascending]").inner_text().startswith(
            "Structural unit")
        with page.expect_navigation():
            page.click("th >> text=Structural unit")
        assert page.locator("th[aria-sort=descending]").count() == 1
        page.goto("/requests/@register?sort=number&order=desc")
        page.select_option("select#unit", "/orgunits/industry-statistics")
        with page.expect_navigation():
            page.click("#register-filters button[type=submit]")
        assert "unit=%2Forgunits%2Findustry-statistics" in page.url
        assert "sort=number" in page.url  # the filter form keeps the sort
        assert page.locator("select#unit").input_value() == "/orgunits/industry-statistics"
        fits_the_screen(page)
        assert_no_serious_violations(page, axe_source)
    finally:
        page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_folder_contents(browser, live_server, axe_source, size):
    page = staff_page(browser, live_server, "admin")
    try:
        page.set_viewport_size(SIZES[size])
        page.goto(CONTENTS)
        rows = page.locator("table.contents tbody tr")
        total = rows.count()
        assert total >= 2
        states = page.locator("td.state").all_inner_texts()
        assert states and all(s.strip() and s.strip() != "published" for s in states)
        fits_the_screen(page)
        assert_no_serious_violations(page, axe_source)
        # the script: select all on the page, and the filter hides rows while typing
        page.check("#select-all")
        assert page.locator("input[name=ids]:checked").count() == total
        page.uncheck("#select-all")
        first = page.locator("table.contents tbody tr").first.get_attribute("data-filter-text")
        word = first.split()[0]
        page.fill("#contents-filter", word)
        visible = page.locator("table.contents tbody tr:not([hidden])").count()
        assert 1 <= visible <= total
        # the bulk confirmation lists what will happen and writes nothing
        page.fill("#contents-filter", "")
        page.locator("input[name=ids]").first.check()
        with page.expect_navigation():
            page.click("form#bulk button[value=delete]")
        assert page.locator("ul.bulk-report li").count() == 1
        assert page.locator("#bulk-confirm button.danger").count() == 1
        fits_the_screen(page)
        assert_no_serious_violations(page, axe_source)
        page.go_back()
        page.locator("input[name=ids]").first.check()
        with page.expect_navigation():
            page.click("form#bulk button[value=move]")
        assert page.locator("select#target option").count() >= 2
        fits_the_screen(page)
        assert_no_serious_violations(page, axe_source)
        page.goto(CONTENTS)
        assert page.locator("table.contents tbody tr").count() == total  # nothing deleted
    finally:
        page.context.close()
