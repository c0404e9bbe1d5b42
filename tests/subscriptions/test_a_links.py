"""The links every message carries (issue 21, part A): RFC 8058's one-click unsubscribe
(a POST with ``List-Unsubscribe=One-Click``, no session, no CSRF token), the unsubscribe
page (GET removes nothing), and the manage page that changes the choice without an
account."""

from webtest import TestApp

from statportal import clock
from statportal.subscriptions.resources import add_confirmed, find, get_store
from statportal.subscriptions.tokens import make_token
from statportal.testing import TEST_SECRET, last_transaction, open_portal

SECTION = "/official-statistics/economy"


def _subscriber(app, address, **choice):
    with open_portal(app) as portal:
        subscriber = add_confirmed(portal, address, "en", **choice)
        return {purpose: make_token(TEST_SECRET, purpose, subscriber, clock.now())
                for purpose in ("unsubscribe", "manage")}


def _fresh(app, address):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en", "REMOTE_ADDR": address})


def test_one_click_unsubscribe_needs_no_session_or_csrf(sub_app):
    tokens = _subscriber(sub_app, "one.click@example.org", sections=(SECTION,))
    mail_client = _fresh(sub_app, "10.1.0.1")
    before = last_transaction(sub_app)
    page = mail_client.get(f"/subscriptions/unsubscribe?token={tokens['unsubscribe']}")
    assert "subscription-action" in page.text and last_transaction(sub_app) == before
    with open_portal(sub_app) as portal:
        assert find(portal, "one.click@example.org") is not None
    # what a mail client sends (RFC 8058 section 3.1): no cookie, no CSRF token
    done = _fresh(sub_app, "10.1.0.2").post(
        f"/subscriptions/unsubscribe?token={tokens['unsubscribe']}",
        "List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"}, status=200)
    assert "unsubscribed" in done.text
    with open_portal(sub_app) as portal:
        assert find(portal, "one.click@example.org") is None
        assert "one.click@example.org" not in get_store(portal).by_email
    # the link again (RFC 8058 clients retry): the same answer; the manage link: nothing
    # left to act on
    again = _fresh(sub_app, "10.1.0.3").post(
        f"/subscriptions/unsubscribe?token={tokens['unsubscribe']}",
        "List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"}, status=200)
    assert "You are unsubscribed" in again.text
    mail_client.get(f"/subscriptions/manage?token={tokens['manage']}", status=400)
    forged = _fresh(sub_app, "10.1.0.4").post(
        "/subscriptions/unsubscribe?token=x.0.0.y", "List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"}, status=400)
    assert "not valid" in forged.text


def test_the_manage_page_changes_the_choice_and_can_end_it(sub_app):
    tokens = _subscriber(sub_app, "manager.of.mine@example.org", sections=(SECTION,))
    browser = _fresh(sub_app, "10.1.0.5")
    page = browser.get(f"/subscriptions/manage?token={tokens['manage']}")
    assert "manager.of.mine@example.org" in page.text
    form = page.forms["subscription-form"]
    checked = [f.value for f in form.fields["checkbox"] if f.checked]
    assert checked == [SECTION]
    for field in form.fields["checkbox"]:
        field.checked = False
    form.fields["calendar"][0].checked = True
    frequency, = [name for name, fields in form.fields.items()
                  if any(value == "daily" for value, *_rest in getattr(fields[0], "options", ()))]
    form[frequency] = "daily"              # deform names a radio group by its field's oid
    saved = form.submit("save", status=200)
    assert "is changed" in saved.text
    with open_portal(sub_app) as portal:
        subscriber = find(portal, "manager.of.mine@example.org")
        assert subscriber.sections == () and subscriber.calendar is True
        assert subscriber.frequency == "daily"
    # without the page's CSRF token a change is refused
    _fresh(sub_app, "10.1.0.6").post(f"/subscriptions/manage?token={tokens['manage']}",
                                     {"save": "save"}, status=400)
    ended = saved.forms["subscription-form"].submit("unsubscribe", status=200)
    assert "unsubscribed" in ended.text
    with open_portal(sub_app) as portal:
        assert find(portal, "manager.of.mine@example.org") is None
