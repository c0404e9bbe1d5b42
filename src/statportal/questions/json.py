"""The Question's JSON: the asker's details only for those who handle it."""

from statportal.questions.workflow import PERSONAL
from statportal.security.staff import is_staff

PERSONAL_FIELDS = ("name", "email", "organisation", "attachment")


def serialize_question(request, question, data):
    from statportal.questions.delivery import answer_delivery

    # queued / sent / failed: whether the answer's mail has left the outbox (issue 18)
    data["answer_delivery"] = answer_delivery(question)
    if not request.has_permission(PERSONAL, question):
        for key in PERSONAL_FIELDS:
            data.pop(key, None)
    if not is_staff(request):
        # The public reads the published wording (the coordinator may have taken out
        # names and personal details; emptied, the question as asked), never the office's
        # working fields.
        data["text"], data["answer"] = question.shown_text(), question.shown_answer()
        for key in ("units", "creator", "public_text", "public_answer", "answer_delivery"):
            data.pop(key, None)
    return data
