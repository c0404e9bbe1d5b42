"""Taldau indicator subscribers: when one of its vintages leaves the embargo, taldau
sends the core's ``DataPublished`` and the indicator's immediate subscribers get one
message (through a real SMTP server); the features do not import each other."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from statportal.testing import open_portal
from statportal.worker.passes import run_task
from tests.helpers.clock import NOW
from tests.helpers.mail import deliver
from tests.helpers.smtp import mail_settings
from tests.helpers.taldau import make_indicator


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)


def test_a_vintage_made_public_tells_the_indicators_subscribers(app, frozen, smtp,
                                                                monkeypatch):
    from statportal.content.paths import find_by_path
    from statportal.subscriptions.resources import add_confirmed
    from statportal.taldau import embargo

    make_indicator(app, "/data/wages", values=[1.0, 2.0], periods=("2024", "2025"),
                   embargoed=True, title={"en": "Average wages", "ru": "Средняя зарплата"})
    with open_portal(app) as portal:
        add_confirmed(portal, "ru@example.org", "ru", indicators=("wages",))
        add_confirmed(portal, "daily@example.org", "en", "daily", indicators=("wages",))
        add_confirmed(portal, "other@example.org", "en", indicators=("population",))

    def release(request, now):   # the worker's release pass on the entry binding it
        from statportal.content.resources import get_portal

        indicator = find_by_path(get_portal(request), "/data/wages")
        monkeypatch.setattr(embargo, "embargoed_of", lambda entry: [
            (indicator, v) for v in indicator.vintages if v.state == "embargoed"])
        return {"vintages": embargo.publish_data(None, now)}

    task = SimpleNamespace(name="release", task=release)
    assert run_task(app.registry, task, NOW, "https://stat.example")[0] == {"vintages": 1}
    assert run_task(app.registry, task, NOW, "https://stat.example")[0] == {"vintages": 0}
    deliver(app, NOW + timedelta(seconds=1))
    (to, message), = smtp.messages          # once, to the immediate subscriber only
    assert to == ["ru@example.org"] and "Средняя зарплата" in message["Subject"]
    assert "https://stat.example/data/wages" in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
