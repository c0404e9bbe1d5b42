"""Files are never lost by a form, in the browser (issue 15, item 5): files chosen in the
annex form survive a validation error (shown by name, saved without choosing them again),
and the edit form lists the current files with keep / replace / remove (axe-core)."""

from playwright.sync_api import expect

from statportal.testing import open_portal
from tests.browser.helpers import assert_no_serious_violations, log_in
from tests.helpers.files import SAMPLES

TITLE = "Өнеркәсіп өндірісі, қараша 2026 (файлдар)"


def request_files(live_server, url):
    with open_portal(live_server.app) as portal:
        obj = portal["requests"][url.rstrip("/").rsplit("/", 1)[-1]]
        return [(f.filename, f.language, f.read()) for f in obj.files]


def test_files_survive_an_error_and_the_edit_form_keeps_the_others(page, live_server,
                                                                   tmp_path, axe_source):
    kk, ru, corrected = (tmp_path / "esep-kaz.pdf", tmp_path / "otchet-rus.docx",
                         tmp_path / "esep-tuzetilgen.pdf")
    kk.write_bytes(SAMPLES["table.pdf"])
    ru.write_bytes(SAMPLES["report.docx"])
    corrected.write_bytes(SAMPLES["table.pdf"] + b"%% corrected\n")

    log_in(page, "aigerim")
    page.goto("/requests/@@add?type=PlacementRequest")
    page.locator("fieldset.multilingual").first.locator("input[type=text]").nth(0).fill(TITLE)
    page.select_option("select[name=category]", "express_information")
    page.select_option("select[name=section]", "/official-statistics/economy/industry")
    page.check("input[type=radio][value=new]")
    page.check("input[type=checkbox][value=kk]")
    page.check("input[type=checkbox][value=ru]")
    page.get_by_label("New file").nth(0).set_input_files(str(kk))
    page.get_by_label("New file").nth(1).set_input_files(str(ru))
    page.fill("input[name=executor_email]", "aigerim at stat")  # not an address: refused
    page.fill("input[name=executor]", "Әйгерім Сейітова")
    page.fill("input[name=head_of_unit]", "Марат Жұмабаев")
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")

    # the error is shown, and so are the files chosen: ticked, to be sent again
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    kept = page.locator("p.kept-upload")
    expect(kept).to_have_count(2)
    expect(kept.nth(0)).to_contain_text("esep-kaz.pdf")
    expect(kept.nth(1)).to_contain_text("otchet-rus.docx")
    expect(page.get_by_label("Send the file chosen before: esep-kaz.pdf")).to_be_checked()
    assert_no_serious_violations(page, axe_source)

    page.fill("input[name=executor_email]", "aigerim@stat.example.kz")
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    url = page.url
    assert "/requests/r" in url, page.content()[-2000:]
    expect(page.get_by_role("link", name="esep-kaz.pdf")).to_have_count(1)
    expect(page.get_by_role("link", name="otchet-rus.docx")).to_have_count(1)
    assert request_files(live_server, url) == [
        ("esep-kaz.pdf", "kk", SAMPLES["table.pdf"]),
        ("otchet-rus.docx", "ru", SAMPLES["report.docx"])]

    # the edit form lists them; a corrected file in the first row replaces only it
    page.goto(url.rstrip("/") + "/@@edit")
    rows = page.locator("fieldset.current-file")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("legend")).to_contain_text("esep-kaz.pdf")
    expect(rows.nth(0).locator("legend")).to_contain_text("Kazakh")
    expect(rows.nth(1).locator("legend")).to_contain_text("Russian")
    expect(rows.nth(0).get_by_label("Keep")).to_be_checked()
    assert_no_serious_violations(page, axe_source)
    rows.nth(0).get_by_label("Corrected file").set_input_files(str(corrected))
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    assert page.url.rstrip("/") == url.rstrip("/")
    assert request_files(live_server, url) == [
        ("esep-tuzetilgen.pdf", "kk", corrected.read_bytes()),
        ("otchet-rus.docx", "ru", SAMPLES["report.docx"])]

    # removing the second keeps the first
    page.goto(url.rstrip("/") + "/@@edit")
    page.locator("fieldset.current-file").nth(1).get_by_label("Remove").check()
    with page.expect_navigation():
        page.click("form#edit-form button[name=submit]")
    assert [name for name, _l, _d in request_files(live_server, url)] == \
        ["esep-tuzetilgen.pdf"]
