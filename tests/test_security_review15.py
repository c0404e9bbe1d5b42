"""Security review of issue 15's additions: each test failed before its fix."""

import pytest

from statportal.testing import last_transaction
from tests.test_questions import (
    app_settings,  # noqa: F401 (the fixture: mail settings and the EDMS address)
    stored_questions,
)
from tests.test_questions_review2 import post_unread


# -- the body limit: every spelling of the limited paths --------------------------------
@pytest.mark.parametrize("where", ["/questions//@@ask", "/questions/./ask", "/questions/@@ask/x",
                                   "/questions/x/../@@ask", "/questions/@@",
                                   "/++api++/questions/@@", "/++api++//questions"])
def test_no_spelling_of_the_path_escapes_the_body_limit(app, testapp, demo, frozen, where):
    before = last_transaction(app)
    form = "ask" in where
    headers = {"Content-Type": "multipart/form-data; boundary=x"} if form else {
        "Content-Type": "application/json", "Accept": "application/json"}
    post_unread(testapp, where, remote="203.0.113.90", **headers)
    assert last_transaction(app) == before and stored_questions(app) == []


@pytest.mark.parametrize("length", ["-1", "abc", "1e9", " 12x", "²"])
def test_a_length_that_is_no_number_is_an_unknown_length(length):
    from statportal.security.bodylimit import BodyLimits

    limits = BodyLimits()
    limits.add("questions", ("/questions", "/questions/@@ask"), 1000, methods=("POST",))
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/questions/@@ask",
               "CONTENT_LENGTH": length}
    assert limits.for_environ(environ).name == "questions"
    assert limits.for_environ({**environ, "CONTENT_LENGTH": "1000"}) is None
    assert limits.for_environ({**environ, "CONTENT_LENGTH": "1001"}).name == "questions"
    assert limits.for_environ({**environ, "CONTENT_LENGTH": "",
                               "HTTP_TRANSFER_ENCODING": "gzip, chunked"}).name == "questions"
    # Another resource under the folder, or another view, is not the folder's limit.
    assert limits.for_environ({**environ, "PATH_INFO": "/questions/q1/@@edit",
                               "CONTENT_LENGTH": "5000"}) is None
