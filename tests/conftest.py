"""Fixtures shared by the tests: statportal's own plugin, and a real SMTP server."""

import email
import email.policy
import os
import socket
import tempfile

import pytest
from aiosmtpd.controller import Controller

# Compiled templates are cached on disk, so each test's new app does not recompile them.
os.environ.setdefault(
    "CHAMELEON_CACHE", os.path.join(tempfile.gettempdir(), "statportal-tests-chameleon"))
os.makedirs(os.environ["CHAMELEON_CACHE"], exist_ok=True)

pytest_plugins = ["statportal.testing"]


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


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp(smtp_port):
    """A real SMTP server on 127.0.0.1; its handler's ``messages`` are what arrived."""
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()
