"""The worker runs what features register with config.add_worker_task, each task in its own
transaction (retried on a conflict by transaction's attempts), one failing task logged and
named while the others run; the generic worker imports no feature."""

import ast
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError
from ZODB.POSException import ConflictError

import statportal
from statportal.syntax_trees import parse
from statportal.testing import close_app, make_app, make_settings, open_portal
from statportal.worker import WorkerTask, get_worker_tasks, run_pass, worker_of
from tests.helpers.clock import NOW

PKGS = str(Path(__file__).parents[1] / "pkgs")
SRC = Path(statportal.__file__).resolve().parent


def noop(request, now):
    """Does nothing."""


@pytest.fixture
def app_settings(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(PKGS)
    sys.modules.pop("worker_ext", None)
    return make_settings(tmp_path, **{"statportal.includes": "worker_ext"})


def test_the_features_register_their_tasks_releases_first(app):
    tasks = get_worker_tasks(app.registry)
    # taldau_release: the data service's releases of data only, right after (issue 20)
    assert [t.name for t in tasks.ordered()] == [
        "release", "taldau_release", "incidents", "questions", "subscriptions_unconfirmed",
        "stamp", "currency", "kept_uploads", "subscriptions_digest", "bundle_jobs"]
    # subscriptions_digest: the daily digest at its moment (issue 21)
    assert [t.name for t in tasks.timed()] == ["release", "taldau_release",
                                               "subscriptions_digest"]
    found = {i["introspectable"].title: i["introspectable"] for i in
             app.registry.introspector.get_category("statportal worker tasks")}
    assert found["stamp"]["task"].__name__ == "stamp" and found["stamp"]["interval"] is None


def test_a_pass_runs_each_task_and_adds_what_it_returns(app, frozen):
    from statportal import clock

    result = run_pass(app.registry)
    assert result.ran == ["release", "taldau_release", "incidents", "questions",
                          "subscriptions_unconfirmed", "stamp", "currency", "kept_uploads",
                          "subscriptions_digest", "bundle_jobs"]
    assert result.errors == [] and result.stamped == 1 and result.released == []
    data = result.as_dict()
    assert list(data)[:2] == ["released", "materials"]
    assert data["stamp_error"] is False and data["currency_error"] is False
    with open_portal(app) as portal:
        assert portal.worker_ext_stamped == clock.now()       # committed


def test_a_failing_task_is_logged_and_the_others_run(app_settings, caplog):
    app = make_app({**app_settings, "worker_ext.fail": "true"})
    try:
        result = run_pass(app.registry)
    finally:
        close_app(app)
    assert result.errors == ["stamp"] and result.stamp_error is True
    assert result.currency_error is False and "findings" in result.counts
    assert result.ran[-1] == "bundle_jobs"                # the ones after it ran too
    assert "worker task stamp failed" in caplog.text
    assert "worker_ext cannot stamp today" in caplog.text
    with pytest.raises(AttributeError):
        getattr(result, "stamped")  # noqa: B009 (nothing of the failed task)


def test_a_conflict_is_retried_by_transaction_and_counted(app):
    calls = []

    def flaky(request, now):
        from statportal.content.resources import get_portal

        calls.append(now)
        get_portal(request).flaky_runs = len(calls)
        if len(calls) == 1:
            raise ConflictError("another writer won")
        return {"flaky": 1}

    get_worker_tasks(app.registry).add(WorkerTask("flaky", flaky))
    result = run_pass(app.registry, only={"flaky"})
    assert (result.errors, result.attempts, result.flaky) == ([], 2, 1)
    with open_portal(app) as portal:
        assert portal.flaky_runs == 2        # the first attempt's write was aborted


def test_an_interval_spaces_a_task_out(app):
    runs = []
    get_worker_tasks(app.registry).add(
        WorkerTask("hourly", lambda request, now: runs.append(now), interval=3600))
    for minutes in (0, 10, 59, 60, 70, 121):
        run_pass(app.registry, NOW + timedelta(minutes=minutes), only={"hourly"})
    assert [(at - NOW) // timedelta(minutes=1) for at in runs] == [0, 60, 121]


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"name": "", "task": noop}, "name must be a non-empty string"),
    ({"name": "x", "task": 42}, "must be a callable"),
    ({"name": "x", "task": "worker_ext.no_such_task"}, "cannot be imported"),
    ({"name": "x", "task": noop, "interval": 0}, "interval must be a number"),
    ({"name": "x", "task": noop, "interval": True}, "interval must be a number"),
    ({"name": "x", "task": noop, "interval": "60"}, "interval must be a number"),
    ({"name": "x", "task": noop, "prepare": noop}, "give due too"),
    ({"name": "x", "task": noop, "order": 1.5}, "order must be a whole number"),
])
def test_a_bad_task_is_a_configuration_error(app_settings, kwargs, says):
    config = Configurator(settings=app_settings)
    config.include("statportal.worker")
    with pytest.raises(ConfigurationError, match=says):
        config.add_worker_task(**kwargs)


def test_two_tasks_of_one_name_conflict(app_settings):
    config = Configurator(settings=app_settings)
    config.include("statportal.worker")
    config.add_worker_task("x", noop)
    config.add_worker_task("x", "worker_ext.stamp")
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_an_application_of_the_tests_starts_no_thread(app):
    # make_settings says statportal.worker.in_process = false, and commands say it too
    assert worker_of(app.registry) is None


def test_a_command_opens_the_app_without_a_worker_or_a_sender(tmp_path, monkeypatch, caplog):
    from statportal.mail import sender_of
    from statportal.scripts.app import close_databases, open_app
    from statportal.testing import TEST_SECRET

    for name in [n for n in os.environ if n.startswith("STATPORTAL_")]:
        monkeypatch.delenv(name)
    ini = tmp_path / "portal.ini"
    ini.write_text(f"[app:main]\nuse = egg:statportal\nzodbconn.uri = "
                   f"{make_settings(tmp_path)['zodbconn.uri']}\n"
                   f"statportal.secret = {TEST_SECRET}\n")    # both settings' defaults
    caplog.set_level(logging.INFO, "statportal.worker")
    env = open_app(str(ini))
    try:
        assert worker_of(env["registry"]) is None
        assert sender_of(env["registry"]) is None      # its rounds would write beside it
    finally:
        env["closer"]()
        close_databases(env["registry"])
    assert "does not run in this process (statportal.worker.in_process = false" in caplog.text


FEATURES = ("releases", "incidents", "questions", "materials", "placement",
            "confidentiality", "disclosure", "files", "demo")


def imported(path):
    for node in ast.walk(parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


@pytest.mark.parametrize("module", [
    *sorted(p.relative_to(SRC).as_posix() for p in (SRC / "worker").glob("*.py")),
    "evolve.py", "scripts/app.py", "__init__.py"])
def test_the_core_imports_no_feature(module):
    found = [name for name in imported(SRC / module)
             if name.split(".")[:2][-1] in FEATURES and name.startswith("statportal.")]
    assert found == []


def test_the_core_cli_imports_no_feature_but_the_demo():
    found = [name for name in imported(SRC / "scripts" / "cli.py")
             if name.startswith("statportal.") and name.split(".")[1] in FEATURES]
    assert found == ["statportal.demo"]   # `init --demo`: the demo knows every feature
