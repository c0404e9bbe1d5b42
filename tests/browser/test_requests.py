"""A placement request from draft to placed, in the browser, each step by its own person."""

from pathlib import Path

from tests.browser.helpers import log_in
from tests.helpers.files import SAMPLES


def as_person(browser, live_server, login):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, login)
    return page


def act(page, url, button):
    page.goto(url)
    if page.get_by_role("button", name=button).get_attribute("data-confirm"):
        # Place asks first (issue 18): the dialog says what will happen, its button does it
        page.get_by_role("button", name=button).click()
        with page.expect_navigation():
            page.get_by_role("dialog").get_by_role("button", name=button).click()
        return
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_request_chain_in_the_browser(browser, live_server, tmp_path):
    upload = tmp_path / "Өнеркәсіп-2026-10.xlsx"
    upload.write_bytes(SAMPLES["report.xlsx"])

    # Aigerim (executor) fills the annex form and sends it to her head of unit.
    page = as_person(browser, live_server, "aigerim")
    page.goto("/requests/@@add?type=PlacementRequest")
    title = page.locator("fieldset.multilingual").first
    title.locator("input[type=text]").nth(0).fill("Өнеркәсіп өндірісі, қазан 2026 (браузер)")
    title.locator("input[type=text]").nth(2).fill("Industrial production, October 2026 (browser)")
    page.select_option("select[name=category]", "express_information")
    page.select_option("select[name=section]", "/official-statistics/economy/industry")
    page.check("input[type=radio][value=new]")
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.check("input[type=checkbox][value=kk]")
    page.check("input[type=checkbox][value=en]")
    page.fill("input[name=executor_email]", "aigerim@stat.example.kz")
    page.fill("input[name=executor]", "Әйгерім Сейітова")
    page.fill("input[name=head_of_unit]", "Марат Жұмабаев")
    # Its table is an index computed from published series, not from primary data: said
    # with the reason, or the Place below is refused (tables are presumed confidential).
    page.get_by_role("radio", name="The tables are not derived from primary data").check()
    page.get_by_label("Why the tables are not derived from primary data").fill(
        "Индекс есептелген жарияланған қатарлардан")
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    url = page.url
    assert "/requests/r" in url
    assert page.locator("p.state strong").inner_text() == "Draft"
    assert page.get_by_role("link", name=upload.name).count() == 1
    act(page, url, "Submit for approval")
    page.context.close()

    # Marat (head of unit) approves; Dana (coordinator) registers; Yerlan places.
    for login, button in (("marat", "Approve"), ("dana", "Register"), ("yerlan", "Place")):
        page = as_person(browser, live_server, login)
        page.goto(url)
        assert page.get_by_role("button", name=button).count() == 1, (login, page.content())
        act(page, url, button)
        page.context.close()

    page = as_person(browser, live_server, "aigerim")
    page.goto(url)
    assert page.locator("p.state strong").inner_text() == "Placed"
    material = page.locator("dd a[href*='/official-statistics/economy/industry/']")
    href = material.get_attribute("href")
    page.context.close()

    # The public sees the material; Aigerim's colleague Serik (support) cannot act on it.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    public = context.new_page()
    response = public.goto(href)
    assert response.status == 200
    assert "Industrial production, October 2026 (browser)" in public.content()
    context.close()
    page = as_person(browser, live_server, "serik")
    assert page.goto(url).status == 403
    page.context.close()
    assert Path(upload).exists()
