"""statportal.workflow.messages: a transition's message and question from its definition's
data (issue 18, item 3): named values, the workflow's own, a link in parts, defaults."""

import re
from pathlib import Path

from pyramid import testing
from pyramid.request import Request

from statportal.i18n import _
from statportal.workflow import State, Transition, Workflow
from statportal.workflow.messages import confirmation, said

SRC = Path(__file__).parents[2] / "src" / "statportal"


class Thing:
    __name__ = "thing"
    __parent__ = None
    title = {"en": "Budget ${title} <b>", "kk": "Бюджет"}
    number = "2026-000007"


def _request():
    request = Request.blank("/")
    request.registry = testing.setUp().registry
    request._LOCALE_ = "en"
    return request


def teardown_function():
    testing.tearDown()


def _workflow(values=None, **transition):
    return Workflow("w", (State("a", _("A")), State("b", _("Bee"))),
                    (Transition("go", ("a",), "b", "p", _("Go"), **transition),),
                    "a", values=values).check()


def _said(request, workflow):
    return said(request, Thing(), workflow, workflow.transition("go"), {"to": "b"})


def test_a_definition_without_the_new_fields_still_reads_and_says_something():
    request = _request()
    workflow = _workflow()
    chosen = workflow.transition("go")
    assert (chosen.message, chosen.confirm, chosen.irreversible) == (None, None, False)
    assert workflow.notes == {} and workflow.values is None
    # the general message; the user's title is a value, never read as a placeholder
    assert _said(request, workflow) == {"text": "Go: Budget ${title} <b> is now Bee."}
    assert confirmation(request, Thing(), workflow, chosen) is None


def test_named_values_the_workflows_own_and_a_link_in_parts():
    request = _request()
    workflow = _workflow(values=lambda obj, req: {
        "due": "9 December 2026, 09:38", "link": ("the <material>", "http://x/m/")},
        message=_("${number} placed, due ${due}: ${link}!"),
        confirm=_("Go with ${title}?"), irreversible=True)
    done = _said(request, workflow)
    assert done == {"text": "2026-000007 placed, due 9 December 2026, 09:38: the <material>!",
                    "before": "2026-000007 placed, due 9 December 2026, 09:38: ",
                    "link_text": "the <material>", "url": "http://x/m/", "after": "!"}
    asked = confirmation(request, Thing(), workflow, workflow.transition("go"))
    assert asked == {"text": "Go with Budget ${title} <b>?"}


def test_a_translated_value_is_translated_first():
    request = _request()
    workflow = _workflow(values=lambda obj, req: {"outcome": _("it goes ${where}",
                                                                mapping={"where": "now"})},
                         message=_("Done: ${outcome}."))
    assert _said(request, workflow)["text"] == "Done: it goes now."


def test_every_note_in_the_code_has_a_title(app):
    """Each ``note(obj, "<action>", ...)`` the portal writes is titled in some workflow's
    ``notes`` (or is the engine's ``create``): the history never shows a bare name."""
    from statportal.interfaces import IWorkflowRegistry
    from statportal.labels import CORE_ACTIONS

    written = set()
    for path in SRC.rglob("*.py"):
        written |= set(re.findall(r"\bnote\(\s*[\w.]+,\s*\"(\w+)\"", path.read_text("utf-8")))
    assert {"remove_empty_sheets", "primary_data", "register_note"} <= written
    workflows = app.registry.getUtility(IWorkflowRegistry).workflows.values()
    titled = set(CORE_ACTIONS).union(*(w.notes for w in workflows))
    titled |= {t.name for w in workflows for t in w.transitions}
    assert written - titled == set()
