"""Screenshots of statportal for the documentation: docs/screenshots/*.png.

Starts the portal with demo content on a temporary database (127.0.0.1, a free port),
drives Debian's headless Chromium through Playwright and takes full-page 1280x900
screenshots. Run it as ``make screenshots`` or ``.venv/bin/python docs/make_screenshots.py``;
``--out DIR`` writes elsewhere, ``--chromium PATH`` picks another Chromium binary.
"""

import argparse
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1280, "height": 900}


@contextmanager
def live_portal():
    """The portal with demo content behind waitress; yields its base URL."""
    import waitress.server

    import statportal.demo
    from statportal.testing import (
        DEMO_PASSWORD,
        close_app,
        make_app,
        make_settings,
        open_portal,
    )

    with tempfile.TemporaryDirectory(prefix="statportal-screenshots-") as tmp:
        app = make_app(make_settings(tmp, **{"statportal.mail.deliver_in_process": "false"}))
        with open_portal(app) as portal:
            statportal.demo.add_demo_content(app.registry, portal,
                                             password_factory=lambda: DEMO_PASSWORD)
        server = waitress.server.create_server(app, host="127.0.0.1", port=0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.effective_port}", DEMO_PASSWORD
        finally:
            server.close()
            thread.join(timeout=5)
            close_app(app)


def set_language(context, base_url, lang):
    """What the language switch does: the ``_LOCALE_`` cookie."""
    context.add_cookies([{"name": "_LOCALE_", "value": lang, "url": base_url + "/"}])


def log_in(page, login, password):
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    if page.locator("header .who").count() != 1:
        raise RuntimeError(f"could not log in as {login}")


def shoot(page, out, name, path=None, keep_message=False, full_page=True, keep_focus=False):
    if path is not None:
        response = page.goto(path)
        if response is None or not response.ok:
            raise RuntimeError(f"{path}: {response.status if response else 'no response'}")
    # Flash messages ("Welcome, ...") and the focus ring belong to the moment, not to the
    # page, unless the message is the subject (what an action says it did).
    page.evaluate("""([keep, focus]) => {
        if (!keep) document.querySelectorAll('.messages .message.success')
            .forEach(m => m.remove());
        if (!focus && document.activeElement) document.activeElement.blur();
    }""", [keep_message, keep_focus])
    target = out / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    print(f"{target}  ({page.url})")


def api_call(base_url, password, login, path, body):
    """POST ``body`` as JSON to the portal's API as ``login``; the answer's JSON."""
    import base64
    import json
    import urllib.request

    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310
        base_url + "/++api++" + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 (our own server)
        return json.load(response)


def seed_requests(base_url, password):
    """A day's requests through the JSON API: three registered (the queue), one placed,
    one returned to the executor with its reason, one waiting for the head's approval.
    Returns the paths of the last two."""
    import base64
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Өңір", "2026"])
    book.active.append(["Қазақстан Республикасы", 104.2])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = base64.b64encode(buffer.getvalue()).decode()

    def call(login, path, body):
        return api_call(base_url, password, login, path, body)

    titles = [("latest_data", "Тұтыну бағаларының индексі, қараша 2026",
               "Индекс потребительских цен, ноябрь 2026", "Consumer price index, November 2026"),
              ("press_release", "Өнеркәсіп өндірісі, қазан 2026",
               "Промышленное производство, октябрь 2026", "Industrial production, October 2026"),
              ("bulletin", "Өнеркәсіп бюллетені, III тоқсан",
               "Бюллетень промышленности, III квартал", "Industry bulletin, Q3"),
              ("compilation", "Қазақстан өнеркәсібі, 2021–2025",
               "Промышленность Казахстана, 2021–2025", "Industry of Kazakhstan, 2021–2025"),
              ("express_information", "Өнеркәсіп өнімінің көлемі, қараша 2026",
               "Объём промышленной продукции, ноябрь 2026",
               "Industrial output, November 2026"),
              ("express_information", "Өнеркәсіп бағаларының индексі, қараша 2026",
               "Индекс цен производителей, ноябрь 2026",
               "Producer price index, November 2026")]
    urls = []
    for category, kk, ru, en in titles:
        data = call("aigerim", "/requests", {
            "@type": "PlacementRequest", "title": {"kk": kk, "ru": ru, "en": en},
            "category": category, "unit": "/orgunits/industry-statistics",
            "section": "/official-statistics/economy/industry", "placement_type": "new",
            "languages": ["kk", "ru", "en"], "executor_email": "aigerim@stat.example.kz",
            "executor": "Әйгерім Сейітова", "head_of_unit": "Марат Жұмабаев",
            "files": [{"data": xlsx, "filename": f"{category}.xlsx"}], "page_count": 4,
            "paper_number": "05-12/345", "primary_data": False,
            "primary_data_reason": "Жарияланған жиынтық қатарлардан есептелген индекстер"})
        path = data["@id"].split("/++api++", 1)[1]
        call("aigerim", f"{path}/@workflow/submit", {})
        urls.append(path)
    for path in urls[:4]:
        call("marat", f"{path}/@workflow/approve", {})
        call("dana", f"{path}/@workflow/register", {})
    call("yerlan", f"{urls[0]}/@workflow/place", {})
    # The fifth comes back to her with the reason; the sixth waits for her head.
    call("marat", f"{urls[4]}/@workflow/return", {
        "comment": "17-кестеде қараша айының Алматы қаласы бойынша деректері жоқ: "
                   "толықтырып, қайта жіберіңіз."})
    return urls[4], urls[5]


def seed_unsafe_material(base_url, password):
    """A moderator's material whose hand-made table gives a hidden cell away: the
    demo's output table with one X only, and its basis. Returns its path."""
    import base64
    import json
    import urllib.request

    from statportal.confidentiality.basis import read_basis
    from statportal.demo.materials import output_basis
    from statportal.disclosure.output import xlsx_bytes

    basis = output_basis()
    table = read_basis("output.basis.xlsx", basis)
    pivot = xlsx_bytes(table, {("ABA-KUR", "B"): "primary"}, "region", "activity", "ru")
    token = base64.b64encode(f"yerlan:{password}".encode()).decode()
    body = {"@type": "Material", "category": "latest_data", "languages": ["ru"],
            "title": {"ru": "Объём промышленной продукции (черновик)"},
            "primary_data": True,
            "files": [{"data": base64.b64encode(pivot).decode(), "filename": "output_ru.xlsx",
                       "language": "ru"}],
            "bases": [{"data": base64.b64encode(basis).decode(),
                       "filename": "output.basis.xlsx"}]}
    request = urllib.request.Request(  # noqa: S310
        base_url + "/++api++/official-statistics/economy/industry",
        data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 (our own server)
        return json.load(response)["@id"].split("/++api++", 1)[1]


def make_screenshots(out, chromium):
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with live_portal() as (base_url, password), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

        def new_page(lang, viewport=VIEWPORT):
            context = browser.new_context(base_url=base_url, viewport=viewport,
                                          locale="en-US", device_scale_factor=1)
            set_language(context, base_url, lang)
            return context.new_page()

        try:
            # Visitors: the home page in Kazakh, a section in Russian.
            page = new_page("kk")
            shoot(page, out, "home", "/")
            page.context.close()

            page = new_page("ru")
            shoot(page, out, "section", "/official-statistics/economy/")
            page.context.close()

            # A material with its table preview in English; search with facets in Kazakh.
            page = new_page("en")
            shoot(page, out, "material",
                  "/official-statistics/economy/industry/industrial-production-index")
            page.context.close()
            page = new_page("kk")
            shoot(page, out, "search", "/@@search?SearchableText=индекс")
            page.context.close()
            # A category page of the main menu, in Russian (issue 18).
            page = new_page("ru")
            shoot(page, out, "category", "/latest-data/")
            page.context.close()
            page = new_page("en")
            log_in(page, "dana", password)
            shoot(page, out, "translations", "/@@translations")
            page.context.close()

            # A coordinator reads why a material cannot be published, in Russian.
            unsafe = seed_unsafe_material(base_url, password)
            page = new_page("ru")
            log_in(page, "dana", password)
            shoot(page, out, "disclosure", f"{unsafe}/@@disclosure")
            page.context.close()

            # The Manager, in English.
            page = new_page("en")
            log_in(page, "admin", password)
            # Folder contents: states, a filter, boxes ticked for a bulk action.
            page.goto("/official-statistics/economy/industry/@@contents")
            boxes = page.locator("main table tbody input[type=checkbox]:not([disabled])")
            for index in range(min(2, boxes.count())):
                boxes.nth(index).check()
            shoot(page, out, "contents")
            # Users and groups: each user's global roles and where they hold local ones.
            shoot(page, out, "principals", "/principals")

            page.goto("/official-statistics/@@add?type=Section")
            with page.expect_navigation():
                page.click("form#edit-form button[name=submit]")  # no title: refused
            if page.locator("form#edit-form .invalid-feedback, form#edit-form .error-msg, "
                            "form#edit-form .alert-danger").count() == 0:
                raise RuntimeError("the add form shows no validation error")
            shoot(page, out, "add-section")

            # Sharing: a search for a principal, nobody chosen, the roles granted above.
            page.goto("/orgunits/almaty-city/industry/@@sharing")
            page.fill("#sharing-q", "Жұмабаев")
            with page.expect_navigation():
                page.click("form.search-principals button[type=submit]")
            shoot(page, out, "sharing")
            page.context.close()

            # A day of placement requests: the executor's work and form, the queue, the
            # register.
            returned, waiting = seed_requests(base_url, password)
            page = new_page("kk")
            log_in(page, "aigerim", password)
            # My work: her requests (returned with the reason, registered, placed).
            shoot(page, out, "my-work", "/my-work")
            shoot(page, out, "request-returned", returned)
            # The form: what the portal knows filled in; the picker for the material to
            # replace, searched as she types.
            page.goto("/requests/@@add?type=PlacementRequest")
            titles = page.locator("fieldset.multilingual").first.locator("input[type=text]")
            for index, text in enumerate(("Тұтыну бағаларының индексі, желтоқсан 2026",
                                          "Индекс потребительских цен, декабрь 2026",
                                          "Consumer price index, December 2026")):
                titles.nth(index).fill(text)
            page.select_option("select[name=category]", "latest_data")
            page.check("input[type=radio][value=replace]")
            page.locator("input[name=replaces]").press_sequentially("индекс", delay=50)
            page.locator("[role=listbox] [role=option]").first.wait_for()
            shoot(page, out, "request-form", keep_focus=True)
            page.context.close()
            # The same work on a phone: the menus closed, the table in its own scroll area.
            page = new_page("kk", {"width": 390, "height": 844})
            log_in(page, "aigerim", password)
            shoot(page, out, "phone-my-work", "/my-work", full_page=False)
            shoot(page, out, "phone-request", returned, full_page=False)
            page.context.close()

            # The coordinator registers the sixth, once approved: the number and due time.
            api_call(base_url, password, "marat", f"{waiting}/@workflow/approve", {})
            page = new_page("ru")
            log_in(page, "dana", password)
            page.goto(waiting)
            with page.expect_navigation():
                page.click("#request-actions button[value=register]")
            shoot(page, out, "registered", keep_message=True, full_page=False)
            page.context.close()

            page = new_page("ru")
            log_in(page, "yerlan", password)
            shoot(page, out, "queue", "/requests/@queue")
            # Place asks first, saying what will happen (the irreversible button is red);
            # then the page says what happened, with the link to the material.
            page.locator("table.queue tbody tr").first.locator("a").first.click()
            page.wait_for_load_state()
            page.locator("main button[name=transition][value=place]").click()
            page.get_by_role("dialog").wait_for()
            shoot(page, out, "confirm-place", full_page=False, keep_focus=True)
            with page.expect_navigation():
                page.get_by_role("dialog").locator("button.confirm-yes").click()
            shoot(page, out, "placed", keep_message=True, full_page=False)
            page.context.close()

            page = new_page("en")
            log_in(page, "dana", password)
            shoot(page, out, "register", "/requests/@register")
            # The timeliness dashboard: punctuality, deadlines met, findings, charts.
            shoot(page, out, "timeliness", "/@@timeliness")
            page.context.close()

            # The public release calendar, in Russian, by month.
            page = new_page("ru")
            shoot(page, out, "calendar", "/calendar?by=month")
            # Questions and answers: the public section in Russian, the form in Kazakh,
            # the coordinator's dashboard in English.
            shoot(page, out, "questions", "/questions")
            page.context.close()
            page = new_page("kk")
            shoot(page, out, "ask", "/questions/@@ask")
            page.context.close()
            page = new_page("en")
            log_in(page, "dana", password)
            shoot(page, out, "questions-dashboard", "/questions/@@dashboard")
            page.context.close()
        finally:
            browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        sys.exit(f"Chromium not found at {args.chromium}: "
                 "apt-get install chromium fonts-dejavu-core")
    import statportal

    locale = Path(statportal.__file__).parent / "locale"
    if not any(locale.glob("*/LC_MESSAGES/statportal.mo")):
        print(f"warning: no compiled catalogs in {locale}: the pages will be in English "
              "whatever their language; run `make catalogs` first", file=sys.stderr)
    make_screenshots(args.out, args.chromium)


if __name__ == "__main__":
    main()
