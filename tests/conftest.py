"""Fixtures shared by the tests: statportal's own plugin, and a real SMTP server."""

import email
import email.policy
import os
import socket
import tempfile
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from hypothesis import settings

# Compiled templates are cached on disk, so each test's new app does not recompile them.
os.environ.setdefault(
    "CHAMELEON_CACHE", os.path.join(tempfile.gettempdir(), "statportal-tests-chameleon"))
os.makedirs(os.environ["CHAMELEON_CACHE"], exist_ok=True)

pytest_plugins = ["statportal.testing"]

# In CI (CI=true) hypothesis draws the same examples every run, so a red run is
# reproducible and a green one is not luck; a developer's run explores new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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


#: The tests' "now": Tuesday 1 December 2026, 09:00 in Almaty.
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    """The portal's clock frozen at ``NOW``; ``frozen.set`` and ``frozen.advance`` move it."""
    from statportal import clock

    with clock.frozen(NOW) as frozen_clock:
        yield frozen_clock


def mail_settings(tmp_path, smtp_port, **overrides):
    """Test settings whose mail goes to the ``smtp`` fixture's server."""
    from statportal.testing import make_settings

    return make_settings(tmp_path, **{"mail.host": "127.0.0.1", "mail.port": str(smtp_port),
                                      **overrides})


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
