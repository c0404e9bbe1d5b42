"""What a published table shows, read back against its basis.

A pivot (.xlsx or .xls: row labels in the first column, column labels in a header row,
labels or codes of the basis's hierarchies in any of their languages; other dimensions at
their total) or the long form (.csv or .xlsx with the dimension columns and ``shown``).
The result maps each cell the table shows to its number or ``"X"``; cells it does not show
are not published. Rows whose label matches no code are reported, not guessed.
"""

import csv
import io
from dataclasses import dataclass, field

TABLE_EXTENSIONS = ("xlsx", "xls", "csv")


@dataclass
class Shown:
    cells: dict = field(default_factory=dict)       # key -> float or "X"
    unknown: list = field(default_factory=list)     # (line, label): rows not in the basis
    layout: str = ""                                # "pivot rows×cols" or "long form"


def rows_of(filename, data, limit=None):
    """The first sheet's rows (at most ``limit``) as lists of cell values (None for
    blanks)."""
    from itertools import islice

    extension = filename.rsplit(".", 1)[-1].lower()
    if extension == "csv":
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig", "replace")))
        return [[v if v != "" else None for v in row] for row in islice(reader, limit)]
    if extension == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [list(row) for row in
                    islice(book.worksheets[0].iter_rows(values_only=True), limit)]
        finally:
            book.close()
    import xlrd

    sheet = xlrd.open_workbook(file_contents=data, on_demand=True).sheet_by_index(0)
    return [[None if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else c.value
             for c in sheet.row(r)] for r in range(min(sheet.nrows, limit or sheet.nrows))]


def _norm(value):
    return " ".join(str(value).split()).casefold() if value is not None else ""


def lookup(hierarchy):
    """``{normalised code or label: code}``; a label two codes share is left out."""
    found, ambiguous = {}, set()
    for code in hierarchy.parents:
        names = {code, hierarchy.labels.get(code, ""), *(hierarchy.names.get(code) or
                                                         {}).values()}
        for name in {_norm(n) for n in names if n}:
            if found.get(name, code) != code:
                ambiguous.add(name)
            found[name] = code
    for name in ambiguous:
        del found[name]
    return found


def _number(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if text.upper() == "X":
        return "X"
    try:
        return float(text)
    except ValueError:
        return None


def read_shown(filename, data, table):
    rows = rows_of(filename, data)
    header = [_norm(v) for v in (rows[0] if rows else [])]
    if all(_norm(d) in header for d in table.dims) and "shown" in header:
        return _long_form(rows, header, table)
    best = None
    dims = table.dims
    orientations = [(a, b) for a in dims for b in dims if a != b]
    for rows_dim, cols_dim in orientations:
        shown = _pivot(rows, table, rows_dim, cols_dim)
        if best is None or len(shown.cells) > len(best.cells):
            best = shown
    return best or Shown()


def _long_form(rows, header, table):
    shown = Shown(layout="long form")
    position = {d: header.index(_norm(d)) for d in table.dims}
    value_at = header.index("shown")
    for line, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        key = tuple(str(row[position[d]] or "").strip() for d in table.dims)
        number = _number(row[value_at]) if value_at < len(row) else None
        if key not in table.cells or number is None:
            shown.unknown.append((line, " × ".join(key)))
            continue
        shown.cells[key] = number
    return shown


def _pivot(rows, table, rows_dim, cols_dim):
    rows_of_code, cols_of_code = lookup(table.hierarchies[rows_dim]), \
        lookup(table.hierarchies[cols_dim])
    others = {d: table.hierarchies[d].root for d in table.dims if d not in (rows_dim, cols_dim)}
    shown = Shown(layout=f"{rows_dim} × {cols_dim}")
    columns = None
    for line, row in enumerate(rows, start=1):
        if columns is None:
            matched = {n: cols_of_code[_norm(v)] for n, v in enumerate(row)
                       if n > 0 and _norm(v) in cols_of_code}
            if len(matched) >= max(1, (sum(1 for v in row[1:] if v not in (None, "")) + 1)
                                   // 2):
                columns = matched
            continue
        values = {n: _number(row[n]) for n in columns if n < len(row) and
                  row[n] not in (None, "")}
        if not values:
            continue  # a blank row, a footnote
        code = rows_of_code.get(_norm(row[0] if row else None))
        if code is None:
            shown.unknown.append((line, str(row[0] if row else "")))
            continue
        for n, number in values.items():
            if number is None:
                continue
            key = tuple({rows_dim: code, cols_dim: columns[n], **others}[d] for d in table.dims)
            if key in table.cells:
                shown.cells[key] = number
    return shown
