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
from statportal.i18n import _, interpolate

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
            text = _comma_separated(data)
        except ValueError:
            raise InputError("the file is neither UTF-8 nor Windows-1251 text",
                             filename) from None
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
    missing = [name for name in ("value", "respondents")
               if name not in (column.strip() for column in header)]
    if missing:  # e.g. the published table chosen as its basis: say so, not "no hierarchy"
        raise InputError(f"no column {' and '.join(map(repr, missing))}: a basis is the long "
                         "form, one row per cell (the dimension columns, value, respondents), "
                         "not the published table", basis_file, 1)
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


def _comma_separated(data):
    """A .csv as a spreadsheet program saves it (UTF-8 or Windows-1251, ``,`` or ``;``
    between fields, as the preview reads it) in the comma-separated UTF-8 form read here."""
    from statportal.files.tables import csv_delimiter, decode_text

    text = decode_text(data)
    delimiter = csv_delimiter(text)
    if delimiter == ",":
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        csv.reader(io.StringIO(text), delimiter=delimiter))
    return out.getvalue()


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


# -- the tables a basis covers ------------------------------------------------------------------
def stem_of(basis):
    """``wages.basis.xlsx`` → ``wages``, lower-cased: the names of its tables start so."""
    return (basis_name(basis.filename) or basis.filename.rsplit(".", 1)[0]).lower()


def listed_tables(basis):
    """The file names a basis was given explicitly (``tables``), in order; () for none."""
    return tuple(getattr(basis, "tables", None) or ())


def stem_matches(stem, filename):
    """``wages`` matches ``wages.xlsx``, ``wages-kk.xlsx``, ``wages_ru.xls``, ``wages 2.csv``."""
    name = filename.rsplit(".", 1)[0].lower()
    return name == stem or (name.startswith(stem) and name[len(stem)] in "-_. ")


def assign_tables(bases, tables):
    """``[(table, basis or None)]``: a table a basis lists (``tables``) is that basis's;
    else the basis without a list whose stem is the longest prefix of the table's name;
    else, when the material has one basis and it lists nothing, that basis."""
    bases = list(bases or ())
    listing = {}
    for basis in bases:
        for name in listed_tables(basis):
            listing.setdefault(name, basis)
    by_stem = [basis for basis in bases if not listed_tables(basis)]
    only = by_stem[0] if len(bases) == 1 and by_stem else None
    result = []
    for stored in tables:
        match = listing.get(stored.filename)
        if match is None:
            longest = -1
            for basis in by_stem:
                stem = stem_of(basis)
                if stem_matches(stem, stored.filename) and len(stem) > longest:
                    match, longest = basis, len(stem)
        result.append((stored, match if match is not None else only))
    return result


# -- art. 22's other methods, as the CMS applies them -------------------------------------------
#: method → its parameters (beside ``rows``, ``cols`` and ``basis``); "suppress" is X alone
METHODS = {"suppress": (), "collapse": ("dim", "depth"),
           "transfer": ("dim", "code", "to", "where"),
           "combine": ("dim", "codes", "new_code", "label")}


class MethodError(ValueError):
    """A method's parameter that cannot be used: ``field`` names it."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def method_of(params, dims):
    """The method asked for, checked against the basis's dimensions: a plain dict
    ``{"method", …its parameters}`` (stored on the basis after Generate), or raises
    :class:`MethodError` naming the parameter."""
    method = params.get("method") or "suppress"
    if not isinstance(method, str) or method not in METHODS:
        raise MethodError("method", _("the method ${method} is none of ${methods}",
                                      mapping={"method": str(method)[:40],
                                               "methods": ", ".join(METHODS)}))
    if method == "suppress":
        return {"method": "suppress"}
    dim = params.get("dim")
    if not isinstance(dim, str) or dim not in dims:
        raise MethodError("dim", _("choose the dimension the method applies to, one of "
                                   "${dims}", mapping={"dims": ", ".join(dims)}))
    found = {"method": method, "dim": dim}
    if method == "collapse":
        depth = params.get("depth")
        if isinstance(depth, str) and depth.strip().lstrip("-").isdigit():
            depth = int(depth.strip())
        if isinstance(depth, bool) or not isinstance(depth, int):
            raise MethodError("depth", _("the depth is a whole number (0 = the total)"))
        found["depth"] = depth
    elif method == "transfer":
        for name in ("code", "to"):
            value = params.get(name)
            if not isinstance(value, str) or not value.strip():
                raise MethodError(name, _("give the code (${field}) of ${dim}",
                                          mapping={"field": name, "dim": dim}))
            found[name] = value.strip()
        where = params.get("where") or {}
        if isinstance(where, str):  # the form: DIM=CODE, DIM=CODE
            pairs = [part.partition("=") for part in where.split(",") if part.strip()]
            if any(not sep or not k.strip() or not v.strip() for k, sep, v in pairs):
                raise MethodError("where", _("write where as DIM=CODE, such as "
                                             "region=ABAI-1"))
            where = {k.strip(): v.strip() for k, _sep, v in pairs}
        if not isinstance(where, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in where.items()):
            raise MethodError("where", _("where is an object {dimension: code}"))
        unknown = [k for k in where if k not in dims]
        if unknown:
            raise MethodError("where", _("${dim} is not a dimension of the basis",
                                         mapping={"dim": unknown[0]}))
        found["where"] = dict(where)
    else:
        codes = params.get("codes")
        if isinstance(codes, str):  # the form: codes separated by commas
            codes = [code.strip() for code in codes.split(",") if code.strip()]
        if not isinstance(codes, list) or not all(isinstance(c, str) and c.strip()
                                                  for c in codes) or len(codes) < 2:
            raise MethodError("codes", _("give at least two codes of ${dim} to combine",
                                         mapping={"dim": dim}))
        new_code = params.get("new_code")
        if not isinstance(new_code, str) or not new_code.strip():
            raise MethodError("new_code", _("give the code of the combined element of "
                                            "${dim}", mapping={"dim": dim}))
        label = params.get("label")
        if label is not None and not isinstance(label, str):
            raise MethodError("label", _("the label is a text"))
        found.update(codes=[c.strip() for c in codes], new_code=new_code.strip(),
                     label=(label or "").strip() or None)
    return found


def apply_method(table, method):
    """``table`` with the method applied (the basis itself is never changed); an
    :class:`InputError` of the engine becomes a :class:`MethodError` naming the
    parameter at fault."""
    from statportal.disclosure import operations as ops

    kind = (method or {}).get("method", "suppress")
    try:
        if kind == "collapse":
            return ops.collapse(table, method["dim"], method["depth"])
        if kind == "transfer":
            hierarchy = table.hierarchies[method["dim"]]
            for name in ("code", "to"):
                mapping = {"code": method[name], "dim": method["dim"]}
                if method[name] not in hierarchy:
                    raise MethodError(name, _("${code} is not a code of ${dim}",
                                              mapping=mapping))
                if not hierarchy.is_leaf(method[name]):
                    raise MethodError(name, _("${code} is a total of ${dim}, not a "
                                              "finest-level element", mapping=mapping))
            if method["code"] == method["to"]:
                raise MethodError("to", _("${code} cannot be transferred onto itself",
                                          mapping={"code": method["code"]}))
            for other, code in method["where"].items():
                if other == method["dim"]:
                    raise MethodError("where", _("where cannot restrict ${dim}, the "
                                                 "dimension transferred in",
                                                 mapping={"dim": other}))
                if code not in table.hierarchies[other]:
                    raise MethodError("where", _("${code} is not a code of ${dim}",
                                                 mapping={"code": code, "dim": other}))
            return ops.transfer(table, method["dim"], method["code"], method["to"],
                                method["where"] or None)
        if kind == "combine":
            return ops.combine(table, method["dim"], method["codes"], method["new_code"],
                               method.get("label"))
    except InputError as exc:
        field = {"collapse": "depth", "transfer": "code", "combine": "codes"}[kind]
        if kind == "combine" and "new code" in exc.message:
            field = "new_code"
        raise MethodError(field, exc.message) from None
    return table


def methods_of(basis):
    """The methods the published tables of a basis were made with (by Generate): the check
    applies them to the basis before it reads the tables."""
    return tuple(m for m in getattr(basis, "methods", None) or ()
                 if m.get("method") not in (None, "suppress"))


def read_basis_as_published(filename, data, classifications=None, methods=()):
    """The basis read, with the methods its tables were made with applied."""
    table = read_basis(filename, data, classifications)
    for method in methods:
        try:
            table = apply_method(table, method)
        except MethodError as exc:
            raise InputError(f"{method['method']}: {interpolate(exc.message)}",
                             filename) from None
    return table
