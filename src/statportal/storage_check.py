"""Opening the portal's storage at start-up, bounded and told in one line.

A ZEO server nobody answers on, a wrong PostgreSQL DSN, a ``zconfig://`` file whose
environment variable is not set, a FileStorage that another process holds or whose
directory is missing, an unknown scheme: the web process (``pserve``) and every ``statportal``
command stop at start with one line naming the URI (and the DSN, its password masked) and a
non-zero exit — not a traceback, and not a portal that starts and fails on its first
request. A ZEO client waits at most ``statportal.storage_wait_seconds`` for its server (ZEO's
``wait_timeout``; 30 s by default). Nothing is written: the storage never opened.

Included by ``statportal`` in place of ``pyramid_zodbconn`` (whose ``includeme`` it calls
with a checking ``db_from_uri``).
"""

import io
import logging
import os
import re
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit

from pyramid.exceptions import ConfigurationError
from zc.lockfile import LockError

WAIT_SETTING = "statportal.storage_wait_seconds"
WAIT_DEFAULT = 30  # ZEO's own default; a setting of this module's, read with its default


class StorageUnavailable(SystemExit, ConfigurationError):
    """The storage of ``zodbconn.uri`` cannot be opened. A ConfigurationError for code that
    catches those (the ``statportal`` commands' ``open_app``, an integrator's tests); a
    SystemExit too, so that ``pserve``, which has no handler of its own, ends with this one
    line on stderr and exit status 1 instead of a traceback."""

    def __init__(self, message):
        super().__init__(message)
        self.code = f"statportal: error: {message}"  # what the interpreter prints

    def __str__(self):
        return self.args[0]


class StorageInUse(StorageUnavailable, LockError):
    """A FileStorage that another process holds (its ``path``): a LockError too, for the
    commands that tell it in their own words (``statportal.scripts.app.open_app``)."""

    def __init__(self, message, path):
        super().__init__(message)
        self.path = path


# The lines RelStorage's adapters log when they cannot connect, before they raise what
# ``describe`` tells: on the screen they were the same news twice, the first bare.
CONNECTION_LOGGERS = tuple(f"relstorage.adapters.{name}.connmanager"
                           for name in ("postgresql", "mysql", "oracle"))


def includeme(config):
    import pyramid_zodbconn

    from statportal.settings import as_int

    settings = config.registry.settings
    wait = as_int(settings, WAIT_SETTING) if settings.get(WAIT_SETTING) else WAIT_DEFAULT

    def db_from_uri(uri, dbname, dbmap):
        return open_database(uri, dbname, dbmap, wait)

    try:
        pyramid_zodbconn.includeme(config, db_from_uri=db_from_uri)
    except StorageUnavailable:
        for db in (getattr(config.registry, "_zodb_databases", None) or {}).values():
            db.close()  # the named databases opened before the one that failed
        raise


def bounded(uri, wait_seconds):
    """``uri`` with ZEO's ``wait_timeout`` set to ``wait_seconds`` unless it sets its own."""
    if not uri.startswith("zeo://") or "wait_timeout=" in uri:
        return uri
    return f"{uri}{'&' if '?' in uri else '?'}wait_timeout={wait_seconds}"


def open_database(uri, dbname, dbmap, wait_seconds=WAIT_DEFAULT):
    """pyramid_zodbconn's ``db_from_uri``, a storage that cannot be opened being a
    :class:`StorageUnavailable` naming ``uri`` (a FileStorage held by another process:
    :class:`StorageInUse`). A FileStorage's other errors (a damaged file) pass through as
    they were."""
    from ZODB import DB

    try:
        with quiet(CONNECTION_LOGGERS):
            factory, dbkw = resolve(bounded(uri, wait_seconds))
            storage = factory()
    except LockError as exc:
        locked = re.search(r"'([^']+?)(?:\.lock)?'$", str(exc))  # Couldn't lock '….lock'
        path = locked.group(1) if locked else None
        raise StorageInUse(
            f"the storage zodbconn.uri = {mask(uri)} cannot be opened: {path or 'it'} is in "
            "use by another process (a running portal or a statportal command): stop it, or "
            "serve the portal from ZEO to run several processes (docs/administrators.md, "
            "Storage)", path) from None
    except Exception as exc:  # whatever the storage raises is told, in one line
        if uri.startswith("file://") and not isinstance(exc, OSError):
            raise
        raise StorageUnavailable(describe(uri, exc, wait_seconds)) from None
    from statportal.storage import clear_stale_downloads

    try:  # what a process killed mid-download left in its cache: worth a line, not a stop
        clear_stale_downloads(storage)
    except OSError as exc:
        logging.getLogger(__name__).warning(
            "the stale partial blob downloads (*.dl) could not be cleared: %s (the portal "
            "starts; remove them by hand while it is stopped)",
            f"{exc.strerror or type(exc).__name__}: {exc.filename}" if exc.filename else exc)
    dbkw["database_name"] = dbname
    return DB(storage, databases=dbmap, **dbkw)


def resolve(uri):
    """zodburi's ``(factory, dbkw)`` for ``uri``, except that a ``file://`` URI with
    ``blobstorage_dir`` opens a FileStorage with its own blob support (``blob_dir``, as
    ``<filestorage> blob-dir`` of a zconfig file or runzeo), not zodburi's ``BlobStorage``
    wrapper: the wrapper's ``tpc_abort`` deletes the blob files of whatever transaction is
    committing at that moment, so a request whose commit failed (a ConflictError, retried)
    deleted the files of another, acknowledged, committing in another thread. Every option
    zodburi honours is kept; both lay the blob directory out alike."""
    from zodburi import resolve_uri

    uri, sync = server_sync(uri)
    factory, dbkw = resolve_uri(uri)  # zodburi's checks and database keywords, as before
    if uri.startswith("file://"):
        factory = native_blobs(uri) or factory
    if sync:
        factory = synced(factory)
    return factory, dbkw


def server_sync(uri):
    """``(uri, sync)``: a ``zeo://`` URI without its ``server_sync`` (zodburi does not know
    it) and whether its client asks the server at each transaction's start — by default yes.
    A ZEO client otherwise hears of another process's commits a moment later: behind a load
    balancer, the editor who submitted on one web process and is sent to the other found her
    request not yet submitted (bench/load.py: 5 such steps in 15 s; none with it, at the
    same throughput). ``server_sync=false`` turns it off."""
    if not uri.startswith("zeo://"):
        return uri, False
    base, _sep, query = uri.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    values = [value for name, value in pairs if name == "server_sync"]
    sync = not values or values[-1].strip().lower() not in ("0", "false", "no", "off")
    rest = urlencode([(name, value) for name, value in pairs if name != "server_sync"],
                     safe="/:")
    return (f"{base}?{rest}" if rest else base), sync


def synced(factory):
    """``factory``'s ClientStorage with ZEO's ``server_sync`` on: set for the connections
    to come, and for the one made while it was built (ZEO reads the flag on connecting)."""
    def open_synced():
        storage = factory()
        client = zeo_client(storage)
        client.server_sync = True
        if hasattr(client, "ping"):  # connected already: sync is a round trip from now on
            client.sync = client.ping
        return storage

    return open_synced


def zeo_client(storage):
    """The ClientStorage in ``storage`` (itself, or the base of a ``demostorage``)."""
    while type(storage).__name__ != "ClientStorage" and getattr(storage, "base", None):
        storage = storage.base
    return storage


def native_blobs(uri):
    """The factory of ``uri``'s FileStorage with its own blobs, or None without a
    ``blobstorage_dir``. Parsed as zodburi's file resolver does (the path not URL-decoded,
    normalised; ``create``, ``read_only``, ``quota``, ``blobstorage_layout`` and the
    deprecated ``demostorage``, a DemoStorage over it; ``create`` empties the blob directory
    too, with the new empty Data.fs: the wrapper left the old files beside it)."""
    from zodburi.resolvers import FileStorageURIResolver

    path, _sep, query = uri.split("file://", 1)[1].partition("?")
    kw, _dbkw = FileStorageURIResolver().interpret_kwargs(dict(parse_qsl(query)))
    blob_dir = kw.pop("blobstorage_dir", None)
    if not blob_dir:
        return None
    layout = kw.pop("blobstorage_layout", "automatic")
    demo = kw.pop("demostorage", None) is not None  # zodburi: named at all, whatever value

    def factory():
        from ZODB.DemoStorage import DemoStorage

        storage = file_storage_class(layout)(os.path.normpath(path), blob_dir=blob_dir, **kw)
        return DemoStorage(base=storage) if demo else storage

    return factory


def file_storage_class(layout):
    """FileStorage with its own blobs, as the portal wants it (told as a FileStorage, which
    it is): the blob directory laid out as ``layout`` names (not ``automatic``: FileStorage
    picks it from what is on disk, a marker, else ``bushy``), as the wrapper's was; and three
    of FileStorage's ways with blobs made safe:

    - a missing Data.fs beside a blob directory holding files is refused: FileStorage would
      create the file and empty the directory (a volume that did not mount, a typo in the
      path after moving ``var/``: every request's files gone, an empty portal started);
    - the blob files a transaction stored before a ConflictError in ``store`` (before its
      vote, the usual conflict under load) are removed at its abort: FileStorage removes
      them only after a vote, and its pack never finds them;
    - a pack deletes the unreachable blob files instead of moving them, with hard links to
      the live ones, into ``<blob_dir>.old`` (only freed at the next pack; failing half-way
      with EXDEV when the blob directory is a mount point or a symbolic link)."""
    from ZODB.FileStorage import FileStorage

    class PortalFileStorage(FileStorage):
        def __init__(self, file_name, create=False, read_only=False, blob_dir=None, **kw):
            if blob_dir and not create and not read_only and not os.path.exists(file_name):
                refuse_blobs_without_data(file_name, blob_dir)
            super().__init__(file_name, create=create, read_only=read_only,
                             blob_dir=blob_dir, **kw)

        def _blob_init(self, blob_dir, _layout="automatic"):
            super()._blob_init(blob_dir, layout)

        def _abort(self):
            super()._abort()
            self._blob_tpc_abort()  # after a vote a no-op: FileStorage's own did it

        def _remove_blob_files_tagged_for_removal_during_pack(self):
            keep, self.pack_keep_old = self.pack_keep_old, False
            try:
                super()._remove_blob_files_tagged_for_removal_during_pack()
            finally:
                self.pack_keep_old = keep

    PortalFileStorage.__name__ = PortalFileStorage.__qualname__ = "FileStorage"
    return PortalFileStorage


def refuse_blobs_without_data(file_name, blob_dir):
    """A :class:`StorageUnavailable` when ``blob_dir`` holds committed blob files while
    ``file_name`` does not exist."""
    count = sum(1 for _dir, _dirs, files in os.walk(blob_dir)
                for name in files if name.endswith(".blob"))
    if count:
        raise StorageUnavailable(
            f"the storage {file_name} does not exist, but its blob directory {blob_dir} "
            f"holds {count} blob file(s): a wrong path, or a volume that is not mounted? "
            "Nothing was changed; correct zodbconn.uri (a new, empty portal needs an empty "
            "blob directory)")


@contextmanager
def quiet(names):
    """The loggers ``names`` silent inside the block."""
    loggers = [logging.getLogger(name) for name in names]
    saved = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, saved, strict=True):
            logger.disabled = disabled


def describe(uri, exc, wait_seconds=WAIT_DEFAULT):
    """One line: which storage, and why it cannot be opened."""
    kind = type(exc).__name__
    text = " ".join(str(exc).split())
    parts = urlsplit(uri)
    if parts.scheme == "zconfig" and parts.netloc:  # zconfig://etc/x.conf: host 'etc'
        why = (f"a zconfig:// URI needs the file's absolute path, zconfig:///abs/path#name "
               f"(three slashes): here '{parts.netloc}' reads as a host name ({kind}: {text})")
    elif kind == "NoResolverForScheme":
        why = (f"unknown scheme '{parts.scheme or uri}': zodbconn.uri accepts "
               f"{', '.join(s + '://' for s in schemes())}")
    elif isinstance(exc, FileNotFoundError) and exc.filename and not os.path.isdir(
            os.path.dirname(exc.filename)):
        missing = os.path.dirname(exc.filename)
        why = (f"the directory {missing} does not exist: create it (mkdir -p {missing}) or "
               "correct the path")
    elif isinstance(exc, OSError) and exc.filename:
        why = f"{exc.strerror or kind}: {exc.filename}"
    elif kind == "ClientDisconnected":
        why = (f"no ZEO server answered within {wait_seconds} s "
               "(statportal.storage_wait_seconds); start it (runzeo -C etc/zeo.conf) or "
               "correct the address")
    elif type(exc).__module__.startswith(("psycopg2", "pg8000")):
        dsn = zconfig_dsn(uri)
        why = (f"PostgreSQL refused the connection{f' to dsn {mask(dsn)}' if dsn else ''}"
               f" ({text})")
    elif kind == "SubstitutionReplacementError":
        why = f"{text}: set that environment variable"
    else:
        why = f"{kind}: {text}"
    return f"the storage zodbconn.uri = {mask(uri)} cannot be opened: {mask(why)}"


def schemes():
    """The URI schemes of the zodburi resolvers installed (RelStorage adds its own)."""
    from importlib.metadata import entry_points

    first = ["file", "zeo", "zconfig", "memory"]
    names = {ep.name for ep in entry_points(group="zodburi.resolvers")}
    return [s for s in first if s in names] + sorted(names - set(first))


def zconfig_dsn(uri):
    """The PostgreSQL DSN of a ``zconfig://`` URI's RelStorage, or None."""
    if not uri.startswith("zconfig://"):
        return None
    try:
        import ZConfig
        from zodburi.resolvers import ZConfigURIResolver

        schema = ZConfig.loadSchemaFile(io.BytesIO(ZConfigURIResolver.schema_xml_template))
        config, _handler = ZConfig.loadConfig(schema, os.path.normpath(urlsplit(uri).path))
        wanted = urlsplit(uri).fragment
        for section in (*config.databases, *config.storages):
            if wanted and getattr(section, "name", wanted) != wanted:
                continue
            storage = getattr(section.config, "storage", section)
            adapter = getattr(storage.config, "adapter", None)
            dsn = getattr(getattr(adapter, "config", None), "dsn", None)
            if dsn:
                return dsn
    except Exception:  # noqa: S110  # nosec B110 # only a better message: the error is told anyway
        pass
    return None


def mask(text):
    """``text`` with passwords (``password=…`` of a DSN or a query, ``user:…@``) masked."""
    from statportal.storage import hide_passwords

    return hide_passwords(text)
