"""The docs' names are the code's: the guides name every directive, utility and setting, their
examples register, their links lead somewhere."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


SRC = Path(__file__).resolve().parents[2] / "src" / "statportal"


def test_the_integrators_guide_names_every_directive_and_utility():
    import statportal.interfaces

    guide = (DOCS / "integrators.md").read_text(encoding="utf-8")
    directives = {m for path in SRC.rglob("*.py")
                  for m in re.findall(r'add_directive\("(\w+)"', path.read_text("utf-8"))}
    assert {"add_body_limit", "add_content_type"} <= directives
    assert [d for d in sorted(directives) if f"`config.{d}(" not in guide] == []
    interfaces = [n for n in dir(statportal.interfaces)
                  if n.startswith("I") and n != "Interface"]
    assert [i for i in interfaces if f"`{i}`" not in guide] == []
    # the extension points are one table: no blank line breaks it
    table = guide.split("## Extension points", 1)[1].split("\n\n")[1]
    assert "`config.add_body_limit(" in table and "`config.add_workflow(" in table


def test_the_administrators_guide_lists_the_settings_of_issue_15():
    from statportal.settings import DEFAULTS

    guide = (DOCS / "administrators.md").read_text(encoding="utf-8")
    for name in ("statportal.upload_dir", "statportal.upload_keep_minutes",
                 "statportal.upload_keep_mb", "statportal.upload_keep_total_mb",
                 "statportal.disclosure.presumed_categories",
                 "statportal.worker.in_process"):
        assert f"`{name}`" in guide, name
    for name in ("statportal.upload_keep_minutes", "statportal.upload_keep_mb",
                 "statportal.upload_keep_total_mb"):
        assert f"`{DEFAULTS[name]}`" in guide.split(f"`{name}`", 1)[1].split("\n", 1)[0]


def test_the_guides_body_limit_example_registers(tmp_path, monkeypatch):
    """The integrators' guide's add_body_limit, in an add-on included after statportal."""
    from webtest import TestApp

    from statportal.testing import close_app, make_app, make_settings

    package = tmp_path / "reports_ext"
    package.mkdir()
    (package / "__init__.py").write_text(
        "def includeme(config):\n"
        "    config.add_body_limit('reports', paths=('/reports', '/reports/@@upload'),\n"
        "                          max_bytes=20 * 1024 * 1024, methods=('POST',))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    app = make_app(make_settings(tmp_path, **{"statportal.includes": "reports_ext"}))
    try:
        big = str(20 * 1024 * 1024 + 1)
        client = TestApp(app)
        for path in ("/reports", "/++api++/reports/@@upload/x", "/reports/upload"):
            response = client.post(path, b"x", headers={"Content-Length": big},
                                   status="*", expect_errors=True)
            assert response.status_int == 413, path
        response = client.post("/reports", b"x", status="*", expect_errors=True)
        assert response.status_int != 413
    finally:
        close_app(app)


def _anchors(path):
    """GitHub's anchors of a Markdown file's headings."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            text = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            found.add(text.replace(" ", "-"))
    return found


def test_the_docs_links_lead_somewhere():
    """Every relative link of the README and docs/*.md names a file that exists and, with
    ``#…``, a heading of it (issue 15 added links between the guides)."""
    broken = []
    for page in [DOCS.parent / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for link in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", link):
                continue
            target, _hash, anchor = link.partition("#")
            path = (page.parent / target) if target else page
            if not path.exists() or (anchor and path.suffix == ".md"
                                     and anchor not in _anchors(path)):
                broken.append(f"{page.name}: {link}")
    assert broken == []


def test_the_administrators_guide_covers_the_upgrade_of_issue_17(tmp_path):
    """The settings, the command and the upgrade of issue 17 are in the administrators'
    guide: every evolve step statportal registers is in its table, every built-in role
    group in the groups' table, the command with --dry-run, the settings by name."""
    from pyramid.config import Configurator

    from statportal.evolve import get_evolve_steps
    from statportal.security.roles import BUILTIN_GROUPS
    from statportal.testing import make_settings

    guide = (DOCS / "administrators.md").read_text(encoding="utf-8")
    for name in ("statportal.evolve.pending", "statportal.argon2_profile",
                 "statportal.timezone"):
        assert f"| `{name}` |" in guide, name
    assert "`statportal evolve CONFIG [--dry-run]`" in guide
    assert "statportal evolve etc/production.ini --dry-run" in guide
    config = Configurator(settings=make_settings(tmp_path))
    config.include("statportal")
    config.commit()
    try:
        steps = [(package, version) for package, versions in
                 get_evolve_steps(config.registry).packages.items() for version in versions]
    finally:
        for db in (getattr(config.registry, "_zodb_databases", None) or {}).values():
            db.close()
    assert len(steps) >= 5
    assert [s for s in steps if f"| `{s[0]} {s[1]}` |" not in guide] == []
    assert [g for g, *_ in BUILTIN_GROUPS if f"\n| {g} |" not in guide] == []


def test_the_integrators_own_main_runs_as_the_guide_writes_it(tmp_path, monkeypatch):
    """The guide's "Wiring" main(), as written (its add-on swapped for a test package),
    makes an application that serves the portal and has the add-on's registrations."""
    from webtest import TestApp

    from statportal.testing import close_app, make_settings

    guide = (DOCS / "integrators.md").read_text(encoding="utf-8")
    wiring = guide.split("## Wiring", 1)[1].split("## Extension points", 1)[0]
    code = next(block for block in re.findall(r"```python\n(.*?)```", wiring, flags=re.S)
                if "def main(" in block)
    assert 'config.include("statbureau_reports")' in code
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "pkgs"))
    namespace = {}
    exec(code.replace("statbureau_reports", "workflow_ext"), namespace)  # noqa: S102
    app = namespace["main"]({}, **make_settings(tmp_path))
    try:
        assert TestApp(app).get("/", status=200)
        introspector = app.registry.introspector
        assert "note" in {i.title for i in introspector.get_category("statportal workflows")
                          for i in [i["introspectable"]]}
    finally:
        close_app(app)


def test_the_extension_points_table_gives_each_directives_own_signature(tmp_path):
    """Each directive's row names its parameters in the code's order (a renamed or added
    keyword shows up here); a directive taking ``*args``/``**kw`` names at least the
    parameters it declares."""
    import inspect

    from pyramid.config import Configurator

    from statportal.testing import make_settings

    config = Configurator(settings=make_settings(tmp_path))
    config.include("statportal")
    try:
        directives = {name: func for name, (func, _wrap) in config.registry._directives.items()
                      if func.__module__.startswith("statportal")}
    finally:
        for db in (getattr(config.registry, "_zodb_databases", None) or {}).values():
            db.close()
    table = (DOCS / "integrators.md").read_text(encoding="utf-8") \
        .split("## Extension points", 1)[1].split("\n\n")[1]
    wrong = {}
    for name, func in sorted(directives.items()):
        row = re.search(rf"`config\.{name}\(([^`]*)\)`", table)
        assert row, name
        flat = re.sub(r"\([^()]*\)", "()", row.group(1))  # a default's own commas
        written = [p.split("=")[0].strip() for p in flat.split(",")
                   if p.strip() not in ("", "…", "...")]
        parameters = inspect.signature(func).parameters.values()
        declared = [p.name for p in parameters if p.name != "config"
                    and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        loose = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)
        if (written[:len(declared)] if loose else written) != declared:
            wrong[name] = (written, declared)
    assert wrong == {}
