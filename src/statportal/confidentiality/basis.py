"""A table's basis as an editor uploads it beside the published table.

Either an .xlsx workbook — a sheet ``basis`` (or the first sheet) in long form, one row per
finest-level cell with the dimension columns, ``value``, ``respondents`` and optionally
``top1``, ``top2``, ``consent``, ``consent_ref``; and one sheet per dimension, named after
it, with ``code,parent,label`` (and ``label_kk``, ``label_ru``, ``label_en``) — or a .csv
of the long form whose dimensions are classifications the portal knows
(``config.add_classification``). Errors name the file, the sheet, the line and the column.
"""

import csv
import io

from statportal.disclosure.errors import InputError
from statportal.disclosure.hierarchy import Hierarchy
from statportal.disclosure.table import Table

MEASURES = ("value", "respondents", "top1", "top2", "consent", "consent_ref")


def basis_name(filename):
    """``wages.basis.xlsx`` → ``wages``: the stem the basis is the basis of."""
    stem = filename.rsplit(".", 1)[0]
    return stem[:-6] if stem.lower().endswith(".basis") else None


def is_basis(filename):
    return basis_name(filename) is not None


def read_basis(filename, data, classifications=None):
    """The basis as a :class:`Table`; :class:`InputError` names what is wrong where."""
    extension = filename.rsplit(".", 1)[-1].lower()
    classifications = classifications or {}
    if extension == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("the file is not UTF-8 text", filename) from None
        sheets = {}
        basis_text, basis_file = text, filename
    elif extension == "xlsx":
        sheets = _workbook_sheets(filename, data)
        basis_sheet = next((n for n in sheets if n.lower() == "basis"), next(iter(sheets)))
        basis_text = sheets.pop(basis_sheet)
        basis_file = f"{filename}, sheet {basis_sheet}"
    else:
        raise InputError("a basis is a .csv or .xlsx file", filename)
    header = next(csv.reader(io.StringIO(basis_text)), [])
    dims = [column.strip() for column in header if column.strip() and
            column.strip() not in MEASURES]
    if not dims:
        raise InputError("no dimension column (such as region or activity) beside value "
                         "and respondents", basis_file, 1)
    hierarchies = {}
    for dim in dims:
        sheet = next((n for n in sheets if n.lower() == dim.lower()), None)
        if sheet is not None:
            hierarchies[dim] = Hierarchy.from_csv(dim, sheets[sheet],
                                                  f"{filename}, sheet {sheet}")
        elif dim in classifications:
            hierarchies[dim] = classifications[dim]
        else:
            raise InputError(f"no hierarchy for the dimension {dim!r}: add a sheet named "
                             f"{dim!r} with code,parent,label", basis_file, 1, dim)
    return Table.from_csv(basis_text, hierarchies, basis_file)


def _workbook_sheets(filename, data):
    """``{sheet name: CSV text}`` of an .xlsx workbook (values, not formulas)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"not a readable .xlsx workbook ({exc})", filename) from None
    sheets = {}
    try:
        for sheet in book.worksheets:
            out = io.StringIO()
            writer = csv.writer(out)
            for row in sheet.iter_rows(values_only=True):
                writer.writerow(["" if v is None else _text(v) for v in row])
            sheets[sheet.title] = out.getvalue()
    finally:
        book.close()
    if not sheets:
        raise InputError("the workbook has no sheet", filename)
    return sheets


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
