"""Fixtures for testing statportal and the packages that extend it (a pytest plugin).

The ``app`` fixture is the real WSGI application on a temporary FileStorage
with blobs; ``testapp`` wraps it in WebTest; ``demo`` fills it with the demo
content and returns the users' passwords; ``open_portal(app)`` gives the
portal inside a committed transaction for setting up and checking data.
"""

from contextlib import contextmanager

import pytest
import transaction
from pyramid.threadlocal import manager

DEMO_PASSWORD = "demo-password-1"  # noqa: S105  # nosec B105 # test fixtures only
TEST_SECRET = "test-secret-0123456789abcdef0123456789"  # noqa: S105  # nosec B105 # tests only


def make_settings(tmp_path, **overrides):
    settings = {
        "zodbconn.uri": f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs",
        "statportal.secret": TEST_SECRET,
        "statportal.retry_pause_ms": "5",
        # Hashing at production cost would make every test wait; the algorithm is the same.
        # The profile is this application's (its registry's IPasswordHashing), not the
        # process's: a test that builds an app with another profile changes no other app.
        "statportal.argon2_profile": "CHEAPEST",
        # Tests deliver mail when they choose (statportal.mail.deliver_pending): a sender
        # thread writing delivery attempts would race with their assertions.
        "statportal.mail.deliver_in_process": "false",
        # Likewise the release worker: tests run its passes under a frozen clock.
        "statportal.worker.in_process": "false",
    }
    settings.update(overrides)
    return settings


def make_app(settings):
    from statportal import main

    return main({}, **settings)


def close_app(app):
    from statportal.interfaces import IMailSender, IWorker

    for iface in (IMailSender, IWorker):
        thread = app.registry.queryUtility(iface)
        if thread is not None:
            thread.stop()
    for db in getattr(app.registry, "_zodb_databases", {}).values():
        db.close()


@contextmanager
def open_portal(app):
    """The app's portal in a transaction that commits when the block ends without error."""
    from statportal.content.resources import ZODB_ROOT_KEY

    db = app.registry._zodb_databases[""]
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    manager.push({"registry": app.registry, "request": None})
    try:
        with tm:
            yield conn.root()[ZODB_ROOT_KEY]
    finally:
        manager.pop()
        conn.close()


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path)


@pytest.fixture
def app(app_settings):
    wsgi = make_app(app_settings)
    yield wsgi
    close_app(wsgi)


@pytest.fixture
def testapp(app):
    from webtest import TestApp

    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en", "REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture
def demo(app):
    """Demo content; every demo user's password is ``DEMO_PASSWORD``."""
    from statportal.demo import add_demo_content

    with open_portal(app) as portal:
        return {login: password for login, password, _roles in
                add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                                 materials=False)}


def last_transaction(app):
    """The id of the database's last committed transaction: unchanged means nothing stored."""
    return app.registry._zodb_databases[""].lastTransaction()


def basic_auth(login, password=DEMO_PASSWORD):
    return ("Basic", (login, password))


def login_html(testapp, login, password=DEMO_PASSWORD):
    """Log in through the login form, as a person would; returns the response."""
    form = testapp.get("/login").forms[0]
    form["login"] = login
    form["password"] = password
    return form.submit(status="*")
