"""Uploads kept between a refused form and its corrected submit (deform's upload tmpstore).

A form that fails validation is shown again; the files chosen in it stay on the server so
that the person does not choose them again. ``KeptUploads`` is the registry's store
(``IUploadStore``): one directory (``statportal.upload_dir``; by default a private
directory under the system's temporary directory) holding ``<key>.data`` and
``<key>.json`` per upload. The key is an HMAC of the portal's secret over the owner and
the form's upload id, so an upload is reachable only from the session (and login) that
sent it: another person who learns the id reaches nothing, and cannot overwrite it.

Bounds: an upload is kept ``statportal.upload_keep_minutes`` at most; one owner keeps at
most ``statportal.upload_keep_mb``, the whole store ``statportal.upload_keep_total_mb``
(the oldest go first). Every write, the start and each pass of the worker sweep what is
older. Files are written only when a form comes back (the portal does not answer with a
redirect); a form that is accepted removes the uploads it used at once.

``UploadStore(request)`` is the per-request face deform's ``FileUploadWidget`` talks to.
"""

import hashlib
import hmac
import io
import json
import logging
import os
import secrets
import stat
import tempfile
import time

from pyramid.exceptions import ConfigurationError

from statportal.interfaces import IUploadStore

SESSION_KEY = "statportal.upload_owner"
log = logging.getLogger(__name__)


class KeptUploads:
    """The uploads kept for forms, in one private directory."""

    def __init__(self, directory, secret, max_age=7200, max_owner_bytes=300 * 2**20,
                 max_total_bytes=2000 * 2**20):
        self.directory = directory
        self.secret = secret.encode("utf-8") if isinstance(secret, str) else secret
        self.max_age = max_age
        self.max_owner_bytes = max_owner_bytes
        self.max_total_bytes = max_total_bytes
        make_private_directory(directory)

    # -- keys
    def fits(self, size):
        return size <= min(self.max_owner_bytes, self.max_total_bytes)

    def _mac(self, *parts):
        message = "\0".join(parts).encode("utf-8")
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def _paths(self, owner, uid):
        base = os.path.join(self.directory, f"{self._owner_mark(owner)}-"
                                            f"{self._mac('upload', owner, uid)}")
        return base + ".json", base + ".data"

    def _owner_mark(self, owner):
        return self._mac("owner", owner)[:32]

    # -- the store
    def put(self, owner, uid, filename, mimetype, data):
        """Keep ``data`` for ``owner`` under ``uid``; False when it is too large to keep."""
        if not self.fits(len(data)):
            self.discard(owner, [uid])
            return False
        meta_path, data_path = self._paths(owner, uid)
        meta = {"filename": str(filename or ""), "mimetype": mimetype or "",
                "size": len(data), "time": time.time()}
        _write(data_path, data)
        _write(meta_path, json.dumps(meta).encode("utf-8"))
        self.sweep(keep=meta_path)
        return True

    def get(self, owner, uid):
        """``{"filename", "mimetype", "size", "data"}`` kept for ``owner``, or None."""
        if not uid or not owner:
            return None
        meta_path, data_path = self._paths(owner, uid)
        meta = _read_meta(meta_path)
        if meta is None:
            return None
        if time.time() - meta.get("time", 0) > self.max_age:
            _remove(meta_path, data_path)
            return None
        try:
            with open(data_path, "rb") as f:
                data = f.read()
        except OSError:
            return None
        if len(data) != meta.get("size"):
            return None
        return {"filename": meta["filename"], "mimetype": meta["mimetype"],
                "size": meta["size"], "data": data}

    def discard(self, owner, uids):
        for uid in uids:
            _remove(*self._paths(owner, uid))

    def entries(self):
        """``[(time, size, owner mark, meta path, data path)]``, oldest first, from the
        directory's listing alone (names and file times; no file is read)."""
        found, orphans, now = [], [], time.time()
        try:
            listing = {entry.name: entry for entry in os.scandir(self.directory)}
        except OSError:
            return found
        for name, entry in listing.items():
            stem, _dot, suffix = name.rpartition(".")
            try:
                info = entry.stat()
            except OSError:
                continue
            if suffix == "data" and f"{stem}.json" in listing:
                found.append((info.st_mtime, info.st_size, stem.split("-", 1)[0],
                              os.path.join(self.directory, f"{stem}.json"), entry.path))
            elif suffix in ("data", "json", "tmp") and now - info.st_mtime > 60 and \
                    not (suffix == "json" and f"{stem}.data" in listing):
                orphans.append(entry.path)  # half of a write that stopped
        _remove(*orphans)
        return sorted(found)

    def sweep(self, keep=None, now=None):
        """Remove what is older than the age bound, then the oldest beyond the size
        bounds (per owner, then in all); ``keep`` (a meta path) stays."""
        now = time.time() if now is None else now
        entries = []
        for entry in self.entries():
            if now - entry[0] > self.max_age and entry[3] != keep:
                _remove(entry[3], entry[4])
            else:
                entries.append(entry)
        by_owner, total = {}, 0
        for entry in entries:
            by_owner[entry[2]] = by_owner.get(entry[2], 0) + entry[1]
            total += entry[1]
        for entry in entries:  # oldest first
            if entry[3] == keep:
                continue
            if by_owner[entry[2]] > self.max_owner_bytes or total > self.max_total_bytes:
                _remove(entry[3], entry[4])
                by_owner[entry[2]] -= entry[1]
                total -= entry[1]


def make_private_directory(directory):
    """Create ``directory`` readable by this user only; refuse one that others may write
    to or that another user owns (a temporary directory is shared)."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    info = os.stat(directory)
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise ConfigurationError(
            f"statportal.upload_dir: {directory} belongs to another user.")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigurationError(
            f"statportal.upload_dir: {directory} may be written by other users.")


def _write(path, data):
    temporary = f"{path}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def _read_meta(path):
    try:
        with open(path, "rb") as f:
            meta = json.loads(f.read(4096).decode("utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _remove(*paths):
    for path in paths:
        try:
            os.remove(path)
        except OSError:
            pass


def default_directory(secret):
    """A directory of this portal's under the system's temporary directory: web processes
    of one portal (one secret) share it, other portals on the machine do not."""
    mark = hashlib.sha256(b"statportal uploads\0" + secret.encode("utf-8")).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"statportal-uploads-{mark}")


def kept_uploads_from_settings(settings):
    from statportal.settings import as_int, require

    secret = require(settings, "statportal.secret")
    directory = (settings.get("statportal.upload_dir") or "").strip() or \
        default_directory(secret)
    values = {}
    for name, key, scale in (("statportal.upload_keep_minutes", "max_age", 60),
                             ("statportal.upload_keep_mb", "max_owner_bytes", 2**20),
                             ("statportal.upload_keep_total_mb", "max_total_bytes", 2**20)):
        if settings.get(name) not in (None, ""):
            value = as_int(settings, name)
            if value < 1:
                raise ConfigurationError(f"The setting {name!r} must be at least 1.")
            values[key] = value * scale
    return KeptUploads(directory, secret, **values)


def get_kept_uploads(registry):
    return registry.queryUtility(IUploadStore) if registry is not None else None


class UploadStore:
    """deform's upload tmpstore for one request: what this person kept for their forms.

    Bound to the request (``UploadStore(request)``) or, made without one (a widget built
    at import time), to the request being served. Values are dicts with a fresh ``fp``
    (deform's and ``Upload``'s shape); without a request or a store nothing is kept.

    A file chosen in this request is written to the store only when the answer is not a
    redirect (the form came back); an accepted form (a redirect) writes nothing and removes
    the kept files it used.
    """

    def __init__(self, request=None):
        self._request = request

    def preview_url(self, uid):
        return None

    # -- the request, the owner, the store
    @property
    def request(self):
        if self._request is not None:
            return self._request
        from pyramid.threadlocal import get_current_request

        return get_current_request()

    def _store(self):
        request = self.request
        return request, get_kept_uploads(getattr(request, "registry", None))

    @staticmethod
    def owner(request, create=False):
        """Who kept an upload: this login in this browser session."""
        session = getattr(request, "session", None)
        if session is None:
            return None
        token = session.get(SESSION_KEY)
        if not token and create:
            token = session[SESSION_KEY] = secrets.token_urlsafe(32)
        if not token:
            return None
        return f"{request.authenticated_userid or ''}\0{token}"

    # -- deform's tmpstore interface
    def get(self, uid, default=None):
        request, store = self._store()
        if store is None or not isinstance(uid, str) or not uid:
            return default
        state = _state(request, store)
        if uid in state["pending"]:
            filename, mimetype, data = state["pending"][uid]
        else:
            kept = store.get(self.owner(request), uid)
            if kept is None:
                return default
            state["used"].add(uid)
            filename, mimetype, data = kept["filename"], kept["mimetype"], kept["data"]
        from deform.widget import filedict

        return filedict(fp=io.BytesIO(data), filename=filename, mimetype=mimetype,
                        size=len(data), uid=uid, preview_url=None)

    def __getitem__(self, uid):
        value = self.get(uid)
        if value is None:
            raise KeyError(uid)
        return value

    def __contains__(self, uid):
        return self.get(uid) is not None

    def __setitem__(self, uid, cstruct):
        fp = cstruct.get("fp") if isinstance(cstruct, dict) else None
        if fp is None or not isinstance(uid, str):
            return
        start = fp.tell() if hasattr(fp, "tell") else 0
        data = fp.read()
        fp.seek(start)  # the form reads the upload after the store
        self.keep(uid, cstruct.get("filename"), cstruct.get("mimetype"), data)

    def keep(self, uid, filename, mimetype, data):
        """Keep bytes under ``uid`` if the form comes back; whether they will be kept."""
        request, store = self._store()
        if store is None or request is None or not store.fits(len(data)):
            return False
        if self.owner(request, create=True) is None:
            return False
        _state(request, store)["pending"][uid] = (str(filename or ""), mimetype or "", data)
        return True


def _state(request, store):
    """The uploads this request chose (``pending``) and took from the store (``used``);
    written or removed once the answer is known."""
    state = request.__dict__.get("_statportal_kept_uploads")
    if state is None:
        state = request.__dict__["_statportal_kept_uploads"] = {"pending": {}, "used": set()}

        def settle(request, response):
            owner = UploadStore.owner(request)
            if owner is None:
                return
            if 300 <= response.status_int < 400:  # accepted: nothing more to keep
                store.discard(owner, state["used"])
                return
            for uid, (filename, mimetype, data) in state["pending"].items():
                try:
                    store.put(owner, uid, filename, mimetype, data)
                except OSError:
                    log.exception("could not keep the upload %s for its form", filename)

        request.add_response_callback(settle)
    return state


def new_uid():
    """An upload id nobody guesses (deform's own is ten letters from ``random``)."""
    return secrets.token_urlsafe(24)


def say_if_not_shared(event):
    """At start-up: a database shared with other processes (ZEO, RelStorage) while kept
    uploads wait in this host's temporary directory (``statportal.upload_dir`` unset). A
    form refused by one web process may come back to another: on another host, or under a
    private /tmp (systemd's ``PrivateTmp``, a container), it finds nothing kept. Said at
    INFO, as where the release worker runs: a command (logging set up after its app is
    made) does not print it."""
    from statportal.storage import own_storage

    registry = event.app.registry
    store = get_kept_uploads(registry)
    db = (getattr(registry, "_zodb_databases", None) or {}).get("")
    if store is None or db is None or (registry.settings.get("statportal.upload_dir") or
                                       "").strip():
        return
    own, storage = own_storage(db.storage)
    if not own:
        log.info(
            "Uploads kept for forms wait in %s, under this host's temporary directory "
            "(statportal.upload_dir is not set), but the database is shared with other "
            "processes (%s): a web process on another host, or with a /tmp of its own, "
            "does not find the files kept by this one. Set statportal.upload_dir to one "
            "directory that every web process shares.", store.directory, storage)


def includeme(config):
    store = kept_uploads_from_settings(config.registry.settings)
    try:
        store.sweep()  # what an earlier run left past its time (the worker sweeps after)
    except OSError:
        log.exception("the kept uploads could not be swept")
    config.registry.registerUtility(store, IUploadStore)
    config.add_subscriber(say_if_not_shared, "pyramid.interfaces.IApplicationCreated")
    config.include("statportal.worker")  # add_worker_task
    config.add_worker_task("kept_uploads", sweep_task, order=20)


def sweep_task(request, now):
    """The worker's task: uploads kept for forms that never came back go when their time
    is up, not only when someone's next form error writes (they may hold a basis or an
    asker's file)."""
    store = get_kept_uploads(request.registry)
    if store is None:
        return
    try:
        store.sweep()
    except OSError:
        log.exception("worker: the kept uploads could not be swept")
