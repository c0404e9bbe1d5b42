"""What the journeys of issue 18 share: a walk that checks every page it visits (axe-core,
no sideways scroll), signed-in contexts reused through their storage state, the requests
set up through the JSON API where a step is not the journey's subject, and the count of
the executor's clicks and typed fields."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from webtest import TestApp

from tests.browser.helpers import assert_no_serious_violations, log_in
from tests.helpers.files import SAMPLES
from tests.helpers.placement import as_user, new_request, step

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # as conftest's
LOCALES = {"kk": "kk-KZ", "ru": "ru-RU"}
WIDTHS = (1366, 390)
NUMBER = re.compile(r"\b\d{4}-\d{6}\b")
TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


class Walk:
    """A person's page in one language at one width. ``check()`` runs axe-core and the
    sideways-scroll check on the page as it is now (and that it is in the walk's
    language); ``done()`` fails if a page the browser loaded was never checked, so no page
    of a journey goes unchecked."""

    def __init__(self, context, axe_source, width, lang):
        self.context, self.axe_source, self.width, self.lang = context, axe_source, width, lang
        self.page = context.new_page()
        self.loaded, self.checked = [], set()
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.loaded.append(frame.url)

    def check(self):
        page = self.page
        page.wait_for_load_state()
        scroll, inner, lang = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth,"
            " document.documentElement.lang]")
        assert (inner, lang) == (self.width, self.lang), page.url
        assert scroll <= inner, f"{page.url} scrolls sideways: {scroll} px wide at {inner} px"
        assert_no_serious_violations(page, self.axe_source)
        self.checked.add(page.url)

    def goto(self, path):
        self.page.goto(path)
        self.check()

    def follow(self, locator):
        """Click a link or a button that loads a page, and check the page."""
        with self.page.expect_navigation():
            locator.click()
        self.check()

    def done(self):
        unchecked = [url for url in self.loaded if url not in self.checked]
        assert unchecked == [], f"pages loaded and never checked: {unchecked}"
        assert self.checked


def new_context(browser, live_server, lang, width, storage_state=None):
    """A browser context in ``lang`` (Accept-Language: the UI's language when no language
    was chosen with the switch) at ``width`` px."""
    context = browser.new_context(base_url=live_server.url, locale=LOCALES[lang],
                                  viewport={"width": width, "height": 900},
                                  storage_state=storage_state)
    context.set_default_timeout(15_000)
    return context


def signed_in_state(browser, live_server, login):
    """The cookies of ``login`` signed in through the login form (no language cookie:
    the context's locale picks the language)."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    log_in(context.new_page(), login)
    state = context.storage_state()
    context.close()
    assert not [c for c in state["cookies"] if c["name"] == "_LOCALE_"]
    return state


def api(live_server):
    """WebTest on the live server's own app: set-up steps that are not a journey's subject."""
    return TestApp(live_server.app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                                   "REMOTE_ADDR": "127.0.0.1"})


def request_at(live_server, title, steps):
    """A request of aigerim's titled ``title`` taken through ``steps`` ((login, transition)
    pairs); its page's path and the API client."""
    client = api(live_server)
    url = new_request(client, title={"kk": title, "ru": title, "en": title})
    for login, name in steps:
        step(client, login, url, name)
    return url.replace("/++api++", ""), client


def state_of(client, path):
    return as_user(client, "admin").get("/++api++" + path).json["review_state"]


@dataclass
class Counted:
    """What the executor does on a page: each click (a link or button followed, a choice
    in a list, a box ticked, a file chosen) and each text typed."""

    page: object
    clicks: list = field(default_factory=list)
    fields: list = field(default_factory=list)

    def click(self, locator, what):
        self.clicks.append(what)
        with self.page.expect_navigation():
            locator.click()

    def choose(self, locator, value):
        self.clicks.append(f"choose {value}")
        locator.select_option(value)

    def check(self, locator, what):
        self.clicks.append(f"tick {what}")
        locator.check()

    def attach(self, locator, path):
        self.clicks.append(f"file {path.name}")
        locator.set_input_files(str(path))

    def type(self, locator, text):
        self.fields.append(text)
        locator.fill(text)


MONTHLY_FILES = (("kestesi-kaz.docx", SAMPLES["report.docx"]),
                 ("tablica-rus.pdf", SAMPLES["table.pdf"]),
                 ("table-eng.txt", b"Retail trade turnover, November 2026\n"))


def monthly_files(directory):
    """Three files of a monthly table, one per language (the language from the name)."""
    paths = []
    for name, data in MONTHLY_FILES:
        path = directory / name
        path.write_bytes(data)
        paths.append(path)
    return paths
