"""The upload field shared by requests and materials: one colander type for JSON and deform.

JSON sends plone.restapi's file object ``{"data", "encoding": "base64", "filename",
"content-type", "language"}``; deform's upload widget sends a file handle. Either way the
bytes are checked against the format policy by content, spreadsheets lose their empty
sheets (art. 5.3), and the appstruct is ``{"filename", "data", "extension", "language",
"removed_sheets"}``.

A ``files`` field (``FilesSchema``) also names the current files of the object edited:
``{"keep": stored}``, ``{"remove": stored}``, or a new file with ``"replaces": stored``
(``FileSlot``); ``merge_files`` makes the new list. Its form (``FilesWidget``,
``LanguageUploadWidget``) shows a row per current file with keep / replace / remove and
slots for new files; chosen files wait in ``statportal.files.kept`` across a refused submit.
"""

import base64
import binascii
import io

import colander
import deform.widget

from statportal.files.kept import UploadStore, new_uid
from statportal.files.policy import FilePolicy, FileRefused, check_upload
from statportal.files.spreadsheets import clean_workbook
from statportal.i18n import LANGUAGE_TITLES, LANGUAGES, _, format_size


def policy_of(request):
    """The registry's ``IFilePolicy`` (from the settings), or the default policy."""
    from statportal.interfaces import IFilePolicy

    registry = getattr(request, "registry", None)
    policy = registry.queryUtility(IFilePolicy) if registry is not None else None
    return policy or FilePolicy()


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
    """One file slot of a ``files`` field: a file input with the file's language (empty:
    guessed), or a current file's row (name, language, size) with keep / replace / remove.

    A chosen file is kept server-side (``UploadStore``) and shown by name when the form
    comes back with an error: ticked, it is sent again without being chosen again. A file
    chosen in a current file's row replaces that file, unless the row says remove.
    Rendering writes nothing.
    """

    template = "language_upload"
    _pstruct_schema = deform.widget.FileUploadWidget._pstruct_schema.clone()
    for _name in ("language", "current", "action"):
        _pstruct_schema.add(colander.SchemaNode(colander.String(), name=_name,
                                                missing=None))
    del _name

    def random_id(self):
        return new_uid()

    def deserialize(self, field, pstruct):
        if pstruct is colander.null:
            return colander.null
        try:
            validated = self._pstruct_schema.deserialize(pstruct)
        except colander.Invalid as exc:
            raise colander.Invalid(field.schema, f"Invalid pstruct: {exc}") from None
        upload, uid = validated["upload"], validated["uid"]
        chosen = hasattr(upload, "file")
        if chosen:
            data = self.take(upload, uid)
        elif uid:
            data = self.tmpstore.get(uid)
        else:
            data = None
        language = validated["language"] or None
        current = validated["current"]
        if current:
            action = validated["action"] or ACTION_KEEP
            if chosen and action == ACTION_KEEP:
                action = ACTION_REPLACE  # a file chosen in a row replaces that file
            result = {"current": current, "action": action}
            if data is not None and action == ACTION_REPLACE:
                result["upload"] = data
            return result
        if data is None:
            return colander.null
        data = deform.widget.filedict(data)
        data["language"] = language
        return data

    def take(self, upload, uid):
        """The upload just sent, kept for the form (under its earlier id when it had one)."""
        filename = upload.filename or ""
        filename = filename[filename.rfind("\\") + 1:].strip()
        upload.file.seek(0)
        data = upload.file.read()
        uid = uid or self.random_id()
        keep = getattr(self.tmpstore, "keep", None)
        kept = keep(uid, filename, upload.type, data) if keep is not None else False
        return deform.widget.filedict(fp=io.BytesIO(data), filename=filename,
                                      mimetype=upload.type, size=len(data),
                                      uid=uid if kept else None, preview_url=None)

    def serialize(self, field, cstruct, **kw):
        if cstruct in (colander.null, None):
            cstruct = {}
        values = self.get_template_values(field, cstruct, kw)
        values["slot"] = self.slot(field, cstruct)
        return field.renderer(self.template, **values)

    def slot(self, field, cstruct):
        """What the template shows: a current file's row, or a new file's slot; the
        upload kept for it, if any."""
        translate = field.translate
        request = (field.schema.bindings or {}).get("request")
        slot = {"current": None, "action": None, "kept": None,
                "language": cstruct.get("language") if isinstance(cstruct, dict) else None}
        if not isinstance(cstruct, dict):
            return slot
        kept = cstruct.get("upload") if cstruct.get("current") else cstruct
        if isinstance(kept, dict) and kept.get("uid") and not field.error:
            slot["kept"] = {"uid": kept["uid"], "filename": kept.get("filename") or "",
                            "size": format_size(request, kept.get("size") or 0, translate)}
        if cstruct.get("current"):
            stored = find_current(field.schema, cstruct["current"])
            slot["action"] = cstruct.get("action") or ACTION_KEEP
            slot["current"] = {
                "ref": cstruct["current"],
                "filename": stored.filename if stored is not None else "",
                "language": translate(LANGUAGE_TITLES[stored.language])
                if stored is not None and stored.language in LANGUAGE_TITLES else "",
                "size": format_size(request, stored.size, translate)
                if stored is not None else "",
            }
        return slot


class FilesWidget(deform.widget.SequenceWidget):
    """The ``files`` field without JavaScript: the current files' rows, then empty slots
    for new files (three on a new form, at least one more on an edit)."""

    template = "file_sequence"
    item_template = "file_sequence_item"
    category = "structural"  # the fieldset's legend is its title
    new_slots = 3

    def serialize(self, field, cstruct, **kw):
        if not getattr(field, "sequence_fields", None):  # first rendering: add empty slots
            cstruct = [] if cstruct in (colander.null, None) else list(cstruct)
            cstruct += [colander.null] * max(1, self.new_slots - len(cstruct))
        return super().serialize(field, cstruct, **kw)


ACTION_KEEP, ACTION_REPLACE, ACTION_REMOVE = "keep", "replace", "remove"
ACTIONS = (ACTION_KEEP, ACTION_REPLACE, ACTION_REMOVE)


def file_ref(stored):
    """How the form names a current file: its object id (stable while others edit)."""
    oid = getattr(stored, "_p_oid", None)
    return oid.hex() if oid else f"name:{stored.filename}"


def current_files(node):
    """The files the object being edited has now (none when adding)."""
    bindings = node.bindings or {}
    if bindings.get("adding"):
        return []
    return list(getattr(bindings.get("context"), "files", None) or ())


def find_current(node, ref):
    for stored in current_files(node):
        if file_ref(stored) == ref:
            return stored
    return None


def find_current_by_name(node, filename):
    for stored in current_files(node):
        if stored.filename == filename:
            return stored
    return None


@colander.deferred
def upload_widget(node, kw):
    return LanguageUploadWidget(UploadStore(kw.get("request")))


class FileSlot(Upload):
    """One item of a ``files`` field, for the form and JSON alike.

    - a new file (JSON's file object, the form's empty slot): the upload appstruct;
      ``"replaces": "<a current file's name>"`` puts it in that file's place and language;
    - a current file named by ``filename`` without ``data`` (JSON; what a GET returned):
      ``{"keep": stored}``, or ``{"remove": stored}`` with ``"remove": true``;
    - the form's row of a current file: ``{"current": ref, "action": keep|replace|remove}``
      with the replacement upload.
    """

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None) or not hasattr(appstruct, "blob"):
            return colander.null
        return {"current": file_ref(appstruct), "action": ACTION_KEEP}

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct in ("", None):
            return colander.null
        if not isinstance(cstruct, dict):
            raise colander.Invalid(node, _("A file object is expected."))
        if cstruct.get("current"):  # the form's row of a current file
            stored = find_current(node, cstruct["current"])
            if stored is None:
                raise colander.Invalid(node, _(
                    "This file is no longer among the files (someone changed them): "
                    "open the form again."))
            action = cstruct.get("action") or ACTION_KEEP
            if action not in ACTIONS:
                raise colander.Invalid(node, _("Keep, replace or remove ${file}.",
                                               mapping={"file": stored.filename}))
            if action == ACTION_KEEP:
                return kept_marker(stored)
            if action == ACTION_REMOVE:
                return {"remove": stored}
            if not cstruct.get("upload"):
                raise colander.Invalid(node, _("Choose the file that replaces ${file}.",
                                               mapping={"file": stored.filename}))
            return replacing(super().deserialize(node, cstruct["upload"]), stored)
        if "data" not in cstruct and "fp" not in cstruct and "filename" in cstruct:
            name = cstruct.get("filename")
            stored = find_current_by_name(node, name) if isinstance(name, str) else None
            if stored is None:
                raise colander.Invalid(node, _(
                    '${file}: no current file has this name; a new file needs "data".',
                    mapping={"file": str(name)}))
            remove = cstruct.get("remove", False)
            if remove not in (True, False):
                raise colander.Invalid(node, _('"remove" is true or false.'))
            return {"remove": stored} if remove else kept_marker(stored)
        replaces = cstruct.get("replaces")
        result = super().deserialize(node, cstruct)
        if replaces not in (None, colander.null, ""):
            stored = find_current_by_name(node, replaces) if isinstance(replaces, str) \
                else None
            if stored is None:
                raise colander.Invalid(node, _("${file}: no current file has this name.",
                                               mapping={"file": str(replaces)}))
            result = replacing(result, stored)
        return result


def kept_marker(stored):
    # The name travels along so that checks of "the files of this body" see kept files.
    return {"keep": stored, "filename": stored.filename, "language": stored.language}


def replacing(upload, stored):
    return {**upload, "replaces": stored, "language": upload.get("language") or stored.language}


class FileSequence(colander.Sequence):
    """The ``files`` list: a current file is named at most once; a list that keeps every
    current file as it is changes nothing (``null``: the field is left alone)."""

    def deserialize(self, node, cstruct, accept_scalar=None):
        items = super().deserialize(node, cstruct, accept_scalar)
        if items is colander.null:
            return items
        seen = set()
        for item in items:
            stored = item.get("keep") or item.get("remove") or item.get("replaces")
            if stored is None:
                continue
            if id(stored) in seen:
                raise colander.Invalid(node, _("${file} is named twice.",
                                               mapping={"file": stored.filename}))
            seen.add(id(stored))
        current = current_files(node)
        if current and [item.get("keep") for item in items] == current:
            return colander.null
        return items


class FilesSchema(colander.SequenceSchema):
    """A ``files`` field: new files, and on an edit the current ones kept, replaced or
    removed (``merge_files``). Empty slots of the form are dropped."""

    schema_type = FileSequence
    file = colander.SchemaNode(FileSlot(), title=_("File"), widget=upload_widget,
                               missing=colander.drop)


def merge_files(items, make, languages=None):
    """The new list of an object's files from a ``files`` appstruct, or None to leave
    them as they are.

    Only new files (the JSON API's original shape) replace all the files; ``[]`` keeps
    them. A list that names a current file (kept, replaced or removed) is the whole new
    list: kept files stay in their place, a replacement takes its file's place, new files
    follow. ``make(upload)`` stores an upload (a ``StoredFile``)."""
    items = list(items or ())
    if not items:
        return None
    uploads = [item for item in items if "data" in item]
    kept = [item["keep"] for item in items if "keep" in item]
    taken = {stored.language for stored in kept if stored.language}
    named = assign_languages(uploads, languages, taken=taken)
    by_item = {id(item): upload for item, upload in zip(uploads, named, strict=True)}
    result = []
    for item in items:
        if "keep" in item:
            result.append(item["keep"])
        elif "data" in item:
            result.append(make(by_item[id(item)]))
    return result


@colander.deferred
def files_widget(node, kw):
    return FilesWidget()


#: the usual markers of a file's language in its name (…_kaz.xlsx, …-rus.pdf, …_en.doc);
#: the form's script reads the same list (``language_markers_json``)
LANGUAGE_MARKERS = (("kk", ("kaz", "kk", "kz", "қаз", "каз")), ("ru", ("rus", "ru", "рус")),
                    ("en", ("eng", "en", "анг")))


def guess_language(filename):
    """kk, ru or en from the usual markers in a file name, or None."""
    import re

    stem = filename.rsplit(".", 1)[0].lower()
    for language, markers in LANGUAGE_MARKERS:
        if re.search(rf"(^|[\W_])({'|'.join(markers)})($|[\W_])", stem):
            return language
    return None


def language_markers_json():
    """``LANGUAGE_MARKERS`` for the form's script (a data attribute)."""
    import json

    return json.dumps(dict(LANGUAGE_MARKERS), ensure_ascii=False)


def assign_languages(uploads, languages, taken=()):
    """Give every upload a language: its own, the one its name tells, else the first
    declared language that has no file yet (kk, ru, en order; ``taken``: the languages
    of files kept beside them)."""
    declared = [lang for lang in LANGUAGES if lang in (languages or LANGUAGES)] or \
        list(LANGUAGES)
    result = [dict(u, language=u.get("language") or guess_language(u["filename"]))
              for u in uploads]
    for upload in result:
        if not upload["language"]:
            used = {u["language"] for u in result if u["language"]} | set(taken)
            free = [lang for lang in declared if lang not in used]
            upload["language"] = free[0] if free else declared[0]
    return result
