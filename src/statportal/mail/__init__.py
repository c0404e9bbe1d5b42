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
    from statportal.mail.outbox import delivery_from_settings

    delivery_from_settings(config.registry.settings)  # a wrong mail.delivery stops here
    config.scan("statportal.mail.views")
    config.scan("statportal.mail.messages_views")
    config.include("statportal.mail.openapi")
    config.add_subscriber(_start_sender, "pyramid.interfaces.IApplicationCreated")


def _start_sender(event):
    start_sender(event.app.registry)


def start_sender(registry, worker=False):
    """Start the sender in this process as ``statportal.mail.deliver_in_process`` says:
    ``auto`` (the default) in a web process only when the database is its own (a
    FileStorage, memory: :func:`statportal.storage.own_storage`), and in ``statportal
    worker`` (``worker``) always; ``true`` always; ``false`` never. The log says which."""
    from pyramid.settings import asbool

    from statportal.interfaces import IMailSender
    from statportal.mail.outbox import delivery_from_settings
    from statportal.mail.sender import MailSender, where_mail_goes
    from statportal.storage import own_storage

    settings = registry.settings
    db = (getattr(registry, "_zodb_databases", None) or {}).get("")
    if db is None:
        return None
    setting = str(settings.get("statportal.mail.deliver_in_process", "auto")).lower()
    if setting == "auto":
        own, storage = own_storage(db.storage)
        wanted = own or worker
        why = f"statportal.mail.deliver_in_process = auto; {storage}" + (
            "" if own else ", shared with other processes") + (
            "; the worker delivers" if worker else "")
    else:
        wanted = asbool(setting)
        why = f"statportal.mail.deliver_in_process = {setting}"
    from statportal.mail.maildir import delivery_kind

    if delivery_kind(settings) == "maildir":
        why += f"; into the maildir {settings.get('mail.maildir')}"
    where_mail_goes(wanted, why, worker)
    if not wanted:
        return None
    sender = MailSender(db, delivery_from_settings(settings),
                        poll_seconds=float(settings.get("statportal.mail.poll_seconds", 30)),
                        registry=registry)
    registry.registerUtility(sender, IMailSender)
    return sender.start()


def delivers_in_worker(registry):
    """Whether ``statportal worker`` delivers mail: unless the setting is ``false``."""
    from pyramid.settings import asbool

    setting = str(registry.settings.get("statportal.mail.deliver_in_process", "auto")).lower()
    return setting == "auto" or asbool(setting)
