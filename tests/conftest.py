"""Fixtures shared by the tests: statportal's own plugin, and a real SMTP server."""

import os
import tempfile

import pytest
from aiosmtpd.controller import Controller
from hypothesis import settings

from tests.helpers.clock import NOW
from tests.helpers.smtp import Collect, free_port

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


@pytest.fixture(autouse=True, scope="session")
def cheap_passwords_outside_applications():
    """Every test application hashes at its ``statportal.argon2_profile`` (CHEAPEST, from
    ``make_settings``); code that hashes with no application (the global registry) does
    too, rather than at production cost."""
    from pyramid.registry import global_registry

    from statportal.security.passwords import use_profile

    use_profile("CHEAPEST", global_registry)


@pytest.fixture
def frozen():
    """The portal's clock frozen at ``NOW``; ``frozen.set`` and ``frozen.advance`` move it."""
    from statportal import clock

    with clock.frozen(NOW) as frozen_clock:
        yield frozen_clock


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


@pytest.fixture
def zeo(tmp_path):
    """A ZEO server on 127.0.0.1 (with a blob directory); the zodbconn URI of its clients:
    two applications on it are two web processes on one database."""
    import ZEO

    address, stop = ZEO.server(path=str(tmp_path / "zeo.fs"), blob_dir=str(tmp_path / "blobs"))
    host, port = address
    yield f"zeo://{host}:{port}?blob_dir={tmp_path}/blobs&shared_blob_dir=true"
    stop()
