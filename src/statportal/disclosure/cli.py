"""``statportal disclosure protect | audit | check``: the disclosure engine from the shell.

    statportal disclosure protect BASIS.csv --dim region=regions.csv --dim activity=act.csv \\
        [--threshold N] [--dominance n,k] [--p-percent P] [--protection P] --out PUBLISHED.csv \\
        [--optimise SECONDS [--optimise-cost count|value]] \\
        [--xlsx OUT.xlsx --rows region --cols activity] [--report REPORT.json] \\
        [--collapse DIM=DEPTH] [--transfer DIM=CODE:TO[@OTHERDIM=CODE]] \\
        [--combine DIM=CODE+CODE[+…]:NEWCODE[:LABEL]] [--hierarchies-out DIR]
    statportal disclosure audit PUBLISHED.csv --dim … [RULES] [--report REPORT.json]
                                                                   # 0 safe, 1 exposed
    statportal disclosure check PUBLISHED.csv --basis BASIS.csv --dim … [RULES] \
        [--report REPORT.json]                                     # 0 safe, 1 not

Errors in the input name the file, line and column and exit with 2; no output file is
left half-written. Progress goes to standard error on large tables.

The three commands take the same rule options (RULES: ``--threshold N``, ``--dominance
n,k``, ``--p-percent P``, ``--protection P``), checked before any file is read (a bad
value exits with 2), and each says which rules it applied: a ``rules:`` line in its
output and ``rules`` in its JSON report. ``check`` judges the published table against its
basis by exactly those rules (confidential cells shown, hidden ones derivable within the
protection levels, or exactly by a sole respondent, pairs under the threshold); ``audit``
has no basis, so it judges exact disclosure and, with ``--protection``, intervals too
narrow to hold any value P % away from both ends; the other rules need the respondents
and are reported as not applied.

Values are computed at the precision of the basis (``Table.decimals``) and written with
it (``7471.9``, never ``7471.900000000001``); a contradiction the audit finds among the
published cells is an error naming the relation, exit 2.

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
import math
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

    def rule_options(parser):
        parser.add_argument("--threshold", type=int, default=2, metavar="N",
                            help="a cell with fewer respondents is confidential (default 2; "
                                 "at least 1)")
        parser.add_argument("--dominance", metavar="n,k",
                            help="the n (1 or 2) largest contributions above k %% of the "
                                 "value make a cell confidential, such as 1,85")
        parser.add_argument("--p-percent", type=float, metavar="P",
                            help="the p %% rule (P above 0 and at most 100)")
        parser.add_argument("--protection", type=float, metavar="P",
                            help="a hidden confidential cell's range must reach P %% of its "
                                 "value below and above it (above 0, at most 100)")

    protect = sub.add_parser("protect", help="suppress primary and complementary cells")
    protect.add_argument("basis")
    dims(protect)
    rule_options(protect)
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
    rule_options(audit)
    audit.add_argument("--report", help="write the findings and the rules applied as JSON")
    check = sub.add_parser("check", help="is a published table safe against its basis?")
    check.add_argument("published")
    check.add_argument("--basis", required=True)
    dims(check)
    rule_options(check)
    check.add_argument("--report", help="write the findings and the rules applied as JSON")
    operations(check)


class _InOrder(argparse.Action):
    """The operation options into one list ``[(kind, spec)]``, in the order given."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest, None) or []),
                                       (self.const, values)])


add_parsers = add_parser  # the statportal.commands entry point's name (scripts/cli.py)


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
    """The primary rules of ``--threshold``, ``--dominance`` and ``--p-percent``, with
    ``--protection`` checked too: a bad value is an InputError naming the option."""
    from statportal.disclosure.rules import Dominance, MinimumFrequency, PPercent

    if args.threshold < 1:
        raise InputError(f"--threshold {args.threshold}: a whole number of respondents, at "
                         "least 1 (a cell with fewer is confidential; 2 protects a sole "
                         "respondent)")
    rules = [MinimumFrequency(threshold=args.threshold)]
    if args.dominance is not None:
        n, sep, k = args.dominance.partition(",")
        try:
            if not sep:
                raise ValueError("no comma")
            k = float(k)
            if not math.isfinite(k):
                raise ValueError("k must be a number")
            rules.append(Dominance(n=int(n), k=k))
        except ValueError as exc:
            raise InputError(f"--dominance {args.dominance!r}: expected n,k with n 1 or 2 "
                             f"and k above 0 and at most 100, such as 1,85 ({exc})") from None
    if args.p_percent is not None:
        if not 0 < args.p_percent <= 100:
            raise InputError(f"--p-percent {args.p_percent:g}: a percentage above 0 and at "
                             "most 100")
        rules.append(PPercent(p=args.p_percent))
    if args.protection is not None and not 0 < args.protection <= 100:
        raise InputError(f"--protection {args.protection:g}: a percentage above 0 and at "
                         "most 100")
    return rules


def rules_report(rules, protection, applied=None):
    """``[{"rule", …its parameters, "applied"}]`` for the JSON reports: each rule and the
    protection level (``{"rule": "protection", "percent": P}``), ``applied`` true unless
    the rule's name is not in ``applied`` (a set; None: all applied)."""
    import dataclasses

    items = [{"rule": rule.name, **dataclasses.asdict(rule)} for rule in rules]
    if protection is not None:
        items.append({"rule": "protection", "percent": protection})
    for item in items:
        item["applied"] = applied is None or item["rule"] in applied
    return items


def rules_text(rules, protection, applied=None):
    """One line: the rules applied, and those that were not (``applied``: their names)."""
    def one(rule):
        if rule.name == "frequency":
            return f"frequency (fewer than {rule.threshold} respondents)"
        if rule.name == "dominance":
            return f"dominance ({rule.n} largest above {rule.k:g} %)"
        if rule.name == "p_percent":
            return f"p % (p = {rule.p:g})"
        return rule.name

    names = [(rule.name, one(rule)) for rule in rules]
    if protection is not None:
        names.append(("protection", f"protection {protection:g} %"))
    used = [text for name, text in names if applied is None or name in applied]
    unused = [text for name, text in names if applied is not None and name not in applied]
    line = "rules: " + (", ".join(used) or "none")
    if unused:
        line += "; not applied without the basis (use check --basis): " + ", ".join(unused)
    return line


def value_text(table, value):
    """A value (an LP bound too) at the table's precision; infinite bounds as such."""
    if math.isinf(value):
        return "-inf" if value < 0 else "inf"
    return table.text(value)


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
    from statportal.disclosure.table import _decimals_of_text

    status, shown, inner, decimals = {}, {}, [], 0
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
            if not math.isfinite(shown[key]):
                raise InputError(f"{text!r} is not a number", path, line, "shown")
            decimals = max(decimals, _decimals_of_text(text))
        else:
            if text != "X":
                raise InputError(f"a {state} cell must show X, not {text!r}", path, line,
                                 "shown")
            shown[key] = 0.0
            status[key] = state
        if all(hierarchies[d].is_leaf(c) for d, c in zip(hierarchies, key, strict=True)):
            inner.append(Cell(key, shown[key], 1, inner=True))
    table = Table(hierarchies, inner, decimals=decimals)
    missing = [key for key in table.cells if key not in shown]
    if missing:
        raise InputError(f"the cell {missing[0]} is missing", path)
    for key, value in shown.items():
        table.cells[key].value = value
    return table, status


def run(args, out, err=None):
    from statportal.disclosure.lp import InconsistentCells

    err = err or sys.stderr
    try:
        return COMMANDS[args.disclosure_command](args, out, err)
    except (InputError, InconsistentCells) as exc:
        print(f"statportal: error: {exc}", file=err)
        return 2


def write_report(path, report):
    from statportal.disclosure import output

    output.write_atomically(path, lambda stream: stream.write(
        json.dumps(report, ensure_ascii=False, indent=2).encode()))


def cmd_protect(args, out, err):
    from statportal.disclosure import output
    from statportal.disclosure.protect import OPTIMISE_MAX_CELLS, audit_table, protect
    from statportal.disclosure.table import Table, exact_sum

    rules = rules_from(args)
    hierarchies = read_dims(args.dim)
    if args.xlsx and not (args.rows in hierarchies and args.cols in hierarchies):
        raise InputError("--xlsx needs --rows and --cols naming two dimensions")
    parsed = [parse_operation(kind, spec) for kind, spec in args.operations]
    if args.hierarchies_out:
        prepare_hierarchies_out(args.hierarchies_out, hierarchies)
    table = apply_operations(Table.from_csv(args.basis, hierarchies), parsed)
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
    by_rule = {rule.name: sum(1 for names in result.primary.values() if rule.name in names)
               for rule in rules}
    report = {"cells": len(table.cells), "primary": result.count("primary"),
              "secondary": result.count("secondary"),
              "secondary_value": table.rounded(exact_sum(
                  abs(table.cells[k].value) for k, s in result.status.items()
                  if s == "secondary")),
              "decimals": table.decimals,
              "rules": rules_report(rules, args.protection),
              "primary_by_rule": by_rule,
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
        write_report(args.report, report)
    print(rules_text(rules, args.protection), file=out)
    print(f"{report['cells']} cells: {report['primary']} primary, {report['secondary']} "
          f"secondary; values to {table.decimals} decimal place"
          f"{'' if table.decimals == 1 else 's'}; written to {args.out}",
          file=out)
    return 0 if not exposed else 1


def _exposed_text(table, item):
    key = item["key"]
    cells = " + ".join(", ".join(k) for k in key) if isinstance(key[0], tuple) \
        else ", ".join(key)
    by = " (by the sole respondent of another hidden cell)" \
        if item.get("by") == "sole respondent" else ""
    if item.get("narrow"):
        by = " (too narrow to hold any value with the protection level on both sides)"
    return (f"exposed: {cells}: between {value_text(table, item['low'])} and "
            f"{value_text(table, item['high'])}{by}")


def _finding(kind, key, **more):
    return {"kind": kind, "key": [list(k) for k in key] if key and isinstance(key[0], tuple)
            else list(key), **more}


def cmd_audit(args, out, err):
    from statportal.disclosure.protect import audit_table

    rules = rules_from(args)
    hierarchies = read_dims(args.dim)
    table, status = read_published(args.published, hierarchies)
    exposed = audit_table(table, status, args.protection, values_known=False,
                          progress=progress_printer("auditing", err))
    applied = {"protection"}
    print(rules_text(rules, args.protection, applied), file=out)
    findings = []
    for item in exposed:
        print(_exposed_text(table, item), file=out)
        findings.append(_finding("exposed", item["key"], low=item["low"], high=item["high"],
                                 narrow=bool(item.get("narrow"))))
    print(f"{len(status)} suppressed cells, {len(exposed)} exposed", file=out)
    if args.report:
        write_report(args.report, {"suppressed": len(status), "exposed": len(exposed),
                                   "decimals": table.decimals,
                                   "rules": rules_report(rules, args.protection, applied),
                                   "findings": findings})
    return 1 if exposed else 0


def agrees(basis, shown, expected):
    """Whether a shown number agrees with the basis's value: it is that value at the
    basis's precision or rounded to the fewer decimals it shows (as the CMS's check
    has it); with more decimals than the basis, only floating-point noise of a file
    written before values were exact (``7471.900000000001``) is let pass."""
    from decimal import Decimal

    from statportal.disclosure.table import decimals_of

    decimals = decimals_of(shown)
    if decimals <= basis.decimals:
        return abs(basis.exact(expected) - Decimal(repr(float(shown)))) <= \
            Decimal(5).scaleb(-decimals - 1)
    return abs(shown - expected) <= 1e-12 * max(1.0, abs(expected))


def cmd_check(args, out, err):
    from statportal.disclosure.protect import audit_pattern
    from statportal.disclosure.rules import primary_cells
    from statportal.disclosure.table import Table

    rules = rules_from(args)
    hierarchies = read_dims(args.dim)
    parsed = [parse_operation(kind, spec) for kind, spec in args.operations]
    basis = apply_operations(Table.from_csv(args.basis, hierarchies), parsed)
    published, status = read_published(args.published, basis.hierarchies)
    print(rules_text(rules, args.protection), file=out)
    findings = []
    for key, cell in published.cells.items():
        if key in status or key not in basis.cells:
            continue
        expected = basis.cells[key].value
        if not agrees(basis, cell.value, expected):
            print(f"differs from the basis: {', '.join(key)}: "
                  f"{published.text(cell.value)} (basis {basis.text(expected)})", file=out)
            findings.append(_finding("differs", key, shown=published.rounded(cell.value),
                                     basis=basis.rounded(expected)))
    unsafe = primary_cells(basis, rules)
    for key, names in unsafe.items():
        if key not in status:
            print(f"confidential but shown: {', '.join(key)} ({', '.join(names)})", file=out)
            findings.append(_finding("shown", key, rules=names))
    exposed = audit_pattern(basis, set(status), rules, args.protection,
                            progress=progress_printer("auditing", err))
    for item in exposed:
        print(_exposed_text(basis, item), file=out)
        findings.append(_finding("exposed", item["key"], low=item["low"], high=item["high"],
                                 by=item.get("by")))
    print(f"{len(status)} suppressed cells, {len(findings)} problems", file=out)
    if args.report:
        write_report(args.report, {"suppressed": len(status), "problems": len(findings),
                                   "decimals": basis.decimals,
                                   "rules": rules_report(rules, args.protection),
                                   "operations": [note.as_dict() for note in
                                                  getattr(basis, "notes", ())],
                                   "findings": findings})
    return 1 if findings else 0


COMMANDS = {"protect": cmd_protect, "audit": cmd_audit, "check": cmd_check}
