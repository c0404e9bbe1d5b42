"""The worked add-on of docs/integrators.md: the office's statistical surveys.

A content type (``Survey``: when it closes), a workflow with a guard (planned -> open ->
closed; a survey opens only to close on a later day), a worker task (the worker closes
each open survey once its day has passed) and a material validator (no material that
names an open survey among its keywords is published: a survey's results wait for it to
close). Everything is registered; nothing of statportal is patched or imported from
another feature's insides.
"""

import colander
from BTrees.OOBTree import OOBTree

from statportal import clock
from statportal.content.base import Content
from statportal.content.paths import find_by_path, path_of, root_of
from statportal.content.schemas import ContentSchema
from statportal.i18n import timezone
from statportal.workflow import Finding, State, Transition, Workflow, fire, state_of

OPEN = "survey.open"           # the permission to open a survey
EDIT = "statportal.edit"
DUE = "survey_ext_due"         # on the portal: {(closes_on, path): path} of open surveys


class Survey(Content):
    closes_on = None
    respondents = 0


class SurveySchema(ContentSchema):
    closes_on = colander.SchemaNode(colander.Date(), title="Closes on")
    respondents = colander.SchemaNode(colander.Integer(), title="Respondents", missing=0,
                                      validator=colander.Range(min=0))


def today(request):
    return clock.now().astimezone(timezone(request)).date()


def closes_later(survey, request, transition):
    """The guard of ``open``: a survey opens only until a later day."""
    if survey.closes_on is None or survey.closes_on <= today(request):
        return [Finding("A survey opens only until a later day: set closes_on after today.",
                        field="closes_on", code="closes_too_early")]
    return []


SURVEY_WORKFLOW = Workflow(
    name="survey",
    initial_state="planned",
    states=(
        State("planned", {"en": "Planned"}, {"view": ("Coordinator",), EDIT: ("Coordinator",),
                                             OPEN: ("Coordinator",)}, inherit=False),
        State("open", {"en": "Open"}, {"view": ("Anonymous",)}),
        State("closed", {"en": "Closed"}, {"view": ("Anonymous",)}),
    ),
    transitions=(
        Transition("open", ("planned",), "open", OPEN, {"en": "Open"},
                   guards=(closes_later,)),
        # the worker's: nobody closes a survey by hand
        Transition("close", ("open",), "closed", None, {"en": "Close"}, system=True),
    ),
)


def remember_open(event):
    """An opened survey is kept in an index by the day it closes, so the worker finds the
    due ones without walking the site."""
    survey = event.object
    portal = root_of(survey)
    due = getattr(portal, DUE, None)
    if due is None:
        due = OOBTree()
        setattr(portal, DUE, due)
    due[(survey.closes_on.isoformat(), path_of(survey))] = path_of(survey)


def close_due_surveys(request, now):
    """The worker task: every open survey whose closing day has passed is closed (the
    workflow's system transition, guards and events as for a user)."""
    from statportal.content.resources import get_portal

    portal = get_portal(request)
    due = getattr(portal, DUE, None)
    day = now.astimezone(timezone(request)).date().isoformat()
    closed = 0
    # the keys before (day,): the surveys whose closing day is over
    for key in list(due.keys(max=(day,), excludemax=True)) if due is not None else ():
        survey = find_by_path(portal, due.pop(key))
        if survey is not None and state_of(survey) == "open":
            fire(request, survey, "close", system="system:worker")
            closed += 1
    return {"surveys_closed": closed}


def results_wait_for_the_survey(candidate, request):
    """The material validator: a material naming an open survey (its path among the
    keywords) is not published before the survey closes."""
    from statportal.content.resources import get_portal

    keywords = getattr(candidate, "keywords", None) or ()  # a request has none
    if isinstance(keywords, dict):  # keywords by language
        keywords = [word for words in keywords.values() for word in words]
    portal = get_portal(request)
    findings = []
    for word in keywords:
        survey = find_by_path(portal, word) if word.startswith("/") else None
        if isinstance(survey, Survey) and state_of(survey) == "open":
            findings.append(Finding(f"The survey {word} is still open: its results are "
                                    f"published after it closes ({survey.closes_on}).",
                                    field="keywords", code="survey_open"))
    return findings


def includeme(config):
    from statportal.workflow.events import AfterTransition

    config.add_content_type("Survey", Survey, SurveySchema, title="Survey",
                            addable_to=("Section",))
    config.add_workflow(SURVEY_WORKFLOW, content_types=("Survey",))
    config.add_subscriber(remember_open, AfterTransition, workflow="survey",
                          transition="open")
    config.add_worker_task("surveys", close_due_surveys, interval=3600)
    config.add_material_validator("survey_results", results_wait_for_the_survey)
