"""Browser tests: the real app with demo content behind waitress, driven by headless Chromium.

Debian's Chromium (``/usr/bin/chromium``, or ``$STATPORTAL_CHROMIUM``) is driven by Python
Playwright; Playwright's own browser downloads are never used. The host resolver rules keep
the browser off every network but 127.0.0.1.

Every test in this directory is marked ``browser``: ``pytest -m "not browser"`` leaves them out.
"""

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHROMIUM = os.environ.get("STATPORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _missing(what):
    """Fail, never skip: `make test` installs the browser, and a missing one is a failure."""
    pytest.fail(what, pytrace=False)


@dataclass
class LiveServer:
    url: str
    app: object
    password: str = DEMO_PASSWORD

    def __call__(self, path=""):
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The portal with demo content, served on 127.0.0.1 (any free port) for the session.

    Every demo user's password is ``DEMO_PASSWORD``. The tests share it: those that
    add content use names no other test uses.
    """
    import waitress.server

    import statportal.demo

    app = make_app(make_settings(tmp_path_factory.mktemp("live")))
    with open_portal(app) as portal:
        statportal.demo.add_demo_content(app.registry, portal,
                                         password_factory=lambda: DEMO_PASSWORD)
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True, name="live-server")
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.effective_port}", app=app)
    finally:
        server.close()
        thread.join(timeout=5)
        close_app(app)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _missing(f"the browser tests need Chromium at {CHROMIUM} "
                 "(apt-get install chromium fonts-dejavu-core)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def context(browser, live_server, request):
    """A fresh browser context (no cookies) on the live server; English unless asked."""
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(10_000)
    yield context
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        # What the browser showed when the test failed: test-artifacts/<test>-<n>.png
        ARTIFACTS.mkdir(exist_ok=True)
        for n, page in enumerate(context.pages):
            name = request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{n}.png"), full_page=True)
            except Exception as exc:  # best effort: the failure is reported anyway
                print(f"no screenshot of page {n}: {exc}")
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def axe_source():
    """axe-core from node_modules, installed by `npm ci` (package-lock.json) when missing."""
    npm = shutil.which("npm")
    if not AXE_JS.exists() and npm and (REPO / "package-lock.json").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=REPO,
                       check=False, timeout=300)
    if not AXE_JS.exists():
        _missing(f"axe-core is not installed at {AXE_JS}: run `npm ci` in {REPO}")
    return AXE_JS
