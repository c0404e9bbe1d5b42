"""The published table: long form (CSV) and a formatted pivot (.xlsx, .html) with ``X``
marks and the footnote that explains them. Files are written whole or not at all.

Values are written with the precision of the basis (``Table.decimals``: the most digits
after the point any of its values has): ``7471.9`` and ``120.0`` for a basis with one
decimal, ``120`` for a basis of whole numbers; never floating-point noise such as
``7471.900000000001``. The .xlsx holds numbers (rounded to that precision) with a number
format showing that many decimals."""

import csv
import html
import io
import os
import tempfile

FOOTNOTE = {
    "kk": "X – деректер құпия (Статистика туралы заңның 8-бабы).",
    "ru": "X – данные конфиденциальны (статья 8 Закона «О государственной статистике»).",
    "en": "X – confidential data (article 8 of the Law on State Statistics).",
}
#: the name of the sheet of a protected table, in its language (not openpyxl's "Sheet")
SHEET_TITLE = {"kk": "Кесте", "ru": "Таблица", "en": "Table"}
STATUSES = ("published", "primary", "secondary")


def long_rows(table, status):
    """``[{dim: code, …, "shown": value or "X", "status": …}]`` in the table's order."""
    rows = []
    for key in table.order():
        state = status.get(key, "published")
        cell = table.cells[key]
        row = dict(zip(table.dims, key, strict=True))
        row["shown"] = "X" if state != "published" else table.text(cell.value)
        row["status"] = state
        rows.append(row)
    return rows


def number_format(decimals):
    """The .xlsx number format for ``decimals`` digits after the point."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def write_atomically(path, write):
    """``write(stream)`` into a temporary file beside ``path``, renamed over it at the end:
    an error leaves no partial file."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".statportal-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_csv(path, table, status):
    rows = long_rows(table, status)

    def write(stream):
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        writer = csv.DictWriter(text, fieldnames=[*table.dims, "shown", "status"])
        writer.writeheader()
        writer.writerows(rows)
        text.flush()
        text.detach()

    write_atomically(path, write)


def pivot(table, status, rows_dim, cols_dim):
    """``(row codes, column codes, {(row, col): shown})``; other dimensions at their
    total (the root). A shown value is the number rounded to the table's precision
    (``Table.rounded``: an int for a basis of whole numbers), or ``"X"``."""
    others = {d: table.hierarchies[d].root for d in table.dims if d not in (rows_dim, cols_dim)}
    from statportal.disclosure.table import _depth_first

    row_codes = _depth_first(table.hierarchies[rows_dim])
    col_codes = _depth_first(table.hierarchies[cols_dim])
    shown = {}
    for r in row_codes:
        for c in col_codes:
            key = tuple({rows_dim: r, cols_dim: c, **others}[d] for d in table.dims)
            cell = table.cells.get(key)
            if cell is None:
                continue
            shown[(r, c)] = "X" if status.get(key, "published") != "published" \
                else table.rounded(cell.value)
    return row_codes, col_codes, shown


def write_xlsx(path, table, status, rows_dim, cols_dim, language="kk"):
    write_atomically(path, lambda stream: stream.write(
        xlsx_bytes(table, status, rows_dim, cols_dim, language)))


def xlsx_bytes(table, status, rows_dim, cols_dim, language="kk"):
    """The pivot as an .xlsx workbook: labels in ``language`` where the hierarchies have
    them (always as text cells), ``X`` centred, the footnote under the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    row_codes, col_codes, shown = pivot(table, status, rows_dim, cols_dim)
    rows_h, cols_h = table.hierarchies[rows_dim], table.hierarchies[cols_dim]
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE.get(language, SHEET_TITLE["en"])
    sheet.append(["", *[cols_h.label(c, language) for c in col_codes]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in row_codes:
        values = [shown.get((r, c), "") for c in col_codes]
        sheet.append([rows_h.label(r, language), *values])
        label = sheet.cell(row=sheet.max_row, column=1)
        label.alignment = Alignment(indent=rows_h.depth(r))
        for cell in sheet[sheet.max_row][1:]:
            if cell.value == "X":
                cell.alignment = Alignment(horizontal="center")
            elif isinstance(cell.value, float | int):
                cell.number_format = number_format(table.decimals)
    sheet.append([])
    sheet.append([FOOTNOTE[language]])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                # Labels come from the uploaded bases: text stays text, never a formula
                # (openpyxl takes a string starting with "=" as one; "=HYPERLINK(…)").
                cell.data_type = "s"
    sheet.column_dimensions["A"].width = 40
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def to_html(table, status, rows_dim, cols_dim, language="kk"):
    row_codes, col_codes, shown = pivot(table, status, rows_dim, cols_dim)
    rows_h, cols_h = table.hierarchies[rows_dim], table.hierarchies[cols_dim]
    e = html.escape
    parts = ['<table class="preview"><thead><tr><td></td>']
    parts += [f'<th scope="col">{e(cols_h.label(c, language))}</th>' for c in col_codes]
    parts.append("</tr></thead><tbody>")
    for r in row_codes:
        parts.append(f'<tr><th scope="row" class="depth-{rows_h.depth(r)}">'
                     f"{e(rows_h.label(r, language))}</th>")
        for c in col_codes:
            value = shown.get((r, c), "")
            parts.append('<td class="confidential">X</td>' if value == "X"
                         else f"<td>{e(table.text(value)) if value != '' else ''}</td>")
        parts.append("</tr>")
    parts.append(f'</tbody></table><p class="footnote">{e(FOOTNOTE[language])}</p>')
    return "".join(parts)
