"""A large body is refused before anything reads it, except by the signed-in staff's uploads; the
public's question body is bounded by the public's attachment."""

import base64
import json
import time

import pytest

from statportal.testing import last_transaction, login_html, make_settings
from tests.helpers.placement import REQUESTS, as_user, payload
from tests.helpers.questions import Unreadable

MB = 1024 * 1024


@pytest.fixture
def app_settings(tmp_path):
    # The default body limit as shipped (1 MB); files of 2 MB, so signed-in bodies of 8 MB.
    return make_settings(tmp_path, **{"statportal.file_max_mb": "2"})


def send_unread(testapp, where, length, status, **headers):
    """POST ``length`` bytes that nobody may read (the test fails if anything does)."""
    from webtest import TestRequest

    request = TestRequest.blank(where, method="POST",
                                headers={"Accept-Language": "en", **headers})
    request.environ.update({"REMOTE_ADDR": "203.0.113.5", "wsgi.input": Unreadable(),
                            "CONTENT_LENGTH": str(length)})
    return testapp.do_request(request, status=status, expect_errors=True)


@pytest.fixture
def copies():
    """The paths whose bodies pyramid_retry copied (``make_body_seekable``)."""
    from webob.request import BaseRequest

    copied = []
    original = BaseRequest.make_body_seekable

    def spy(self):
        copied.append(self.path_info)
        return original(self)

    BaseRequest.make_body_seekable = spy
    yield copied
    BaseRequest.make_body_seekable = original


# -- 3. a large body is refused early ---------------------------------------------------------
@pytest.mark.parametrize("where", ["/login", "/", "/official-statistics/@@search", "/requests",
                                   "/++api++/requests", "/nowhere/@@at-all"])
def test_a_large_form_is_refused_unread_and_uncopied(app, testapp, demo, copies, where):
    before = last_transaction(app)
    started = time.monotonic()
    refused = send_unread(testapp, where, 21 * MB, 413,
                          **{"Content-Type": "application/x-www-form-urlencoded"})
    assert time.monotonic() - started < 2
    # No hop-by-hop header from the application (PEP 3333): waitress turned it into a 500.
    assert "Connection" not in refused.headers
    assert copies == [] and last_transaction(app) == before


def test_a_real_body_just_over_the_default_is_refused_and_one_under_is_read(app, testapp, demo):
    before = last_transaction(app)
    over = "login=" + "x" * (MB - 5)                     # 1 MB + 1 byte
    refused = testapp.post("/login", over, status=413, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    assert "Too large" in refused.text and "at most 1 MB may be sent here" in refused.text
    under = "login=" + "x" * (MB - 6)                    # exactly 1 MB: read, then CSRF
    testapp.post("/login", under, status=400, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    assert last_transaction(app) == before


def test_the_default_limit_is_a_setting(tmp_path):
    from webtest import TestApp

    from statportal.testing import close_app, make_app

    app = make_app(make_settings(tmp_path, **{"statportal.body_limit_kb": "4"}))
    try:
        client = TestApp(app)
        client.post("/login", "login=" + "x" * 4096, status=413, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        client.post("/login", "login=" + "x" * 4000, status=400, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
    finally:
        close_app(app)


@pytest.mark.parametrize("value", ["x", "0", "-5"])
def test_a_bad_default_limit_stops_the_start(tmp_path, value):
    from pyramid.exceptions import ConfigurationError

    from statportal.testing import make_app

    with pytest.raises(ConfigurationError, match="statportal.body_limit_kb"):
        make_app(make_settings(tmp_path, **{"statportal.body_limit_kb": value}))


def text_file(size):
    data = ("Өнеркәсіп 2026\n" * (size // 24 + 1)).encode()[:size]
    data = data[:len(data.decode("utf-8", "ignore").encode())]
    return {"data": base64.b64encode(data).decode(), "encoding": "base64",
            "filename": "notes.txt", "content-type": "text/plain"}


def test_staff_uploads_keep_their_own_limits(app, testapp, demo, copies):
    as_user(testapp, "aigerim")
    big = payload(files=[payload()["files"][0], text_file(int(1.9 * MB))])
    body = json.dumps(big).encode()
    assert len(body) > 2 * MB                            # over the default, under 4 × 2 MB
    created = testapp.post(REQUESTS, body, status=201,
                           headers={"Content-Type": "application/json"})
    assert len(created.json["files"]) == 2 and copies[0] == REQUESTS   # read, copied
    # the file's own limit (2 MB) is the upload's validator's, in its own words
    too_big = payload(files=[text_file(int(2.2 * MB))])
    before = last_transaction(app)
    refused = testapp.post_json(REQUESTS, too_big, status=400)
    assert refused.json["errors"][0]["field"].startswith("files")
    # a body over four files' worth is refused unread, signed in or not
    send_unread(testapp, REQUESTS, 8 * MB + 1, 413, **{
        "Content-Type": "application/json",
        "Authorization": testapp.extra_environ["HTTP_AUTHORIZATION"]})
    assert last_transaction(app) == before


def test_a_signed_in_session_may_send_more_than_the_default(app, testapp, demo):
    body = "title=" + "x" * (2 * MB)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    testapp.post("/official-statistics/@@add", body, headers=headers, status=413)
    login_html(testapp, "admin")
    # read and parsed: then refused for its missing CSRF token, not for its size
    refused = testapp.post("/official-statistics/@@add", body, headers=headers, status=400)
    assert "Too large" not in refused.text


def test_a_session_past_its_lifetime_is_no_signed_in_session(app, testapp, demo, frozen):
    login_html(testapp, "admin")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    body = "title=" + "x" * (2 * MB)
    # within its lifetime: read, then refused for its missing CSRF token, not its size
    testapp.post("/official-statistics/@@add", body, headers=headers, status=400)
    frozen.advance(hours=13)                                 # the absolute lifetime is 12 h
    send_unread(testapp, "/official-statistics/@@add", 2 * MB, 413, **headers)


def test_a_forged_session_cookie_is_no_signed_in_session(app, testapp, demo):
    testapp.set_cookie("statportal_session", "forged-" + "a" * 40)
    send_unread(testapp, "/login", 2 * MB, 413,
                **{"Content-Type": "application/x-www-form-urlencoded"})


def test_the_publics_question_body_is_bounded_by_the_publics_attachment(app, testapp, demo,
                                                                          copies):
    """The questions' own body limit followed the staff's attachments (10 MB: 14 MB of body)
    for everyone, so the public could have 14 MB parsed before any check although its
    attachments may have only 2 MB: its bodies now stop at 2 MB's worth (3 MB)."""
    from statportal.questions.limits import body_max_bytes

    settings = app.registry.settings
    public, staff = body_max_bytes(settings, anonymous=True), body_max_bytes(settings)
    assert public == 3 * MB and staff == 14 * MB
    before = last_transaction(app)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = send_unread(testapp, "/questions/@@ask", public + 1, 413, **headers)
    assert "at most 2 MB" in refused.text
    send_unread(testapp, "/++api++/questions", public + 1, 413, **headers)
    assert copies == [] and last_transaction(app) == before
    # signed in, the staff's own limit still governs the same paths
    as_user(testapp, "admin")
    auth = {"Authorization": testapp.extra_environ["HTTP_AUTHORIZATION"]}
    refused = send_unread(testapp, "/questions", staff + 1, 413, **headers, **auth)
    assert "at most 10 MB" in refused.text
    with pytest.raises(Exception, match="read"):     # admitted, then read (Unreadable)
        send_unread(testapp, "/questions", public + 1, 400, **headers, **auth)
