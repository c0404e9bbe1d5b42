"""The ``statportal`` console script.

    statportal init CONFIG [--demo]
    statportal evolve CONFIG [--dry-run]
    statportal user add CONFIG LOGIN [--role ROLE]... [--local-role ROLE@/path]...
                        [--org-unit /path] [--fullname NAME] [--email ADDR] --password-stdin
    statportal worker CONFIG [--once] [--interval SECONDS]
    statportal embargo-probe CONFIG [--url URL]
    statportal plan-import CONFIG FILE --year YEAR [--as LOGIN]
    statportal disclosure …

Errors go to stderr with a non-zero exit status, and nothing is stored. A command that
writes the database while a running portal holds its FileStorage says so in one line and
exits with status 2 (``open_app``).
"""

import argparse
import os
import re
import sys
from contextlib import contextmanager

from pyramid.paster import bootstrap, setup_logging

from statportal.content.resources import get_portal
from statportal.interfaces import IMailSender, IWorker


class CommandError(Exception):
    pass


def open_app(config_uri, instead="do this in the web interface while the portal runs"):
    """``bootstrap(CONFIG)`` for a command, which is not the web process: no release worker
    thread of its own. A FileStorage that a running portal (or another command) holds is a
    :class:`CommandError` saying what to do ``instead``, not a ``LockError`` traceback; so
    is a wrong setting (a ``ConfigurationError``).

    Logging is set up after the app is made, so the command does not repeat the web
    process's start-up lines (such as where the release worker runs)."""
    from pyramid.exceptions import ConfigurationError
    from zc.lockfile import LockError

    from statportal.settings import env_name

    name = env_name("statportal.worker.in_process")
    saved = os.environ.get(name)
    os.environ[name] = "false"
    try:
        env = bootstrap(config_uri)
    except LockError as exc:
        locked = re.search(r"'([^']+?)(?:\.lock)?'$", str(exc))  # Couldn't lock '….lock'
        raise CommandError(
            f"{locked.group(1) if locked else 'the database'} is in use by the running "
            "portal (or another statportal command): stop it (Ctrl-C where `make serve` or "
            f"`pserve` runs) and run this command again, or {instead}; to run commands "
            "beside a running portal, serve it from ZEO (docs/administrators.md, "
            "Storage).") from None
    except ConfigurationError as exc:  # a wrong setting: one line, not a traceback
        raise CommandError(f"{config_uri}: {exc}") from None
    finally:
        if saved is None:
            del os.environ[name]
        else:
            os.environ[name] = saved
    setup_logging(config_uri)
    return env


@contextmanager
def portal_transaction(config_uri, instead=None):
    """The portal of CONFIG inside one transaction, committed when the block succeeds."""
    env = open_app(config_uri, *([instead] if instead else []))
    sender = env["registry"].queryUtility(IMailSender)
    if sender is not None:  # a command does its work and exits: no mail thread for it
        sender.stop()
    request = env["request"]
    # Messages in the terminal's language (LANG=kk_KZ.UTF-8, ru_RU…), else English.
    lang = os.environ.get("LANG", "")[:2]
    request.headers["Accept-Language"] = lang if lang in ("kk", "ru") else "en"
    tm = request.tm  # the root factory began its transaction (see root_factory)
    try:
        try:
            yield request, get_portal(request)
        except BaseException:
            tm.abort()
            raise
        tm.commit()
    finally:
        env["closer"]()
        close_databases(env["registry"])


def close_databases(registry):
    """Close the app's databases, releasing FileStorage's lock for the next process."""
    for iface in (IMailSender, IWorker):
        thread = registry.queryUtility(iface)
        if thread is not None:
            thread.stop()
    for db in (getattr(registry, "_zodb_databases", None) or {}).values():
        db.close()


def cmd_init(args, out):
    from statportal.demo import add_demo_content

    with portal_transaction(args.config) as (request, portal):
        if not args.demo:
            print("The portal is ready.", file=out)
            return
        if portal.sections() or len(portal["principals"]["users"]):
            raise CommandError("The portal already has content; demo content is only added to "
                               "an empty portal.")
        credentials = add_demo_content(request.registry, portal)
    print("Demo content created. Demo users (these passwords are shown only once):", file=out)
    width = max(len(login) for login, _p, _r in credentials)
    for login, password, roles in credentials:
        print(f"  {login:<{width}}  {password}  {', '.join(roles)}", file=out)


def cmd_evolve(args, out):
    """Apply the pending evolve steps in one transaction (``--dry-run``: run them, then
    abort). A failing step leaves the database as it was."""
    import logging

    from statportal.evolve import evolve, stored_versions

    quiet = logging.getLogger("statportal.evolve")
    quiet.disabled = True  # its start-up warning names this very command
    try:
        env = open_app(args.config, "run it while the portal is stopped")
    finally:
        quiet.disabled = False
    registry = env["registry"]
    for iface in (IMailSender, IWorker):
        thread = registry.queryUtility(iface)
        if thread is not None:  # no thread of the command's own writes beside the steps
            thread.stop()
    tm = env["request"].tm
    try:
        portal = get_portal(env["request"])
        zodb_root = portal._p_jar.root()
        running = []

        def report(step):
            running.append(step)
            print(step.title, file=out, flush=True)

        try:
            done = evolve(zodb_root, portal, registry, report=report)
        except Exception as exc:  # noqa: BLE001 (one line for the administrator)
            tm.abort()
            step = f" {running[-1].package} {running[-1].version}" if running else ""
            raise CommandError(f"the evolve step{step} failed ({type(exc).__name__}: {exc}); "
                               "nothing was changed") from None
        versions = ", ".join(f"{p} {v}" for p, v in sorted(stored_versions(zodb_root).items()))
        if args.dry_run:
            tm.abort()
            print(f"{len(done)} step(s) would run; nothing was changed (--dry-run).", file=out)
        else:
            tm.commit()
            print(f"{len(done)} step(s) applied; the database is at {versions or 'no version'}."
                  if done else f"Nothing to evolve: the database is at {versions}.", file=out)
    finally:
        env["closer"]()
        close_databases(registry)


def _parse_local_role(spec):
    role, sep, path = spec.partition("@")
    if not sep or not role or not path.startswith("/"):
        raise CommandError(f"--local-role {spec!r}: expected ROLE@/path, e.g. "
                           "Executor@/official-statistics/economy/industry")
    return role, path


def cmd_user_add(args, out, stdin):
    from statportal.content import editing
    from statportal.content.paths import find_by_path
    from statportal.security.localroles import LocalRolesMixin
    from statportal.security.passwords import MIN_LENGTH, password_problem
    from statportal.security.principals import user_principal
    from statportal.security.roles import get_roles

    if not args.password_stdin:
        raise CommandError("Give the password on standard input with --password-stdin "
                           "(never on the command line).")
    password = stdin.readline().rstrip("\r\n")
    problem = password_problem(password)
    if problem == "short":
        raise CommandError(f"The password needs at least {MIN_LENGTH} characters.")
    if problem:
        raise CommandError("The password may not start or end with a space.")
    local_roles = [_parse_local_role(spec) for spec in args.local_role]
    instead = "add the user as a Manager at /principals/users/@@add?type=User"
    with portal_transaction(args.config, instead) as (request, portal):
        known = get_roles(request.registry)
        for role in [*args.role, *(r for r, _p in local_roles)]:
            if role not in known:
                raise CommandError(f"Unknown role {role!r}; roles: {', '.join(known.names())}.")
        targets = []
        for role, path in local_roles:
            target = find_by_path(portal, path)
            if target is None:
                raise CommandError(f"--local-role {role}@{path}: nothing at {path}.")
            if not isinstance(target, LocalRolesMixin):
                raise CommandError(f"--local-role {role}@{path}: roles can be granted only on "
                                   "sections and org units.")
            targets.append((role, target))
        if args.org_unit:
            unit = find_by_path(portal, args.org_unit)
            if unit is None or getattr(unit, "__content_type__", None) != "OrgUnit":
                raise CommandError(f"--org-unit {args.org_unit}: no org unit there.")
        appstruct = {"fullname": args.fullname or args.login, "email": args.email or "",
                     "roles": tuple(args.role), "org_unit": args.org_unit, "active": True,
                     "password": password}
        try:
            editing.create(request.registry, portal["principals"]["users"], "User", args.login,
                           appstruct, creator="statportal-cli")
        except editing.EditError as exc:
            raise CommandError(f"{exc.field or 'user'}: "
                               f"{request.localizer.translate(exc.message)}") from None
        for role, target in targets:
            target.grant(user_principal(args.login), role)
    print(f"User {args.login} added.", file=out)


def build_parser():
    parser = argparse.ArgumentParser(prog="statportal", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="create the portal (and, with --demo, demo content)")
    init.add_argument("config", help="the ini file, e.g. etc/development.ini")
    init.add_argument("--demo", action="store_true", help="add demo sections, org units, users")
    evolve = commands.add_parser(
        "evolve", help="apply the database's pending evolve steps (after an upgrade)")
    evolve.add_argument("config", help="the ini file of the portal")
    evolve.add_argument("--dry-run", action="store_true",
                        help="run the steps and print them, then change nothing")
    user = commands.add_parser("user", help="manage users")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user")
    add.add_argument("config")
    add.add_argument("login")
    add.add_argument("--role", action="append", default=[], help="a global role (repeatable)")
    add.add_argument("--local-role", action="append", default=[], metavar="ROLE@/path",
                     help="a role on a section or org unit (repeatable)")
    add.add_argument("--org-unit", metavar="/path")
    add.add_argument("--fullname")
    add.add_argument("--email")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    from statportal.disclosure.cli import add_parser
    from statportal.releases.cli import add_parsers

    add_parser(commands)
    add_parsers(commands)
    return parser


def main(argv=None, out=None, stdin=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "init":
            cmd_init(args, out)
        elif args.command == "evolve":
            cmd_evolve(args, out)
        elif args.command in ("worker", "embargo-probe", "plan-import"):
            from statportal.releases.cli import run as run_releases

            return run_releases(args, out)
        elif args.command == "disclosure":
            from statportal.disclosure.cli import run

            return run(args, out)
        else:
            cmd_user_add(args, out, stdin or sys.stdin)
    except CommandError as exc:
        print(f"statportal: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
