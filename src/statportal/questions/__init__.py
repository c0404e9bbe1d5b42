"""Questions from the public (art. 24–26; issue #7): the asker's form and status link, the
coordinator's routing to units, the executor's answer, the head's approval (and
international cooperation's, for international organisations), the answer e-mailed and,
where the asker agreed, published in the public Q&A section; a dashboard of deadlines.

``topics`` (registered data), ``resources`` (``/questions`` and the Question),
``schemas`` (one schema for the form and the API), ``workflow`` (the states, as data),
``rules`` (deadlines, hooks, guards, mail; no HTTP), ``messages`` (the e-mails and the
document-management format), ``limits`` (spam defence), ``dashboard`` (the figures),
``views`` (thin).
"""

from statportal.i18n import _
from statportal.security.permissions import ADD, VIEW

ASK = "statportal.question.ask"
DASHBOARD = "statportal.question.dashboard"


def includeme(config):
    from statportal.interfaces import IQuestionLimits
    from statportal.questions import resources, rules, schemas
    from statportal.questions.json import serialize_question
    from statportal.questions.limits import QuestionLimits, body_max_bytes, refuse_body
    from statportal.questions.workflow import QUESTION_WORKFLOW
    from statportal.workflow.events import AfterTransition

    config.include("statportal.questions.topics")
    config.registry.registerUtility(QuestionLimits.from_settings(config.registry.settings),
                                    IQuestionLimits)
    # Asking: a body too large to be a question is refused before anything reads it.
    config.include("statportal.security.bodylimit")
    config.add_body_limit("questions", paths=("/questions", "/questions/@@ask",
                                              "/questions/ask"),
                          # the public's attachments are far smaller than the staff's
                          max_bytes=body_max_bytes(config.registry.settings, anonymous=True),
                          signed_in_max_bytes=body_max_bytes(config.registry.settings),
                          methods=("POST", "PUT", "PATCH"), refuse=refuse_body)
    config.add_content_type(
        "Questions", resources.Questions, schemas.container_schema,
        title=_("Questions and answers"),
        # The staff pages (MANAGE) follow the portal's grant to the staff; a question is
        # added by asking (ASK), or by a coordinator for one that came by post.
        permissions={VIEW: ("Anonymous",), ASK: ("Anonymous",), ADD: ("group:coordinators",),
                     DASHBOARD: ("group:staff",)})
    config.add_content_type(
        "Question", resources.Question, schemas.question_schema, title=_("Question"),
        addable_to=("Questions",), add_permission=ASK,
        name_factory=resources.Questions.new_id,
        create=rules.create_question, update=rules.update_question,
        serializer=serialize_question,
        read_only=("number", "received_at", "due", "routed_at", "answered_at", "sent_at",
                   "published_at", "closed_at"))
    config.add_workflow(QUESTION_WORKFLOW, content_types=("Question",))
    config.add_subscriber(rules.on_transition, AfterTransition)
    # after the rules' own reaction: the catalog sees the question as they left it
    from statportal.content.events import ObjectAdded, ObjectModified
    from statportal.interfaces import IEvolveSteps
    from statportal.questions import catalog

    config.add_subscriber(catalog.on_added, ObjectAdded)
    config.add_subscriber(catalog.on_changed, ObjectModified)
    config.add_subscriber(catalog.on_changed, AfterTransition)
    if config.registry.queryUtility(IEvolveSteps) is not None:
        config.add_evolve_step("statportal.questions",
                               "statportal.questions.catalog.evolve_catalog", 1)
    config.include("statportal.worker")  # add_worker_task
    config.add_worker_task("questions", digest_task)
    config.scan("statportal.questions.views")
    config.include("statportal.questions.openapi")


def digest_task(request, now):
    """The worker's task: the coordinators' morning list (``rules.morning_digest``)."""
    from statportal.content.resources import get_portal
    from statportal.questions.rules import morning_digest

    return {"digests": morning_digest(request, get_portal(request), now)}
