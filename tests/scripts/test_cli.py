"""The statportal console script against a real ini file and FileStorage."""

import io
import subprocess
import sys

import pytest

from tests.helpers.embargo_probe import write_ini


@pytest.fixture
def ini(tmp_path):
    return write_ini(tmp_path, "test.ini", extra="statportal.argon2_profile = CHEAPEST\n")


def run(*argv, stdin=""):
    from statportal.scripts.cli import main

    out = io.StringIO()
    code = main(list(argv), out=out, stdin=io.StringIO(stdin))
    return code, out.getvalue()


def portal_of(ini):
    from pyramid.paster import bootstrap

    from statportal.content.resources import get_portal
    from statportal.scripts.cli import close_databases

    env = bootstrap(ini)
    request = env["request"]
    closer = env["closer"]

    def close():
        closer()
        close_databases(env["registry"])

    env["closer"] = close
    return env, get_portal(request)


def test_init_demo_prints_passwords_once(ini, capsys):
    code, out = run("init", ini, "--demo")
    assert code == 0
    assert "shown only once" in out
    lines = [line.split() for line in out.splitlines() if line.startswith("  ")]
    logins = [parts[0] for parts in lines]
    assert logins == ["aigerim", "marat", "dana", "aidos", "yerlan", "serik", "zhanar", "admin"]
    passwords = {parts[0]: parts[1] for parts in lines}
    env, portal = portal_of(ini)
    try:
        assert portal["principals"]["users"]["admin"].check_password(passwords["admin"])
        assert portal["official-statistics"]["economy"]["industry"].title["kk"] == \
            "Өнеркәсіп өндірісі"
        assert portal["orgunits"]["almaty-city"].kind == "territorial_body"
    finally:
        env["request"].tm.abort()
        env["closer"]()
    code, _out = run("init", ini, "--demo")
    assert code == 2
    assert "already has content" in capsys.readouterr().err


def test_init_without_demo(ini):
    assert run("init", ini) == (0, "The portal is ready.\n")


def test_user_add(ini):
    run("init", ini, "--demo")
    code, out = run("user", "add", ini, "asel", "--role", "Coordinator",
                    "--local-role", "Executor@/official-statistics/economy/prices",
                    "--org-unit", "/orgunits/dissemination", "--fullname", "Әсел Нұрлан",
                    "--email", "asel@stat.kz", "--password-stdin", stdin="a long password\n")
    assert (code, out) == (0, "User asel added.\n")
    env, portal = portal_of(ini)
    try:
        user = portal["principals"]["users"]["asel"]
        assert user.roles == ("Coordinator",) and user.fullname == "Әсел Нұрлан"
        assert user.check_password("a long password")
        prices = portal["official-statistics"]["economy"]["prices"]
        assert prices.local_roles() == {"user:asel": ("Executor",)}
    finally:
        env["request"].tm.abort()
        env["closer"]()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["--role", "Emperor"], "a long password\n", "Unknown role 'Emperor'"),
    (["--local-role", "Executor"], "a long password\n", "expected ROLE@/path"),
    (["--local-role", "Executor@/nowhere"], "a long password\n", "nothing at /nowhere"),
    (["--local-role", "Executor@/principals"], "a long password\n", "only on sections"),
    (["--org-unit", "/official-statistics"], "a long password\n", "no org unit there"),
    ([], "short\n", "at least 10 characters"),
    (["--login-taken"], "a long password\n", "already exists"),
])
def test_user_add_errors_store_nothing(ini, capsys, args, stdin, message):
    run("init", ini, "--demo")
    login = "newbie"
    if args == ["--login-taken"]:
        args, login = [], "dana"
    code, _out = run("user", "add", ini, login, *args, "--password-stdin", stdin=stdin)
    assert code == 2
    assert message in capsys.readouterr().err
    env, portal = portal_of(ini)
    try:
        assert "newbie" not in portal["principals"]["users"]
        assert "user:newbie" not in portal["official-statistics"]["economy"]["prices"].local_roles()
    finally:
        env["request"].tm.abort()
        env["closer"]()


def test_password_only_from_stdin(ini, capsys):
    code, _out = run("user", "add", ini, "x")
    assert code == 2
    assert "--password-stdin" in capsys.readouterr().err


def test_console_script_exit_status(ini):
    script = [sys.executable, "-m", "statportal.scripts.cli"]
    done = subprocess.run([*script, "user", "add", ini, "x", "--role", "Nope",
                           "--password-stdin"], input="a long password\n", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "statportal: error: Unknown role 'Nope'" in done.stderr


@pytest.mark.parametrize(("argv", "instead"), [
    (["init", "--demo"], "or do this in the web interface while the portal runs"),
    (["user", "add", "--password-stdin"],
     "or add the user as a Manager at /principals/users/@@add?type=User"),
    (["plan-import", "plan.xlsx", "--year", "2027"],
     "or import the plan at /plan/@@import while the portal runs"),
    (["worker", "--once"], "or leave it to the running portal, whose own worker publishes "
                           "the releases"),
    (["worker"], "or leave it to the running portal"),
])
def test_a_running_portal_holding_the_database_is_said_plainly(ini, tmp_path, capsys, argv,
                                                               instead):
    """The portal of the ini runs (its FileStorage locked, as under `make serve`): every
    command that writes the database says so in one line and exits 2, storing nothing."""
    from pyramid.paster import get_app

    from statportal.testing import close_app

    assert run("init", ini)[0] == 0
    (tmp_path / "plan.xlsx").write_bytes(b"not read: the database is opened first")
    command = [*argv[:2], ini, "newbie", *argv[2:]] if argv[0] == "user" else \
        [argv[0], ini, *[str(tmp_path / a) if a == "plan.xlsx" else a for a in argv[1:]]]
    capsys.readouterr()
    portal = get_app(ini)                        # the running portal
    try:
        code, out = run(*command, stdin="a long password\n")
    finally:
        close_app(portal)
    err = capsys.readouterr().err
    assert (code, out) == (2, "")
    assert "Traceback" not in err and err.count("\n") == 1
    assert err.startswith(f"statportal: error: {tmp_path}/Data.fs is in use by the running "
                          "portal (or another statportal command): stop it (Ctrl-C where "
                          "`make serve` or `pserve` runs) and run this command again, ")
    assert instead in err
    assert err.rstrip().endswith("serve it from ZEO (docs/administrators.md, Storage).")
    env, portal = portal_of(ini)                 # once it has stopped: nothing was stored
    try:
        assert "newbie" not in portal["principals"]["users"]
        assert not portal.sections() and "2027" not in portal["plan"]
    finally:
        env["request"].tm.abort()
        env["closer"]()
