"""What a published table shows, read back against its basis — failing closed.

A pivot (.xlsx or .xls: row labels in the first column, column labels in a header row,
labels or codes of the basis's hierarchies in any of their languages; other dimensions at
their total) or the long form (.csv or .xlsx with the dimension columns and ``shown``).
Every sheet is read. The result maps each cell the file shows to its number or ``"X"``;
cells it does not show are not published. Whatever cannot be read with certainty is
reported, never skipped: rows whose label matches no code, data under a header that is no
code, text or formulas where numbers stand, a cell shown twice with two values, a sheet
with numbers that is no table of the basis, long-form columns beyond the dimensions and
``shown``.
"""

import csv
import io
import math
import re
from dataclasses import dataclass, field

from statportal.i18n import _

TABLE_EXTENSIONS = ("xlsx", "xls", "csv")
NOT_SHOWN = {"-", "–", "—", "…", "...", ".."}   # "no data": nothing is published
X_MARKS = {"X", "Х"}                            # Latin X and the Cyrillic Х it is typed as


@dataclass
class Shown:
    cells: dict = field(default_factory=dict)       # key -> float or "X"
    unknown: list = field(default_factory=list)     # (where, label): rows not in the basis
    problems: list = field(default_factory=list)    # (where, text): what cannot be read
    layout: str = ""

    def add(self, key, value, where):
        """A cell shown somewhere: a number shown anywhere is published (an ``X`` for the
        same cell elsewhere hides nothing); two different numbers cannot be checked."""
        previous = self.cells.get(key)
        if previous is None or previous == "X":
            self.cells[key] = value
        elif value != "X" and previous != value:
            self.problems.append((where, _("the cell is shown twice, as ${a} and ${b}",
                                           mapping={"a": previous, "b": value})))

    def merge(self, other):
        for key, value in other.cells.items():
            self.add(key, value, "")
        self.unknown.extend(other.unknown)
        self.problems.extend(other.problems)


def sheets_of(filename, data):
    """``[(sheet name, rows)]``: every sheet's rows as lists of cell values (None for
    blanks; formulas as their text, ``=…``)."""
    extension = filename.rsplit(".", 1)[-1].lower()
    if extension == "csv":  # read as the preview reads it: UTF-8 or Windows-1251, ; or ,
        from statportal.files.tables import csv_delimiter, decode_text

        text = decode_text(data)
        reader = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text))
        return [("", [[v if v != "" else None for v in row] for row in reader])]
    if extension == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)])
                    for sheet in book.worksheets]
        finally:
            book.close()
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    return [(sheet.name, [[None if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
                           else c.value for c in sheet.row(r)] for r in range(sheet.nrows)])
            for sheet in book.sheets()]


def rows_of(filename, data, limit=None):
    """The first sheet's first ``limit`` rows."""
    rows = sheets_of(filename, data)[0][1]
    return rows[:limit] if limit else rows


def _norm(value):
    return " ".join(str(value).split()).casefold() if value is not None else ""


def lookup(hierarchy):
    """``{normalised code or label: [codes]}`` (a label two codes share has both)."""
    found = {}
    for code in hierarchy.parents:
        names = {code, hierarchy.labels.get(code, ""), *(hierarchy.names.get(code) or
                                                         {}).values()}
        for name in {_norm(n) for n in names if n}:
            codes = found.setdefault(name, [])
            if code not in codes:
                codes.append(code)
    return found


def _resolve(hierarchy, candidates, seen):
    """One code among ``candidates``: the only one, or the one below the latest code
    already met (a pivot lists a district after its oblast); None when unsure."""
    if len(candidates) == 1:
        return candidates[0]
    for earlier in reversed(seen):
        below = [c for c in candidates if earlier in hierarchy.lineage(c)[1:]]
        if len(below) == 1:
            return below[0]
    return None


def _empty(value):
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(value, decimal_comma=None):
    """A float, ``"X"``, None for "not shown", or raises ValueError.

    Text is read by the one rule the previews use too (``statportal.numbers.read_number``,
    ``decimal_comma`` as there); what it cannot read unambiguously (``1,234`` in a file
    whose decimal mark is unknown) raises, so the table is reported, never passed."""
    from statportal.numbers import AmbiguousNumber, read_number

    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"\s", "", str(value))
        if text.upper() in X_MARKS or text in X_MARKS:
            return "X"
        if text in NOT_SHOWN:
            return None
        if text.startswith("="):
            raise ValueError(_("a formula (${f}) where a number must stand",
                               mapping={"f": text[:40]}))
        try:
            read = read_number(value, decimal_comma)
        except AmbiguousNumber:
            raise ValueError(_("\"${v}\" reads both as a decimal fraction and as "
                               "thousands", mapping={"v": str(value)[:40]})) from None
        if read is None:
            raise ValueError(_("\"${v}\" is not a number or X",
                               mapping={"v": str(value)[:40]}))
        number = float(read.value)
    if not math.isfinite(number):
        raise ValueError(_("${v} is not a finite number", mapping={"v": value}))
    return number


def _quoted(sheet):
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _column_name(n):
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def decimal_comma_of(filename, data):
    """What a comma is in the file, as the preview takes it: the decimal mark in a
    ``;``-separated csv, not in a ``,``-separated one; unknown (None) elsewhere."""
    if filename.rsplit(".", 1)[-1].lower() != "csv":
        return None
    from statportal.files.tables import csv_delimiter, decode_text

    return csv_delimiter(decode_text(data)) == ";"


def read_shown(filename, data, table):
    result = Shown()
    layouts = []
    comma = decimal_comma_of(filename, data)
    for sheet, rows in sheets_of(filename, data):
        if not any(not _empty(v) for row in rows for v in row):
            continue
        prefix = f"{_quoted(sheet)}!" if sheet else ""   # cells named as in a spreadsheet
        header = [_norm(v) for v in (rows[0] if rows else [])]
        if all(_norm(d) in header for d in table.dims) and "shown" in header:
            shown = _long_form(rows, header, table, prefix, comma)
        else:
            shown = None
            for rows_dim in table.dims:
                for cols_dim in table.dims:
                    if rows_dim == cols_dim:
                        continue
                    attempt = _pivot(rows, table, rows_dim, cols_dim, prefix, comma)
                    if shown is None or len(attempt.cells) > len(shown.cells):
                        shown = attempt
            if shown is None or not shown.cells:
                numbers = sum(1 for row in rows for v in row[1:]
                              if isinstance(v, int | float) and not isinstance(v, bool))
                shown = Shown()
                if numbers:
                    shown.problems.append((prefix.rstrip("!") or filename,
                                           _("${n} numbers in no table of the basis",
                                             mapping={"n": numbers})))
        layouts.append(shown.layout)
        result.merge(shown)
    result.layout = "; ".join(filter(None, layouts))
    return result


def _long_form(rows, header, table, prefix, decimal_comma=None):
    shown = Shown(layout="long form")
    position = {d: header.index(_norm(d)) for d in table.dims}
    value_at = header.index("shown")
    allowed = {*position.values(), value_at}
    if "status" in header:
        allowed.add(header.index("status"))
    for line, row in enumerate(rows[1:], start=2):
        if all(_empty(v) for v in row):
            continue
        where = f"{prefix}A{line}"
        extra = [n for n, v in enumerate(row) if n not in allowed and not _empty(v)]
        if extra:
            shown.problems.append((f"{prefix}{_column_name(extra[0])}{line}",
                                   _("a column beyond the dimensions, shown and status")))
        key = tuple(str(row[position[d]] or "").strip() if position[d] < len(row) else ""
                    for d in table.dims)
        if key not in table.cells:
            shown.unknown.append((where, " × ".join(key)))
            continue
        try:
            number = parse_number(row[value_at] if value_at < len(row) else None,
                                  decimal_comma)
        except ValueError as exc:
            shown.problems.append((f"{prefix}{_column_name(value_at)}{line}", exc.args[0]))
            continue
        if number is not None:
            shown.add(key, number, where)
    return shown


def _pivot(rows, table, rows_dim, cols_dim, prefix, decimal_comma=None):
    rows_h, cols_h = table.hierarchies[rows_dim], table.hierarchies[cols_dim]
    rows_of_code, cols_of_code = lookup(rows_h), lookup(cols_h)
    others = {d: table.hierarchies[d].root for d in table.dims if d not in (rows_dim, cols_dim)}
    shown = Shown(layout=f"{rows_dim} × {cols_dim}")
    columns, seen_rows = None, []
    for line, row in enumerate(rows, start=1):
        where = f"{prefix}A{line}"
        data = [(n, v) for n, v in enumerate(row) if n > 0 and not _empty(v)]
        if columns is None:
            matched, seen_cols = {}, []
            for n, v in data:
                code = _resolve(cols_h, cols_of_code.get(_norm(v), []), seen_cols)
                if code is not None:
                    matched[n] = code
                    seen_cols.append(code)
            if matched and len(matched) * 2 >= len(data):
                columns = matched
            elif any(isinstance(v, int | float) and not isinstance(v, bool) for _n, v in data):
                shown.problems.append((where, _("numbers above the table's header")))
            continue
        if not data:
            continue  # a blank row, a title, a footnote
        label = row[0] if row else None
        code = _resolve(rows_h, rows_of_code.get(_norm(label), []), seen_rows)
        if code is None:
            if any(_is_number_like(v) for _n, v in data):
                shown.unknown.append((where, str(label or "")))
            continue  # a note spread over the row
        seen_rows.append(code)
        for n, value in data:
            cell_where = f"{prefix}{_column_name(n)}{line}"
            if n not in columns:
                shown.problems.append((cell_where, _("data under a header that is no code "
                                         "or label of the basis")))
                continue
            try:
                number = parse_number(value, decimal_comma)
            except ValueError as exc:
                shown.problems.append((cell_where, exc.args[0]))
                continue
            if number is None:
                continue
            key = tuple({rows_dim: code, cols_dim: columns[n], **others}[d] for d in table.dims)
            if key in table.cells:
                shown.add(key, number, cell_where)
            elif number != "X" and number != 0:
                shown.problems.append((cell_where,
                                       _("a value for a cell the basis does not have")))
    return shown


def _is_number_like(value):
    try:
        return parse_number(value) is not None
    except ValueError:
        return isinstance(value, str) and bool(re.search(r"\d", value))
