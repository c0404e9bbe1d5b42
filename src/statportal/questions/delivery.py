"""Whether the approved answer has left the outbox. "Answer sent" is said only once the
mail server has taken the asker's mail; until then "Answer queued for sending" (the
outbox keeps the state of each mail: ``statportal.mail.mail_state``)."""

from statportal.content.paths import root_of
from statportal.i18n import _

#: What the staff read about the answer's mail, by its outbox state.
STAFF_LABELS = {
    "queued": _("Answer queued for sending"),
    "sent": _("Answer sent"),
    "failed": _("Answer not delivered: the mail server refused it"),
}
#: What the asker reads on the status page, by the same state.
ASKER_LABELS = {
    "queued": _("Answered: the answer is being sent to your e-mail."),
    "sent": _("Answered: the answer was sent to your e-mail."),
    "failed": _("Answered, but the e-mail could not be delivered; the office will contact "
                "you."),
}


def answer_delivery(question):
    """``queued``, ``sent`` or ``failed``: the state of the answer's mail; None while the
    answer is not approved. A question approved before its mail's key was kept
    (``answer_mail`` None), or whose mail the outbox no longer holds, reads as sent: the
    outbox only ever forgot delivered mail."""
    from statportal.mail import mail_state

    if question.sent_at is None:
        return None
    key = getattr(question, "answer_mail", None)
    if key is None:
        return "sent"
    return mail_state(root_of(question), key) or "sent"


def staff_state_label(question, state, default):
    """The state's words for the staff: the ``sent`` state's follow the mail."""
    delivery = answer_delivery(question) if state == "sent" else None
    return STAFF_LABELS[delivery] if delivery in STAFF_LABELS else default


def message_values(question, request):
    """The workflow's values for its messages (``Workflow.values``): after "Approve and
    send" the flash says the answer is queued, not sent."""
    from statportal.workflow import state_of

    if state_of(question, "question", "received") == "sent":
        delivery = answer_delivery(question)
        if delivery in STAFF_LABELS:
            return {"state": STAFF_LABELS[delivery]}
    return {}
