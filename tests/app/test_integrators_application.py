"""An application built the way docs/integrators.md shows — its own main(), a Configurator,
config.include("statportal"), then its add-ons — gets everything the portal runs: the
portal is created, mail is delivered by the in-process sender to a real SMTP server, and
the worker thread publishes an embargoed material at its release's second (and runs the
add-on's own worker task), on a FileStorage with blobs, the test calling no pass."""

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyramid.config import Configurator

from statportal.mail import sender_of
from statportal.settings import apply_environment
from statportal.testing import close_app, make_app, make_settings, open_portal
from statportal.worker import worker_of
from tests.helpers.release_worker import (
    Client,
    demo_client,
    material_state,
    schedule_material,
    wait_for,
)

PKGS = str(Path(__file__).parents[1] / "pkgs")
SECTION = "/++api++/official-statistics/economy/industry"


def integrators_main(global_config, **settings):
    """docs/integrators.md, "Wiring": an application with its own main()."""
    with Configurator(settings=apply_environment(settings)) as config:
        config.include("statportal")
        config.commit()
        config.include("workflow_ext")
        config.include("worker_ext")
    return config.make_wsgi_app()


@pytest.fixture
def integrators_app(tmp_path, monkeypatch, smtp_port):
    for name in [name for name in os.environ if name.startswith("STATPORTAL_")]:
        monkeypatch.delenv(name)
    monkeypatch.syspath_prepend(PKGS)
    for name in ("workflow_ext", "worker_ext"):
        sys.modules.pop(name, None)
    settings = make_settings(tmp_path, **{
        "mail.host": "127.0.0.1", "mail.port": str(smtp_port),
        "mail.default_sender": "portal@stat.example.kz"})
    # `statportal init --demo` first (no threads), as the README's path does
    made = make_app(settings)
    client = demo_client(made)
    close_app(made)
    # the defaults an integrator's ini has: mail sent and the worker run in this process
    del settings["statportal.mail.deliver_in_process"], settings["statportal.worker.in_process"]
    app = integrators_main({}, **settings)
    yield app, client.passwords
    close_app(app)


def test_the_integrators_app_runs_the_portal(integrators_app, smtp):
    app, passwords = integrators_app
    worker, sender = worker_of(app.registry), sender_of(app.registry)
    assert worker is not None and worker._thread.is_alive()
    assert sender is not None and sender._thread.is_alive()
    # The add-on's worker task ran in the thread's first pass.
    assert wait_for(lambda: _stamped(app), 10)

    client = Client(app, passwords)
    # Mail: the add-on's workflow mails the author when a note is returned; the sender
    # thread delivers it, nobody calls deliver.
    client.as_user("aigerim").post_json(SECTION, {"@type": "Note", "id": "n1",
                                                   "title": {"kk": "Жазба"}}, status=201)
    client.as_user("aigerim").post_json(f"{SECTION}/n1/@workflow/submit")
    client.as_user("yerlan").post_json(f"{SECTION}/n1/@workflow/return",
                                       {"comment": "Ағылшынша атауы жоқ"})
    assert wait_for(lambda: smtp.messages, 10)
    assert [rcpt for rcpt, _message in smtp.messages] == [["aigerim@stat.example.kz"]]

    # The embargo: a material placed for a confirmed release, moved to 3–4 s from now, is
    # published by the worker thread within a second of that time.
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    entry, material = schedule_material(client, later)
    assert wait_for(lambda: worker.waiting_for == later, 5)
    announced = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    client.as_user("dana").patch_json(f"/++api++{entry}", {
        "release_at": announced.isoformat(), "reason": "Brought forward"})
    client.app.authorization = None
    assert client.app.get(f"/++api++{material}", status=404)
    assert wait_for(lambda: material_state(app, material)[0] == "published",
                    (announced - datetime.now(UTC)).total_seconds() + 10)
    _state, published_at, last = material_state(app, material)
    assert timedelta(0) <= published_at - announced < timedelta(seconds=1), (
        published_at, announced)
    assert last["action"] == "release" and last["actor"] == "system:worker"
    assert client.app.get(f"/++api++{material}").json["review_state"] == "published"


def _stamped(app):
    with open_portal(app) as portal:
        return getattr(portal, "worker_ext_stamped", None)
