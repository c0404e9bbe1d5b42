"""A real portal served by waitress on 127.0.0.1 (FileStorage, demo content), for clients
in threads."""

import threading

import pytest

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal
from tests.contention.clients import Portal


def serve(settings, threads=8, demo=True):
    """(Portal, stop): the app (with demo content added), served on a free port."""
    import waitress.server

    import statportal.demo

    app = make_app(settings)
    if demo:
        with open_portal(app) as portal:
            statportal.demo.add_demo_content(app.registry, portal,
                                             password_factory=lambda: DEMO_PASSWORD)
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def run():
        try:
            server.run()
        except (OSError, ValueError):  # its sockets closed under the loop by stop()
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True, name="contention-server")
    thread.start()

    def stop():
        stopping.set()
        server.close()
        thread.join(timeout=10)
        close_app(app)

    return Portal(f"http://127.0.0.1:{server.effective_port}", app), stop


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
