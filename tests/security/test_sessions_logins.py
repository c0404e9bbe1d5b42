"""Issue 16, items 4-6: logout and lifetimes end sessions; failed logins slow down the guesser
without locking the owner out; a known or short secret is refused at start-up."""

import pytest
from pyramid.exceptions import ConfigurationError
from webtest import TestApp

from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    login_html,
    make_app,
    make_settings,
    open_portal,
)

HTML = {"Accept": "text/html"}
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105


def client(app, address):
    return TestApp(app, extra_environ={"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"})


def log_out(testapp):
    testapp.get("/logout", headers=HTML).forms[0].submit(status=302)


# -- item 4: logout revokes, sessions have an absolute lifetime ---------------------------

def test_a_cookie_saved_before_logout_is_refused_after(app, demo):
    browser = client(app, "10.0.0.1")
    assert login_html(browser, "dana").status_int == 302
    saved = browser.cookies["statportal_session"]
    browser.get("/requests", headers=HTML, status=200)
    log_out(browser)
    thief = client(app, "10.0.0.9")
    thief.set_cookie("statportal_session", saved)
    response = thief.get("/requests", headers=HTML, status=302)
    assert "/login" in response.headers["Location"]
    # Logging in again starts a session that works.
    assert login_html(browser, "dana").status_int == 302
    browser.get("/requests", headers=HTML, status=200)


def test_logout_ends_the_users_other_sessions_too(app, demo):
    laptop, phone = client(app, "10.0.0.1"), client(app, "10.0.0.2")
    login_html(laptop, "dana")
    login_html(phone, "dana")
    phone.get("/requests", headers=HTML, status=200)
    log_out(laptop)
    phone.get("/requests", headers=HTML, status=302)
    login_html(laptop, "marat")  # another user's session is untouched by dana's logout
    with open_portal(app) as portal:
        assert portal["principals"]["users"]["dana"].session_serial == 1
        assert portal["principals"]["users"]["marat"].session_serial == 0


def test_a_session_ends_at_its_absolute_lifetime_however_active(app, demo, frozen):
    browser = client(app, "10.0.0.1")
    login_html(browser, "dana")
    for _ in range(11):  # busy all day: a request every hour
        frozen.advance(hours=1)
        browser.get("/requests", headers=HTML, status=200)
    frozen.advance(minutes=59)
    browser.get("/requests", headers=HTML, status=200)  # 11:59 after login
    frozen.advance(minutes=1)  # 12 hours: statportal.session_absolute_max_age's default
    response = browser.get("/requests", headers=HTML, status=302)
    assert "/login" in response.headers["Location"]
    assert login_html(browser, "dana").status_int == 302
    browser.get("/requests", headers=HTML, status=200)


def test_the_absolute_lifetime_is_a_setting(tmp_path, frozen):
    from statportal.demo import add_demo_content

    app = make_app(make_settings(tmp_path, **{"statportal.session_absolute_max_age": "600"}))
    try:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        browser = client(app, "10.0.0.1")
        login_html(browser, "dana")
        frozen.advance(seconds=599)
        browser.get("/requests", headers=HTML, status=200)
        frozen.advance(seconds=1)
        browser.get("/requests", headers=HTML, status=302)
    finally:
        close_app(app)


# -- item 5: count once, slow down, never lock the owner out ---------------------------

def test_one_bad_basic_request_counts_once(app, demo):
    api = client(app, "203.0.113.5")
    api.authorization = basic_auth("marat", "wrong-password")
    for _ in range(5):  # statportal.login_max_failures: five free failures
        response = api.get("/++api++/requests", status=401)
        assert response.json["message"] == "Wrong login or password."
    refused = api.get("/++api++/requests", status=429)  # only now, after exactly five
    assert refused.headers["Retry-After"] == "1"


def test_an_attackers_failures_do_not_stop_the_owner(app, demo, frozen):
    owner = client(app, "10.0.0.1")
    assert login_html(owner, "dana").status_int == 302  # dana's usual client
    log_out(owner)
    attacker = client(app, "203.0.113.66")
    attacker.authorization = basic_auth("dana", "guess")
    waits = []
    for _ in range(12):
        response = attacker.get("/++api++/requests", status=(401, 429))
        if response.status_int == 429:
            wait = int(response.headers["Retry-After"])
            waits.append(wait)
            frozen.advance(seconds=wait)
            attacker.get("/++api++/requests", status=401)
    assert waits == [1, 2, 4, 8, 16, 32, 64]  # slower and slower
    assert attacker.get("/++api++/requests", status=429).headers["Retry-After"] == "128"
    # The right password from the owner's usual client works at once, form and API alike.
    assert login_html(owner, "dana").status_int == 302
    owner.get("/requests", headers=HTML, status=200)
    api = client(app, "10.0.0.1")
    api.authorization = basic_auth("dana")
    assert api.get("/++api++/requests", status=200)
    # A client dana never used is slowed like the attacker (it could be him), not locked out:
    newcomer = client(app, "10.0.0.77")
    page = login_html(newcomer, "dana")
    assert page.status_int == 429
    assert page.headers["Retry-After"] == "128"
    assert "Try again in 3 minutes" in page.text
    frozen.advance(seconds=128)
    assert login_html(newcomer, "dana").status_int == 302


def test_refused_attempts_do_not_check_the_password_or_count(app, demo, frozen):
    attacker = client(app, "203.0.113.7")
    for _ in range(5):
        assert login_html(attacker, "marat", "wrong-password").status_int == 400
    page = login_html(attacker, "marat", DEMO_PASSWORD)  # even the right one must wait
    assert page.status_int == 429
    assert "Try again in 1 s." in page.text
    for _ in range(20):  # hammering while refused changes nothing
        assert login_html(attacker, "marat", "wrong-password").status_int == 429
    frozen.advance(seconds=1)
    assert login_html(attacker, "marat", DEMO_PASSWORD).status_int == 302


# -- item 6: the secret's rules -------------------------------------------------------

@pytest.mark.parametrize(("secret", "message"), [
    (DEVELOPMENT_SECRET, "is the published development secret"),
    ("x" * 31, "has 31 characters, fewer than 32"),
    ("", "is required"),
])
def test_known_or_short_secret_refused_at_start(tmp_path, secret, message):
    with pytest.raises(ConfigurationError, match=message) as refused:
        make_app(make_settings(tmp_path, **{"statportal.secret": secret}))
    assert "STATPORTAL_SECRET" in str(refused.value)
    assert not (tmp_path / "Data.fs").exists()  # refused before any storage is opened


def test_thirty_two_characters_and_the_development_flag_start(tmp_path):
    for settings in ({"statportal.secret": "y" * 32},
                     {"statportal.secret": DEVELOPMENT_SECRET, "statportal.development": "true"}):
        app = make_app(make_settings(tmp_path, **settings))
        close_app(app)


def test_production_ini_refuses_the_development_secret_in_one_line(tmp_path, monkeypatch,
                                                                   capsys):
    from pathlib import Path

    from statportal.scripts.cli import main

    production = Path(__file__).parents[2] / "etc" / "production.ini"
    monkeypatch.setenv("STATPORTAL_ZODBCONN_URI", f"file://{tmp_path}/Data.fs")
    for secret, words in ((DEVELOPMENT_SECRET, "published development secret"),
                          ("short-secret", "has 12 characters")):
        monkeypatch.setenv("STATPORTAL_SECRET", secret)
        assert main(["init", str(production)]) == 2
        err = capsys.readouterr().err
        assert words in err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


def test_logout_sent_with_basic_credentials_still_ends_the_cookies_session(app, demo):
    """A browser that also replays remembered Basic credentials (another login's) logs out:
    the session its cookie carried ends on the server too, not only in that browser."""
    browser = client(app, "10.0.0.1")
    login_html(browser, "dana")
    saved = browser.cookies["statportal_session"]
    browser.authorization = basic_auth("marat")
    log_out(browser)
    thief = client(app, "10.0.0.9")
    thief.set_cookie("statportal_session", saved)
    assert "/login" in thief.get("/requests", headers=HTML, status=302).headers["Location"]
    thief.get("/++api++/requests", status=401)
    with open_portal(app) as portal:
        assert portal["principals"]["users"]["dana"].session_serial == 1
        assert portal["principals"]["users"]["marat"].session_serial == 0


def test_a_cookie_saved_before_logout_is_refused_by_the_json_api(app, demo):
    browser = client(app, "10.0.0.1")
    login_html(browser, "dana")
    saved = browser.cookies["statportal_session"]
    browser.get("/++api++/requests", status=200)
    log_out(browser)
    thief = client(app, "10.0.0.9")
    thief.set_cookie("statportal_session", saved)
    thief.get("/++api++/requests", status=401)


def test_a_huge_login_costs_the_throttle_no_more_memory_than_a_short_one(app, demo):
    """The login form's field is as long as the body limit lets it be: the counts and the
    usual clients keep a fixed-size digest of it, not the text (a megabyte per failure)."""
    import sys

    from statportal.interfaces import ILoginThrottle

    throttle = app.registry.getUtility(ILoginThrottle)
    huge = "x" * 500_000
    for address in ("198.51.100.1", "198.51.100.2"):
        assert login_html(client(app, address), huge, "wrong-password").status_int == 400
    stored = [*throttle._failures, *throttle._trusted]
    assert stored
    assert max(sys.getsizeof(key) for key in stored) < 1000
    # Still one count per login, whatever its case: two failures, not one each.
    throttle.failed(huge.upper(), "198.51.100.3")
    assert max(count for count, _last in throttle._failures.values()) == 3


@pytest.mark.parametrize("value", ["Basic \xe9\xe9\xe9\xe9", "Basic \x00", "basic ###",
                                   "Basic !!!="])
def test_a_malformed_basic_header_answers_401_not_500(app, demo, value):
    api = client(app, "203.0.113.40")
    response = api.get("/++api++/requests", headers={"Authorization": value}, status=401)
    assert response.json["message"] == "Wrong login or password."
