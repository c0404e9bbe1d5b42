"""The offline copy opened as a reader opens a disc (issue 21, item 4): from ``file://`` in
headless Chromium, with no server. Every page reachable from index.html loads with every
link, image, stylesheet and script found; the offline search finds a material and leads
to it; axe-core finds no violation; at 390 px nothing scrolls sideways."""

from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlparse

from statportal.bundle.site import build_bundle
from statportal.testing import open_portal
from tests.browser.helpers import assert_accessible

TARGETS = """() => [...document.querySelectorAll('a[href], img[src], link[href], script[src]')]
    .map(e => e.href || e.src)"""


def _path(url):
    return Path(unquote(urlparse(url).path))


def _accessible(page, axe_source, axe_running):
    axe_running.append(True)
    try:
        assert_accessible(page, axe_source)
    finally:
        axe_running.clear()


def test_the_bundle_works_from_file_urls(browser, live_server, axe_source, tmp_path):
    out = tmp_path / "disc"
    with open_portal(live_server.app) as portal:
        build_bundle(portal, "/official-statistics", out, registry=live_server.app.registry)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    failed, axe_running = [], []
    # axe-core preloads the stylesheets with XMLHttpRequest, which file:// refuses
    # (net::ERR_FAILED): those are axe's requests, not the page's
    page.on("requestfailed", lambda request: axe_running or failed.append(
        (page.url, request.url, request.failure)))
    page.on("pageerror", lambda error: failed.append(("script", str(error))))

    start = (out / "index.html").as_uri()
    queue, seen = deque([start]), {start}
    while queue:
        url = queue.popleft()
        page.goto(url)
        assert page.locator("main h1").count() == 1, url
        assert page.evaluate("document.documentElement.lang") in ("kk", "ru", "en"), url
        if "/en/" in url or url == start:
            _accessible(page, axe_source, axe_running)
        for target in page.evaluate(TARGETS):
            assert target.startswith("file://"), (url, target)
            assert _path(target).is_file(), (url, target)
            bare = target.split("#")[0]
            if bare.endswith(".html") and bare not in seen:
                seen.add(bare)
                queue.append(bare)
    assert failed == [], "\n".join(map(str, failed))
    materials = [url for url in seen if "/en/0" in url]
    assert len(materials) >= 5 and len(seen) >= 3 * len(materials) + 3

    page.goto((out / "en" / "search.html").as_uri())
    page.get_by_label("Words to find").fill("consumer price")
    page.get_by_role("button", name="Find").click()
    found = page.locator("#search-results a")
    assert found.count() == 1 and "Consumer price index" in found.inner_text()
    assert page.locator("#search-status").inner_text() == "Found: 1"
    _accessible(page, axe_source, axe_running)
    found.click()
    assert page.locator("h1").inner_text().startswith("Consumer price index")
    assert page.locator("table.preview").count() >= 1
    page.goto((out / "search.html").as_uri() + "?q=zzzz-nothing")
    assert page.locator("#search-results a").count() == 0
    assert page.locator("#search-status").inner_text() != ""

    page.set_viewport_size({"width": 390, "height": 800})
    for url in (start, page.url, *materials):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    assert failed == []
    context.close()
