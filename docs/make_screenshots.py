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


def shoot(page, out, name, path=None):
    if path is not None:
        response = page.goto(path)
        if response is None or not response.ok:
            raise RuntimeError(f"{path}: {response.status if response else 'no response'}")
    # Flash messages ("Welcome, ...") and the focus ring belong to the moment, not to the page.
    page.evaluate("""() => {
        document.querySelectorAll('.messages .message.success').forEach(m => m.remove());
        if (document.activeElement) document.activeElement.blur();
    }""")
    target = out / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    print(f"{target}  ({page.url})")


def seed_requests(base_url, password):
    """A day's requests through the JSON API: three registered (the queue), one placed."""
    import base64
    import io
    import json
    import urllib.request

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Өңір", "2026"])
    book.active.append(["Қазақстан Республикасы", 104.2])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = base64.b64encode(buffer.getvalue()).decode()

    def call(login, path, body):
        token = base64.b64encode(f"{login}:{password}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310
            base_url + "/++api++" + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"})
        with urllib.request.urlopen(request) as response:  # noqa: S310 (our own server)
            return json.load(response)

    titles = [("latest_data", "Тұтыну бағаларының индексі, қараша 2026",
               "Индекс потребительских цен, ноябрь 2026", "Consumer price index, November 2026"),
              ("press_release", "Өнеркәсіп өндірісі, қазан 2026",
               "Промышленное производство, октябрь 2026", "Industrial production, October 2026"),
              ("bulletin", "Өнеркәсіп бюллетені, III тоқсан",
               "Бюллетень промышленности, III квартал", "Industry bulletin, Q3"),
              ("compilation", "Қазақстан өнеркәсібі, 2021–2025",
               "Промышленность Казахстана, 2021–2025", "Industry of Kazakhstan, 2021–2025")]
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
        call("marat", f"{path}/@workflow/approve", {})
        call("dana", f"{path}/@workflow/register", {})
        urls.append(path)
    call("yerlan", f"{urls[0]}/@workflow/place", {})


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

        def new_page(lang):
            context = browser.new_context(base_url=base_url, viewport=VIEWPORT,
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
            shoot(page, out, "contents", "/official-statistics/@@contents")

            page.goto("/official-statistics/@@add?type=Section")
            with page.expect_navigation():
                page.click("form#edit-form button[name=submit]")  # no title: refused
            if page.locator("form#edit-form .invalid-feedback, form#edit-form .error-msg, "
                            "form#edit-form .alert-danger").count() == 0:
                raise RuntimeError("the add form shows no validation error")
            shoot(page, out, "add-section")

            shoot(page, out, "sharing", "/official-statistics/economy/industry/@@sharing")
            page.context.close()

            # A day of placement requests: the executor's form, the queue, the register.
            seed_requests(base_url, password)
            page = new_page("kk")
            log_in(page, "aigerim", password)
            shoot(page, out, "request-form", "/requests/@@add?type=PlacementRequest")
            page.context.close()

            page = new_page("ru")
            log_in(page, "yerlan", password)
            shoot(page, out, "queue", "/requests/@queue")
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
