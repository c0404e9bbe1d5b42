"""``mail.delivery = maildir``: `make serve` keeps its mail in ``var/mail`` and a Manager
reads it at ``/@@messages`` as it would arrive; no SMTP connection is attempted."""

import io
import logging
import mailbox
import re
import shutil
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from pyramid.exceptions import ConfigurationError
from ZODB.POSException import ConflictError

from statportal.mail.outbox import OutgoingMail, get_outbox, get_pending, make_message
from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)
from tests.helpers.mail import deliver, outbox

DEV_INI = Path(__file__).resolve().parents[2] / "etc" / "development.ini"
HOSTILE = '<script>alert("subject")</script> Бағалар'


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path, **{"mail.delivery": "maildir",
                                      "mail.maildir": str(tmp_path / "mail")})


def queue(app, subject, html=None, attachments=()):
    """A message in the outbox, as an action queues one (``queue_mail``'s record)."""
    from statportal.content.base import utcnow

    message = make_message("portal@stat.example.kz", "aigerim@stat.example.kz", subject,
                           "Кесте жарияланды.\nThe table is published.")
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, _sep, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    with open_portal(app) as portal:
        get_outbox(portal, create=True)[f"{time.time_ns():020d}-test"] = OutgoingMail(
            message, utcnow())
        get_pending(portal).insert(next(reversed(get_outbox(portal).keys())))


def test_delivered_into_the_maildir_without_smtp(app, tmp_path):
    queue(app, "Жарияланды")
    assert deliver(app) == (1, 0)
    assert outbox(app)[0][0] == "sent"
    box = mailbox.Maildir(tmp_path / "mail", create=False)
    [key] = box.keys()
    message = box[key]
    assert str(make_header(decode_header(message["Subject"]))) == "Жарияланды"
    assert message["Delivered-To"] == "aigerim@stat.example.kz"
    assert message["Return-Path"] == "<portal@stat.example.kz>"


def test_the_manager_reads_each_message_as_it_would_arrive(app, testapp, demo):
    queue(app, HOSTILE, html='<p onclick="x()">Кесте</p><script>alert(1)</script>',
          attachments=[("Бағалар 2026.csv", "text/csv", b"a;b\n1;2\n")])
    deliver(app)
    testapp.authorization = basic_auth("admin")
    page = testapp.get("/@@messages", headers={"Accept": "text/html"})
    assert "<script>alert(" not in page.text
    assert "&lt;script&gt;alert(" in page.text and "Бағалар" in page.text
    # review: the list's date in the page's language and time zone, not the raw header
    # ("Mon, 07 Dec 2026 21:40:53 -0000")
    when = page.html.select_one("table.listing tbody td").get_text(strip=True)
    assert when and not re.search(r"^[A-Z][a-z]{2},|[+-]\d{4}$", when), when
    one = page.click(href="@@messages\\?key=")
    assert one.status_int == 200 and "Кесте жарияланды." in one.text
    frame = one.html.select_one("iframe.message-html")
    # sandboxed with nothing allowed (no scripts, no forms); the source only as an attribute
    assert frame is not None and "sandbox" in frame.attrs and not frame["sandbox"]
    assert "<script>alert(1)" in frame["srcdoc"] and "<script>alert(1)" not in one.text
    assert "Delivered-To" in one.text and "aigerim@stat.example.kz" in one.text
    download = one.click(description="Бағалар 2026.csv")
    assert download.body == b"a;b\r\n1;2\r\n" or download.body == b"a;b\n1;2\n"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    testapp.authorization = None
    testapp.get("/@@messages", headers={"Accept": "text/html"}, status=(401, 403, 302))
    testapp.authorization = basic_auth("aigerim")
    testapp.get("/@@messages", headers={"Accept": "text/html"}, status=403)
    testapp.authorization = basic_auth("admin")
    testapp.get("/@@messages?key=nothing-here", headers={"Accept": "text/html"}, status=404)
    testapp.get("/@@messages-part?key=nothing&part=1", status=404)


def test_with_smtp_the_page_says_where_mail_goes(tmp_path):
    app = make_app(make_settings(tmp_path))
    try:
        from webtest import TestApp

        from statportal.demo import add_demo_content

        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, materials=False,
                             password_factory=lambda: DEMO_PASSWORD)
        client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
        client.authorization = basic_auth("admin")
        page = client.get("/@@messages", headers={"Accept": "text/html"})
        assert "mail.delivery = smtp" in page.text and "<table" not in page.text
    finally:
        close_app(app)


@pytest.mark.parametrize("value", ["sendmail", "smtp,maildir"])
def test_an_unknown_delivery_stops_the_start(tmp_path, value):
    with pytest.raises(ConfigurationError, match="mail.delivery"):
        make_app(make_settings(tmp_path, **{"mail.delivery": value}))


def test_maildir_without_a_directory_stops_the_start(tmp_path):
    with pytest.raises(ConfigurationError, match="mail.maildir"):
        make_app(make_settings(tmp_path, **{"mail.delivery": "maildir"}))


def test_the_environment_chooses_the_delivery(tmp_path, monkeypatch):
    from statportal.settings import apply_environment

    monkeypatch.setenv("STATPORTAL_MAIL_DELIVERY", "maildir")
    monkeypatch.setenv("STATPORTAL_MAIL_MAILDIR", str(tmp_path / "m"))
    settings = apply_environment({})
    assert settings["mail.delivery"] == "maildir" and settings["mail.maildir"].endswith("/m")


def test_make_serve_delivers_to_var_mail_in_process(tmp_path, monkeypatch):
    """The app of etc/development.ini, as `make serve` runs it (its sender thread, its
    storage, its settings): queued mail lands in var/mail at once, and nothing in the log
    speaks of an SMTP server."""
    import os

    from pyramid.paster import get_app

    from statportal.mail import sender_of
    from statportal.scripts.cli import main

    for name in list(os.environ):
        if name.startswith("STATPORTAL_"):
            monkeypatch.delenv(name)
    (tmp_path / "etc").mkdir()
    ini = tmp_path / "etc" / "development.ini"
    shutil.copy(DEV_INI, ini)
    (tmp_path / "var").mkdir()
    assert main(["init", str(ini)], out=io.StringIO()) == 0
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("statportal.mail")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    app = get_app(str(ini), options={"http_port": "7123"})   # `make serve PORT=7123`
    try:
        assert app.registry.settings["mail.delivery"] == "maildir"
        # the links of mail the worker sends lead to this server, on the port it was given
        assert app.registry.settings["statportal.public_url"] == "http://127.0.0.1:7123"
        for _attempt in range(20):  # the worker's first pass writes beside us
            try:
                queue(app, "make serve")
                break
            except ConflictError:
                time.sleep(0.1)
        sender_of(app.registry).kick()
        box = tmp_path / "var" / "mail" / "new"
        deadline = time.monotonic() + 90  # a wait, not a measure: CI may be loaded
        while time.monotonic() < deadline and not (box.exists() and any(box.iterdir())):
            time.sleep(0.05)
        assert box.exists() and len(list(box.iterdir())) == 1
        assert any("into the maildir" in line for line in lines)
        assert not any("refused" in line.lower() or "not delivered" in line for line in lines)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        close_app(app)
