"""Evolve steps: config.add_evolve_step registers them, a new database is marked at the
latest versions, `statportal evolve CONFIG [--dry-run]` applies what is pending in one
transaction, a failing step changes nothing; the running portal only logs what is
pending."""

import io
import logging
import os

import pytest
import zodburi
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError
from ZODB import DB

from statportal.evolve import VERSIONS_KEY, get_evolve_steps
from statportal.testing import TEST_SECRET, close_app, make_app, make_settings
from tests.pkgs.evolve_ext import first


def step_a(portal, registry):
    """A: the first."""


def step_b(portal, registry):
    """B: the second."""


@pytest.fixture(autouse=True)
def _no_statportal_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("STATPORTAL_"):
            monkeypatch.delenv(name)


def configured(tmp_path, register):
    config = Configurator(settings=make_settings(tmp_path))
    config.include("statportal")
    config.commit()
    register(config)
    config.commit()
    return config


def test_steps_run_by_package_then_version_and_are_introspectable(tmp_path):
    def register(config):
        config.add_evolve_step("second_pkg", step_b, 2)
        config.add_evolve_step("second_pkg", "tests.pkgs.evolve_ext.first", 1)

    config = configured(tmp_path, register)
    try:
        steps = get_evolve_steps(config.registry)
        order = [(s.package, s.version) for s in steps.pending({})
                 if s.package in ("statportal", "second_pkg")]
        assert order == [("statportal", 1), ("second_pkg", 1), ("second_pkg", 2)]
        latest = steps.latest()
        assert [(s.package, s.version) for s in steps.pending({**latest, "second_pkg": 1})
                ] == [("second_pkg", 2)]
        assert (latest["statportal"], latest["second_pkg"]) == (1, 2)
        found = {(i["introspectable"]["package"], i["introspectable"]["version"]):
                 i["introspectable"] for i in
                 config.registry.introspector.get_category("statportal evolve steps")}
        intr = found[("second_pkg", 1)]
        assert intr["step"] is first and intr.title == "second_pkg 1: Marks the portal once."
    finally:
        for db in config.registry._zodb_databases.values():
            db.close()


@pytest.mark.parametrize(("args", "says"), [
    (("", step_a, 1), "name must be a non-empty string"),
    ((None, step_a, 1), "name must be a non-empty string"),
    (("pkg", step_a, 0), "not a whole number of 1 or more"),
    (("pkg", step_a, "1"), "not a whole number of 1 or more"),
    (("pkg", step_a, True), "not a whole number of 1 or more"),
    (("pkg", 42, 1), "must be a callable"),
    (("pkg", "tests.evolve.no_such_module.step", 1), "cannot be imported"),
])
def test_a_bad_registration_is_a_configuration_error(tmp_path, args, says):
    with pytest.raises(ConfigurationError, match=says):
        configured(tmp_path, lambda config: config.add_evolve_step(*args))


def test_two_steps_of_one_version_conflict(tmp_path):
    def register(config):
        config.add_evolve_step("pkg", step_a, 1)
        config.add_evolve_step("pkg", step_b, 1)

    with pytest.raises(ConfigurationConflictError):
        configured(tmp_path, register)


def open_db(tmp_path):
    factory, dbkw = zodburi.resolve_uri(make_settings(tmp_path)["zodbconn.uri"])
    return DB(factory(), **dbkw)


def read_root(tmp_path):
    """``(evolve_ext's stored version, the portal's marks)``; statportal's own packages
    are at their latest (others may add steps of theirs)."""
    db = open_db(tmp_path)
    try:
        with db.transaction() as conn:
            root = conn.root()
            versions = dict(root.get(VERSIONS_KEY) or {})
            assert versions["statportal"] >= 1
            return (versions.get("evolve_ext"),
                    getattr(root["statportal"], "evolve_ext_marks", None))
    finally:
        db.close()


def test_a_new_database_is_at_the_latest_versions(tmp_path, caplog):
    caplog.set_level(logging.INFO, "statportal.evolve")
    close_app(make_app(make_settings(tmp_path, **{
        "statportal.includes": "tests.pkgs.evolve_ext"})))
    assert read_root(tmp_path) == (3, None)
    assert [r for r in caplog.records if r.name == "statportal.evolve"] == []


def write_ini(tmp_path, **extra):
    ini = tmp_path / "portal.ini"
    lines = ["[app:main]", "use = egg:statportal",
             f"zodbconn.uri = {make_settings(tmp_path)['zodbconn.uri']}",
             f"statportal.secret = {TEST_SECRET}", "statportal.argon2_profile = CHEAPEST",
             "statportal.mail.deliver_in_process = false",
             "statportal.includes = tests.pkgs.evolve_ext"]
    lines += [f"{name} = {value}" for name, value in extra.items()]
    ini.write_text("\n".join(lines) + "\n")
    return str(ini)


@pytest.fixture
def older(tmp_path):
    """A database made before the add-on was included: statportal at 1, evolve_ext at 0."""
    close_app(make_app(make_settings(tmp_path)))
    assert read_root(tmp_path) == (None, None)
    return tmp_path


def evolve(*args):
    from statportal.scripts.cli import main

    out = io.StringIO()
    return main(["evolve", *args], out=out), out.getvalue()


PENDING = "3 evolve step(s) (evolve_ext 1, evolve_ext 2, evolve_ext 3)"


def test_the_portal_does_not_start_with_steps_pending(older):
    with pytest.raises(ConfigurationError) as refused:
        make_app(make_settings(older, **{"statportal.includes": "tests.pkgs.evolve_ext"}))
    assert str(refused.value) == (
        f"The database needs {PENDING}: run `statportal evolve CONFIG` (see `--dry-run`) "
        "before starting the portal, or set statportal.evolve.pending = serve to serve it "
        "as it is.")
    assert read_root(older) == (None, None)  # nothing written; storage closed


def test_serve_serves_as_it_is_and_says_what_is_pending(older, caplog):
    caplog.set_level(logging.INFO, "statportal.evolve")
    app = make_app(make_settings(older, **{"statportal.includes": "tests.pkgs.evolve_ext",
                                           "statportal.evolve.pending": "serve"}))
    close_app(app)
    said = [r.getMessage() for r in caplog.records if r.name == "statportal.evolve"]
    assert said == [f"The database needs {PENDING}: run `statportal evolve CONFIG` (see "
                    "`--dry-run`)."]
    assert read_root(older) == (None, None)      # nothing written at start-up


def test_a_wrong_pending_setting_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="must be refuse or serve, not 'warn'"):
        make_app(make_settings(tmp_path, **{"statportal.evolve.pending": "warn"}))


def test_the_worker_command_refuses_with_steps_pending(older, capsys):
    from statportal.scripts.cli import main

    assert main(["worker", write_ini(older), "--once"], out=io.StringIO()) == 2
    assert capsys.readouterr().err == (
        f"statportal: error: the database needs {PENDING}: run `statportal evolve CONFIG` "
        "first\n")
    assert read_root(older) == (None, None)


def test_dry_run_prints_the_steps_and_changes_nothing(older):
    status, out = evolve(write_ini(older), "--dry-run")
    assert status == 0
    assert out.splitlines() == ["evolve_ext 1: Marks the portal once.",
                                "evolve_ext 2: Adds a second mark.",
                                "evolve_ext 3: Fails when evolve_ext.fail is set.",
                                "3 step(s) would run; nothing was changed (--dry-run)."]
    assert read_root(older) == (None, None)


def test_evolve_applies_in_order_once(older):
    ini = write_ini(older)
    status, out = evolve(ini)
    assert status == 0
    assert out.splitlines()[-1].startswith("3 step(s) applied; the database is at "
                                           "evolve_ext 3, statportal ")
    assert read_root(older) == (3, ("one", "two", "three"))
    status, out = evolve(ini)
    assert status == 0 and out.startswith("Nothing to evolve: the database is at "
                                          "evolve_ext 3, statportal ")
    assert read_root(older)[1] == ("one", "two", "three")


def test_a_failing_step_changes_nothing_and_says_so(older, capsys):
    status, out = evolve(write_ini(older, **{"evolve_ext.fail": "true"}))
    assert status == 2
    assert out.splitlines()[-1] == "evolve_ext 3: Fails when evolve_ext.fail is set."
    err = capsys.readouterr().err
    assert err == ("statportal: error: the evolve step evolve_ext 3 failed (ValueError: the "
                   "third step met data it cannot read); nothing was changed\n")
    assert read_root(older) == (None, None)      # steps 1 and 2 undone too


def test_a_database_in_use_is_one_line(older, capsys):
    db = open_db(older)                      # the running portal holds the FileStorage
    try:
        status, _out = evolve(write_ini(older))
    finally:
        db.close()
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("statportal: error: ") and "is in use by the running portal" in err
    assert "Traceback" not in err and "run it while the portal is stopped" in err


def test_the_commands_that_write_refuse_with_steps_pending(older, capsys):
    from statportal.scripts.cli import main

    status = main(["user", "add", write_ini(older), "aliya", "--password-stdin"],
                  out=io.StringIO(), stdin=io.StringIO("a-long-password-1\n"))
    assert status == 2
    assert capsys.readouterr().err == (
        f"statportal: error: the database needs {PENDING}: run `statportal evolve CONFIG` "
        "first\n")
    assert read_root(older) == (None, None)
    assert evolve(write_ini(older))[0] == 0          # evolved, the command runs
    assert main(["user", "add", write_ini(older), "aliya", "--password-stdin"],
                out=io.StringIO(), stdin=io.StringIO("a-long-password-1\n")) == 0


def test_a_missing_ini_or_a_damaged_database_is_one_line(tmp_path, capsys):
    missing = str(tmp_path / "nowhere.ini")
    assert evolve(missing) == (2, "")
    assert capsys.readouterr().err == (f"statportal: error: {missing}: No such file or "
                                       f"directory: {missing}\n")
    (tmp_path / "Data.fs").write_bytes(b"not a FileStorage")
    status, _out = evolve(write_ini(tmp_path))
    err = capsys.readouterr().err
    assert status == 2 and err.startswith(
        f"statportal: error: {tmp_path / 'portal.ini'}: the database cannot be opened "
        "(FileStorageFormatError")
    assert "Traceback" not in err
