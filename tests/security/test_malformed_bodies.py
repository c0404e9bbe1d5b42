"""A malformed body is answered 400 with a message saying what is wrong, never 500; a
well-formed one still passes."""

import pytest

from statportal.testing import last_transaction, make_settings
from tests.helpers.placement import REQUESTS, as_user


@pytest.fixture
def app_settings(tmp_path):
    # The default body limit as shipped (1 MB); files of 2 MB, so signed-in bodies of 8 MB.
    return make_settings(tmp_path, **{"statportal.file_max_mb": "2"})


# -- 7. a malformed body: 400 with a message --------------------------------------------------
MALFORMED = {
    "multipart without boundary": ("multipart/form-data", b"login=x"),
    "multipart, empty boundary": ("multipart/form-data; boundary=", b"--\r\n"),
    "form in an unknown charset": ("application/x-www-form-urlencoded; charset=no-such",
                                   b"login=x"),
    "form in latin-1": ("application/x-www-form-urlencoded; charset=latin-1", b"login=x"),
    "form that is not UTF-8": ("application/x-www-form-urlencoded", b"login=%ff%fe"),
    "invalid JSON": ("application/json", b"{nope"),
    "JSON that is not UTF-8": ("application/json", b'{"a": "\xff"}'),
    "JSON in an unknown charset": ("application/json; charset=no-such", b"{}"),
}


ENCODED = {"gzip-encoded form": ("application/x-www-form-urlencoded", b"\x1f\x8b\x08\0",
                                 "gzip"),
           "unknown encoding": ("application/json", b"{}", "br, x-nope")}


CASES = {**{k: (*v, None) for k, v in MALFORMED.items()}, **ENCODED}


ENDPOINTS = [("/login", None), ("/questions", None), ("/questions/@@ask", None),
             ("/++api++/questions", None), ("/official-statistics/economy", "admin"),
             ("/++api++/official-statistics/economy", "admin"), ("/requests", "aigerim"),
             (REQUESTS, "aigerim")]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(("where", "user"), ENDPOINTS)
def test_a_malformed_body_is_a_400_with_a_message(app, testapp, demo, frozen, where, user,
                                                  case):
    content_type, body, encoding = CASES[case]
    as_user(testapp, user)
    before = last_transaction(app)
    headers = {"Content-Type": content_type}
    if encoding:
        headers["Content-Encoding"] = encoding
    for method in ("POST", "PATCH") if user else ("POST",):
        answer = testapp.request(where, method=method, body=body, headers=headers,
                                 expect_errors=True)
        assert answer.status_int == 400, (method, answer.status, answer.text[:300])
        if answer.content_type == "application/json":
            assert answer.json["message"] and answer.json["errors"][0]["type"] == "invalid"
        else:
            assert "Bad request" in answer.text and "<html" in answer.text
    assert last_transaction(app) == before


def test_the_messages_say_what_is_wrong(app, testapp, demo):
    api = {"Accept": "application/json"}
    said = testapp.post("/login", b"x", headers={**api, "Content-Type": "multipart/form-data"},
                        status=400).json["message"]
    assert "malformed" in said and "multipart/form-data" in said
    said = testapp.post("/login", b"{}", status=400, headers={
        **api, "Content-Type": "application/json; charset=latin-1"}).json["message"]
    assert "UTF-8" in said
    said = testapp.post("/login", b"{}", status=400, headers={
        **api, "Content-Type": "application/json", "Content-Encoding": "gzip"}).json["message"]
    assert "Content-Encoding" in said
    said = testapp.post("/++api++/questions", b"{nope", status=400, headers={
        "Content-Type": "application/json"}).json["message"]
    assert said == "The body is not valid JSON."


def test_a_well_formed_body_still_passes(app, testapp, demo, frozen):
    from tests.helpers.questions import ask

    ask(testapp)                                         # JSON, anonymous
    testapp.post("/login", "login=x", status=400, headers={    # a form: to the CSRF check
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "Content-Encoding": "identity"})
