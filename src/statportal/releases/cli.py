"""``statportal worker CONFIG [--once]`` and ``statportal embargo-probe CONFIG``."""

import json
import signal
import sys
import threading


def add_parsers(commands):
    worker = commands.add_parser(
        "worker", help="publish due releases and watch currency (a pass every N seconds)")
    worker.add_argument("config", help="the ini file, e.g. etc/production.ini")
    worker.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
    worker.add_argument("--interval", type=float, default=None, metavar="SECONDS",
                        help="seconds between passes (default: statportal.worker."
                             "interval_seconds)")
    probe = commands.add_parser(
        "embargo-probe", help="request every URL and file of every scheduled material "
                              "anonymously; exit 1 if any answers other than 404")
    probe.add_argument("config", help="the ini file of the portal")
    probe.add_argument("--url", default=None,
                       help="the portal's address (default: the ini's [server:main] host "
                            "and port)")
    probe.add_argument("--timeout", type=float, default=10.0)
    plan = commands.add_parser(
        "plan-import", help="import the year's work plan from an .xlsx workbook (all rows or "
                            "none)")
    plan.add_argument("config", help="the ini file of the portal")
    plan.add_argument("file", help="the .xlsx workbook")
    plan.add_argument("--year", type=int, required=True)
    plan.add_argument("--as", dest="actor", default=None, metavar="LOGIN",
                      help="recorded as the creator")


def server_url(config_uri):
    """``http://host:port`` of the ini's ``[server:main]``."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config_uri.partition("#")[0])
    section = parser["server:main"] if parser.has_section("server:main") else {}
    listen = section.get("listen", "")
    host, _sep, port = listen.partition(":") if listen else (
        section.get("host", "127.0.0.1"), ":", section.get("port", "6543"))
    host = "127.0.0.1" if host in ("", "0.0.0.0", "*") else host  # noqa: S104  # nosec B104 # binds nothing: a wildcard becomes 127.0.0.1
    return f"http://{host}:{port or 6543}"


def run_worker(args, out):
    from pyramid.exceptions import ConfigurationError

    from statportal.mail import sender_of, start_sender
    from statportal.scripts.app import (
        CommandError,
        close_databases,
        open_app,
        refuse_if_pending,
    )
    from statportal.worker import Worker, run_pass

    # This process is the worker (no thread of its own); a FileStorage held by the running
    # portal means the portal runs the worker itself.
    env = open_app(args.config, "leave it to the running portal, whose own worker publishes "
                                "the releases (statportal.worker.in_process)", mail=True)
    registry = env["registry"]
    try:
        refuse_if_pending(env)  # as the web process does (statportal.evolve.pending)
    except CommandError:
        env["closer"]()
        close_databases(registry)
        raise
    env["closer"]()
    sender = sender_of(registry)
    if args.once and sender is not None:  # one pass: its mail is tried once, below
        sender.stop()
    elif not args.once and sender is None:  # on ZEO or RelStorage this process delivers
        start_sender(registry, worker=True)
    interval = args.interval or float(registry.settings.get(
        "statportal.worker.interval_seconds", 20))
    # On a shared database the passes need the worker lease (a second worker stands by).
    try:
        worker = Worker(registry, interval, watch=1.0,
                        report=lambda result: report(result, out))
    except ConfigurationError as exc:  # statportal.worker.lease_seconds: one line
        close_databases(registry)
        raise CommandError(f"{args.config}: {exc}") from None
    main = threading.current_thread() is threading.main_thread()
    # systemd's stop (SIGTERM) ends the loop cleanly once the pass under way is done: the
    # lease is given back. Raising in the handler instead could land inside a transaction's
    # own clean-up and leave a connection open, which closing the database then trips over.
    stop = _interrupt if args.once else (lambda signum, frame: _stop_soon(worker))
    previous = signal.signal(signal.SIGTERM, stop) if main else None
    try:
        if args.once:
            if not worker.holds_lease():
                print(f"statportal: another worker holds the worker lease ("
                      f"{worker.lease.standing_by}): no pass run", file=sys.stderr)
                _deliver(registry)
                return 0
            # a task that fails is logged and named below; each is fenced by the lease
            result = run_pass(registry, fence=worker.fence)
            report(result, out)
            _deliver(registry)
            if result.errors:
                print(f"statportal: error: worker task(s) failed: {', '.join(result.errors)} "
                      "(see the log)", file=sys.stderr)
                return 1
            return 0
        # A full pass every interval, each release at its second; the calendar is read
        # again every second, since the web processes that change it are others.
        worker.loop()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        worker.close()
        close_databases(registry)


def report(result, out):
    print(json.dumps(result.as_dict(), ensure_ascii=False), file=out, flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_soon(worker):
    """From a signal handler: the events are set by another thread, as the main thread may
    hold an event's lock at the moment the signal arrives."""
    threading.Thread(target=worker.request_stop, name="statportal-stop", daemon=True).start()


def _deliver(registry):
    """``--once`` leaves no mail behind: it tries the outbox before exiting (unless its
    configuration says ``statportal.mail.deliver_in_process = false``)."""
    from statportal.mail import delivers_in_worker
    from statportal.mail.outbox import deliver_all, delivery_from_settings

    if not delivers_in_worker(registry):
        return
    db = registry._zodb_databases[""]
    deliver_all(db, delivery_from_settings(registry.settings), registry=registry)


def run_plan_import(args, out):
    from pathlib import Path

    from statportal.files.policy import FilePolicy, FileRefused, check_upload
    from statportal.releases.plan_import import PlanImportError, import_plan
    from statportal.scripts.app import CommandError, portal_transaction

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{args.file}: no such file")
    data = path.read_bytes()
    if not 2000 <= args.year <= 2100:
        raise CommandError("--year: a year from 2000 to 2100")
    with portal_transaction(args.config, "import the plan at /plan/@@import while the "
                                         "portal runs") as (request, portal):
        translate = request.localizer.translate
        try:
            check_upload(path.name, data, FilePolicy(extensions=("xlsx",)))
            items = import_plan(request.registry, portal, data, args.year, args.actor,
                                progress=lambda n, total: print(
                                    f"{n}/{total} plan items", file=sys.stderr))
        except FileRefused as refused:
            raise CommandError(translate(refused.message)) from None
        except PlanImportError as exc:
            for error in exc.errors:
                where = ", ".join(part for part in (
                    f"row {error['row']}" if error["row"] else "",
                    f"column {error['column']}" if error["column"] else "") if part)
                print(f"{args.file}: {where}: {translate(error['message'])}", file=sys.stderr)
            raise CommandError(f"{args.file}: nothing imported ({len(exc.errors)} errors)") \
                from None
    print(f"{len(items)} plan items imported into /plan/{args.year}", file=out)
    return 0


def run(args, out):
    if args.command == "plan-import":
        return run_plan_import(args, out)
    if args.command == "worker":
        return run_worker(args, out)
    from statportal.releases.probe import run as run_probe

    return run_probe(args.config, args.url or server_url(args.config), out, sys.stderr,
                     timeout=args.timeout)
