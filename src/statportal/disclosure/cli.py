"""``statportal disclosure protect | audit | check``: the disclosure engine from the shell.

    statportal disclosure protect BASIS.csv --dim region=regions.csv --dim activity=act.csv \\
        [--threshold N] [--dominance n,k] [--p-percent P] [--protection P] --out PUBLISHED.csv \\
        [--optimise SECONDS [--optimise-cost count|value]] \\
        [--xlsx OUT.xlsx --rows region --cols activity] [--report REPORT.json] \\
        [--collapse DIM=DEPTH] [--transfer DIM=CODE:TO[@OTHERDIM=CODE]] \\
        [--combine DIM=CODE+CODE[+…]:NEWCODE[:LABEL]] [--hierarchies-out DIR]
    statportal disclosure audit PUBLISHED.csv --dim … [--protection P]     # 0 safe, 1 exposed
    statportal disclosure check PUBLISHED.csv --basis BASIS.csv --dim …      # 0 safe, 1 not

Errors in the input name the file, line and column and exit with 2; no output file is
left half-written. Progress goes to standard error on large tables.

``--collapse``, ``--transfer`` and ``--combine`` (repeatable, ``protect`` and ``check``)
conceal data the other ways of art. 22 (``statportal.disclosure.operations``): they are
applied to the basis right after it is read, in the order given, before any rule. The
published table then follows the changed hierarchies: ``protect --hierarchies-out DIR``
writes them as ``DIR/<dim>.csv`` for ``audit``; ``check`` applies the same options to its
basis; the report lists them under ``operations``. A malformed option exits with 2.

``--optimise SECONDS`` (tables up to 5,000 cells) then searches, for up to that long, for a
pattern with fewer complementary cells (``protect.optimise_pattern``: the optimal MILP
started from GAUSS's pattern; a pattern is taken only when it is as safe); the report says
what it found under ``optimisation``.
"""

import argparse
import csv
import json
import os
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
    protect.add_argument("--optimise", type=float, metavar="SECONDS",
                         help="search for fewer complementary cells for up to SECONDS "
                              "(tables up to 5,000 cells)")
    protect.add_argument("--optimise-cost", choices=("count", "value"), default="count",
                         help="what --optimise minimises: the number of complementary cells "
                              "(default) or their total value")
    protect.add_argument("--out", required=True)
    protect.add_argument("--xlsx")
    protect.add_argument("--rows")
    protect.add_argument("--cols")
    protect.add_argument("--language", default="kk", choices=("kk", "ru", "en"))
    protect.add_argument("--report")
    operations(protect)
    protect.add_argument("--hierarchies-out", metavar="DIR",
                         help="write each dimension's hierarchy, as published, to DIR/<dim>.csv")
    audit = sub.add_parser("audit", help="can a suppressed cell be derived?")
    audit.add_argument("published")
    dims(audit)
    audit.add_argument("--protection", type=float, metavar="P")
    check = sub.add_parser("check", help="is a published table safe against its basis?")
    check.add_argument("published")
    check.add_argument("--basis", required=True)
    dims(check)
    check.add_argument("--protection", type=float, metavar="P")
    operations(check)


class _InOrder(argparse.Action):
    """The operation options into one list ``[(kind, spec)]``, in the order given."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest, None) or []),
                                       (self.const, values)])


def operations(parser):
    for kind, metavar, text in (
            ("collapse", "DIM=DEPTH", "publish DIM only down to DEPTH (0 = its total)"),
            ("transfer", "DIM=CODE:TO[@OTHERDIM=CODE]",
             "publish the data of CODE under TO (only where OTHERDIM is CODE)"),
            ("combine", "DIM=CODE+CODE[+…]:NEWCODE[:LABEL]",
             "publish sibling codes combined into NEWCODE")):
        parser.add_argument(f"--{kind}", dest="operations", action=_InOrder, const=kind,
                            default=[], metavar=metavar, help=f"{text} (repeatable)")


FORMS = {"collapse": "DIM=DEPTH, such as region=1",
         "transfer": "DIM=CODE:TO or DIM=CODE:TO@OTHERDIM=CODE",
         "combine": "DIM=CODE+CODE[+…]:NEWCODE[:LABEL]"}


def parse_operation(kind, spec):
    """``(kind, spec, function of a table)`` for one ``--collapse | --transfer | --combine``;
    a malformed spec is an InputError naming the option."""
    from statportal.disclosure import operations as ops

    def malformed():
        return InputError(f"--{kind} {spec!r}: expected {FORMS[kind]}")

    head, *places = spec.split("@") if kind == "transfer" else (spec,)
    dim, sep, rest = head.partition("=")
    dim, rest = dim.strip(), rest.strip()
    if not sep or not dim or not rest:
        raise malformed()
    if kind == "collapse":
        try:
            depth = int(rest)
        except ValueError:
            raise malformed() from None
        return kind, spec, lambda table: ops.collapse(table, dim, depth)
    if kind == "transfer":
        code, sep, to = (part.strip() for part in rest.partition(":"))
        if not sep or not code or not to or ":" in to:
            raise malformed()
        where = {}
        for place in places:
            other, sep, other_code = (part.strip() for part in place.partition("="))
            if not sep or not other or not other_code or other in where:
                raise malformed()
            where[other] = other_code
        return kind, spec, lambda table: ops.transfer(table, dim, code, to, where or None)
    codes, sep, rest = rest.partition(":")
    new_code, _sep, label = rest.partition(":")
    codes = [code.strip() for code in codes.split("+")]
    if not sep or len(codes) < 2 or not all(codes) or not new_code.strip():
        raise malformed()
    return kind, spec, lambda table: ops.combine(table, dim, codes, new_code.strip(),
                                                 label.strip() or None)


def apply_operations(table, parsed):
    for kind, spec, operation in parsed:
        try:
            table = operation(table)
        except InputError as exc:
            raise InputError(f"--{kind} {spec!r}: {exc.message}") from None
    return table


def prepare_hierarchies_out(directory, dims):
    """Checked before anything is written: each dimension names a file in ``directory``,
    which is created if need be."""
    for dim in dims:
        if dim in (".", "..") or os.sep in dim or (os.altsep and os.altsep in dim):
            raise InputError(f"--hierarchies-out: the dimension {dim!r} cannot name a file")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create it ({exc.strerror})", directory) from None


def write_hierarchies(directory, table):
    from statportal.disclosure.operations import write_hierarchy

    for dim in table.dims:
        write_hierarchy(os.path.join(directory, f"{dim}.csv"), table.hierarchies[dim])


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


def search_printer(err, cost="count"):
    unit = "complementary cells" if cost == "count" else "total value of complementary cells"

    def progress(best, bound):
        best = "none yet" if best == float("inf") else f"{best:,.0f}"
        print(f"optimising: best pattern {best} ({unit}), at least {bound:,.0f} needed",
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
    from statportal.disclosure.protect import OPTIMISE_MAX_CELLS, audit_table, protect
    from statportal.disclosure.table import Table

    hierarchies = read_dims(args.dim)
    if args.xlsx and not (args.rows in hierarchies and args.cols in hierarchies):
        raise InputError("--xlsx needs --rows and --cols naming two dimensions")
    rules = rules_from(args)
    parsed = [parse_operation(kind, spec) for kind, spec in args.operations]
    if args.hierarchies_out:
        prepare_hierarchies_out(args.hierarchies_out, hierarchies)
    table = apply_operations(Table.from_csv(args.basis, hierarchies), parsed)
    if args.protection is not None and not 0 < args.protection <= 100:
        raise InputError(f"--protection {args.protection:g}: a percentage above 0 and at "
                         "most 100")
    if args.optimise is not None:
        if not 0 < args.optimise <= 86400:
            raise InputError(f"--optimise {args.optimise:g}: seconds above 0 and at most "
                             "86400 (a day)")
        if len(table.cells) > OPTIMISE_MAX_CELLS:
            raise InputError(f"--optimise: {args.basis} makes a table of "
                             f"{len(table.cells):,} cells; the search is offered for tables "
                             f"up to {OPTIMISE_MAX_CELLS:,} cells (GAUSS alone handles any "
                             "size: leave --optimise out)")
    result = protect(table, rules, protection=args.protection,
                     progress=progress_printer("protecting", err), optimise=args.optimise,
                     optimise_progress=search_printer(err, args.optimise_cost),
                     optimise_cost=args.optimise_cost)
    exposed = audit_table(table, result.status, result.required or None,
                          progress=progress_printer("auditing", err))
    output.write_csv(args.out, table, result.status)
    if args.xlsx:
        output.write_xlsx(args.xlsx, table, result.status, args.rows, args.cols, args.language)
    report = {"cells": len(table.cells), "primary": result.count("primary"),
              "secondary": result.count("secondary"),
              "secondary_value": sum(abs(table.cells[k].value)
                                     for k, s in result.status.items() if s == "secondary"),
              "exposed": [list(item["key"]) for item in exposed],
              "unprotected": [list(key) for key in result.unprotected],
              "protection_rounds": result.rounds,
              "optimisation": result.optimisation,
              "operations": [note.as_dict() for note in getattr(table, "notes", ())]}
    if args.hierarchies_out:
        write_hierarchies(args.hierarchies_out, table)
    elif parsed:
        print("statportal: note: the published table follows the changed hierarchies; "
              "--hierarchies-out DIR writes them for audit", file=err)
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
    parsed = [parse_operation(kind, spec) for kind, spec in args.operations]
    basis = apply_operations(Table.from_csv(args.basis, hierarchies), parsed)
    published, status = read_published(args.published, basis.hierarchies)
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
