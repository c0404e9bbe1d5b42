"""Issue 15's review of code shape and docs: directives refuse what they would misread,
and the docs' names are the code's."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


class TestAddBodyLimit:
    def _config(self):
        from pyramid.config import Configurator

        config = Configurator(settings={})
        config.include("statportal.security.bodylimit")
        return config

    @pytest.mark.parametrize("kw", [
        {"paths": "/questions", "max_bytes": 10},             # a string: its letters
        {"paths": ("/questions",), "max_bytes": 10, "methods": "POST"},
        {"paths": (), "max_bytes": 10},
        {"paths": ("/questions",), "max_bytes": "10"},
        {"paths": ("/questions",), "max_bytes": -1},
    ])
    def test_what_it_would_misread_is_a_configuration_error(self, kw):
        from pyramid.exceptions import ConfigurationError

        config = self._config()
        with pytest.raises(ConfigurationError, match="add_body_limit 'x'"):
            config.add_body_limit("x", **kw)

    def test_a_limit_is_registered_with_its_introspectable(self):
        from statportal.security.bodylimit import get_body_limits

        config = self._config()
        config.add_body_limit("x", paths=("/questions",), max_bytes=10, methods=("post",))
        config.commit()
        limits = get_body_limits(config.registry)
        assert limits.refusing("POST", "/questions", 11).name == "x"
        assert limits.refusing("POST", "/questions", 10) is None
        intr = config.registry.introspector.get("statportal body limits", "x")
        assert intr["paths"] == ("/questions",) and intr["max_bytes"] == 10


@pytest.mark.parametrize("name", ["DISCLOSURE_PRESUMED_CATEGORIES", "DISCLOSURE_THRESHOLD"])
def test_a_disclosure_setting_from_the_environment_keeps_its_dots(name):
    """STATPORTAL_DISCLOSURE_PRESUMED_CATEGORIES names statportal.disclosure.presumed_
    categories (the docs' short form), not an unknown statportal.disclosure_presumed_…"""
    from statportal.settings import apply_environment

    result = apply_environment({}, {f"STATPORTAL_{name}": "3"})
    dotted = "statportal." + name.lower().replace("_", ".", 1)
    assert result[dotted] == "3"
    assert "statportal." + name.lower() not in result


def test_the_presumed_categories_from_the_environment_narrow_the_presumption(tmp_path,
                                                                             monkeypatch):
    from statportal.confidentiality.checks import DisclosureSettings
    from statportal.testing import close_app, make_app, make_settings

    monkeypatch.setenv("STATPORTAL_DISCLOSURE_PRESUMED_CATEGORIES", "bulletin")
    app = make_app(make_settings(tmp_path))
    try:
        settings = DisclosureSettings.from_settings(app.registry.settings)
        assert settings.presumed_categories == frozenset({"bulletin"})
    finally:
        close_app(app)


@pytest.mark.parametrize("setting, said", [
    ("statportal.disclosure.presumed_categories = bulletin rumour",
     "statportal.disclosure.presumed_categories: unknown categories ['rumour']"),
    ("statportal.upload_keep_minutes = 0",
     "The setting 'statportal.upload_keep_minutes' must be at least 1."),
])
@pytest.mark.parametrize("command", [["init"], ["worker", "--once"]])
def test_a_wrong_setting_is_one_line_and_exit_2(tmp_path, capsys, setting, said, command):
    """Issue 15's settings stop a command with the message, not a traceback."""
    from statportal.scripts.cli import main
    from statportal.testing import TEST_SECRET

    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:statportal\n"
                   f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/b\n"
                   f"statportal.secret = {TEST_SECRET}\n{setting}\n")
    assert main([command[0], str(ini), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert err == f"statportal: error: {ini}: {said}\n"


SRC = Path(__file__).resolve().parent.parent / "src" / "statportal"


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
