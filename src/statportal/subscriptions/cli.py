"""``statportal subscribers export CONFIG EMAIL`` (what is kept of an address, as JSON on
standard output) and ``statportal subscribers erase CONFIG EMAIL`` (the subscriber, and
the address among the recipients of queued mailings not yet sent to it).

``export`` opens the database read-only, so it runs beside a serving portal on
FileStorage; ``erase`` writes, so it needs the database to itself (or ZEO) — otherwise
the Manager's page ``/@@subscribers`` does the same. An address the portal does not know:
a message on standard error and exit status 1."""

import json
import sys


def add_parsers(commands):
    subscribers = commands.add_parser(
        "subscribers", help="export or erase a subscriber's personal data (on request)")
    actions = subscribers.add_subparsers(dest="subscribers_command", required=True)
    export = actions.add_parser("export", help="what is kept of an address, as JSON")
    erase = actions.add_parser("erase", help="erase an address and its subscription")
    for parser in (export, erase):
        parser.add_argument("config", help="the ini file of the portal")
        parser.add_argument("email", help="the subscriber's e-mail address")


def run(args, out):
    return (export if args.subscribers_command == "export" else erase)(args, out)


def _unknown(email):
    print(f"statportal: no subscriber has the address {email!r}", file=sys.stderr)
    return 1


def export(args, out):
    from statportal.scripts.app import CommandError, open_read_only
    from statportal.storage_check import StorageUnavailable
    from statportal.subscriptions.privacy import export_data

    try:
        portal, close = open_read_only(args.config)
    except (StorageUnavailable, OSError, KeyError) as exc:
        raise CommandError(f"{args.config}: {exc}") from None
    try:
        data = export_data(portal, args.email)
    finally:
        close()
    if data is None:
        return _unknown(args.email)
    print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
    return 0


def erase(args, out):
    from statportal.scripts.app import portal_transaction
    from statportal.subscriptions.privacy import erase_data

    with portal_transaction(args.config, "erase it at /@@subscribers while the portal "
                                         "runs") as (_request, portal):
        erased = erase_data(portal, args.email)
    if erased is None:
        return _unknown(args.email)
    print(f"Erased {args.email}: subscription "
          f"{'removed' if erased['subscriber'] else 'none'}, taken off "
          f"{erased['queued_mail']} message(s) not yet sent.", file=out)
    return 0
