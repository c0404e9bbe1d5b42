"""What a crash may leave in a database and its blob directory: the records reachable from
the root (``reachable``), and the blob directory's files sorted into committed blobs of
reachable objects, orphans, and temporary files (``blob_dir_files``).

A committed blob file is ``<oid's directory>/<tid>.blob`` in the directory's layout. It is
an **orphan** when no object reachable from the root has it: its oid is not reachable, or
that oid has no record written by that transaction (a file left by a transaction that never
committed). Files that ZODB and ZEO write before the commit — the ``tmp`` directory, and the
``*.tmp*`` names a ZEO client moves into an oid's directory with a shared blob directory
before it votes — are **temporary**: no record names them, nothing ever reads them.
"""

import os
from pathlib import Path

from ZODB.blob import FilesystemHelper, is_blob_record
from ZODB.POSException import POSKeyError
from ZODB.serialize import referencesf
from ZODB.utils import repr_to_oid, z64


def reachable(storage):
    """``(oids, blob_oids)``: every record reachable from the root object (current
    revisions), and those of them that are blobs."""
    seen, blobs, todo = set(), set(), [z64]
    while todo:
        oid = todo.pop()
        if oid in seen:
            continue
        seen.add(oid)
        data, _tid = storage.load(oid)
        if is_blob_record(data):
            blobs.add(oid)
        todo.extend(ref for ref in referencesf(data) if ref not in seen)
    return seen, blobs


def blob_dir_files(blob_dir, storage, reachable_oids):
    """The files under ``blob_dir`` as ``{"blobs": [...], "orphans": [...],
    "temporary": [...], "other": [...]}`` (paths relative to ``blob_dir``); ``.layout`` and
    the client's ``.lock`` files are left out."""
    helper = FilesystemHelper(str(blob_dir))
    found = {"blobs": [], "orphans": [], "temporary": [], "other": []}
    for directory, _dirs, files in os.walk(blob_dir):
        for name in files:
            path = Path(directory) / name
            relative = str(path.relative_to(blob_dir))
            if name in (".layout", ".lock"):
                continue
            if relative.split(os.sep)[0] == "tmp" or ".tmp" in name:
                found["temporary"].append(relative)
            elif name.endswith(".blob"):
                kind = "orphans"
                try:
                    oid = helper.getOIDForPath(directory)
                    tid = repr_to_oid(name[:-len(".blob")])
                except ValueError:
                    oid = tid = None
                if oid in reachable_oids and helper.getBlobFilename(oid, tid) == str(path):
                    try:
                        data = storage.loadSerial(oid, tid)
                    except POSKeyError:
                        data = None
                    if data is not None and is_blob_record(data):
                        kind = "blobs"
                found[kind].append(relative)
            else:
                found["other"].append(relative)
    return found
