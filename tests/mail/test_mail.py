"""Mail is queued with the change that causes it and delivered to a real SMTP server."""

import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from statportal.testing import basic_auth, make_settings, open_portal
from tests.helpers.mail import deliver, outbox
from tests.helpers.smtp import Collect, free_port

PKGS = str(Path(__file__).parents[1] / "pkgs")
SECTION = "/++api++/official-statistics/economy/industry"
NOTE = f"{SECTION}/n1"


@pytest.fixture
def app_settings(tmp_path, monkeypatch, smtp_port):
    monkeypatch.syspath_prepend(PKGS)
    sys.modules.pop("workflow_ext", None)
    return make_settings(tmp_path, **{
        "statportal.includes": "workflow_ext", "mail.host": "127.0.0.1",
        "mail.port": str(smtp_port), "mail.default_sender": "portal@stat.example.kz",
        "statportal.mail.deliver_in_process": "false"})


@pytest.fixture
def returned(testapp, demo):
    """A note submitted by aigerim and returned by yerlan: one mail queued."""
    testapp.authorization = basic_auth("aigerim")
    testapp.post_json(SECTION, {"@type": "Note", "id": "n1", "title": {"kk": "Жазба"}},
                      status=201)
    testapp.post_json(f"{NOTE}/@workflow/submit", status=200)
    testapp.authorization = basic_auth("yerlan")
    testapp.post_json(f"{NOTE}/@workflow/return", {"comment": "Ағылшынша атауы жоқ"},
                      status=200)
    return testapp


def test_delivered_to_real_server(app, smtp, returned):
    assert outbox(app) == [("queued", 0, "")]
    assert deliver(app) == (1, 0)
    (recipients, message), = smtp.messages
    assert recipients == ["aigerim@stat.example.kz"]
    assert message["Subject"] == "Жазба қайтарылды"
    assert "Ағылшынша атауы жоқ" in message.get_body(("plain",)).get_content()
    attachment, = message.iter_attachments()
    assert attachment.get_filename() == "note.txt"
    assert outbox(app)[0][0] == "sent"
    assert deliver(app) == (0, 0)  # sent once only


def test_refused_transition_queues_nothing(app, testapp, demo):
    testapp.authorization = basic_auth("aigerim")
    testapp.post_json(SECTION, {"@type": "Note", "id": "n1", "title": {"kk": "Ж"}}, status=201)
    testapp.post_json(f"{NOTE}/@workflow/submit", status=200)
    testapp.authorization = basic_auth("yerlan")
    testapp.post_json(f"{NOTE}/@workflow/return", {}, status=400)  # no reason given
    assert outbox(app) == []


def test_server_down_keeps_the_transition_and_retries(app, smtp_port, returned):
    from statportal.content.base import utcnow

    assert returned.get(NOTE).json["review_state"] == "draft"  # the transition stands
    assert deliver(app) == (0, 1)  # nobody listens on the port yet
    state, attempts, error = outbox(app)[0]
    assert (state, attempts) == ("queued", 1) and "Connection" in error
    assert deliver(app) == (0, 0)  # not due again before the pause
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert deliver(app, now=utcnow() + timedelta(minutes=2)) == (1, 0)
    finally:
        controller.stop()
    assert len(handler.messages) == 1 and outbox(app)[0][0] == "sent"


def test_gives_up_visibly(app, returned):
    from statportal.content.base import utcnow
    from statportal.mail.outbox import RETRY_PAUSES

    now = utcnow()
    for _attempt in range(len(RETRY_PAUSES) + 1):
        deliver(app, now=now)
        now += timedelta(days=1)
    assert outbox(app)[0][:2] == ("failed", len(RETRY_PAUSES) + 1)
    returned.authorization = basic_auth("admin")
    items = returned.get("/++api++/@outbox").json["items"]
    assert items[0]["state"] == "failed" and items[0]["last_error"]
    returned.authorization = basic_auth("dana")
    returned.get("/++api++/@outbox", status=403)


def test_in_process_sender_delivers_after_commit(tmp_path, monkeypatch, smtp, smtp_port):
    """With the in-process sender on, mail arrives without anyone calling deliver."""
    from webtest import TestApp

    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, close_app, make_app

    monkeypatch.syspath_prepend(PKGS)
    app = make_app(make_settings(tmp_path, **{
        "statportal.includes": "workflow_ext", "mail.host": "127.0.0.1",
        "mail.port": str(smtp_port), "mail.default_sender": "portal@stat.example.kz",
        "statportal.mail.deliver_in_process": "true"}))
    try:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        client = TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
        client.authorization = basic_auth("aigerim")
        client.post_json(SECTION, {"@type": "Note", "id": "n1", "title": {"kk": "Ж"}})
        client.post_json(f"{NOTE}/@workflow/submit")
        client.authorization = basic_auth("yerlan")
        client.post_json(f"{NOTE}/@workflow/return", {"comment": "себебі"})
        deadline = time.monotonic() + 10
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp.messages) == 1
    finally:
        close_app(app)


def test_manager_page_and_send_again(app, smtp, returned):
    from statportal.content.base import utcnow
    from statportal.mail.outbox import RETRY_PAUSES
    from statportal.testing import login_html

    smtp_messages = smtp.messages
    # make it fail for good first: point delivery at a closed port
    from statportal.mail import deliver_pending
    from statportal.mail.outbox import SMTPDelivery

    dead = SMTPDelivery("127.0.0.1", free_port())
    now = utcnow()
    for _attempt in range(len(RETRY_PAUSES) + 1):
        deliver_pending(app.registry._zodb_databases[""], dead, now=now)
        now += timedelta(days=1)
    returned.authorization = None
    login_html(returned, "admin")
    page = returned.get("/@@outbox", headers={"Accept": "text/html"})
    assert "Жазба қайтарылды" in page.text and "Failed" in page.text
    page = page.forms[1].submit("reset").follow()
    assert "It will be sent again now." in page.text
    assert deliver(app) == (1, 0) and len(smtp_messages) == 1
