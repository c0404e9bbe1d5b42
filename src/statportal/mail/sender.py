"""Delivery in a thread of its own: empties the outbox.

Started when the application is created (an ``ApplicationCreated`` subscriber of
``statportal.mail``'s ``includeme``) as ``statportal.mail.deliver_in_process`` says:
``auto`` (the default) in the web process when the database is that process's own (the
single-process FileStorage of ``make serve``), never on ZEO or RelStorage, where
``statportal worker CONFIG`` delivers; ``true``, ``false``. Woken at once after a commit
in this process that queued mail, and every ``statportal.mail.poll_seconds`` for retries
and for what other processes queued. Two senders at once send each mail once (the
outbox's claims, ``deliver_pending``).
"""

import logging
import threading

from statportal.mail.outbox import BATCH, deliver_pending

log = logging.getLogger(__name__)


def where_mail_goes(here, why, worker=False):
    """The start-up line: whether this process delivers the outbox, and why."""
    if here:
        log.info("Mail is delivered by this process (%s).", why)
    elif worker:
        log.info("Mail is not delivered by this worker (%s): the outbox waits for a "
                 "process that delivers it.", why)
    else:
        log.info("Mail is not delivered by this process (%s): `statportal worker CONFIG` "
                 "delivers it.", why)


class MailSender:
    def __init__(self, db, delivery, poll_seconds=30, registry=None):
        self.db = db
        self.registry = registry  # a bulk mail's recipient resolver reads its settings
        self.delivery = delivery
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="statportal-mail", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def kick(self):
        self._wake.set()

    def stop(self, timeout=5):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self):
        while not self._stop.is_set():
            tried = 0
            try:
                tried = sum(deliver_pending(self.db, self.delivery,
                                            registry=self.registry))
            except Exception:  # noqa: BLE001 (the thread must survive; the next round retries)
                log.exception("mail delivery round failed")
            if tried >= BATCH:
                continue  # a full round: more may be due now, not in poll_seconds
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
