"""Outgoing mail: queued in the database with the change that causes it, delivered after.

``queue_mail(request, message)`` stores the message in the portal's outbox
inside the current transaction: an aborted change sends nothing, and a
committed one never loses its mail, whatever the mail server does. After
the commit the web process tries to deliver at once; failures are retried
with growing pauses (``deliver_pending``) and, after the last attempt, stay
in the outbox as failed, where a Manager sees them (``/@@outbox``).

Delivery uses smtplib with CRLF line endings (repoze.sendmail passes bare
LF bytes, which servers refuse for lines over 1,000 bytes).
"""

from statportal.mail.outbox import (
    OutgoingMail,
    deliver_pending,
    get_outbox,
    mail_state,
    make_message,
    queue_mail,
)
from statportal.mail.running import kick_of, sender_of
from statportal.mail.staff import queue_staff_mail

__all__ = ["OutgoingMail", "deliver_pending", "get_outbox", "kick_of", "make_message",
           "mail_state", "queue_mail", "queue_staff_mail", "sender_of"]


def includeme(config):
    config.scan("statportal.mail.views")
    config.include("statportal.mail.openapi")
    config.add_subscriber(_start_sender, "pyramid.interfaces.IApplicationCreated")


def _start_sender(event):
    start_sender(event.app.registry)


def start_sender(registry):
    """Start the in-process sender when ``statportal.mail.deliver_in_process`` is true."""
    from pyramid.settings import asbool

    from statportal.interfaces import IMailSender
    from statportal.mail.outbox import delivery_from_settings
    from statportal.mail.sender import MailSender

    settings = registry.settings
    db = (getattr(registry, "_zodb_databases", None) or {}).get("")
    if db is None or not asbool(settings.get("statportal.mail.deliver_in_process", True)):
        return None
    sender = MailSender(db, delivery_from_settings(settings),
                        poll_seconds=float(settings.get("statportal.mail.poll_seconds", 30)))
    registry.registerUtility(sender, IMailSender)
    return sender.start()
