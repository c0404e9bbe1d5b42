"""The ``bases`` field: a table's basis is uploaded beside it but never published.

A basis is a .csv or .xlsx (checked by content), read whole when it is uploaded so that
an error names the file, the sheet, the line and the column; it is stored as
``NAME.basis.xlsx``. The published tables it belongs to are ``NAME*.xlsx`` (``NAME.xlsx``,
``NAME-kk.xlsx``…), or those its ``tables`` lists (JSON: a list of file names in the basis's
file object; the form: a choice of the item's tables)."""

import colander
import deform.widget

from statportal.confidentiality.basis import is_basis, read_basis
from statportal.disclosure.errors import InputError
from statportal.files.policy import FilePolicy, FileRefused, check_upload, safe_name
from statportal.files.upload import Upload, UploadStore, policy_of
from statportal.i18n import _

BASIS_FORMATS = ("csv", "xlsx")


def basis_filename(filename, extension):
    """The stored name: safe, at most 150 characters, ending in ``.basis.<ext>``."""
    name = safe_name(filename)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if is_basis(name):
        return name
    stem = stem.strip(". ")[:150 - len(".basis.") - len(extension)] or "table"
    return f"{stem}.basis.{extension}"


class BasisUpload(Upload):
    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct in ("", None):
            return colander.null
        filename, data, _language = self.decode(node, cstruct)
        tables_given(node, cstruct.get("tables"))  # a bad list is named before the file
        request = (node.bindings or {}).get("request")
        policy = FilePolicy(extensions=BASIS_FORMATS, max_bytes=policy_of(request).max_bytes)
        try:
            extension = check_upload(filename, data, policy)
        except FileRefused as refused:
            raise colander.Invalid(node, refused.message) from None
        filename = basis_filename(filename, extension)
        from statportal.confidentiality.material import classifications_of

        registry = getattr(request, "registry", None)
        try:
            read_basis(filename, data, classifications_of(registry) if registry else {})
        except InputError as exc:
            raise colander.Invalid(node, _("The basis is not valid: ${error}",
                                           mapping={"error": str(exc)})) from None
        return {"filename": filename, "data": data, "extension": extension,
                "language": None, "removed_sheets": [],
                "tables": tables_given(node, cstruct.get("tables"))}


TABLES_NODE = colander.SchemaNode(colander.List(), name="tables")


def tables_invalid(node, message):
    """An Invalid for ``tables`` inside a basis (JSON ``bases.<i>.tables``)."""
    exc = colander.Invalid(node, "")
    exc.add(colander.Invalid(TABLES_NODE, message))
    return exc


def tables_given(node, value):
    """The ``tables`` of a basis upload: file names (JSON list of texts; the form's
    multi-choice), without repeats; () when not given."""
    if value in (None, colander.null, ""):
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise tables_invalid(node, _("tables is a list of the material's file names."))
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def stored_bases(uploads, version=1):
    """The bases to store from their uploads: each keeps the tables it was given."""
    from persistent.list import PersistentList

    from statportal.files import StoredFile

    stored = PersistentList()
    for upload in uploads:
        basis = StoredFile.from_upload(upload, version=version)
        if upload.get("tables"):
            basis.tables = tuple(upload["tables"])
        stored.append(basis)
    return stored


def check_basis_tables(node, value):
    """A mapping validator: each name in a basis's ``tables`` is a table file the material
    (or request) has — the files of this body when it sends them, else the stored ones —
    and no table is listed by two bases. Errors name ``bases.<i>.tables`` and the file."""
    from statportal.confidentiality.published import TABLE_EXTENSIONS

    bases = value.get("bases") if isinstance(value, dict) else None
    if not bases or not any(b.get("tables") for b in bases if isinstance(b, dict)):
        return
    sent = list(value.get("files") or ())  # the new list: kept, replacing and new files
    bindings = node.bindings or {}
    context = None if bindings.get("adding") else bindings.get("context")
    if sent:
        names = [safe_name(f["filename"]) for f in sent
                 if isinstance(f, dict) and f.get("filename") and "remove" not in f]
    else:
        names = [f.filename for f in getattr(context, "files", None) or ()]
    tables = {n for n in names if n.rsplit(".", 1)[-1].lower() in TABLE_EXTENSIONS}
    bases_node = node.get("bases")
    item = bases_node.children[0] if bases_node is not None else node
    problems, claimed = [], {}
    for index, basis in enumerate(bases):
        for name in basis.get("tables") or ():
            if name not in names:
                message = _("tables: the material has no file ${file}.",
                            mapping={"file": name})
            elif name not in tables:
                message = _("tables: ${file} is not a table (.xlsx, .xls or .csv).",
                            mapping={"file": name})
            elif name in claimed and claimed[name] != index:
                message = _("tables: ${file} is listed by two bases.",
                            mapping={"file": name})
            else:
                claimed[name] = index
                continue
            problems.append((index, message))
            break
    if problems:
        exc = colander.Invalid(node, "")
        sequence = colander.Invalid(bases_node, "") if bases_node is not None else exc
        for index, message in problems:
            sequence.add(tables_invalid(item, message), index)
        if sequence is not exc:
            exc.add(sequence, [c.name for c in node.children].index("bases"))
        raise exc


class BasisUploadWidget(deform.widget.FileUploadWidget):
    """The basis file and, when the item has table files, a choice of the tables it
    covers (none chosen: the tables named after it)."""

    template = "basis_upload"
    _pstruct_schema = deform.widget.FileUploadWidget._pstruct_schema.clone()
    _pstruct_schema.add(colander.SchemaNode(colander.List(), name="tables", missing=()))

    def __init__(self, tmpstore, choices=(), current=(), **kw):
        super().__init__(tmpstore, **kw)
        self.choices = tuple(choices)
        self.current = tuple(current)  # the bases the item has: kept unless one is chosen

    def deserialize(self, field, pstruct):
        data = super().deserialize(field, pstruct)
        if data is colander.null or not isinstance(pstruct, dict):
            return data
        data = dict(data)
        data["tables"] = [v for v in pstruct.get("tables") or () if isinstance(v, str)]
        return data

    def handle_error(self, field, error):
        """The message of ``tables`` shows at the basis."""
        if not error.msg and error.children:
            error = error.children[0]
        super().handle_error(field, error)


@colander.deferred
def basis_widget(node, kw):
    from statportal.confidentiality.published import TABLE_EXTENSIONS

    context = None if kw.get("adding") else kw.get("context")
    choices = [f.filename for f in getattr(context, "files", None) or ()
               if f.extension in TABLE_EXTENSIONS]
    current = [b.filename for b in getattr(context, "bases", None) or ()]
    return BasisUploadWidget(UploadStore(kw.get("request")), choices=choices, current=current)


class Bases(colander.SequenceSchema):
    basis = colander.SchemaNode(BasisUpload(), title=_("Basis"), widget=basis_widget,
                                missing=colander.drop)


def bases_node():
    return Bases(name="bases", title=_("Bases of the tables (never published)"),
                 missing=colander.drop,
                 description=_("Long form: the dimension columns, value, respondents "
                               "(top1, top2, consent optional); an .xlsx adds a sheet per "
                               "dimension with code, parent, label. The basis of wages.xlsx "
                               "is named wages.basis.xlsx."),
                 widget=deform.widget.SequenceWidget(min_len=1, max_len=5,
                                                     category="structural"))  # titled once
