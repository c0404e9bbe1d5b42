"""One application for the subscription tests of a module (demo sections, no materials):
each test uses its own client address and e-mail addresses, so the limits of one do not
reach another."""

import pytest

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal


@pytest.fixture(scope="module")
def sub_app(tmp_path_factory):
    from statportal.demo import add_demo_content

    app = make_app(make_settings(tmp_path_factory.mktemp("subscriptions")))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    yield app
    close_app(app)
