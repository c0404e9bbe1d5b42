"""The ``statportal`` console script.

    statportal init CONFIG [--demo]
    statportal evolve CONFIG [--dry-run]
    statportal user add CONFIG LOGIN [--role ROLE]... [--local-role ROLE@/path]...
                        [--org-unit /path] [--fullname NAME] [--email ADDR] --password-stdin
    statportal worker CONFIG [--once] [--interval SECONDS]
    statportal embargo-probe CONFIG [--url URL]
    statportal plan-import CONFIG FILE --year YEAR [--as LOGIN]
    statportal disclosure …
    statportal backup CONFIG DIR [--full] [--data-fs PATH --blob-dir PATH]
    statportal restore CONFIG DIR [--force] [--date YYYY-MM-DD-HH-MM-SS]
    statportal pack CONFIG --days N

Errors go to stderr with a non-zero exit status, and nothing is stored. A command that
writes the database while a running portal holds its FileStorage says so in one line and
exits with status 2 (``open_app``).
"""

import argparse
import sys

from statportal.content.resources import get_portal
from statportal.scripts import upkeep
from statportal.scripts.app import (  # noqa: F401 (CommandError, close_databases: re-exported)
    CommandError,
    close_databases,
    open_app,
    portal_transaction,
    stop_threads,
)


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
    except CommandError:
        raise
    except Exception as exc:  # noqa: BLE001 (a damaged database, say: one line)
        raise CommandError(f"{args.config}: the database cannot be opened "
                           f"({type(exc).__name__}: {exc})") from None
    finally:
        quiet.disabled = False
    registry = env["registry"]
    stop_threads(registry)  # no thread of the command's own writes beside the steps
    tm = env["request"].tm
    try:
        portal = get_portal(env["request"])
        zodb_root = portal._p_jar.root()
        running = []

        def report(step):
            running.append(step)
            print(step.title, file=out, flush=True)

        try:
            done = evolve(zodb_root, portal, registry, report=report,
                          say=lambda line: print(line, file=out, flush=True))
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


def build_parser(stdin=None):
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
    init.set_defaults(run=cmd_init)
    evolve.set_defaults(run=cmd_evolve)
    add.set_defaults(run=lambda args, out: cmd_user_add(args, out, stdin or sys.stdin))
    upkeep.add_parsers(commands)  # backup, restore, pack
    for _name, module in feature_commands():
        before = set(commands.choices)
        module.add_parsers(commands)
        for command in set(commands.choices) - before:
            commands.choices[command].set_defaults(run=module.run)
    return parser


def feature_commands():
    """``(name, module)`` of the entry points of the group ``statportal.commands`` (in
    name order): the subcommands features and add-ons bring, each module with
    ``add_parsers(commands)`` and ``run(args, out)``."""
    from importlib import import_module
    from importlib.metadata import entry_points

    return [(point.name, import_module(point.value))
            for point in sorted(entry_points(group="statportal.commands"),
                                key=lambda point: point.name)]


def main(argv=None, out=None, stdin=None):
    out = out or sys.stdout
    args = build_parser(stdin).parse_args(argv)
    try:
        status = args.run(args, out)
    except CommandError as exc:
        print(f"statportal: error: {exc}", file=sys.stderr)
        return 2
    return status or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
