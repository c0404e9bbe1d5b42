"""An oversized question body is refused unread, counts towards the asker's limit and is not
copied by the retry policy; the limit is configured per path."""

import pytest

from statportal.testing import last_transaction
from tests.helpers.questions import (
    QUESTIONS,
    ask,
    post_unread,
    stored_questions,
)


@pytest.mark.parametrize("where", [QUESTIONS, "/questions", "/questions/@@ask"])
def test_an_oversized_body_is_refused_unread_and_counts(app, testapp, demo, frozen, where):
    before = last_transaction(app)
    form = where.endswith("@@ask")
    headers = {"Content-Type": "multipart/form-data; boundary=x"} if form else {
        "Content-Type": "application/json", "Accept": "application/json"}
    for _ in range(10):
        refused = post_unread(testapp, where, **headers)
        if not form:
            assert refused.json["errors"][0]["field"] == "attachment"
            # the public's attachment limit (issue 16: 2 MB), not the staff's 10 MB
            assert "2 MB" in refused.json["errors"][0]["message"]
        else:
            assert "2 MB" in refused.text and "<html" in refused.text
    assert last_transaction(app) == before and stored_questions(app) == []
    # Ten refusals were ten attempts from that address: the next question waits.
    ask(testapp, status=429, remote="203.0.113.66")
    ask(testapp, status=201, remote="203.0.113.67")


def test_an_oversized_body_is_not_copied_by_the_retry_policy(app, testapp, demo, frozen):
    """pyramid_retry makes the body seekable (copies it) before any tween or view; a body
    refused for its size must never be copied."""
    from webob.request import BaseRequest

    copied = []
    original = BaseRequest.make_body_seekable

    def spy(self):
        copied.append(self.path_info)
        return original(self)

    BaseRequest.make_body_seekable = spy
    try:
        post_unread(testapp, QUESTIONS, remote="203.0.113.70",
                    **{"Content-Type": "application/json"})
        assert copied == []
        ask(testapp, remote="203.0.113.70")
        assert copied[0] == "/++api++/questions"         # a question of normal size is
    finally:                                            # copied for retries, as before
        BaseRequest.make_body_seekable = original


def test_the_body_limit_is_configured_per_path():
    from statportal.security.bodylimit import BodyLimits

    limits = BodyLimits()
    limits.add("questions", ("/questions", "/questions/@@ask"), 1000, methods=("POST",))
    assert limits.refusing("POST", "/questions", 1001).name == "questions"
    assert limits.refusing("POST", "/questions", 1000) is None
    assert limits.refusing("POST", "/questions/q123", 10**9) is None
    assert limits.refusing("PATCH", "/questions", 10**9) is None
    assert limits.refusing("POST", "/questions/@@ask", None) is None
