"""A daily subscriber of an indicator gets its new figures in the digest (the immediate
ones by mail at once, as before), and an indicator's subscriber only its own."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from statportal.worker.passes import run_task
from tests.helpers.clock import NOW
from tests.helpers.mail import deliver
from tests.helpers.smtp import mail_settings
from tests.helpers.taldau import make_indicator


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)


def test_the_digest_tells_a_daily_subscriber_of_an_indicator(app, frozen, smtp, monkeypatch):
    from statportal.content.paths import find_by_path
    from statportal.subscriptions.digest import digest_due
    from statportal.subscriptions.resources import add_confirmed
    from statportal.taldau import embargo

    make_indicator(app, "/data/wages", values=[1.0, 2.0], periods=("2024", "2025"),
                   embargoed=True, title={"en": "Average wages"})
    with open_portal(app) as portal:
        add_confirmed(portal, "daily@example.org", "en", "daily", indicators=("wages",))
        add_confirmed(portal, "other@example.org", "en", "daily", indicators=("population",))

    def release(request, now):   # the worker's release pass on the entry binding it
        from statportal.content.resources import get_portal

        indicator = find_by_path(get_portal(request), "/data/wages")
        monkeypatch.setattr(embargo, "embargoed_of", lambda entry: [
            (indicator, v) for v in indicator.vintages if v.state == "embargoed"])
        return {"vintages": embargo.publish_data(None, now)}

    run_task(app.registry, SimpleNamespace(name="release", task=release), NOW,
             "https://stat.example")
    deliver(app, NOW + timedelta(seconds=1))
    assert smtp.messages == []                          # daily: nothing at once
    when = digest_due(app.registry, NOW) + timedelta(seconds=1)
    frozen.set(when)
    run_pass(app.registry, when)
    deliver(app, when + timedelta(seconds=1))
    assert [to for to, _m in smtp.messages] == [["daily@example.org"]]
    body = smtp.messages[0][1].get_body(("plain",)).get_content()
    assert "Average wages" in body and "/data/wages" in body
