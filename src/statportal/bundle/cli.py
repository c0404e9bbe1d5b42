"""``statportal bundle CONFIG SECTION_PATH --out DIR|FILE.zip|FILE.iso [--lang kk,ru,en]
[--since YYYY-MM-DD] [--force] [--max-size MB]``: the offline copy of a section.

The database is opened read-only (``open_read_only``), so the command runs beside a
serving portal on FileStorage; the application's registry (workflows, ACLs, catalogs of
messages) is made over a throw-away memory database. Progress goes to stderr; every error
is one line and exit status 2, never a traceback.
"""

import sys

from statportal.i18n import LANGUAGES


def add_parsers(commands):
    bundle = commands.add_parser(
        "bundle", help="write an offline copy of a section (folder, zip or disc image)")
    bundle.add_argument("config", help="the ini file, e.g. etc/production.ini")
    bundle.add_argument("section_path", metavar="SECTION_PATH",
                        help="the section to copy, with its sub-sections, "
                             "e.g. /official-statistics")
    bundle.add_argument("--out", required=True, metavar="DIR|FILE.zip|FILE.iso",
                        help="where to write: a folder, a .zip or an .iso disc image")
    bundle.add_argument("--lang", default=",".join(LANGUAGES), metavar="kk,ru,en",
                        help="the languages of the pages, in order (default: kk,ru,en)")
    bundle.add_argument("--since", metavar="YYYY-MM-DD",
                        help="only materials published on or after this date")
    bundle.add_argument("--force", action="store_true", help="replace an existing output")
    bundle.add_argument("--max-size", type=float, metavar="MB",
                        help="refuse a bundle larger than this many megabytes (e.g. 700 for "
                             "a CD, 4480 for a DVD)")


def run(args, out, err=None):
    err = err or sys.stderr
    from statportal.bundle.collect import BundleError
    from statportal.bundle.writers import refuse_existing

    try:
        if args.max_size is not None and args.max_size <= 0:
            raise BundleError(f"--max-size {args.max_size:g}: give a number of megabytes "
                              "above 0")
        refuse_existing(args.out, args.force)  # before the database is opened
        size = build(args, err)
    except BundleError as exc:
        print(f"statportal: error: {exc}", file=err)
        return 2
    except Exception as exc:  # noqa: BLE001 (one line, not a traceback)
        print(f"statportal: error: {type(exc).__name__}: {exc}", file=err)
        return 2
    print(f"{args.out}: {size / 2**20:.1f} MB", file=out)
    return 0


def build(args, err):
    from statportal.bundle.collect import BundleError, find_section
    from statportal.bundle.site import build_bundle, check_languages
    from statportal.scripts.app import CommandError, configured_registry, open_read_only

    languages = check_languages(args.lang)
    try:
        portal, close = open_read_only(args.config)
    except (CommandError, OSError, KeyError) as exc:
        raise BundleError(f"cannot open {args.config}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 (StorageUnavailable …: one line)
        raise BundleError(f"cannot open {args.config}: {exc}") from None
    try:
        section = find_section(portal, args.section_path)  # before the slower registry
        registry = configured_registry(args.config)

        def progress(done, total, what=""):
            print(f"[{done}/{total}] {what}", file=err, flush=True)

        max_bytes = int(args.max_size * 2**20) if args.max_size is not None else None
        return build_bundle(portal, section, args.out, languages, args.since,
                            progress, registry=registry, max_bytes=max_bytes,
                            force=args.force)
    finally:
        close()
