"""A file kept in a ZODB blob, with its safe name, original name, type and size."""

from persistent import Persistent
from ZODB.blob import Blob

from statportal.files.policy import CONTENT_TYPES, extension_of, safe_name


class StoredFile(Persistent):
    def __init__(self, filename, data, extension=None):
        self.original_name = str(filename)
        self.filename = safe_name(filename)
        self.extension = extension or extension_of(self.filename)
        self.content_type = CONTENT_TYPES.get(self.extension, "application/octet-stream")
        self.size = len(data)
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(data)

    def read(self):
        with self.blob.open("r") as f:
            return f.read()

    def describe(self):
        return {"filename": self.filename, "extension": self.extension,
                "content-type": self.content_type, "size": self.size}
