"""What the storage tests share beyond fixtures: an ini file for the commands and pserve,
and WebTest clients on an application as the demo's users."""

from webtest import TestApp

from statportal.testing import DEMO_PASSWORD, TEST_SECRET, open_portal


def write_ini(path, uri, **settings):
    """A ``pserve``/``statportal`` CONFIG at ``path`` whose portal is on ``uri``."""
    lines = "".join(f"{name} = {value}\n" for name, value in {
        "zodbconn.uri": uri, "statportal.secret": TEST_SECRET,
        "statportal.argon2_profile": "CHEAPEST", **settings}.items())
    path.write_text("[app:main]\nuse = egg:statportal\n" + lines
                    + "\n[server:main]\nuse = egg:statportal#waitress\nlisten = 127.0.0.1:0\n")
    return str(path)


class Client:
    """WebTest on one application, as the demo's users."""

    def __init__(self, app):
        self.app = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                               "REMOTE_ADDR": "127.0.0.1"})

    def as_user(self, login):
        self.app.authorization = ("Basic", (login, DEMO_PASSWORD)) if login else None
        return self.app


def with_demo(app):
    """The demo's users and sections (no materials) in the app's database; its Client."""
    from statportal.demo import add_demo_content

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    return Client(app)
