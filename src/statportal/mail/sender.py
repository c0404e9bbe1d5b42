"""Delivery inside the web process: a thread that empties the outbox.

Started when the application is created (an ``ApplicationCreated`` subscriber of
``statportal.mail``'s ``includeme``) when ``statportal.mail.deliver_in_process`` is true
(the default, right for the single-process FileStorage of ``make serve``);
woken at once after a commit that queued mail, and every
``statportal.mail.poll_seconds`` for retries. With several processes (ZEO,
RelStorage) run it in one of them, or in a worker.
"""

import logging
import threading

from statportal.mail.outbox import BATCH, deliver_pending

log = logging.getLogger(__name__)


class MailSender:
    def __init__(self, db, delivery, poll_seconds=30):
        self.db = db
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
                tried = sum(deliver_pending(self.db, self.delivery))
            except Exception:  # noqa: BLE001 (the thread must survive; the next round retries)
                log.exception("mail delivery round failed")
            if tried >= BATCH:
                continue  # a full round: more may be due now, not in poll_seconds
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
