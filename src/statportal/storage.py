"""What the database's storage is: whose writes it holds (this process's, or a server's
that other processes share), through whatever wraps it. Used where the portal decides what
runs in the web process (the release worker) and what its processes must share (kept
uploads)."""

import re

# A password in libpq's key=value form (a value quoted '…' with \' and \\ escaped inside,
# spaces allowed; or bare, up to a space, or to the next & in a URI's query) and a URI's
# user:password@ (up to the authority's last @: a password not percent-encoded may hold @).
_KEY_PASSWORD = re.compile(r"(password\s*=\s*)('(?:\\.|[^'\\])*'|(?:\\.|[^\s&\\])+)", re.I)
_URI_PASSWORD = re.compile(r"(://[^:/@\s]*):[^/?#\s]*@")


def hide_passwords(text, mark="***"):
    """``text`` with every DSN's or URI's password replaced by ``mark``; with ``mark``
    empty, the ``password=…`` pair and the URI's ``:password`` are left out whole."""
    if mark:
        text = _KEY_PASSWORD.sub(lambda m: m.group(1) + mark, text)
        return _URI_PASSWORD.sub(lambda m: f"{m.group(1)}:{mark}@", text)
    return _URI_PASSWORD.sub(r"\1@", _KEY_PASSWORD.sub("", text))


# Attributes by which storages that wrap another hold it: BlobStorage (a proxy), DemoStorage
# (its writes go to ``changes``), and the ``base``/``storage`` of other wrappers (zlib,
# before-storage).  Read from the instance itself, past any ``__getattr__`` proxying.
_WRAPPED = ("_BlobStorage__storage", "changes", "base", "storage", "_storage")


def _is_storage(obj):
    return hasattr(obj, "tpc_begin") and hasattr(obj, "getName")


def written_storage(storage):
    """The storage that ``storage``'s writes end in, through any wrappers."""
    seen = set()
    while id(storage) not in seen:
        seen.add(id(storage))
        attributes = getattr(storage, "__dict__", {})
        inner = next((attributes[name] for name in _WRAPPED
                      if _is_storage(attributes.get(name))), None)
        if inner is None:
            break
        storage = inner
    return storage


def own_storage(storage):
    """``(own, description)``: whether the database's writes stay with this process —
    a FileStorage open for writing (it locks its file: no other process may write it) or
    memory (MappingStorage, a DemoStorage's changes) — rather than going to a server that
    other processes share (a ZEO client, RelStorage, anything else)."""
    from ZODB.FileStorage import FileStorage
    from ZODB.MappingStorage import MappingStorage

    leaf = written_storage(storage)
    description = relstorage_description(leaf) or f"{type(leaf).__name__} {leaf.getName()}"
    if leaf is not storage:
        description += f" in {type(storage).__name__}"
    if isinstance(leaf, MappingStorage):
        return True, description
    if isinstance(leaf, FileStorage):
        return not leaf.isReadOnly(), description
    return False, description


def relstorage_description(storage):
    """``RelStorage (PostgreSQL, history free, dbname=… host=…)`` for a RelStorage, its
    DSN without the password; ``None`` for another storage. (RelStorage's own name repeats
    its class and shows the adapter's memory address.)"""
    adapter = getattr(storage, "_adapter", None)
    if type(storage).__name__ != "RelStorage" or adapter is None:
        return None
    database = type(adapter).__name__.removesuffix("Adapter")
    history = ("history preserving" if getattr(adapter, "keep_history", False)
               else "history free")
    dsn = str(getattr(adapter, "_dsn", "") or "")
    dsn = hide_passwords(dsn, mark="")
    dsn = " ".join(re.sub(r"=\s*'([^'\s]*)'", r"=\1", dsn).split())
    return f"RelStorage ({', '.join(filter(None, (database, history, dsn)))})"


def clear_stale_downloads(storage):
    """Remove the partial blob downloads (``*.dl``) that a process killed while fetching a
    blob left in a ZEO client's own blob cache (``shared_blob_dir`` false); the paths
    removed. ZEO 6 appends a new download of that blob to such a file (its
    ``receiveBlobStart`` asserts that none exists, fails, and the chunks follow anyway), so
    the restarted process would serve the dead download's head before the file, for good.
    A download holds its cache directory's ``.lock``: a ``.dl`` in a directory whose lock
    is free is no one's, also where several processes of a host share the cache."""
    import logging
    import os

    import zc.lockfile

    leaf = written_storage(storage)
    blob_dir = getattr(leaf, "blob_dir", None)
    if type(leaf).__name__ != "ClientStorage" or not blob_dir or leaf.shared_blob_dir:
        return []
    removed = []
    for directory, _dirs, files in os.walk(blob_dir):
        if not any(name.endswith(".dl") for name in files):
            continue
        try:
            lock = zc.lockfile.LockFile(os.path.join(directory, ".lock"))
        except zc.lockfile.LockError:
            continue  # a download is under way there
        try:
            for name in os.listdir(directory):
                if name.endswith(".dl"):
                    os.remove(os.path.join(directory, name))
                    removed.append(os.path.join(directory, name))
        finally:
            lock.close()
    if removed:
        logging.getLogger(__name__).warning(
            "Removed %d partial blob download(s) from the blob cache %s, left by a process "
            "that stopped in the middle: %s", len(removed), blob_dir, ", ".join(removed))
    return removed
