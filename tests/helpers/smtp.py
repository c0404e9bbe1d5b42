"""A real SMTP server's parts for the tests: a free port, a collecting handler, mail settings."""

import email
import email.policy
import socket


def free_port():
    """A port nobody listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collect:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(
            envelope.original_content, policy=email.policy.default)))
        return "250 OK"


def mail_settings(tmp_path, smtp_port, **overrides):
    """Test settings whose mail goes to the ``smtp`` fixture's server."""
    from statportal.testing import make_settings

    return make_settings(tmp_path, **{"mail.host": "127.0.0.1", "mail.port": str(smtp_port),
                                      **overrides})
