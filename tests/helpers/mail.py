"""Delivering the queued mail to the test SMTP server."""

from statportal.testing import open_portal


def deliver(app, now=None):
    from statportal.mail import deliver_pending
    from statportal.mail.outbox import delivery_from_settings

    return deliver_pending(app.registry._zodb_databases[""],
                           delivery_from_settings(app.registry.settings), now=now,
                           registry=app.registry)


def outbox(app):
    from statportal.mail import get_outbox

    with open_portal(app) as portal:
        return [(m.state, m.attempts, m.last_error) for m in (get_outbox(portal) or {}).values()]


def outbox_db(keys, queued_at):
    """A database in memory whose portal (a plain mapping under ``statportal``) has one
    queued mail per key, queued at ``queued_at``: the outbox on its own, without an app."""
    import ZODB
    from persistent.mapping import PersistentMapping

    from statportal.mail.outbox import OutgoingMail, get_outbox, get_pending, make_message

    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = conn.root()["statportal"] = PersistentMapping()
        for key in keys:
            get_outbox(portal, create=True)[key] = OutgoingMail(
                make_message("portal@example.org", "someone@example.org", key, "body"),
                queued_at)
            get_pending(portal).insert(key)
    return db


def queue_message(app, subject, text="Кесте жарияланды.\nThe table is published.",
                  html=None, to="aigerim@stat.example.kz"):
    """A message in the outbox, as an action queues one (``queue_mail``'s record)."""
    import time

    from statportal.content.base import utcnow
    from statportal.mail.outbox import OutgoingMail, get_outbox, get_pending, make_message

    message = make_message("portal@stat.example.kz", to, subject, text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    key = f"{time.time_ns():020d}-test"
    with open_portal(app) as portal:
        get_outbox(portal, create=True)[key] = OutgoingMail(message, utcnow())
        get_pending(portal).insert(key)
