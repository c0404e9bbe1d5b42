"""Reading an import's file into a frame of text: a CSV (UTF-8 with or without BOM, or
Windows-1251; separated by ``,``, ``;`` or tabs) or an .xlsx workbook (its first sheet),
told apart by their bytes, not their names.

The frame holds every cell as text (``str``), as written: the checks (``importing``) name
what was written. Its index is the spreadsheet row (the header is row 1; blank rows are
skipped but keep their numbers). ``frame.attrs``: ``kind`` (``csv`` or ``xlsx``),
``protected`` (the CSV that ``statportal disclosure protect`` writes: ``shown`` and
``status`` columns, no ``value``) and ``decimal_comma`` (True for a CSV separated by
semicolons, where ``1,234`` is 1.234; False for commas; None when it cannot be told).
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime

import numpy
import pandas as pd

from statportal.i18n import _
from statportal.taldau.store import CONFIDENTIAL_PRIMARY, CONFIDENTIAL_SECONDARY, NONE

#: The statuses of the published CSV of ``statportal disclosure protect``.
PROTECTED_STATUS = {"published": NONE, "primary": CONFIDENTIAL_PRIMARY,
                    "secondary": CONFIDENTIAL_SECONDARY}


class ImportRefused(ValueError):
    """The file was not imported: ``errors`` (the first ``importing.MAX_ERRORS``, in row
    order, each ``{"field", "row", "column", "message"}``) and ``total`` (all of them)."""

    def __init__(self, errors, total=None):
        super().__init__(errors)
        self.errors = list(errors)
        self.total = len(self.errors) if total is None else total


DELIMITERS = (",", ";", "\t")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: The errors listed at most (the count of the others is given), as ``importing.MAX_ERRORS``.
MAX_ERRORS = 100
#: The most columns a file may name when the caller does not say (an indicator has at most
#: 8 dimensions, then period, value and status): a wider header is refused before the
#: file is read (200,000 columns would take minutes and answer megabytes of errors).
MAX_COLUMNS = 20
#: Columns a file may have beyond its indicator's (each named as unknown in the errors).
SPARE_COLUMNS = 4
#: Excel's last row: a sheet of more rows is no spreadsheet.
MAX_ROWS = 1_048_576
#: Cells a sheet may hold beyond its header's columns (formatted empty cells, a note):
#: more is refused before a cell is parsed (openpyxl reads every cell of a row).
SPARE_CELLS_PER_ROW, SPARE_CELLS = 4, 10_000


def read_rows(filename, data, *, max_columns=MAX_COLUMNS, max_unpacked=None):
    """The frame of ``data`` (bytes of the file called ``filename``); ``ImportRefused``
    (naming ``file``) when it is neither a CSV nor an .xlsx workbook, names more than
    ``max_columns`` columns, has a row of more fields than the header names, or (an
    .xlsx) unpacks to more than ``max_unpacked`` bytes."""
    if data[:4] == b"PK\x03\x04":
        frame = _read_xlsx(filename, data, max_columns, max_unpacked)
        frame.attrs["kind"], frame.attrs["decimal_comma"] = "xlsx", None
    else:
        frame = _read_csv(filename, data, max_columns)
    columns = {name.lower() for name in frame.columns}
    frame.attrs["protected"] = "shown" in columns and "status" in columns and \
        "value" not in columns
    frame.attrs["filename"] = filename
    return frame


def _refuse(filename, message, row=None, column=None):
    return ImportRefused([{"field": "file", "row": row, "column": column,
                           "message": message}])


def _not_a_table(filename):
    return _refuse(filename, _(
        "${file} is neither a CSV file nor an .xlsx workbook: save it as one of them.",
        mapping={"file": filename or "?"}))


# -- CSV --------------------------------------------------------------------------------
def _encoding(filename, data):
    """``(encoding, first line)``: UTF-8 when every byte decodes so, else Windows-1251."""
    if b"\x00" in data[:65536] or data[:8] == OLE2:
        raise _not_a_table(filename)
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            header = data.decode(encoding).split("\n", 1)[0]   # the whole file is checked
            return encoding, header
        except UnicodeDecodeError:
            continue
    raise _refuse(filename, _("${file} is neither UTF-8 nor Windows-1251 text.",
                              mapping={"file": filename or "?"}))


def _read_csv(filename, data, max_columns=MAX_COLUMNS):
    encoding, header_line = _encoding(filename, data)
    if not header_line.strip():
        raise _refuse(filename, _("The first row must name the columns."), row=1)
    delimiter = max(DELIMITERS, key=header_line.count)
    header = [name.strip() for name in next(csv.reader([header_line],
                                                       delimiter=delimiter))]
    _check_width(filename, len(header), max_columns)
    _check_names(filename, header)
    _check_fields(filename, data, encoding, delimiter, len(header))
    try:
        # Codes, periods and statuses repeat: categories hold each text once.
        frame = pd.read_csv(io.BytesIO(data), encoding=encoding, sep=delimiter, header=0,
                            names=header, dtype={
                                name: str if name.lower() in ("value", "shown")
                                else "category" for name in header},
                            keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, index_col=False, engine="c")
    except pd.errors.ParserError as exc:
        raise _refuse(filename, _("The row cannot be read: ${reason}.", mapping={
            "reason": str(exc).replace("Error tokenizing data. C error: ", "").strip()}),
            row=_row_of(str(exc))) from None
    except pd.errors.EmptyDataError:
        raise _refuse(filename, _("The first row must name the columns."), row=1) from None
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    frame.attrs["kind"] = "csv"
    frame.attrs["decimal_comma"] = {";": True, ",": False}.get(delimiter)
    return _without_blank_rows(frame)


def _check_width(filename, width, max_columns):
    if max_columns is not None and width > max_columns:
        raise _refuse(filename, _("The first row names ${n} columns: a file for this "
                                  "indicator has at most ${max}.",
                                  mapping={"n": width, "max": max_columns}), row=1)


def _check_fields(filename, data, encoding, delimiter, width):
    """Refuse every row of more fields than the header names (``KZ,2026-01,1,5``: a decimal
    comma in a file separated by commas), which the reader would cut silently. Counted
    over the bytes with numpy (the separators and line ends are ASCII in both encodings);
    a file with quotes, where a separator may be inside a field, by the csv module."""
    if b'"' in data:
        reader = csv.reader(io.StringIO(data.decode(encoding), newline=""),
                            delimiter=delimiter)
        found = [(row, len(fields)) for row, fields in enumerate(reader, start=1)
                 if len(fields) > width]
        total = len(found)
    else:
        buffer = numpy.frombuffer(data, dtype=numpy.uint8)
        ends = numpy.flatnonzero(buffer == 10)
        separators = numpy.flatnonzero(buffer == ord(delimiter))
        # separators before each line's end; the last line may have no end
        before = numpy.append(numpy.searchsorted(separators, ends), len(separators))
        fields = numpy.diff(before, prepend=0) + 1
        rows = numpy.flatnonzero(fields > width)
        found = [(int(i) + 1, int(fields[i])) for i in rows[:MAX_ERRORS]]
        total = len(rows)
    if not found:
        return
    message = _("Row ${row} has ${fields} fields, the header has ${columns}.")
    if delimiter == ",":
        message = _("Row ${row} has ${fields} fields, the header has ${columns}: a decimal "
                    "comma in a file separated by commas must be quoted (\"1,5\"), or "
                    "separate the file by semicolons.")
    raise ImportRefused([{"field": "file", "row": row, "column": None, "message": _(
        message, mapping={"row": row, "fields": count, "columns": width})}
        for row, count in found[:MAX_ERRORS]], total)


def _row_of(message):
    """The spreadsheet row a pandas parser error names (its "line" counts from 1, its
    "row" from 0)."""
    line = re.search(r"line (\d+)", message)
    if line:
        return int(line.group(1))
    row = re.search(r"row (\d+)", message)
    return int(row.group(1)) + 1 if row else None


def _check_names(filename, header):
    seen = set()
    for name in header:
        if not name:
            raise _refuse(filename, _("A column has no name in the first row."), row=1)
        if name in seen:
            raise _refuse(filename, _("The column ${column} is named twice.",
                                      mapping={"column": name}), row=1, column=name)
        seen.add(name)


def _without_blank_rows(frame):
    if not len(frame.columns) or not len(frame):
        return frame
    blank = _blank_rows(frame)
    return frame[~blank] if blank.any() else frame


def _blank_rows(frame):
    """Rows with nothing in any cell, looked at only where the first cell is empty."""
    candidates = frame.iloc[:, 0].str.strip() == ""
    blank = candidates.copy()
    if candidates.any():
        part = frame[candidates]
        blank[candidates] = part.apply(lambda column: column.str.strip() == "").all(axis=1)
    return blank


# -- xlsx -------------------------------------------------------------------------------
def _read_xlsx(filename, data, max_columns=MAX_COLUMNS, max_unpacked=None):
    from openpyxl import load_workbook

    from statportal.files.policy import ZIP_MAX_UNPACKED, unpacked_size

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        is_workbook = False
    size = unpacked_size(data) if is_workbook else None
    if size is None or size > ZIP_MAX_UNPACKED:
        raise _not_a_table(filename)
    if max_unpacked is not None and size > max_unpacked:
        raise _refuse(filename, _("${file} unpacks to more than ${mb} MB.", mapping={
            "file": filename or "?", "mb": max_unpacked // (1024 * 1024)}))
    # openpyxl parses every cell of every sheet that does not declare its size before a
    # row is read: the sheets' rows and cells are counted first, over their bytes
    sheets = _sheets_shape(data)
    if any(rows > MAX_ROWS for rows, _cells in sheets.values()):
        raise _refuse(filename, _("The sheet has more than ${n} rows.",
                                  mapping={"n": MAX_ROWS}))
    # before the header is read the width is only the limit, and the message says so
    _check_cells(filename, sum(rows for rows, _cells in sheets.values()),
                 sum(cells for _rows, cells in sheets.values()),
                 MAX_COLUMNS if max_columns is None else max_columns, limit=True)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (any failure to read is the file's fault)
        raise _refuse(filename, _("${file}: the workbook cannot be read.",
                                  mapping={"file": filename or "?"})) from None
    try:
        sheet = book.worksheets[0]
        shape = sheets.get((getattr(sheet, "_worksheet_path", None) or "").lstrip("/"),
                           (0, 0))
        rows = sheet.iter_rows(values_only=True, max_col=max_columns + 1
                               if max_columns is not None else None)
        header = next(rows, None)
        header = [_cell_text(v).strip() for v in (header or ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise _refuse(filename, _("The first row must name the columns."), row=1)
        _check_width(filename, len(header), max_columns)
        _check_names(filename, header)
        width = len(header)
        _check_cells(filename, *shape, width)
        cells, numbers, beyond = [[] for _name in header], [], []
        # every cell (the check above bounds them): one beyond the header is refused
        for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            extra = next((i for i, v in enumerate(row[width:], start=width)
                          if _cell_text(v).strip()), None)
            if extra is not None:
                beyond.append((number, extra))
            texts = [_cell_text(v) for v in row[:width]]
            if not any(t.strip() for t in texts):
                continue
            texts += [""] * (width - len(texts))
            for column, value in zip(cells, texts, strict=True):
                column.append(value)
            numbers.append(number)
    finally:
        book.close()
    if beyond:
        from openpyxl.utils import get_column_letter

        raise ImportRefused([{"field": "file", "row": row, "column": get_column_letter(i + 1),
                              "message": _("Row ${row} has a value in column ${column}, "
                                           "beyond the ${columns} columns the header "
                                           "names.", mapping={
                                               "row": row, "column": get_column_letter(i + 1),
                                               "columns": width})}
                             for row, i in beyond[:MAX_ERRORS]], len(beyond))
    return pd.DataFrame({name: pd.Series(column, dtype=str)
                         for name, column in zip(header, cells, strict=True)}
                        ).set_axis(pd.Index(numbers, dtype="int64"))


def _sheets_shape(data):
    """``{path: (rows, cells)}`` of the workbook's sheets, counted over their XML's bytes
    (fast, before openpyxl parses any)."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                prefix = re.search(rb"<([A-Za-z_][\w.-]*:)?sheetData[\s>/]", xml)
                tag = b"<" + ((prefix.group(1) or b"") if prefix else b"")
                found[name] = tuple(sum(xml.count(tag + element + end)
                                        for end in (b" ", b">", b"/"))
                                    for element in (b"row", b"c"))
    return found


def _check_cells(filename, rows, cells, width, limit=False):
    """Refuse a sheet of far more cells than rows of ``width`` columns hold (``limit``:
    ``width`` is the most columns a table may have, not the header's)."""
    if cells > rows * (width + SPARE_CELLS_PER_ROW) + SPARE_CELLS:
        if limit:
            message = _("The workbook holds cells far beyond the ${n} columns a table "
                        "of this indicator may have: keep only the table, on the first "
                        "sheet.", mapping={"n": width})
        else:
            message = _("The workbook holds cells far beyond the ${n} columns of the "
                        "table: keep only the table, on the first sheet.",
                        mapping={"n": width})
        raise _refuse(filename, message)


def _cell_text(value):
    """A cell as text: numbers as Python writes them back (``1234.5``; whole ones without
    ``.0``), a date on the first of a month as that month (Excel turns ``2026-10`` into
    a date), other dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # Positional, to ten decimals at most (as read_number reads): 0.1 + 0.2 is 0.3.
        return numpy.format_float_positional(round(value, 10), trim="-")
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return f"{day.year}-{day.month:02d}" if day.day == 1 else day.isoformat()
    return str(value)
