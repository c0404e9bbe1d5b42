"""The Question's JSON: the asker's details only for those who handle it."""

from statportal.questions.workflow import PERSONAL

PERSONAL_FIELDS = ("name", "email", "organisation", "attachment")


def serialize_question(request, question, data):
    if not request.has_permission(PERSONAL, question):
        for key in PERSONAL_FIELDS:
            data.pop(key, None)
    if request.authenticated_userid is None:
        data.pop("units", None)
        data.pop("creator", None)
    return data
