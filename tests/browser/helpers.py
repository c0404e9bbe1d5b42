"""Steps the browser tests share: logging in, running axe-core."""

from statportal.testing import DEMO_PASSWORD


def log_in(page, login, password=DEMO_PASSWORD):
    """Log in through the login form, as a person would; returns the final response."""
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation() as navigation:
        page.click("form.login button[type=submit]")
    return navigation.value


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
