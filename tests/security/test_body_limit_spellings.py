"""The body limit holds for every spelling of a limited path and every method, and another site
cannot spend a visitor's allowance of refusals."""

import pytest

from statportal.testing import last_transaction
from tests.helpers.questions import (
    post_unread,
    stored_questions,
)


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


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_another_method_escapes_neither_the_limit_nor_the_csrf_check(app, testapp, demo,
                                                                     frozen, method):
    """The ask page answers only GET and POST: a form body PUT to it is neither read
    unlimited nor taken as a question without the CSRF token."""
    from webtest import TestRequest

    before = last_transaction(app)
    request = TestRequest.blank("/questions/@@ask", method=method, headers={
        "Accept-Language": "en", "Content-Type": "multipart/form-data; boundary=x"})
    from tests.helpers.questions import Unreadable

    request.environ.update({"REMOTE_ADDR": "203.0.113.91", "wsgi.input": Unreadable(),
                            "CONTENT_LENGTH": str(20 * 1024 * 1024)})
    response = testapp.do_request(request, status="*", expect_errors=True)
    assert response.status_int in (404, 405, 413)
    assert last_transaction(app) == before and stored_questions(app) == []
    small = testapp.request("/questions/@@ask", method=method, body=b"submit=submit",
                            headers={"Accept": "text/html",
                                     "Content-Type": "application/x-www-form-urlencoded"},
                            expect_errors=True)
    assert small.status_int in (404, 405)


# -- the 413 counts, but another site cannot spend a visitor's allowance --------------------
def test_another_site_cannot_use_up_a_visitors_allowance(app, testapp, demo, frozen):
    """A page elsewhere may make its visitors' browsers send large bodies to the ask form
    (a no-cors fetch needs no preflight): such a refusal, which says where it came from,
    does not count against the visitor's address; one from the portal's own pages does."""
    from tests.helpers.questions import ask

    form = {"Content-Type": "multipart/form-data; boundary=x"}
    for _ in range(12):
        post_unread(testapp, "/questions/@@ask", remote="203.0.113.92",
                    Origin="https://evil.example", **form)
        post_unread(testapp, "/questions/@@ask", remote="203.0.113.92", Origin="null",
                    **form)
    ask(testapp, status=201, remote="203.0.113.92")
    for _ in range(10):
        post_unread(testapp, "/questions/@@ask", remote="203.0.113.93",
                    Origin="http://localhost", **form)
    ask(testapp, status=429, remote="203.0.113.93")
