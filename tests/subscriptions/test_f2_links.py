"""Review of issue 21 (F2): a link's page acts only on POST -- HEAD (what mail scanners
send), GET and OPTIONS write nothing; a confirmation link opened again says the
subscription is active; a second one-click unsubscribe (RFC 8058 clients retry) is
answered 200; the release calendar's checkbox has a label beside it."""

from webtest import TestApp

from statportal import clock
from statportal.subscriptions.resources import add_confirmed, find, subscribe
from statportal.subscriptions.tokens import make_token
from statportal.testing import TEST_SECRET, last_transaction, open_portal

SECTION = "/official-statistics/economy"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _client(app, address):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en", "REMOTE_ADDR": address})


def test_head_get_options_of_the_links_write_nothing(sub_app):
    with open_portal(sub_app) as portal:
        _subscriber, confirm = subscribe(portal, {"email": "head@example.org",
                                                  "sections": [SECTION]}, clock.now(),
                                         secret=TEST_SECRET)
        kept = add_confirmed(portal, "kept@example.org", "en", sections=(SECTION,))
        links = {purpose: make_token(TEST_SECRET, purpose, kept, clock.now())
                 for purpose in ("unsubscribe", "manage")}
    client = _client(sub_app, "10.2.0.1")
    before = last_transaction(sub_app)
    for url in (f"/subscriptions/confirm?token={confirm}",
                f"/subscriptions/unsubscribe?token={links['unsubscribe']}",
                f"/subscriptions/manage?token={links['manage']}"):
        client.head(url, status=200)
        assert "subscription-action" in client.get(url).text or "manage" in url
        client.options(url, expect_errors=True)
    assert last_transaction(sub_app) == before
    with open_portal(sub_app) as portal:
        assert find(portal, "head@example.org").confirmed is None
        assert find(portal, "kept@example.org") is not None
    # the button (a POST) still acts
    client.post(f"/subscriptions/unsubscribe?token={links['unsubscribe']}",
                "List-Unsubscribe=One-Click", headers=FORM, status=200)
    with open_portal(sub_app) as portal:
        assert find(portal, "kept@example.org") is None


def test_used_links_say_what_is_true(sub_app):
    with open_portal(sub_app) as portal:
        _subscriber, token = subscribe(portal, {"email": "twice@example.org",
                                                "sections": [SECTION]}, clock.now(),
                                       secret=TEST_SECRET)
    client = _client(sub_app, "10.2.0.2")
    page = client.get(f"/subscriptions/confirm?token={token}")
    client.post(f"/subscriptions/confirm?token={token}",
                {"token": token, "csrf_token": page.form["csrf_token"].value}, status=200)
    again = client.get(f"/subscriptions/confirm?token={token}", status=200)
    assert "Your subscription is active" in again.text
    assert "already been used" not in again.text
    with open_portal(sub_app) as portal:
        link = make_token(TEST_SECRET, "unsubscribe", find(portal, "twice@example.org"),
                          clock.now())
    for _attempt in range(2):       # RFC 8058 clients retry: the same answer
        done = _client(sub_app, "10.2.0.3").post(
            f"/subscriptions/unsubscribe?token={link}", "List-Unsubscribe=One-Click",
            headers=FORM, status=200)
        assert "You are unsubscribed" in done.text
    # the confirmation link of an ended subscription is not "active"
    gone = client.get(f"/subscriptions/confirm?token={token}", status=400)
    assert "already been used" in gone.text and "is active" not in gone.text


def test_the_calendar_choice_has_a_visible_label(sub_app):
    page = _client(sub_app, "10.2.0.4").get("/subscriptions")
    box = page.html.find("input", attrs={"name": "calendar", "type": "checkbox"})
    label = box.find_next_sibling("label")
    assert label is not None and label["for"] == box["id"]
    assert "release" in label.get_text(" ", strip=True).lower()
