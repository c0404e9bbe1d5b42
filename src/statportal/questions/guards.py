"""What the question workflow (``workflow.py``) checks before a step: its guards and the
branch of ``approve``. Here, below both the workflow and ``rules.py``, so that the
workflow's definition needs nothing of the rules that use its permissions."""

from statportal.i18n import _
from statportal.workflow import Finding


def units_guard(question, request, transition):
    if not question.units:
        return [Finding(_("Choose the units that answer before routing."), field="units",
                        code="required")]
    return []


def answer_guard(question, request, transition):
    if not (question.answer or "").strip():
        return [Finding(_("Write the answer before sending it for approval."),
                        field="answer", code="required")]
    return []


def publish_guard(question, request, transition):
    if not question.may_publish:
        return [Finding(_("The asker did not agree to publication."), field="may_publish",
                        code="not_agreed")]
    return []


def is_international(question):
    return bool(question.international)
