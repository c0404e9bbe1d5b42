"""A subscriber's personal data on request (issue 21, part D): the Manager's page
``/@@subscribers`` (look up, export as JSON, erase with the CSRF token and a confirmation)
and ``statportal subscribers export|erase CONFIG EMAIL``. Erasure also takes the address off
the queued mailings not yet sent to it."""

import json

from webtest import TestApp

from statportal.mail.bulk import queue_bulk_mail
from statportal.mail.outbox import get_outbox
from statportal.subscriptions.resources import add_confirmed, find
from statportal.testing import close_app, last_transaction, login_html, make_app, open_portal
from tests.helpers.upkeep import portal_at, run

SECTION = "/official-statistics/economy"
PARTS = {"en": {"subject": "A release", "text": "Read it. $unsubscribe_url"}}


def _client(app, address):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en", "REMOTE_ADDR": address})


def _manager(app):
    client = _client(app, "10.4.0.1")
    login_html(client, "admin")
    return client


def _with_mailing(portal, *addresses):
    """Confirmed subscribers of ``addresses`` and one queued mailing to all of them;
    returns the mailing's key."""
    for address in addresses:
        add_confirmed(portal, address, "ru", "daily", sections=(SECTION,), calendar=True)
    return queue_bulk_mail(portal, key_prefix="test-privacy", sender="portal@example.org",
                           parts=PARTS, recipients=[(a, "ru", {}) for a in addresses])


def _recipients(portal, key):
    return [entry[0] for entry in get_outbox(portal)[key].recipients.values()]


def test_only_a_manager_sees_the_page(sub_app):
    _client(sub_app, "10.4.0.2").get("/@@subscribers", status=(302, 303, 401, 403))
    executor = _client(sub_app, "10.4.0.3")
    login_html(executor, "aigerim")
    executor.get("/@@subscribers", status=403)
    executor.post("/@@subscribers", {"email": "x@example.org"}, status=(400, 403))
    page = _manager(sub_app).get("/")
    assert "E-mail address" in page.click(href="@@subscribers").text  # in the user menu


def test_look_up_export_and_erase(sub_app):
    with open_portal(sub_app) as portal:
        key = _with_mailing(portal, "Erase.Me@example.org", "stays@example.org")
    manager = _manager(sub_app)
    before = last_transaction(sub_app)
    form = manager.get("/@@subscribers").forms["subscriber-lookup"]
    form["email"] = "  erase.me@EXAMPLE.org "  # any case, stray spaces
    page = form.submit("action", value="lookup")
    assert "Erase.Me@example.org" in page.text and "Economy" in page.text  # its title
    assert "Daily digest" in page.text
    download = page.forms["subscriber-export"].submit("action", value="export")
    assert download.content_type == "application/json"
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.text)
    assert data["email"] == "Erase.Me@example.org" and data["language"] == "ru"
    assert data["sections"] == [SECTION] and data["calendar"] is True
    assert data["confirmed"].endswith("Z") and "token_version" not in data
    assert data["queued_messages"] == 1 and data["pending"] is None
    assert last_transaction(sub_app) == before  # looking and exporting write nothing

    erase_form = page.forms["subscriber-erase"]
    refused = erase_form.submit("action", value="erase", status=400)  # box not ticked
    assert "Tick the box" in refused.text and 'id="confirm-error"' in refused.text
    # no CSRF token: refused before anything is read
    manager.post("/@@subscribers", {"email": "Erase.Me@example.org", "action": "erase",
                                    "confirm": "yes"}, status=(400, 403))
    assert last_transaction(sub_app) == before
    erase_form["confirm"] = True
    done = erase_form.submit("action", value="erase")
    assert "The address was erased." in done.text and "no longer go to it: 1." in done.text
    with open_portal(sub_app) as portal:
        assert find(portal, "erase.me@example.org") is None
        assert find(portal, "stays@example.org") is not None
        assert _recipients(portal, key) == ["", "stays@example.org"]
    again = manager.get("/@@subscribers").forms["subscriber-lookup"]
    again["email"] = "erase.me@example.org"
    assert "No subscriber has this address" in again.submit("action", value="lookup").text


def test_an_address_only_in_a_queued_mailing(sub_app):
    """Unsubscribed after a mailing was queued: the page still finds, exports and erases
    it from that mailing."""
    with open_portal(sub_app) as portal:
        key = queue_bulk_mail(portal, key_prefix="test-privacy", sender="portal@example.org",
                              parts=PARTS, recipients=[("gone@example.org", "en", {})] * 2)
    manager = _manager(sub_app)
    token = manager.get("/@@subscribers").forms["subscriber-lookup"]["csrf_token"].value
    page = manager.post("/@@subscribers", {"csrf_token": token, "email": "Gone@example.org"})
    assert "messages still being sent are yet to go to it" in page.text
    exported = page.forms["subscriber-export"].submit("action", value="export").json
    assert exported == {"email": "Gone@example.org", "queued_messages": 2}
    erase_form = page.forms["subscriber-erase"]
    erase_form["confirm"] = True
    done = erase_form.submit("action", value="erase")
    assert "no longer go to it: 2." in done.text and "subscription is removed" not in done.text
    with open_portal(sub_app) as portal:
        assert _recipients(portal, key) == ["", ""]


def test_bad_input_names_the_field_and_changes_nothing(sub_app):
    manager = _manager(sub_app)
    form = manager.get("/@@subscribers").forms["subscriber-lookup"]
    token = form["csrf_token"].value
    before = last_transaction(sub_app)
    empty = manager.post("/@@subscribers", {"csrf_token": token, "email": " ",
                                            "action": "erase", "confirm": "yes"}, status=400)
    assert 'id="email-error"' in empty.text and 'aria-invalid="true"' in empty.text
    manager.post("/@@subscribers", {"csrf_token": token, "email": "nobody@example.org",
                                    "action": "erase", "confirm": "yes"}, status=404)
    manager.post("/@@subscribers", {"csrf_token": token, "email": "nobody@example.org",
                                    "action": "export"}, status=404)
    manager.post("/@@subscribers", {"csrf_token": token, "email": "a@example.org",
                                    "action": "drop"}, status=400)
    assert last_transaction(sub_app) == before


def test_hostile_address_is_escaped(sub_app):
    hostile = '"<script>alert(1)</script>"@example.org'
    with open_portal(sub_app) as portal:
        add_confirmed(portal, hostile, "en", sections=("<img src=x onerror=alert(1)>",))
    manager = _manager(sub_app)
    token = manager.get("/@@subscribers").forms["subscriber-lookup"]["csrf_token"].value
    page = manager.post("/@@subscribers", {"csrf_token": token, "email": hostile})
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_commands_export_and_erase(tmp_path, capsys):
    settings, ini = portal_at(tmp_path / "portal")
    app = make_app(settings)
    try:
        with open_portal(app) as portal:
            key = _with_mailing(portal, "cli.person@example.org", "other@example.org")
    finally:
        close_app(app)
    status, out = run("subscribers", "export", ini, "CLI.person@example.org")
    assert status == 0 and json.loads(out)["email"] == "cli.person@example.org"
    status, out = run("subscribers", "erase", ini, "cli.person@example.org")
    assert status == 0 and "1 message(s)" in out
    status, out = run("subscribers", "export", ini, "cli.person@example.org")
    assert status == 1 and out == ""
    status, out = run("subscribers", "erase", ini, "cli.person@example.org")
    assert status == 1 and out == ""
    assert "no subscriber has the address" in capsys.readouterr().err
    app = make_app(settings)
    try:
        with open_portal(app) as portal:
            assert find(portal, "cli.person@example.org") is None
            assert _recipients(portal, key) == ["", "other@example.org"]
    finally:
        close_app(app)
