"""A round of the outbox sends its mail over one SMTP connection, and opens another only
after a failure (the server may have dropped the first)."""

from datetime import UTC, datetime

from aiosmtpd.controller import Controller

from statportal.mail.outbox import SMTPDelivery, deliver_pending, get_outbox
from tests.helpers.mail import outbox_db
from tests.helpers.smtp import Collect, free_port

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class Counting(Collect):
    """Counts the SMTP sessions (each connection says EHLO once) and refuses the message
    whose subject is ``b-refuse``."""

    def __init__(self):
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if b"Subject: b-refuse" in envelope.original_content:
            return "554 refused"
        return await super().handle_DATA(server, session, envelope)


def run(keys):
    handler, port = Counting(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        db = outbox_db(keys, NOW)
        result = deliver_pending(db, SMTPDelivery("127.0.0.1", port), now=NOW)
        with db.transaction() as conn:
            states = {key: mail.state for key, mail in
                      get_outbox(conn.root()["statportal"]).items()}
        return handler, result, states
    finally:
        controller.stop()


def test_a_round_reuses_one_connection():
    keys = [f"k{number:02d}" for number in range(12)]
    handler, result, states = run(keys)
    assert result == (12, 0) and len(handler.messages) == 12
    assert handler.sessions == 1
    assert set(states.values()) == {"sent"}


def test_a_refused_message_is_retried_later_and_the_rest_still_go():
    handler, result, states = run(["a1", "b-refuse", "c3"])
    assert result == (2, 1) and len(handler.messages) == 2
    assert states == {"a1": "sent", "b-refuse": "queued", "c3": "sent"}
    assert handler.sessions == 2   # the connection is opened again after the failure
