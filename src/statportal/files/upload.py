"""The upload field shared by requests and materials: one colander type for JSON and deform.

JSON sends plone.restapi's file object ``{"data", "encoding": "base64", "filename",
"content-type", "language"}``; deform's upload widget sends a file handle. Either way the
bytes are checked against the format policy by content, spreadsheets lose their empty
sheets (art. 5.3), and the appstruct is ``{"filename", "data", "extension", "language",
"removed_sheets"}``.
"""

import base64
import binascii

import colander
import deform.widget

from statportal.files.policy import FilePolicy, FileRefused, check_upload
from statportal.files.spreadsheets import clean_workbook
from statportal.i18n import LANGUAGES, _


def policy_of(request):
    return getattr(getattr(request, "registry", None), "statportal_file_policy",
                   None) or FilePolicy()


class Upload(colander.SchemaType):
    def serialize(self, node, appstruct):
        return colander.null

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct in ("", None):
            return colander.null
        filename, data, language = self.decode(node, cstruct)
        request = (node.bindings or {}).get("request")
        try:
            extension = check_upload(filename, data, self.policy_for(request))
            cleaned = clean_workbook(filename, extension, data)
        except FileRefused as refused:
            raise colander.Invalid(node, refused.message) from None
        return {"filename": filename, "data": cleaned.data, "extension": extension,
                "language": language, "removed_sheets": list(cleaned.removed_sheets)}

    def policy_for(self, request):
        """The format policy this field checks against (a subclass may narrow it)."""
        return policy_of(request)

    def decode(self, node, cstruct):
        """``(filename, bytes, language)`` from a JSON file object or deform's upload."""
        if not isinstance(cstruct, dict):
            raise colander.Invalid(node, _("A file object is expected."))
        if "fp" in cstruct:  # deform's FileUploadWidget
            filename, data = cstruct.get("filename") or "", cstruct["fp"].read()
        else:
            filename, data = cstruct.get("filename"), cstruct.get("data")
            if not isinstance(filename, str) or not isinstance(data, str):
                raise colander.Invalid(node, _('A file needs "filename" and "data".'))
            if cstruct.get("encoding", "base64") != "base64":
                raise colander.Invalid(node, _("Only base64 encoding is supported."))
            try:
                data = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                raise colander.Invalid(node, _("${file}: the data is not valid base64.",
                                               mapping={"file": filename})) from None
        language = cstruct.get("language") or None
        if language is not None and language not in LANGUAGES:
            raise colander.Invalid(node, _("${file}: the language must be kk, ru or en.",
                                           mapping={"file": filename}))
        return filename, data, language


class LanguageUploadWidget(deform.widget.FileUploadWidget):
    """A file input with the language of the file beside it (empty: guessed)."""

    template = "language_upload"
    _pstruct_schema = deform.widget.FileUploadWidget._pstruct_schema.clone()
    _pstruct_schema.add(colander.SchemaNode(colander.String(), name="language",
                                            missing=None))

    def deserialize(self, field, pstruct):
        data = super().deserialize(field, pstruct)
        if data is colander.null or not isinstance(pstruct, dict):
            return data
        data = dict(data)
        data["language"] = pstruct.get("language") or None
        return data


class UploadStore(dict):
    """deform's upload store for one form: nothing outlives the form that was sent."""

    def preview_url(self, uid):
        return None


@colander.deferred
def upload_widget(node, kw):
    return LanguageUploadWidget(UploadStore())


def guess_language(filename):
    """kk, ru or en from the usual markers in a file name (…_kaz.xlsx, …-rus.pdf, …_en.doc)."""
    import re

    stem = filename.rsplit(".", 1)[0].lower()
    for language, markers in (("kk", ("kaz", "kk", "kz", "қаз", "каз")),
                              ("ru", ("rus", "ru", "рус")), ("en", ("eng", "en", "анг"))):
        if re.search(rf"(^|[\W_])({'|'.join(markers)})($|[\W_])", stem):
            return language
    return None


def assign_languages(uploads, languages):
    """Give every upload a language: its own, the one its name tells, else the first
    declared language that has no file yet (kk, ru, en order)."""
    declared = [lang for lang in LANGUAGES if lang in (languages or LANGUAGES)] or \
        list(LANGUAGES)
    result = [dict(u, language=u.get("language") or guess_language(u["filename"]))
              for u in uploads]
    for upload in result:
        if not upload["language"]:
            taken = {u["language"] for u in result if u["language"]}
            free = [lang for lang in declared if lang not in taken]
            upload["language"] = free[0] if free else declared[0]
    return result
