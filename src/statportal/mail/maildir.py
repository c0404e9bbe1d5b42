"""Mail delivered to a maildir instead of an SMTP server (``mail.delivery = maildir``).

For development and demonstrations: ``make serve`` writes every message the portal sends
into ``var/mail`` (a standard maildir any mail reader opens), and a Manager reads them on
the ``@@messages`` page as they would arrive. No SMTP connection is attempted, so a
newcomer's log is not filled with refused connections. The envelope is kept the way a
mail server keeps it (``Return-Path`` and ``Delivered-To`` headers added in front).
"""

import mailbox
from contextlib import contextmanager

from pyramid.exceptions import ConfigurationError

DELIVERIES = ("smtp", "maildir")


class MaildirDelivery:
    """The same interface as :class:`statportal.mail.outbox.SMTPDelivery`."""

    def __init__(self, path):
        self.path = str(path)

    def _maildir(self):
        return mailbox.Maildir(self.path, create=True)

    def send(self, sender, recipients, data):
        envelope = f"Return-Path: <{sender}>\r\nDelivered-To: {', '.join(recipients)}\r\n"
        self._maildir().add(envelope.encode("utf-8") + data.replace(b"\r\n", b"\n")
                            .replace(b"\n", b"\r\n"))

    @contextmanager
    def session(self):
        """One maildir opened for many messages (the SMTP delivery's one connection)."""
        yield self


def delivery_kind(settings):
    """``smtp`` or ``maildir`` (``mail.delivery``); anything else stops the start-up."""
    kind = str(settings.get("mail.delivery") or "smtp").strip().lower()
    if kind not in DELIVERIES:
        raise ConfigurationError(
            f"The setting 'mail.delivery' must be one of {', '.join(DELIVERIES)}, "
            f"not {kind!r} (environment variable STATPORTAL_MAIL_DELIVERY).")
    return kind


def maildir_path(settings):
    path = str(settings.get("mail.maildir") or "").strip()
    if not path:
        raise ConfigurationError(
            "mail.delivery = maildir needs the setting 'mail.maildir' (a directory; "
            "environment variable STATPORTAL_MAIL_MAILDIR).")
    return path


def maildir_delivery(settings):
    return MaildirDelivery(maildir_path(settings))
