"""A file kept in a ZODB blob, with its safe name, original name, type, size and language.

Its preview (``statportal.files.previews``) is computed once, when the file is stored:
every later page view reads it, none recomputes it. The file object is shared by the
request that brought it and the material it was placed in.
"""

import hashlib

from persistent import Persistent
from ZODB.blob import Blob

from statportal.content.base import utcnow
from statportal.files.policy import CONTENT_TYPES, extension_of, safe_name


class Preview(Persistent):
    """A file's preview in a record of its own: listings and search results load the file
    object without it; only the material page reads it."""

    def __init__(self, data):
        self.data = data


class StoredFile(Persistent):
    language = None
    removed_sheets = ()
    _preview = None
    version = 1
    stored_at = None

    def __init__(self, filename, data, extension=None, language=None, removed_sheets=(),
                 version=1):
        self.original_name = str(filename)
        self.filename = safe_name(filename)
        self.extension = extension or extension_of(self.filename)
        self.content_type = CONTENT_TYPES.get(self.extension, "application/octet-stream")
        self.size = len(data)
        # what the checks' caches know the content by (computed here: a check writes nothing)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.language = language
        self.removed_sheets = tuple(removed_sheets or ())
        self.version = version
        self.stored_at = utcnow()
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(data)
        from statportal.files.previews import make_preview

        preview = make_preview(self.extension, data)
        self._preview = Preview(preview) if preview is not None else None

    @property
    def preview(self):
        return self._preview.data if self._preview is not None else None

    @classmethod
    def from_upload(cls, upload, version=1):
        return cls(upload["filename"], upload["data"], upload.get("extension"),
                   language=upload.get("language"),
                   removed_sheets=upload.get("removed_sheets") or (), version=version)

    def read(self):
        with self.blob.open("r") as f:
            return f.read()

    def describe(self):
        return {"filename": self.filename, "extension": self.extension,
                "content-type": self.content_type, "size": self.size,
                "language": self.language, "removed_sheets": list(self.removed_sheets)}


def fill_digests(portal, registry):
    """Files stored before their SHA-256 was kept with them get it (an evolve step: a GET
    never writes it; the checks compute a missing one in memory each time)."""
    from persistent.list import PersistentList
    from persistent.mapping import PersistentMapping

    from statportal.content.folder import Folder

    filled = 0

    def visit(value):
        nonlocal filled
        if isinstance(value, StoredFile):
            if getattr(value, "sha256", None) is None:
                value.sha256 = hashlib.sha256(value.read()).hexdigest()
                filled += 1
        elif isinstance(value, list | tuple | PersistentList):
            for item in value:
                visit(item)
        elif type(value) is dict or isinstance(value, PersistentMapping):
            for item in value.values():  # a material's versions keep their files in dicts
                visit(item)

    from statportal.evolve import progress

    def walk():
        stack = [portal]
        while stack:
            obj = stack.pop()
            yield obj
            if isinstance(obj, Folder):
                stack.extend(obj.values())

    for obj in progress(walk(), "objects read", jar=portal._p_jar):
        getattr(obj, "_p_activate", lambda: None)()
        for value in list(vars(obj).values()):
            visit(value)
    return filled
