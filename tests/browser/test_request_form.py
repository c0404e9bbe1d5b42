"""The request form in the browser (issue 18, item 2): no script error on deform's pages,
the reference picker as a keyboard-usable combobox, accessible at 1366 and 390 px."""

import pytest

from tests.browser.helpers import assert_no_serious_violations, log_in, staff_page

ADD = "/requests/@@add?type=PlacementRequest"


def console_errors(page):
    """Script errors and console errors of the page from now on (the browser's own
    request for /favicon.ico left out)."""
    found = []
    page.on("pageerror", lambda error: found.append(f"pageerror: {error}"))
    page.on("console", lambda message: found.append(f"console: {message.text}")
            if message.type == "error"
            and not message.location.get("url", "").endswith("/favicon.ico") else None)
    return found


@pytest.fixture
def aigerim(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "aigerim")
    yield page
    context.close()


def test_deform_pages_have_no_script_error(aigerim, browser, live_server):
    page = aigerim
    errors = console_errors(page)
    response = page.goto(ADD)
    assert response.status == 200
    page.wait_for_load_state("load")
    assert page.evaluate("typeof deform") == "object"
    assert errors == [], errors
    # deform ran its widgets' callbacks (a sequence's buttons, the date inputs): jQuery,
    # Modernizr and deform.js are there before the form
    page.wait_for_function("window.deform_loaded === true")
    assert errors == [], errors
    # a moderator's material form too
    moderator = staff_page(browser, live_server, "yerlan")
    errors = console_errors(moderator)
    response = moderator.goto("/official-statistics/economy/industry/@@add?type=Material")
    assert response.status == 200
    moderator.wait_for_load_state("load")
    assert moderator.evaluate("typeof deform") == "object"
    assert errors == [], errors
    moderator.context.close()


def test_the_picker_is_a_combobox_used_with_the_keyboard(aigerim, live_server):
    page = aigerim
    errors = console_errors(page)
    page.goto(ADD)
    box = page.locator("input[name=replaces]")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    listbox_id = box.get_attribute("aria-controls")
    listbox = page.locator(f"#{listbox_id}")
    assert listbox.get_attribute("role") == "listbox"
    box.click()
    box.press_sequentially("industr", delay=30)
    options = listbox.locator("[role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    first_path = options.first.locator(".picker-path").inner_text()
    box.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    box.press("Enter")  # chooses; does not send the form
    assert page.url.endswith(ADD)
    assert box.input_value() == first_path and first_path.startswith("/official-statistics/")
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("")
    box.press_sequentially("industr", delay=30)
    options.first.wait_for()
    box.press("Escape")
    assert listbox.is_hidden()
    # A pasted address is taken as it is: no search for it.
    box.fill(f"{live_server.url}{first_path}/@@edit")
    page.wait_for_timeout(400)
    assert listbox.is_hidden()
    assert errors == [], errors


@pytest.mark.parametrize("width", [1366, 390])
def test_the_form_is_accessible_and_fits(browser, live_server, axe_source, width):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "aigerim")
    page.goto(ADD)
    assert_no_serious_violations(page, axe_source)
    box = page.locator("input[name=replaces]")
    box.press_sequentially("пром", delay=30)
    page.locator("[role=option]").first.wait_for()
    assert_no_serious_violations(page, axe_source)  # with the listbox open
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_files_tick_their_languages_and_leave_hers_alone(aigerim, tmp_path):
    """A file whose name (or chosen language) tells its language ticks it in Languages;
    a file whose name tells nothing ticks nothing; a box she cleared stays cleared."""
    page = aigerim
    errors = console_errors(page)
    page.goto(ADD)
    box = {lang: page.locator(f".item-languages input[type=checkbox][value={lang}]")
           for lang in ("kk", "ru", "en")}
    uploads = page.locator("input[type=file][name=upload]")

    def attach(index, name):
        path = tmp_path / name
        path.write_bytes(b"Industrial production, October 2026\n")
        uploads.nth(index).set_input_files(str(path))

    attach(0, "report.txt")  # says nothing
    assert [lang for lang in box if box[lang].is_checked()] == []
    attach(0, "otchet_rus.txt")
    assert box["ru"].is_checked() and not box["kk"].is_checked()
    box["ru"].uncheck()  # she knows better
    attach(1, "tablica-rus.txt")
    assert not box["ru"].is_checked()
    attach(2, "қазақша есеп.txt")  # "қаз" only as a whole word: nothing
    assert not box["kk"].is_checked()
    page.select_option(f"select[id='{uploads.nth(2).get_attribute('id')}-language']", "en")
    assert box["en"].is_checked()
    assert errors == [], errors
