"""The long CSV and the .xlsx workbook: formats for people and spreadsheets.

CSV: one row per cell, every dimension as its code and its label in the language
(``<dim>``, ``<dim>_label``, the time dimension ``period`` included), ``value`` written
with the indicator's decimals (``X`` for a confidential cell, empty for a missing one) and
``status`` (``X``, ``p``, ``r`` or empty); comma-separated with ``.`` as the decimal mark,
UTF-8 with a BOM so that Excel reads the Cyrillic right.

.xlsx: the table with the periods across (rows: the other dimensions' labels), numbers as
numbers shown with the indicator's decimals (``p``/``r`` added by the number format, so
the cell stays a number), ``X`` as text; the notes for ``X``, ``p`` and ``r`` under it;
a second sheet with the metadata."""

import codecs
import csv
import io

import numpy
from babel.dates import format_datetime

from statportal.disclosure.output import SHEET_TITLE, number_format
from statportal.i18n import DATETIME_FORMAT, _
from statportal.taldau.formats.common import (
    PROVISIONAL,
    PROVISIONAL_NOTE,
    REVISED,
    REVISED_NOTE,
    STATUS_TEXT,
    decimals_of,
    long_codes,
    masks,
    rounded,
    texts,
)

METADATA_TITLE = _("Metadata")
METADATA_ROWS = (("title", _("Title")), ("code", _("Code")),
                 ("unit", _("Unit of measure")), ("source", _("Source")))
UPDATED, AS_OF, NOTES = _("Updated"), _("Data as of"), _("Notes")
#: Excel forbids these in a sheet's name (and names over 31 characters)
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def write(result, context, name):
    return csv_bytes(result) if name == "csv" else xlsx_bytes(result, context)


def csv_bytes(result):
    codes, labels = long_codes(result.dims), long_codes(result.dims, "labels")
    names, columns = [], []
    for dim in result.dims:
        names += [dim.code, f"{dim.code}_label"]
        columns += [codes[dim.code], labels[dim.code]]
    status = numpy.asarray(result.status, dtype=numpy.uint8).ravel()
    names += ["value", "status"]
    columns += [texts(result), STATUS_TEXT[numpy.where(status < len(STATUS_TEXT), status, 0)]]
    # The csv module pandas' to_csv uses (the same quoting, the same bytes), without its
    # frame and its utf-8-sig encoder reset on every chunk: the whole table of one activity
    # of bench_taldau.py (28,560 rows) in about half the time, under its 100 ms goal.
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows(zip(*(column.tolist() for column in columns), strict=True))
    return codecs.BOM_UTF8 + stream.getvalue().encode("utf-8")


def _text(sheet, value):
    """A text cell that stays text: openpyxl takes a string starting with ``=`` for a
    formula (labels come from indicators' definitions)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def xlsx_bytes(result, context):
    """The workbook (openpyxl in write-only mode: rows are streamed, not kept)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE[context.lang])
    rows_dims, period = result.dims[:-1], result.dims[-1]
    bold, right = Font(bold=True), Alignment(horizontal="right")

    def header(value):
        cell = _text(sheet, value)
        cell.font = bold
        return cell

    # labels readable without widening the columns; headers and labels stay in view
    for column in range(1, len(rows_dims) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 28
    sheet.freeze_panes = f"{get_column_letter(len(rows_dims) + 1)}2"
    sheet.append([header(dim.label) for dim in rows_dims] +
                 [header(code) for code in period.codes])  # ISO: sortable, re-importable
    width = len(period.codes)
    values = rounded(result).reshape(-1, width) if width else numpy.empty((0, 0))
    status = numpy.asarray(result.status, dtype=numpy.uint8).reshape(values.shape)
    confidential, missing = (m.reshape(values.shape) for m in masks(result))
    decimals = decimals_of(result)
    formats = {0: number_format(decimals), PROVISIONAL: number_format(decimals) + '" p"',
               REVISED: number_format(decimals) + '" r"'}
    labels = long_codes(rows_dims, "labels")
    label_rows = list(zip(*(labels[dim.code].tolist() for dim in rows_dims), strict=True)) \
        if rows_dims else [()] * values.shape[0]
    numbers, kinds = values.tolist(), _kinds(status, confidential, missing).tolist()
    for prefix, cells, row_kinds in zip(label_rows, numbers, kinds, strict=True):
        row = [_text(sheet, text) if str(text).startswith("=") else text for text in prefix]
        for value, kind in zip(cells, row_kinds, strict=True):
            if kind == _X:
                cell = WriteOnlyCell(sheet, "X")
                cell.alignment = right
            elif kind == _EMPTY:
                cell = None
            else:
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = formats.get(kind, formats[0])
            row.append(cell)
        sheet.append(row)
    sheet.append([])
    notes = [context.footnote]
    if (status == PROVISIONAL).any():
        notes.append(context.translate(PROVISIONAL_NOTE))
    if (status == REVISED).any():
        notes.append(context.translate(REVISED_NOTE))
    for note in notes:
        sheet.append([_text(sheet, note)])
    _metadata(book, result, context)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


_X, _EMPTY = 100, 101


def _kinds(status, confidential, missing):
    """Per cell: ``_X``, ``_EMPTY`` or the status code (which number format to use)."""
    kinds = status.astype(numpy.int16)
    kinds[missing] = _EMPTY
    kinds[confidential] = _X
    return kinds


def _metadata(book, result, context):
    from openpyxl.styles import Font

    title = context.translate(METADATA_TITLE).translate(SHEET_NAME_FORBIDDEN)[:31]
    sheet = book.create_sheet(title.strip() or "Metadata")
    # widths before the first row: a write-only sheet writes its columns with it
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 24, 60
    rows = [(label, getattr(result, attribute)) for attribute, label in METADATA_ROWS]
    rows.append((UPDATED, _when(result.updated, context)))
    if result.asof is not None:
        rows.append((AS_OF, _when(result.asof, context)))
    rows += [(NOTES, note) for note in result.notes]
    for label, value in rows:
        name = _text(sheet, context.translate(label))
        name.font = Font(bold=True)
        sheet.append([name, _text(sheet, value or "")])


def _when(moment, context):
    """A time in the portal's zone and the language, with the zone's name."""
    if moment is None:
        return ""
    from datetime import UTC

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = format_datetime(moment, DATETIME_FORMAT, tzinfo=context.zone, locale=context.lang)
    return f"{text} ({context.zone.key})"
