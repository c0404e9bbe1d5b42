"""The ``bases`` field: a table's basis is uploaded beside it but never published.

A basis is a .csv or .xlsx (checked by content), read whole when it is uploaded so that
an error names the file, the sheet, the line and the column; it is stored as
``NAME.basis.xlsx`` (the published tables it belongs to are ``NAME*.xlsx``)."""

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
                "language": None, "removed_sheets": []}


@colander.deferred
def basis_widget(node, kw):
    return deform.widget.FileUploadWidget(UploadStore())


class Bases(colander.SequenceSchema):
    basis = colander.SchemaNode(BasisUpload(), title=_("Basis"), widget=basis_widget,
                                missing=colander.drop)


def primary_data_node():
    return colander.SchemaNode(
        colander.Boolean(), name="primary_data", missing=False, default=False,
        title=_("The tables are derived from primary data"),
        description=_("Then every table needs its basis, and publishing checks that no "
                      "confidential cell is shown or can be worked out (art. 22–23)."))


def bases_node():
    return Bases(name="bases", title=_("Bases of the tables (never published)"),
                 missing=colander.drop,
                 description=_("Long form: the dimension columns, value, respondents "
                               "(top1, top2, consent optional); an .xlsx adds a sheet per "
                               "dimension with code, parent, label. The basis of wages.xlsx "
                               "is named wages.basis.xlsx."),
                 widget=deform.widget.SequenceWidget(min_len=1, max_len=5))
