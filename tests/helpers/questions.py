"""Questions from the public through the API and the forms."""


from datetime import UTC, datetime

from statportal.testing import open_portal
from tests.helpers.placement import as_user, step

QUESTIONS = "/++api++/questions"


UNIT = "/orgunits/industry-statistics"


OTHER_UNIT = "/orgunits/labour-statistics"

#: What identifies the asker: never shown to the public nor on the units' board.
ASKER_DETAILS = ("asel@bank.example.kz", "Асель", "Halyk Bank")


def question(**changes):
    return {"@type": "Question", "name": "Асель Нұрова", "email": "asel@bank.example.kz",
            "organisation": "Halyk Bank", "international": False, "topic": "prices",
            "text": "Why did the consumer price index for food rise in October?",
            "may_publish": True, "language": "en", **changes}


def ask(testapp, status=201, remote="203.0.113.7", **changes):
    as_user(testapp, None)
    return testapp.post_json(QUESTIONS, question(**changes), status=status,
                             extra_environ={"REMOTE_ADDR": remote})


def path(data):
    return data["@id"].replace("http://localhost", "")


def stored_questions(app):
    with open_portal(app) as portal:
        return sorted(portal["questions"].keys())


def almaty(text):
    return datetime.fromisoformat(text).astimezone(UTC)


def _ask_form(testapp, **fields):
    as_user(testapp, None)
    form = testapp.get("/questions/@@ask", headers={"Accept-Language": "en"}).forms[
        "edit-form"]
    values = {"name": "Daniyar Abenov", "email": "daniyar@uni.example.kz",
              "topic": "labour", "text": "Where can I find the unemployment rate by region?",
              "language": "en", **fields}
    for key, value in values.items():
        form[key] = value
    return form




def routed(testapp, units=(UNIT,), **changes):
    url = path(ask(testapp, **changes).json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": list(units)})
    return url


def stored(app, url):
    """The question as stored, as a plain dict of what matters here."""
    with open_portal(app) as portal:
        q = portal["questions"][url.rsplit("/", 1)[1]]
        return {"units": q.units, "answer": q.answer, "due": q.due, "text": q.text,
                "international": q.international, "name": q.name, "email": q.email,
                "public_text": q.public_text, "history": len(q.__workflow_history__)}


def published_question(testapp, **publish):
    url = routed(testapp)
    as_user(testapp, "aigerim").post_json(f"{url}/@workflow/answer", {
        "answer": "Dear Ms Nurova, vegetables rose by 9 %."})
    step(testapp, "marat", url, "approve")
    as_user(testapp, "dana").post_json(f"{url}/@workflow/publish", publish)
    return url


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readlines = read

    def __iter__(self):
        raise AssertionError("the body was read")


def post_unread(testapp, where, status=413, remote="203.0.113.66", **headers):
    """POST a body of 20 MB that nobody may read (WebTest would set its real length)."""
    from webtest import TestRequest

    request = TestRequest.blank(where, method="POST",
                                headers={"Accept-Language": "en", **headers})
    request.environ.update({"REMOTE_ADDR": remote, "wsgi.input": Unreadable(),
                            "CONTENT_LENGTH": str(20 * 1024 * 1024)})
    return testapp.do_request(request, status=status, expect_errors=True)
