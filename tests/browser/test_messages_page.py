"""Issue 21 (review of the Manager's /@@messages): a delivered message's page on a phone
(390 px) and on a desktop: its long text wraps as a mail reader wraps it, nothing
scrolls sideways, and axe-core finds nothing serious (a scrolling <pre> was one).

No server: the browser's requests are answered by the WSGI app through WebTest (the
maildir delivery needs its own settings, which the shared live server does not have)."""

import pytest
from webtest import TestApp

from statportal.testing import basic_auth, make_settings
from tests.browser.helpers import format_violations, run_axe, serious
from tests.helpers.mail import deliver, queue_message

LONG = ("https://stat.example.kz/official-statistics/economy/prices/consumer-price-index/"
        "?utm_source=subscription&utm_medium=email ") * 3


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path, **{"mail.delivery": "maildir",
                                      "mail.maildir": str(tmp_path / "mail")})


def test_a_message_page_fits_a_phone(app, demo, browser, axe_source):
    queue_message(app, "Тұтыну бағаларының индексі жарияланды", text=f"Кесте жарияланды: {LONG}",
          html="<p>Кесте жарияланды.</p>")
    deliver(app)
    client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "kk",
                                     "HTTP_HOST": "portal.test"})
    client.authorization = basic_auth("admin")

    def answer(route):
        url = route.request.url.replace("http://portal.test", "")
        found = client.get(url, headers={"Accept": route.request.headers.get("accept", "*/*")},
                           expect_errors=True)
        route.fulfill(status=found.status_int, body=found.body,
                      headers={"Content-Type": found.headers.get("Content-Type", "")})

    for width in (390, 1366):
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            context.route("http://portal.test/**", answer)
            page = context.new_page()
            page.goto("http://portal.test/@@messages")
            page.click("table.listing tbody a")
            page.wait_for_selector("pre.message-text")
            assert "Кесте жарияланды" in page.inner_text("pre.message-text")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            text = page.locator("pre.message-text")
            assert text.evaluate("e => e.scrollWidth <= e.clientWidth"), width  # it wraps
            violations = serious(run_axe(page, axe_source)["violations"])
            assert not violations, format_violations(violations)
        finally:
            context.close()
