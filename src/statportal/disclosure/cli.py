"""``statportal disclosure protect | audit | check``: the disclosure engine from the shell.

    statportal disclosure protect BASIS.csv --dim region=regions.csv --dim activity=act.csv \\
        [--threshold N] [--dominance n,k] [--p-percent P] [--protection P] --out PUBLISHED.csv \\
        [--xlsx OUT.xlsx --rows region --cols activity] [--report REPORT.json]
    statportal disclosure audit PUBLISHED.csv --dim … [--protection P]     # 0 safe, 1 exposed
    statportal disclosure check PUBLISHED.csv --basis BASIS.csv --dim …      # 0 safe, 1 not

Errors in the input name the file, line and column and exit with 2; no output file is
left half-written. Progress goes to standard error on large tables.
"""

import csv
import json
import sys

from statportal.disclosure.errors import InputError


def add_parser(commands):
    disclosure = commands.add_parser("disclosure", help="protect and audit tables (art. 22–23)")
    sub = disclosure.add_subparsers(dest="disclosure_command", required=True)

    def dims(parser):
        parser.add_argument("--dim", action="append", default=[], required=True,
                            metavar="NAME=HIERARCHY.csv",
                            help="a dimension and its hierarchy (code,parent,label)")

    protect = sub.add_parser("protect", help="suppress primary and complementary cells")
    protect.add_argument("basis")
    dims(protect)
    protect.add_argument("--threshold", type=int, default=2,
                         help="a cell with fewer respondents is confidential (default 2)")
    protect.add_argument("--dominance", metavar="n,k")
    protect.add_argument("--p-percent", type=float)
    protect.add_argument("--protection", type=float, metavar="P")
    protect.add_argument("--out", required=True)
    protect.add_argument("--xlsx")
    protect.add_argument("--rows")
    protect.add_argument("--cols")
    protect.add_argument("--language", default="kk", choices=("kk", "ru", "en"))
    protect.add_argument("--report")
    audit = sub.add_parser("audit", help="can a suppressed cell be derived?")
    audit.add_argument("published")
    dims(audit)
    audit.add_argument("--protection", type=float, metavar="P")
    check = sub.add_parser("check", help="is a published table safe against its basis?")
    check.add_argument("published")
    check.add_argument("--basis", required=True)
    dims(check)
    check.add_argument("--protection", type=float, metavar="P")


def read_dims(specs):
    from statportal.disclosure.hierarchy import Hierarchy

    hierarchies = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise InputError(f"--dim {spec!r}: expected NAME=HIERARCHY.csv")
        try:
            hierarchies[name] = Hierarchy.from_csv(name, path)
        except OSError as exc:
            raise InputError(f"cannot read it ({exc.strerror})", path) from None
    return hierarchies


def rules_from(args):
    from statportal.disclosure.rules import Dominance, MinimumFrequency, PPercent

    rules = [MinimumFrequency(threshold=args.threshold)]
    if args.dominance:
        try:
            n, k = args.dominance.split(",")
            rules.append(Dominance(n=int(n), k=float(k)))
        except ValueError as exc:
            raise InputError(f"--dominance {args.dominance!r}: expected n,k such as 1,85 "
                             f"({exc})") from None
    if args.p_percent is not None:
        rules.append(PPercent(p=args.p_percent))
    return rules


def progress_printer(what, err):
    def progress(done, total):
        if total >= 5000 and (done == total or done % max(1, total // 20) == 0):
            print(f"\r{what}: {done:,}/{total:,}", end="\n" if done == total else "",
                  file=err, flush=True)
    return progress


def read_published(path, hierarchies):
    """The published table as ``(Table with the shown values, status)``; suppressed cells
    get the value 0 (their value is what the audit looks for)."""
    from statportal.disclosure.table import Cell, Table

    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
            columns = list(rows[0]) if rows else []
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror})", path) from None
    for column in (*hierarchies, "shown", "status"):
        if column not in columns:
            raise InputError(f"missing column {column!r}", path, 1, column)
    status, shown, inner = {}, {}, []
    for line, row in enumerate(rows, start=2):
        key = tuple((row[d] or "").strip() for d in hierarchies)
        for dim, code in zip(hierarchies, key, strict=True):
            if code not in hierarchies[dim]:
                raise InputError(f"{code!r} is not a code of {dim}", path, line, dim)
        if key in shown:
            raise InputError(f"the cell {key} is given twice", path, line)
        state = (row["status"] or "").strip()
        if state not in ("published", "primary", "secondary"):
            raise InputError(f"status must be published, primary or secondary, not {state!r}",
                             path, line, "status")
        text = (row["shown"] or "").strip()
        if state == "published":
            try:
                shown[key] = float(text.replace(",", "."))
            except ValueError:
                raise InputError(f"{text!r} is not a number", path, line, "shown") from None
        else:
            if text != "X":
                raise InputError(f"a {state} cell must show X, not {text!r}", path, line,
                                 "shown")
            shown[key] = 0.0
            status[key] = state
        if all(hierarchies[d].is_leaf(c) for d, c in zip(hierarchies, key, strict=True)):
            inner.append(Cell(key, shown[key], 1, inner=True))
    table = Table(hierarchies, inner)
    missing = [key for key in table.cells if key not in shown]
    if missing:
        raise InputError(f"the cell {missing[0]} is missing", path)
    for key, value in shown.items():
        table.cells[key].value = value
    return table, status


def run(args, out, err=None):
    err = err or sys.stderr
    try:
        return COMMANDS[args.disclosure_command](args, out, err)
    except InputError as exc:
        print(f"statportal: error: {exc}", file=err)
        return 2


def cmd_protect(args, out, err):
    from statportal.disclosure import output
    from statportal.disclosure.protect import audit_table, protect
    from statportal.disclosure.table import Table

    hierarchies = read_dims(args.dim)
    if args.xlsx and not (args.rows in hierarchies and args.cols in hierarchies):
        raise InputError("--xlsx needs --rows and --cols naming two dimensions")
    rules = rules_from(args)
    table = Table.from_csv(args.basis, hierarchies)
    result = protect(table, rules, progress=progress_printer("protecting", err))
    exposed = audit_table(table, result.status, args.protection,
                          progress=progress_printer("auditing", err))
    output.write_csv(args.out, table, result.status)
    if args.xlsx:
        output.write_xlsx(args.xlsx, table, result.status, args.rows, args.cols, args.language)
    report = {"cells": len(table.cells), "primary": result.count("primary"),
              "secondary": result.count("secondary"),
              "secondary_value": sum(abs(table.cells[k].value)
                                     for k, s in result.status.items() if s == "secondary"),
              "exposed": [list(item["key"]) for item in exposed]}
    if args.report:
        output.write_atomically(args.report, lambda stream: stream.write(
            json.dumps(report, ensure_ascii=False, indent=2).encode()))
    print(f"{report['cells']} cells: {report['primary']} primary, {report['secondary']} "
          f"secondary; written to {args.out}", file=out)
    return 0 if not exposed else 1


def _print_exposed(exposed, out):
    for item in exposed:
        print(f"exposed: {', '.join(item['key'])}: between {item['low']:g} and "
              f"{item['high']:g}", file=out)


def cmd_audit(args, out, err):
    from statportal.disclosure.protect import audit_table

    hierarchies = read_dims(args.dim)
    table, status = read_published(args.published, hierarchies)
    exposed = audit_table(table, status, args.protection, values_known=False,
                          progress=progress_printer("auditing", err))
    _print_exposed(exposed, out)
    print(f"{len(status)} suppressed cells, {len(exposed)} exposed", file=out)
    return 1 if exposed else 0


def cmd_check(args, out, err):
    from statportal.disclosure.protect import audit_table
    from statportal.disclosure.rules import MinimumFrequency, primary_cells
    from statportal.disclosure.table import Table

    hierarchies = read_dims(args.dim)
    basis = Table.from_csv(args.basis, hierarchies)
    published, status = read_published(args.published, hierarchies)
    problems = 0
    for key, cell in published.cells.items():
        if key not in status and abs(cell.value - basis.cells[key].value) > \
                1e-9 * max(1.0, abs(basis.cells[key].value)):
            print(f"differs from the basis: {', '.join(key)}: {cell.value:g} (basis "
                  f"{basis.cells[key].value:g})", file=out)
            problems += 1
    for key in primary_cells(basis, [MinimumFrequency()]):
        if key not in status:
            print(f"confidential but shown: {', '.join(key)}", file=out)
            problems += 1
    exposed = audit_table(basis, status, args.protection,
                          progress=progress_printer("auditing", err))
    _print_exposed(exposed, out)
    problems += len(exposed)
    print(f"{len(status)} suppressed cells, {problems} problems", file=out)
    return 1 if problems else 0


COMMANDS = {"protect": cmd_protect, "audit": cmd_audit, "check": cmd_check}
