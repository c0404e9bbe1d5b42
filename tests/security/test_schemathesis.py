"""schemathesis against ``/@openapi.json``, anonymous and as a Manager (issue 19, item 6).

The real app with the demo content is served by waitress on 127.0.0.1 (as ``make serve``
does: waitress itself refuses what a WSGI application must not send, e.g. a hop-by-hop
header, which an in-process call would not see); the schemathesis CLI runs all its phases
(examples, coverage, fuzzing, stateful) bounded to ``MAX_EXAMPLES`` per operation. The
checks are the ones that say the answer contradicts the document or the server broke:

* ``not_a_server_error``: no 5xx;
* ``status_code_conformance``: every status is documented;
* ``content_type_conformance``: every answer's media type is documented;
* ``response_schema_conformance``: every JSON body matches its documented schema;
* ``response_headers_conformance``: documented headers are sent.

Left out on purpose: ``positive_data_acceptance``/``negative_data_rejection`` (they judge
the request schemas' precision: a category outside the database's vocabulary is valid JSON
Schema yet rightly refused with a 400 naming the field), ``unsupported_method`` (Pyramid
answers a method no view takes with 404, documented for every operation), and the
stateful-only ``use_after_free``/``ensure_resource_availability`` and the auth checks
(``ignored_auth``: anonymous reads of public objects are meant to work).

Writes as the Manager change this module's throw-away database only; the anonymous run
goes first. In CI (CI=true) the seed is fixed, so a red run can be repeated.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal

HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 10
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance")
SKIPPED_FOLDERS = {"principals"}  # a Manager's PATCH of a user could change a password


def demo_paths(portal, limit=60):
    """Paths of the demo content (breadth first, at most ``limit``), the portal's users
    left out."""
    found, queue = [], [(name, child) for name, child in portal.items()
                        if name not in SKIPPED_FOLDERS]
    while queue and len(found) < limit:
        path, obj = queue.pop(0)
        found.append(path)
        if hasattr(obj, "items"):
            queue.extend((f"{path}/{name}", child) for name, child in obj.items())
    return found


def transition_names(registry):
    from statportal.workflow import get_workflows

    return sorted({t.name for wf in get_workflows(registry).workflows.values()
                   for t in wf.transitions})


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import waitress.server

    from statportal.demo import add_demo_content

    app = make_app(make_settings(tmp_path_factory.mktemp("schemathesis")))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
        values = {"path": demo_paths(portal), "transition": transition_names(app.registry)}
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True, name="schemathesis-server")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", values
    finally:
        server.close()
        thread.join(timeout=5)
        close_app(app)


def run_schemathesis(url, values, cwd, *options):
    seed = ["--seed", "19"] if os.environ.get("CI") else []
    command = [str(SCHEMATHESIS), "run", f"{url}/@openapi.json", "--checks", ",".join(CHECKS),
               "--max-examples", str(MAX_EXAMPLES), "--workers", "1",
               "--request-timeout", "30", "--no-color", *seed, *options]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS),
           "STATPORTAL_SCHEMATHESIS_VALUES": json.dumps(values)}
    # cwd: schemathesis writes .hypothesis/ and .schemathesis/ where it runs
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=300)


@pytest.mark.parametrize("who", ["anonymous", "manager"])
def test_the_api_answers_as_its_document_says(served, tmp_path, who):
    url, values = served
    options = ["--auth", f"admin:{DEMO_PASSWORD}"] if who == "manager" else []
    started = time.monotonic()
    result = run_schemathesis(url, values, tmp_path, *options)
    report = result.stdout[-30000:] + result.stderr[-5000:]
    assert result.returncode == 0, report
    assert "unique failures" not in result.stdout and "passed" in result.stdout, report
    # every operation of the document was tested, with thousands of cases
    tested = int(result.stdout.split("Tested:")[1].split()[0])
    assert tested >= 35, report
    cases = int(result.stdout.split("Test cases:")[1].split("generated")[0])
    assert cases >= 2000, report
    if who == "manager":  # the credentials worked: no operation answered only 401/403
        assert "Authentication failed" not in result.stdout, report
    print(f"schemathesis as {who}: {cases} cases in {time.monotonic() - started:.1f} s")
