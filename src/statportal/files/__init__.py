"""Files: the format policy (what may be uploaded), sniffing by content, safe names, storage.

``check_upload(filename, data, policy)`` returns the format detected from the
bytes, or raises ``FileRefused`` naming the file and the reason; the
extension is never trusted on its own.
"""

from statportal.files.policy import (
    DEFAULT_EXTENSIONS,
    METHODOLOGY_EXTENSIONS,
    FilePolicy,
    FileRefused,
    check_upload,
    safe_name,
    sniff,
)
from statportal.files.storage import StoredFile

__all__ = ["DEFAULT_EXTENSIONS", "METHODOLOGY_EXTENSIONS", "FilePolicy", "FileRefused",
           "StoredFile", "check_upload", "safe_name", "sniff"]
