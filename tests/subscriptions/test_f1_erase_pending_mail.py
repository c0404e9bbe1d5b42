"""Erasing an address also drops the confirmation mail still waiting in the outbox for it
(a single mail, not a mailing): nothing more goes to an erased address."""

from webtest import TestApp

from statportal.mail.outbox import get_outbox, get_pending
from statportal.subscriptions.privacy import erase_data, export_data
from statportal.testing import open_portal


def _to(portal, address):
    outbox = get_outbox(portal)
    return [key for key in get_pending(portal)
            if address in getattr(outbox[key], "recipients", ())]


def test_erase_drops_the_pending_confirmation_mail(sub_app):
    client = TestApp(sub_app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                             "REMOTE_ADDR": "10.9.1.1"})
    client.post_json("/@subscriptions", {"email": "gone@example.org",
                                         "sections": ["/official-statistics/economy"]},
                     status=202)
    with open_portal(sub_app) as portal:
        assert len(_to(portal, "gone@example.org")) == 1
        assert export_data(portal, "gone@example.org")["queued_messages"] == 1
        done = erase_data(portal, "Gone@Example.org ")
    assert done == {"subscriber": True, "queued_mail": 1}
    with open_portal(sub_app) as portal:
        assert _to(portal, "gone@example.org") == []
        assert not any("gone@example.org" in getattr(mail, "recipients", ())
                       for mail in get_outbox(portal).values())   # its bytes gone too
        assert erase_data(portal, "gone@example.org") is None   # nothing left of it
