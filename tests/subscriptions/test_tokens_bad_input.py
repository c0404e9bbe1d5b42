"""A token with a digit that is not ASCII ('²' is a digit to str.isdigit, not to int) is
forged: a 400 naming the token, never a 500 (review 2)."""

from datetime import UTC, datetime

import pytest
import webtest

from statportal.subscriptions.tokens import TokenError, read_token


@pytest.mark.parametrize("token", ["abc.\u00b2.0.sig", "abc.0.\u0663.sig", "abc.1.0.sig.x"])
def test_a_token_with_other_digits_is_forged(token):
    with pytest.raises(TokenError) as refused:
        read_token("s3cret", "unsubscribe", token, datetime.now(UTC))
    assert refused.value.reason == "forged"


def test_the_pages_and_the_api_answer_400(sub_app):
    browser = webtest.TestApp(sub_app, extra_environ={"REMOTE_ADDR": "10.9.9.9",
                                                      "HTTP_ACCEPT_LANGUAGE": "en"})
    browser.get("/subscriptions/unsubscribe", {"token": "abc.\u00b2.0.sig"}, status=400)
    answer = browser.post_json("/@subscriptions/confirm", {"token": "abc.0.\u00b9.sig"},
                               status=400)
    assert answer.json["errors"][0]["field"] == "token"
