"""Delivering the queued mail to the test SMTP server."""

from statportal.testing import open_portal


def deliver(app, now=None):
    from statportal.mail import deliver_pending
    from statportal.mail.outbox import delivery_from_settings

    return deliver_pending(app.registry._zodb_databases[""],
                           delivery_from_settings(app.registry.settings), now=now)


def outbox(app):
    from statportal.mail import get_outbox

    with open_portal(app) as portal:
        return [(m.state, m.attempts, m.last_error) for m in (get_outbox(portal) or {}).values()]
