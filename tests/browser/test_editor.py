"""What editors and visitors do in a real browser: log in, add a section, switch language,
meet the limits of their roles; and axe-core's accessibility check of the main pages."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import format_violations, log_in, run_axe

pytestmark = pytest.mark.browser

TITLES = {"kk": "Көші-қон статистикасы", "ru": "Статистика миграции", "en": "Migration statistics"}


def test_admin_adds_a_section_and_reads_it_in_kazakh(page, live_server):
    log_in(page, "admin")
    header = page.locator("header.site-header")
    expect(header.locator(".who")).to_have_text("Портал әкімшісі")
    expect(header.get_by_role("button", name="Log out")).to_be_visible()

    page.goto("/official-statistics/@@contents")
    add_menu = page.locator(".add-menu")
    expect(add_menu).to_contain_text("Add:")
    add_menu.locator("a[href$='@@add?type=Section']").click()
    expect(page).to_have_url(re.compile(r"/official-statistics/@@add\?type=Section$"))

    form = page.locator("form#edit-form")
    form.locator("input[name=id]").fill("migration")
    # The title is a mapping of kk/ru/en inputs; the description's are textareas.
    for lang, title in TITLES.items():
        form.locator(f"input[name={lang}]").fill(title)
    with page.expect_navigation():
        form.locator("button[name=submit]").click()

    expect(page).to_have_url(live_server("/official-statistics/migration/"))
    expect(page.locator("main h1")).to_have_text(TITLES["en"])
    new_entry = page.locator("nav.sections a", has_text=TITLES["en"])
    expect(new_entry).to_have_attribute("href", live_server("/official-statistics/migration/"))
    expect(new_entry).to_have_attribute("aria-current", "page")

    with page.expect_navigation():
        page.locator("nav.languages").get_by_role("link", name="Қазақша").click()
    expect(page).to_have_url(live_server("/official-statistics/migration/"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("main h1")).to_have_text(TITLES["kk"])
    expect(page.locator("nav.sections a", has_text=TITLES["kk"])).to_be_visible()
    expect(page.locator("nav.languages a[aria-current=true]")).to_have_text("Қазақша")
    # The choice sticks: the next page comes in Kazakh too, whatever the browser asks for.
    page.goto("/official-statistics/")
    expect(page.locator("main h1")).to_have_text("Ресми статистика")


def test_executor_may_not_manage_users(page, live_server):
    log_in(page, "aigerim")
    header = page.locator("header.site-header")
    expect(header.locator(".who")).to_have_text("Әйгерім Сейітова")
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    expect(header.get_by_role("link", name="Users and groups")).to_have_count(0)
    expect(header.locator("a[href$='/principals/']")).to_have_count(0)

    response = page.goto("/principals")
    assert response is not None
    assert response.status == 403
    expect(page.locator("main h1")).to_have_text("Not allowed")
    expect(page).to_have_url(re.compile(r"/principals$"))  # no redirect to the login form

    # Where she is Executor, she may edit.
    response = page.goto("/official-statistics/economy/industry/@@edit")
    assert response is not None and response.status == 200
    expect(page.locator("form#edit-form")).to_be_visible()


def test_wrong_password_does_not_log_in(page, live_server):
    response = log_in(page, "dana", "not-the-password")
    assert response is not None
    assert response.status == 400
    expect(page).to_have_url(live_server("/login"))
    expect(page.locator("#login-error")).to_have_text("Wrong login or password.")
    expect(page.locator("#login")).to_have_value("dana")
    expect(page.locator("#password")).to_have_value("")
    header = page.locator("header.site-header")
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
    expect(header.get_by_role("button", name="Log out")).to_have_count(0)
    expect(header.locator(".who")).to_have_count(0)

    # Still anonymous: a staff page sends her back to the login form.
    page.goto("/official-statistics/@@contents")
    expect(page).to_have_url(re.compile(r"/login\?came_from=%2Fofficial-statistics%2F%40%40contents$"))


A11Y_PAGES = [
    ("/", "home"),
    ("/official-statistics/economy/", "section"),
    ("/official-statistics/@@add?type=Section", "add-section form"),
    ("/official-statistics/@@contents", "contents"),
    ("/official-statistics/economy/industry/@@sharing", "sharing"),
]


def test_accessibility(page, live_server, axe_source):
    log_in(page, "admin")
    failures = []
    for path, what in A11Y_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response)
        results = run_axe(page, axe_source)
        violations = results["violations"]
        if violations:
            print(f"\n== axe-core on {what} ({path}): {len(violations)} violation(s)")
            print(format_violations(violations))
        bad = [v for v in violations if v["impact"] in ("critical", "serious")]
        if bad:
            failures.append(f"{what} ({path}):\n{format_violations(bad)}")
    assert not failures, "serious or critical accessibility violations:\n" + "\n".join(failures)


def test_accessibility_of_form_errors_and_kazakh_pages(page, live_server, axe_source):
    """The add form with a validation error, and the anonymous home page in Kazakh."""
    page.goto("/")
    with page.expect_navigation():
        page.locator("nav.languages").get_by_role("link", name="Қазақша").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    results = [("home, kk", run_axe(page, axe_source))]

    page.goto("/login")
    results.append(("login", run_axe(page, axe_source)))

    log_in(page, "admin")
    page.goto("/official-statistics/@@add?type=Section")
    with page.expect_navigation():
        page.locator("form#edit-form button[name=submit]").click()
    expect(page.locator("form#edit-form")).to_be_visible()
    results.append(("add form with errors, kk", run_axe(page, axe_source)))

    failures = []
    for what, result in results:
        if result["violations"]:
            print(f"\n== axe-core on {what}:")
            print(format_violations(result["violations"]))
        bad = [v for v in result["violations"] if v["impact"] in ("critical", "serious")]
        if bad:
            failures.append(f"{what}:\n{format_violations(bad)}")
    assert not failures, "serious or critical accessibility violations:\n" + "\n".join(failures)
