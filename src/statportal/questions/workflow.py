"""The question workflow (art. 24–26), as data.

received —route (Coordinator, with ``units``)→ routed —answer (Executor of a routed unit,
with ``answer``)→ answered —approve (its head)→ sent, or awaiting_international when the
asker is an international organisation —approve_international (IntlCoop)→ sent
—publish (Coordinator, only when the asker agreed)→ published. A head or IntlCoop may
return the answer with a reason; a coordinator may close a question that needs no answer
(spam), with a reason, and reopen it; send a misrouted one back to be routed again; and
withdraw a published answer from the site; while a question is received or routed, a
coordinator may correct the asker's ``international`` flag (CORRECT, noted in the
history). Nothing accepted is ever deleted (the Question's ACL denies DELETE to all).
"""

from statportal.i18n import _
from statportal.questions.delivery import message_values
from statportal.questions.guards import (
    answer_guard,
    is_international,
    publish_guard,
    units_guard,
)
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import State, Transition, Workflow

TRACK = "statportal.question.track"          # the asker's status page (with its secret)
PERSONAL = "statportal.question.personal"    # the asker's name and address
ROUTE = "statportal.question.route"
ANSWER = "statportal.question.answer"
APPROVE = "statportal.question.approve"
APPROVE_INTERNATIONAL = "statportal.question.approve_international"
RETURN = "statportal.question.return"
PUBLISH = "statportal.question.publish"
CLOSE = "statportal.question.close"
REROUTE = "statportal.question.reroute"
WITHDRAW = "statportal.question.withdraw"
REOPEN = "statportal.question.reopen"
CORRECT = "statportal.question.correct"      # the asker's ``international`` flag (art. 26)

UNIT = ("Executor", "HeadOfUnit", "Coordinator")
OFFICE = (*UNIT, "IntlCoop")
ASKER = {TRACK: ("Anonymous",)}


def _state(name, title, **permissions):
    return State(name, title, {**ASKER, **permissions}, inherit=False)


QUESTION_WORKFLOW = Workflow(
    name="question",
    title=_("Question"),
    initial_state="received",
    notes={"international": _("International organisation")},
    states=(
        _state("received", _("Received"), **{
            VIEW: ("Coordinator",), PERSONAL: ("Coordinator",), EDIT: ("Coordinator",),
            ROUTE: ("Coordinator",), CLOSE: ("Coordinator",), CORRECT: ("Coordinator",)}),
        _state("routed", _("Routed"), **{
            VIEW: UNIT, PERSONAL: UNIT, EDIT: ("Executor",), ANSWER: ("Executor",),
            CLOSE: ("Coordinator",), REROUTE: ("Coordinator",), CORRECT: ("Coordinator",)}),
        _state("answered", _("Answered, awaiting approval"), **{
            VIEW: UNIT, PERSONAL: UNIT, EDIT: ("HeadOfUnit",), APPROVE: ("HeadOfUnit",),
            RETURN: ("HeadOfUnit",)}),
        _state("awaiting_international", _("Awaiting international cooperation"), **{
            VIEW: OFFICE, PERSONAL: OFFICE, EDIT: ("IntlCoop",),
            APPROVE_INTERNATIONAL: ("IntlCoop",), RETURN: ("IntlCoop",)}),
        _state("sent", _("Answer sent"), **{
            VIEW: UNIT, PERSONAL: UNIT, EDIT: ("Coordinator",), PUBLISH: ("Coordinator",)}),
        _state("published", _("Published"), **{
            VIEW: ("Anonymous",), PERSONAL: UNIT, EDIT: ("Coordinator",),
            WITHDRAW: ("Coordinator",)}),
        _state("closed", _("Closed without an answer"), **{
            VIEW: ("Coordinator",), PERSONAL: ("Coordinator",), REOPEN: ("Coordinator",)}),
    ),
    transitions=(
        Transition("route", ("received",), "routed", ROUTE, _("Route"),
                   guards=(units_guard,), fields=("units",),
                   message=_("Question ${number} routed to the units.")),
        Transition("answer", ("routed",), "answered", ANSWER, _("Send for approval"),
                   guards=(answer_guard,), fields=("answer",),
                   message=_("The answer to question ${number} was sent for approval.")),
        Transition("approve", ("answered",), "sent", APPROVE, _("Approve and send"),
                   branches=(("awaiting_international", is_international),),
                   message=_("Approved: question ${number} is now ${state}.")),
        Transition("approve_international", ("awaiting_international",), "sent",
                   APPROVE_INTERNATIONAL, _("Agree and send"),
                   message=_("Agreed: the answer to question ${number} is queued for "
                             "sending.")),
        Transition("return", ("answered", "awaiting_international"), "routed", RETURN,
                   _("Return"), requires_comment=True,
                   message=_("The answer to question ${number} was returned to the unit.")),
        Transition("publish", ("sent",), "published", PUBLISH, _("Publish"),
                   guards=(publish_guard,), fields=("public_text", "public_answer"),
                   message=_("Published: ${link}")),
        Transition("withdraw", ("published",), "sent", WITHDRAW, _("Withdraw from the site"),
                   requires_comment=True,
                   message=_("Question ${number} was withdrawn from the site."),
                   confirm=_("Withdraw question ${number} from the site: the public no longer "
                             "sees it; it can be published again.")),
        Transition("reroute", ("routed",), "received", REROUTE, _("Route again"),
                   requires_comment=True,
                   message=_("Question ${number} goes back to the coordinator.")),
        Transition("close", ("received", "routed"), "closed", CLOSE,
                   _("Close without an answer"), requires_comment=True,
                   message=_("Question ${number} was closed without an answer."),
                   confirm=_("Close question ${number} without an answer: the work on it "
                             "stops; the coordinator may reopen it.")),
        Transition("reopen", ("closed",), "received", REOPEN, _("Reopen"),
                   message=_("Question ${number} was reopened.")),
    ),
    # "Answer sent" only once the mail has left the outbox (questions.delivery)
    values=message_values,
)
