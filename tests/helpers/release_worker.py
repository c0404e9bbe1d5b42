"""The release worker seen from outside: the demo's users over WebTest, a material placed
for a confirmed release, its state read afresh, waiting on the real clock."""

import time

from webtest import TestApp

from statportal.testing import open_portal
from tests.helpers.calendar import entry_payload
from tests.helpers.placement import b64, payload

INDUSTRY = "/official-statistics/economy/industry"


class Client:
    """WebTest against the app, as the demo users with the passwords `init` printed."""

    def __init__(self, app, passwords):
        self.app = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                               "REMOTE_ADDR": "127.0.0.1"})
        self.passwords = passwords

    def as_user(self, login):
        self.app.authorization = ("Basic", (login, self.passwords[login]))
        return self.app


def demo_client(app):
    """The demo's users (no materials) added to the app's database; a Client of them."""
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD

    with open_portal(app) as portal:
        logins = [login for login, _p, _r in add_demo_content(
            app.registry, portal, password_factory=lambda: DEMO_PASSWORD, materials=False)]
    return Client(app, dict.fromkeys(logins, DEMO_PASSWORD))


def schedule_material(client, release_at):
    """A confirmed release at ``release_at`` and a new material placed for it (a .docx: no
    table, so no disclosure basis is needed); returns ``(entry path, material path)``."""
    entry = client.as_user("dana").post_json("/++api++/calendar", entry_payload(
        section=INDUSTRY, release_at=release_at.isoformat(), non_working_confirmed=True),
        status=201).json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    request = client.as_user("aigerim").post_json("/++api++/requests", payload(
        release=entry_path, files=[b64("report.docx")]), status=201).json["@id"].replace(
        "http://localhost", "")
    for login, transition in (("aigerim", "submit"), ("marat", "approve"),
                              ("dana", "register"), ("yerlan", "place")):
        client.as_user(login).post_json(f"{request}/@workflow/{transition}", {})
    material = client.app.get(request).json["material"]
    return entry_path, material


def material_state(app, path):
    """``(state, published_at, last history entry)`` of the material, read afresh."""
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        from statportal.workflow import history_of, state_of

        material = find_by_path(portal, path)
        history = list(history_of(material))
        return state_of(material, "material"), \
            getattr(material, "published_at", None), (history[-1] if history else None)


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()
