"""Tables read from xlsx, xls, csv and HTML into grids of cells, for previews.

Each visible sheet (or top-level HTML table) with data becomes a ``Grid``: rows of
``Cell`` (kind, value, decimals, merge spans) over the part of the sheet that holds data.
Empty rows and columns around the data are left out, and so are hidden sheets, rows and
columns: a preview shows what a reader sees in the spreadsheet program, and a hidden
column may well hold what the visible X marks keep confidential.

Values keep their type where the format has one (xlsx, xls); csv and HTML cells are text,
read as numbers when they are unmistakably numbers, by the one rule of
``statportal.numbers.read_number`` (``1 234,5``, ``1234.5``, ``1,234.56``; ``1,234`` is
1.234 in a ``;``-separated csv, 1234 in a ``,``-separated one and text elsewhere, since it
reads both ways). A number's decimals come from the cell's number format (or from the
digits written in csv and HTML); ``None`` means unknown.

Limits: ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns per sheet (counted from the first
with data), ``MAX_TABLES`` sheets; what lies beyond is left out and the grid (or the whole
read) is marked truncated. Texts are cut at ``MAX_TEXT`` characters.

The structure read here (which rows are headers, which are footnotes) is decided in
``finish`` so that every format is treated alike.
"""

import bisect
import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from itertools import islice

MAX_ROWS = 500
MAX_COLUMNS = 60
MAX_TABLES = 20
MAX_HEADER_ROWS = 3
MAX_TEXT = 1000
MAX_FOOTNOTES = 20
#: An xlsx unpacking to more than this is not previewed (openpyxl's full load keeps it all).
#: Larger workbooks get no preview: openpyxl reads a whole workbook at about 1 MB/s.
XLSX_MAX_UNPACKED = 5 * 1024 * 1024

X_MARKS = {"X", "x", "Х", "х"}  # Latin and Cyrillic: both are typed for the mark
#: Characters XML (and so lxml) cannot hold, and lone surrogates.
INVALID_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Cell:
    kind: str = "empty"           # empty, text, number or date
    value: object = None          # str (text, dates as ISO text) or int/float/Decimal
    decimals: int | None = None   # decimals always shown; None: unknown
    extra_decimals: int = 0       # further decimals shown when not zero ("0.0#")
    grouped: bool | None = None   # thousands groups; None: unknown
    percent: bool = False         # the value is already multiplied by 100
    colspan: int = 1
    rowspan: int = 1
    covered_by: tuple | None = None  # (row, column) of the merge's first cell

    @property
    def is_x(self):
        return self.kind == "text" and self.value in X_MARKS

    @property
    def is_empty(self):
        return self.kind == "empty" and self.covered_by is None


@dataclass
class Grid:
    name: str | None
    rows: list                     # lists of Cell, all of the same length
    header_rows: int = 0
    footnotes: list = field(default_factory=list)
    truncated: bool = False


def clean_text(value):
    """Printable text on one line, at most MAX_TEXT characters."""
    text = " ".join(INVALID_TEXT.sub("", str(value)).split())
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def text_cell(value):
    text = clean_text(value)
    return Cell("text", text) if text else Cell()


def date_cell(value):
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return Cell("date", value.date().isoformat())
        spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
        return Cell("date", value.isoformat(sep=" ", timespec=spec))
    if isinstance(value, date):
        return Cell("date", value.isoformat())
    return Cell("date", value.isoformat(timespec="minutes" if value.second == 0 else "seconds"))


def _first_section(number_format):
    """The positive-number section of a format ("0.0;[Red]-0.0" → "0.0")."""
    quoted = False
    for index, char in enumerate(number_format):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return number_format[:index]
    return number_format


def number_cell(value, number_format=None):
    """A number with what its (Excel) number format says: decimals, groups, %, scaling."""
    if isinstance(value, float) and not math.isfinite(value):
        return text_cell(value)
    cell = Cell("number", value)
    if not number_format or number_format.strip().lower() == "general":
        return cell
    pattern = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].', "", _first_section(number_format))
    if re.search(r"[eE][+-]|/", pattern) or not re.search(r"[0#?]", pattern):
        return cell  # scientific, fractions, text formats: decimals unknown
    integer, _, fraction = pattern.partition(".")
    digits = re.match(r"[0#?]*", fraction).group()
    cell.decimals = len(digits.rstrip("#"))
    cell.extra_decimals = len(digits) - cell.decimals
    cell.grouped = bool(re.search(r"[0#?],+[0#?]", integer))
    scale = re.search(r"[0#?](,+)(?![,0#?])", pattern)  # "#,##0," shows thousands
    if scale or "%" in pattern:
        number = Decimal(str(value))
        if scale:
            number /= Decimal(1000) ** len(scale.group(1))
        if "%" in pattern:
            number *= 100
            cell.percent = True
        cell.value = number
    return cell


def parse_number(text, decimal_comma=None):
    """A number cell for text that is unmistakably a number, else a text cell: the one
    rule of ``statportal.numbers.read_number`` (``decimal_comma``: True when a comma is the
    decimal mark (``;``-separated csv), False when it is not, None when unknown: then
    ``1,234`` stays text, shown as written)."""
    from statportal.numbers import AmbiguousNumber, read_number

    raw = clean_text(text)
    try:
        number = read_number(raw, decimal_comma)
    except AmbiguousNumber:
        number = None  # 1,234: 1.234 or 1234?
    if number is None:
        return text_cell(raw)
    return Cell("number", number.value, decimals=number.decimals,
                grouped=True if number.grouped else None)


def is_year(cell):
    """An integer that reads as a year (in a header, or not to be written 2 024)."""
    return cell.kind == "number" and not cell.percent and not cell.decimals and \
        cell.value == int(cell.value) and 1900 <= cell.value <= 2100


def _is_data_row(row):
    numbers = [cell for cell in row if cell.kind == "number"]
    if any(cell.is_x for cell in row):
        return True
    return bool(numbers) and not all(is_year(cell) for cell in numbers)


def _footnote(rows, r):
    """The text of a row with only its first cell filled with text (or merged along it)."""
    first = rows[r][0]
    if first.kind != "text" or first.covered_by is not None:
        return None
    for cell in rows[r][1:]:
        if cell.kind != "empty" or cell.covered_by not in (None, (r, 0)):
            return None
    return first.value


def finish(grid, rows_cut=False):
    """Footnotes taken off the end (not when rows were cut), header rows counted."""
    rows = grid.rows
    if not rows_cut:
        notes, last = [], len(rows) - 1
        while last >= 0:
            if all(cell.is_empty for cell in rows[last]):
                last -= 1
                continue
            note = _footnote(rows, last)
            if note is None:
                break
            notes.append(note)
            last -= 1
        if last >= 0 and notes:  # a one-column list keeps its rows
            grid.rows = rows = rows[:last + 1]
            grid.footnotes = list(reversed(notes))[:MAX_FOOTNOTES]
    count = 0
    for row in rows[:MAX_HEADER_ROWS]:
        if _is_data_row(row):
            break
        count += 1
    grid.header_rows = min(count, len(rows) - 1)
    return grid


def _visible(first, last, hidden):
    """Up to MAX_ROWS/MAX_COLUMNS + 1 indices from first to last, hidden ones skipped."""
    return list(islice((i for i in range(first, last + 1) if i not in hidden),
                       max(MAX_ROWS, MAX_COLUMNS) + 1))


def build_grid(name, positions, cell_at, merges=(), hidden_rows=frozenset(),
               hidden_columns=frozenset(), more_rows=False):
    """A Grid over the data of one sheet, or None when it has none.

    positions: (row, column) of the non-empty cells, 0-based; cell_at(row, column): the
    Cell there; merges: (top, left, bottom, right), inclusive; more_rows: rows were left
    unread (the grid is truncated).
    """
    positions = [(r, c) for r, c in positions if r not in hidden_rows and c not in hidden_columns]
    if not positions:
        return None
    row_ids = _visible(min(r for r, _ in positions), max(r for r, _ in positions), hidden_rows)
    col_ids = _visible(min(c for _, c in positions), max(c for _, c in positions),
                       hidden_columns)
    rows_cut = more_rows or len(row_ids) > MAX_ROWS
    truncated = rows_cut or len(col_ids) > MAX_COLUMNS
    row_ids, col_ids = row_ids[:MAX_ROWS], col_ids[:MAX_COLUMNS]
    row_at = {r: i for i, r in enumerate(row_ids)}
    col_at = {c: j for j, c in enumerate(col_ids)}
    rows = [[Cell() for _ in col_ids] for _ in row_ids]
    for r, c in positions:
        if r in row_at and c in col_at:
            rows[row_at[r]][col_at[c]] = cell_at(r, c)
    for top, left, bottom, right in merges:
        i0, i1 = bisect.bisect_left(row_ids, top), bisect.bisect_right(row_ids, bottom)
        j0, j1 = bisect.bisect_left(col_ids, left), bisect.bisect_right(col_ids, right)
        if i1 - i0 < 1 or j1 - j0 < 1 or (i1 - i0 == 1 and j1 - j0 == 1):
            continue
        block = [rows[i][j] for i in range(i0, i1) for j in range(j0, j1)]
        if any(cell.covered_by or cell.rowspan > 1 or cell.colspan > 1 for cell in block):
            continue  # overlapping merges: the first one wins
        rows[i0][j0].rowspan, rows[i0][j0].colspan = i1 - i0, j1 - j0
        for i in range(i0, i1):
            for j in range(j0, j1):
                if (i, j) != (i0, j0):
                    rows[i][j] = Cell(covered_by=(i0, j0))
    if all(cell.kind == "empty" for row in rows for cell in row):
        return None
    return finish(Grid(name, rows, truncated=truncated), rows_cut=rows_cut)


def _collect(grids):
    """The first MAX_TABLES grids with data, and whether one more has data."""
    found = []
    for grid in grids:
        if grid is None:
            continue
        if len(found) == MAX_TABLES:
            return found, True
        found.append(grid)
    return found, False


def _result(grids, more):
    """(grids, truncated): truncated when tables or any table's rows/columns were left out."""
    return grids, more or any(grid.truncated for grid in grids)


# xlsx ---------------------------------------------------------------------------------


def _xlsx_cell(sheet, r, c):
    cell = sheet._cells.get((r + 1, c + 1))
    value = None if cell is None else cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return Cell()
    if isinstance(value, bool):
        return text_cell("TRUE" if value else "FALSE")
    if isinstance(value, int | float | Decimal):
        return number_cell(value, cell.number_format)
    if isinstance(value, datetime | date | time):
        return date_cell(value)
    return text_cell(value)  # text, errors ("#N/A"), durations


def _xlsx_sheet(sheet):
    from openpyxl.utils import column_index_from_string

    # sheet._cells holds the cells read; iter_rows would create every cell of the range.
    positions = [(r - 1, c - 1) for (r, c), cell in sheet._cells.items()
                 if cell.value is not None and not (isinstance(cell.value, str)
                                                    and not cell.value.strip())]
    hidden_rows = {r - 1 for r, dim in sheet.row_dimensions.items() if dim.hidden}
    hidden_columns = set()
    for letter, dim in sheet.column_dimensions.items():
        if dim.hidden:
            first = dim.min or column_index_from_string(letter)
            hidden_columns.update(range(first - 1, (dim.max or first)))
    merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
              for m in sheet.merged_cells.ranges]
    return build_grid(sheet.title, positions, partial(_xlsx_cell, sheet), merges,
                      hidden_rows, hidden_columns)


def read_xlsx(data):
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > XLSX_MAX_UNPACKED:
            raise ValueError("too large to preview")
    # Full load: merged cells, number formats and hidden rows are not read in read-only mode.
    book = load_workbook(io.BytesIO(data), data_only=True)
    try:
        return _result(*_collect(_xlsx_sheet(sheet) for sheet in book.worksheets
                                 if sheet.sheet_state == "visible"))
    finally:
        book.close()


# xls ----------------------------------------------------------------------------------


def _xls_cell(book, sheet, r, c):
    import xlrd

    kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
    if kind == xlrd.XL_CELL_NUMBER:
        try:
            number_format = book.format_map[book.xf_list[sheet.cell_xf_index(r, c)]
                                            .format_key].format_str
        except (KeyError, IndexError):
            number_format = None
        return number_cell(value, number_format)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return date_cell(xlrd.xldate.xldate_as_datetime(value, book.datemode))
        except (ValueError, OverflowError):
            return number_cell(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return text_cell("TRUE" if value else "FALSE")
    if kind == xlrd.XL_CELL_ERROR:
        return text_cell(xlrd.error_text_from_code.get(value, "#ERR"))
    if kind == xlrd.XL_CELL_TEXT:
        return text_cell(value)
    return Cell()


def _xls_sheet(book, sheet):
    import xlrd

    positions = [(r, c) for r in range(sheet.nrows)
                 for c, (kind, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r),
                                                       strict=False))
                 if kind not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
                 and not (isinstance(value, str) and not value.strip())]
    hidden_rows = {r for r, info in sheet.rowinfo_map.items() if info.hidden}
    hidden_columns = {c for c, info in sheet.colinfo_map.items() if info.hidden}
    merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
    return build_grid(sheet.name, positions, partial(_xls_cell, book, sheet), merges,
                      hidden_rows, hidden_columns)


def read_xls(data):
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                              logfile=io.StringIO())
    try:
        def sheets():
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                if not sheet.visibility:
                    yield _xls_sheet(book, sheet)
                book.unload_sheet(index)
        return _result(*_collect(sheets()))
    finally:
        book.release_resources()


# csv ----------------------------------------------------------------------------------


def decode_text(data):
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("neither utf-8 nor cp1251")


def csv_delimiter(text):
    """``;`` or ``,``: the one that splits the first lines into the same number (> 1) of
    fields most often; ``;`` on a tie (a decimal comma needs it)."""
    best, best_score = ",", (0, 0)
    for delimiter in (";", ","):
        try:
            rows = [row for row in islice(csv.reader(io.StringIO(text[:65536]),
                                                     delimiter=delimiter), 50)
                    if any(field.strip() for field in row)][:20]
        except csv.Error:
            continue
        widths = [len(row) for row in rows]
        if not widths:
            continue
        mode = max(sorted(set(widths)), key=widths.count)
        score = (widths.count(mode) if mode > 1 else 0, mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data):
    text = decode_text(data)
    delimiter = csv_delimiter(text)
    values, first, more_rows = {}, None, False
    for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        filled = [(c, field) for c, field in enumerate(row) if field.strip()]
        if not filled:
            continue
        if first is None:
            first = r
        if r - first >= MAX_ROWS:
            more_rows = True
            break
        values.update(((r, c), field) for c, field in filled)

    def cell_at(r, c):
        return parse_number(values[(r, c)], decimal_comma=delimiter == ";")

    grid = build_grid(None, list(values), cell_at, more_rows=more_rows)
    return ([grid], grid.truncated) if grid else ([], False)


# html ---------------------------------------------------------------------------------


def _span(value, limit):
    try:
        return max(1, min(int(str(value).strip()), limit, 1000))
    except ValueError:
        return 1


def _html_table(table):
    """The HTML table model (rows of cells placed around row and column spans)."""
    caption = table.find("caption")
    name = clean_text(caption.text_content()) if caption is not None else None
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    occupied, values, merges = set(), {}, []
    for r, tr in enumerate(rows[:MAX_ROWS]):
        c = 0
        for td in tr.xpath("./td | ./th"):
            while (r, c) in occupied:
                c += 1
            if c >= MAX_COLUMNS + 1:
                break
            colspan = _span(td.get("colspan"), MAX_COLUMNS + 1 - c)
            rowspan = _span(td.get("rowspan"), MAX_ROWS - r)
            values[(r, c)] = td.text_content()
            occupied.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            if colspan > 1 or rowspan > 1:
                merges.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
    positions = [pos for pos, value in values.items() if value.strip()]
    return build_grid(name or None, positions, lambda r, c: parse_number(values[(r, c)]),
                      merges, more_rows=len(rows) > MAX_ROWS)


def read_html(data):
    from statportal.files.htmlsafety import parse_html

    root = parse_html(data)
    if root is None:
        return [], False
    tables = root.xpath("//table[not(ancestor::table)]")
    grids, more = _collect(_html_table(table) for table in tables)
    if grids and not more:
        notes = [clean_text(p.text_content())
                 for p in tables[-1].xpath("following::p[not(ancestor::table)]")]
        grids[-1].footnotes = (grids[-1].footnotes + [n for n in notes if n])[:MAX_FOOTNOTES]
    return _result(grids, more)
