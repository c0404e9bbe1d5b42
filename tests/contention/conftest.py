"""A real portal served by waitress on 127.0.0.1 (FileStorage, demo content), for clients
in threads."""

import pytest

from statportal.testing import make_settings
from tests.contention.clients import serve


@pytest.fixture
def portal_settings(tmp_path):
    # The production pause before a retry (make_settings' 5 ms suits one client).
    return make_settings(tmp_path, **{"statportal.retry_pause_ms": "20"})


@pytest.fixture
def served(portal_settings):
    portal, stop = serve(portal_settings)
    try:
        yield portal
    finally:
        stop()
