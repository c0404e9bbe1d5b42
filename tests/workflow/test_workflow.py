"""The workflow engine through an add-on's workflow, over HTTP and without it."""

import sys
from pathlib import Path

import pytest
from pyramid import testing
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError

from statportal.testing import basic_auth, last_transaction, make_settings

PKGS = str(Path(__file__).parents[1] / "pkgs")
SECTION = "/++api++/official-statistics/economy/industry"
NOTE = f"{SECTION}/n1"


@pytest.fixture
def app_settings(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(PKGS)
    sys.modules.pop("workflow_ext", None)
    return make_settings(tmp_path, **{"statportal.includes": "workflow_ext"})


@pytest.fixture
def note(testapp, demo):
    testapp.authorization = basic_auth("aigerim")
    testapp.post_json(SECTION, {"@type": "Note", "id": "n1", "title": {"kk": "Жазба"}},
                      status=201)
    return testapp


def as_user(testapp, login):
    testapp.authorization = basic_auth(login) if login else None
    return testapp


class TestDefinition:
    def _wf(self, **kw):
        from statportal.workflow import State, Transition, Workflow

        fields = {"name": "w", "initial_state": "a", "states": (State("a"), State("b")),
                  "transitions": (Transition("go", ("a",), "b", "p"),)}
        fields.update(kw)
        return Workflow(**fields)

    def test_check_accepts_and_refuses(self):
        from statportal.workflow import State, Transition, WorkflowDefinitionError

        assert self._wf().check()
        for bad in (dict(initial_state="z"),
                    dict(states=(State("a"), State("a"))),
                    dict(transitions=(Transition("go", ("a",), "nowhere", "p"),)),
                    dict(transitions=(Transition("go", ("a",), "b", ""),)),
                    dict(transitions=(Transition("@go", ("a",), "b", "p"),)),
                    dict(transitions=(Transition("go", ("a",), "b", "p"),
                                      Transition("go", ("b",), "a", "p")))):
            with pytest.raises(WorkflowDefinitionError):
                self._wf(**bad).check()

    def test_directive_checks_and_conflicts(self):
        with testing.testConfig(autocommit=False) as config:
            config.include("statportal.content.registry")
            config.include("statportal.workflow")
            with pytest.raises(ConfigurationError):
                config.add_workflow(self._wf(initial_state="z"))
            config.add_workflow(self._wf(), content_types=("T",))
            config.add_workflow(self._wf(name="other"), content_types=("T",))
            with pytest.raises(ConfigurationConflictError):
                config.commit()


class TestOverHTTP:
    def test_initial_state_and_history(self, note):
        data = note.get(NOTE).json
        assert data["review_state"] == "draft"
        workflow = note.get(f"{NOTE}/@workflow").json
        assert workflow["state"] == {"id": "draft", "title": "Draft"}
        assert [t["id"] for t in workflow["transitions"]] == ["submit"]
        assert workflow["history"][0]["action"] == "create"
        assert workflow["history"][0]["actor"] == "aigerim"

    def test_the_chain(self, note):
        from workflow_ext import EVENTS

        note.post_json(f"{NOTE}/@workflow/submit", {"comment": "ready"}, status=200)
        as_user(note, "yerlan")
        assert [t["id"] for t in note.get(f"{NOTE}/@workflow").json["transitions"]] == \
            ["publish", "return"]
        note.patch_json(NOTE, {"title": {"en": "Note"}}, status=403)  # only in draft
        response = note.post_json(f"{NOTE}/@workflow/return", {}, status=400)
        assert response.json["errors"][0]["field"] == "comment"
        note.post_json(f"{NOTE}/@workflow/return", {"comment": "add English"}, status=200)
        as_user(note, "aigerim")
        note.patch_json(NOTE, {"title": {"en": "Note"}}, status=200)
        note.post_json(f"{NOTE}/@workflow/submit", status=200)
        as_user(note, "yerlan")
        data = note.post_json(f"{NOTE}/@workflow/publish", status=200).json
        assert data["state"]["id"] == "published"
        assert [(e["action"], e["actor"], e["from"], e["to"]) for e in data["history"]] == [
            ("create", "aigerim", None, "draft"),
            ("submit", "aigerim", "draft", "submitted"),
            ("return", "yerlan", "submitted", "draft"),
            ("submit", "aigerim", "draft", "submitted"),
            ("publish", "yerlan", "submitted", "published")]
        assert data["history"][2]["comment"] == "add English"
        assert ("return", "add English") in EVENTS
        as_user(note, None)
        assert note.get(NOTE).json["review_state"] == "published"

    def test_state_acl(self, note):
        as_user(note, None)
        note.get(NOTE, status=401)
        as_user(note, "dana")  # a Coordinator: not in the draft's map
        note.get(NOTE, status=403)
        as_user(note, "yerlan")
        note.get(NOTE, status=200)

    @pytest.mark.parametrize(("login", "name", "status"), [
        ("yerlan", "submit", 403),       # not this user's transition
        ("aigerim", "publish", 409),     # not from draft, whoever asks
        ("admin", "publish", 409),       # allowed to a Manager, but not from draft
        ("aigerim", "fly", 404),
    ])
    def test_refusals_store_nothing(self, app, note, login, name, status):
        as_user(note, login)
        before = last_transaction(app)
        response = note.post_json(f"{NOTE}/@workflow/{name}", {}, status=status)
        assert response.json["errors"][0]["message"]
        assert last_transaction(app) == before

    def test_guard_findings(self, app, note):
        note.post_json(f"{NOTE}/@workflow/submit", status=200)
        as_user(note, "yerlan")
        before = last_transaction(app)
        response = note.post_json(f"{NOTE}/@workflow/publish", status=409)
        assert response.json["errors"] == [{
            "field": "title.en", "message": "An English title is required before publishing.",
            "type": "missing_translation"}]
        assert last_transaction(app) == before
        assert note.get(NOTE).json["review_state"] == "submitted"

    def test_bad_body(self, note):
        note.post_json(f"{NOTE}/@workflow/submit", {"comment": 5}, status=400)
        note.post_json(f"{NOTE}/@workflow/submit", {"other": "x"}, status=400)
        note.post(f"{NOTE}/@workflow/submit", "{", content_type="application/json", status=400)

    def test_no_workflow_on_sections(self, note):
        note.get(f"{SECTION}/@workflow", status=404)
        as_user(note, "admin")
        note.post_json(f"{SECTION}/@workflow/submit", status=404)


class TestHTML:
    def test_page_buttons_and_findings(self, app, note):
        from statportal.testing import login_html

        note.authorization = None
        login_html(note, "aigerim")
        page = note.get("/official-statistics/economy/industry/n1/@@workflow",
                        headers={"Accept": "text/html"})
        assert "State and history" in page.text and "Draft" in page.text
        form = page.forms["workflow-form"]
        page = form.submit("transition", value="submit").follow()
        assert "Submitted" in page.text and "workflow-form" not in page.text
        note.reset()
        login_html(note, "yerlan")
        page = note.get("/official-statistics/economy/industry/n1/@@workflow",
                        headers={"Accept": "text/html"})
        form = page.forms["workflow-form"]
        before = last_transaction(app)
        refused = form.submit("transition", value="publish", status=409)
        assert "An English title is required before publishing." in refused.text
        assert last_transaction(app) == before
        refused = refused.forms["workflow-form"].submit("transition", value="return", status=400)
        assert "Give the reason in the comment." in refused.text
        form = refused.forms["workflow-form"]
        form["comment"] = "Add the English title"
        page = form.submit("transition", value="return").follow()
        assert "Add the English title" in page.text


def test_listings_hide_what_user_may_not_view(note):
    """A draft note's title does not reach the public through listings."""
    as_user(note, None)
    data = note.get(SECTION).json
    assert "n1" not in [item["id"] for item in data["items"]]
    assert data["items_total"] == 0
    page = note.get("/official-statistics/economy/industry/", headers={"Accept": "text/html"})
    assert "Жазба" not in page.text
    as_user(note, "aigerim")
    data = note.get(SECTION).json
    assert [item["id"] for item in data["items"]] == ["n1"] and data["items_total"] == 1


def test_only_the_workflow_package_touches_state_and_history():
    """House rule (d)1: features read state with ``state_of`` and change it only by
    ``fire`` (and ``note``); none reaches into the stored mapping, calls ``_record`` or
    uses the deprecated ``step``/``transition``; a material's ``published_at`` is set by
    its transition's subscriber alone."""
    import ast
    import re
    from pathlib import Path

    import statportal

    package = Path(statportal.__file__).parent
    # the engine's _record called bare (a method of another class, self._record, is not it)
    pattern = re.compile(r"__workflow_state__|__workflow_history__|(?<![.\w])(?<!def )_record\(|"
                         r"\bengine\._record\b|import[^\n]*\b_record\b")
    old_api = {"step", "transition", "_record"}
    offenders = []
    for path in package.rglob("*.py"):
        if path.parent.name == "workflow" and path.parent.parent == package:
            continue
        text = path.read_text()
        imported = {alias.name for node in ast.walk(ast.parse(text))
                    if isinstance(node, ast.ImportFrom)
                    and (node.module or "").startswith("statportal.workflow")
                    for alias in node.names}
        if pattern.search(text) or imported & old_api:
            offenders.append(str(path.relative_to(package)))
    assert offenders == []
    # publishing's effects: the material's subscriber, not Place, the embargo or the worker
    for name in ("placement/placing.py", "releases/embargo.py", "releases/worker.py"):
        assert not re.search(r"material\.published_at\s*=|\.index\(material\)",
                             (package / name).read_text()), name
