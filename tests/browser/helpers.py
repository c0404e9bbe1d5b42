"""Steps the browser tests share: logging in, running axe-core, starting a material."""

import base64

from statportal.testing import DEMO_PASSWORD


def log_in(page, login, password=DEMO_PASSWORD):
    """Log in through the login form, as a person would; returns the final response."""
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation() as navigation:
        page.click("form.login button[type=submit]")
    return navigation.value


def staff_page(browser, live_server, login, timeout=15_000):
    """A new English browser context with ``login`` logged in; returns its page (close it
    with ``page.context.close()``)."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(timeout)
    page = context.new_page()
    log_in(page, login)
    return page


def start_material(page, section, titles, category):
    """Open the add form of a Material in ``section`` and fill in its titles (kk, ru, en)
    and ``category``; the files and the rest are the caller's."""
    page.goto(f"{section}/@@add?type=Material")
    title = page.locator("fieldset.multilingual").first
    for index, text in enumerate(titles):
        title.locator("input[type=text]").nth(index).fill(text)
    page.select_option("select[name=category]", category)


def run_axe(page, axe_path):
    """axe-core's results for the page as it is now (WCAG 2.x A and AA rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path))
    return page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )


def format_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.extend("      " + s for s in node["failureSummary"].splitlines())
    return "\n".join(lines)


def serious(violations):
    """The violations no page may have: the serious and critical ones."""
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def assert_no_serious_violations(page, axe_source):
    violations = serious(run_axe(page, axe_source)["violations"])
    assert violations == [], format_violations(violations)


def assert_accessible(page, axe_source):
    """No axe-core violation at all, whatever its impact."""
    violations = run_axe(page, axe_source)["violations"]
    assert not violations, format_violations(violations)


def api(context, method, path, login, body=None):
    """``login``'s call of the JSON API through the browser context (set-up that is not
    the page under test); the answer's JSON, or a failure naming the path."""
    token = base64.b64encode(f"{login}:{DEMO_PASSWORD}".encode()).decode()
    response = context.request.fetch(
        f"/++api++{path}", method=method, data=body,
        headers={"Authorization": f"Basic {token}", "Accept": "application/json"})
    assert response.ok, (path, response.status, response.text())
    return response.json()
