"""Backups and upkeep of the database: ``statportal backup CONFIG DIR``, ``statportal restore
CONFIG DIR [--force]`` and ``statportal pack CONFIG --days N``.

A backup is ZODB's ``repozo`` (full, then incremental, gzipped) of the FileStorage's
``Data.fs`` into ``DIR/filestorage`` and a copy of its blob files into ``DIR/blobs``, with a
manifest (``DIR/manifest.json``). It needs no lock, so it runs beside a serving portal:
repozo copies the file up to its last complete transaction, and the blobs are copied
*after* it, so that every blob the copied transactions name is already on disk (committed
blob files never change; one committed meanwhile is a harmless extra). Old blob files stay
in ``DIR/blobs``: the older backups of the repository may need them.

A ZEO client's CONFIG does not say where the server's files are: give them
(``--data-fs``, ``--blob-dir``, the paths of zeo.conf) on the server's host. RelStorage is
backed up with PostgreSQL's own ``pg_dump`` (docs/administrators.md, Backups and packing).
"""

import json
import logging
import os
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

from statportal.scripts.app import CommandError
from statportal.scripts.swap import put_in_place

REPOSITORY = "filestorage"  # repozo's files in DIR
BLOBS = "blobs"
MANIFEST = "manifest.json"
MAX_DAYS = 36500  # a century: ZODB's timestamps start in 1900
DOCS = "docs/administrators.md, Backups and packing"


class Storage:
    """Where CONFIG's database is: ``uri``, and for a FileStorage its ``data_fs`` and
    ``blob_dir`` (``None`` otherwise); ``kind`` is file, zeo, relstorage or other."""

    wait_seconds = None  # a ZEO client's bound on waiting for its server

    def __init__(self, uri, kind, data_fs=None, blob_dir=None):
        self.uri, self.kind = uri, kind
        self.set_files(data_fs, blob_dir)

    def set_files(self, data_fs, blob_dir):
        # normalised: a zconfig file's ``etc/../var/blobs`` is told as ``var/blobs``
        self.data_fs = Path(os.path.abspath(data_fs)) if data_fs else None
        self.blob_dir = Path(os.path.abspath(blob_dir)) if blob_dir else None


def say(out, line):
    print(line, file=out, flush=True)


def settings_of(config):
    from pyramid.paster import get_appsettings

    from statportal.settings import apply_environment

    if not os.path.isfile(config.split("#", 1)[0]):
        raise CommandError(f"{config}: no such file")
    try:
        settings = apply_environment(dict(get_appsettings(config)))
    except Exception as exc:  # noqa: BLE001 (a broken ini file: one line)
        raise CommandError(f"{config}: {type(exc).__name__}: {exc}") from None
    if not settings.get("zodbconn.uri"):
        raise CommandError(f"{config}: the setting 'zodbconn.uri' is required")
    return settings


def storage_of(config, data_fs=None, blob_dir=None):
    """The :class:`Storage` of CONFIG; ``data_fs``/``blob_dir`` name a ZEO server's files."""
    from statportal.storage_check import WAIT_DEFAULT, WAIT_SETTING

    settings = settings_of(config)
    uri = settings["zodbconn.uri"]
    if uri.startswith("file://"):  # zodburi's own parsing: the path is not URL-decoded
        path, _sep, query = uri.split("file://", 1)[1].partition("?")
        found = Storage(uri, "file", os.path.normpath(path),
                        dict(parse_qsl(query)).get("blobstorage_dir"))
    elif uri.startswith("zeo://"):
        found = Storage(uri, "zeo")
    elif uri.startswith("zconfig://"):
        found = _zconfig_storage(config, uri)
    else:
        found = Storage(uri, "other")
    if data_fs:
        found.set_files(data_fs, blob_dir)
    found.wait_seconds = int(settings.get(WAIT_SETTING) or WAIT_DEFAULT)
    return found


def _zconfig_storage(config, uri):
    from zodburi import resolve_uri

    from statportal.storage_check import describe

    try:
        factory, _dbkw = resolve_uri(uri)
    except Exception as exc:  # noqa: BLE001 (a wrong or missing zconfig file)
        raise CommandError(f"{config}: {describe(uri, exc)}") from None
    section = getattr(factory, "__self__", None)
    name = type(section).__name__
    if "RelStorage" in name:
        return Storage(uri, "relstorage")
    if name == "FileStorage":
        return Storage(uri, "file", section.config.path, section.config.blob_dir)
    return Storage(uri, "other")


def file_storage(config, storage, command):
    """``storage`` when it is a FileStorage this command can work on, else why not."""
    if storage.kind == "relstorage":
        raise CommandError(f"{config}: the database is on RelStorage: back up and restore "
                           f"its PostgreSQL database with pg_dump and pg_restore ({DOCS})")
    if storage.data_fs is None and storage.kind == "zeo":
        raise CommandError(f"{config}: the database is a ZEO server's: run `statportal "
                           f"{command}` on the server's host and give its files with "
                           "--data-fs PATH --blob-dir PATH (the path and blob-dir of zeo.conf)")
    if storage.kind == "zeo" and storage.blob_dir is None:
        raise CommandError(f"{config}: give the ZEO server's blob directory too (--blob-dir "
                           "PATH, the blob-dir of zeo.conf): the requests' files are there")
    if storage.data_fs is None:
        raise CommandError(f"{config}: {storage.uri.split('?')[0]} is not a FileStorage: "
                           f"use the storage's own backup ({DOCS})")
    return storage


def private_dirs(path):
    """Make ``path`` and its missing parents readable by their owner alone (0700): they
    hold password hashes and personal data; ZODB wants its blob directories so too."""
    path = Path(path)
    if path.is_dir():
        return
    if not path.parent.exists():
        private_dirs(path.parent)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        if not path.is_dir():
            raise
        return  # made meanwhile, by another process
    path.chmod(0o700)  # whatever the umask


def blob_files(directory):
    """The blob files of a blob directory (and its ``.layout``), relative paths; its
    ``tmp`` (uploads not committed yet) and hidden directories (a restore's, where the
    blob directory is a mount point) left out."""
    directory = Path(directory)
    found = []
    for parent, dirs, names in os.walk(directory):
        if Path(parent) == directory:
            dirs[:] = [d for d in dirs if d != "tmp" and not d.startswith(".")]
        rel = Path(parent).relative_to(directory)
        found += [rel / n for n in names if n.endswith(".blob") or n == ".layout"]
    return sorted(found)


def count_blobs(directory):
    if directory is None or not Path(directory).is_dir():
        return 0
    return sum(1 for rel in blob_files(directory) if rel.suffix == ".blob")


def copy_blobs(source, target):
    """Copy the blob files of ``source`` missing from ``target`` (each under a temporary
    name, then renamed: a copy cut short leaves no half blob). ``(copied, total)``."""
    copied = total = 0
    if source is None or not Path(source).is_dir():
        return copied, total
    for rel in blob_files(source):
        path, dest = Path(source) / rel, Path(target) / rel
        counted = rel.suffix == ".blob"  # not the .layout file
        total += counted
        try:
            if dest.exists() and dest.stat().st_size == path.stat().st_size:
                continue
            private_dirs(dest.parent)
            part = dest.with_name(dest.name + ".part")
            shutil.copy2(path, part)
        except FileNotFoundError:  # removed by a pack meanwhile: no transaction names it
            total -= counted
            continue
        os.replace(part, dest)
        copied += counted
    return copied, total


def last_tid(data_fs, end):
    """The id of the transaction that ends at ``end`` in ``data_fs`` (each transaction
    record ends with its length again), or ``None`` for an empty file."""
    from ZODB.utils import u64

    if end <= 4:
        return None
    with open(data_fs, "rb") as f:
        f.seek(end - 8)
        length = u64(f.read(8))
        f.seek(end - 8 - length)
        return f.read(8)


def tid_time(tid):
    from ZODB.TimeStamp import TimeStamp

    return datetime.fromtimestamp(TimeStamp(tid).timeTime(), UTC).isoformat(
        timespec="seconds")


def _repozo(argv):
    from ZODB.scripts import repozo

    options = repozo.parseargs(argv)
    # A Data.fs that a server (or a portal) writes meanwhile has an index older than the
    # file: FileStorage warns "Ignoring index for …" and rebuilds it in memory, as it should.
    noisy = logging.getLogger("ZODB.FileStorage")
    level, noisy.level = noisy.level, logging.ERROR
    try:
        if options.mode == repozo.BACKUP:
            repozo.do_backup(options)
        else:
            repozo.do_recover(options)
    except (repozo.RepozoError, OSError) as exc:
        raise CommandError(f"repozo: {exc}") from None
    finally:
        noisy.setLevel(level)


def _wait_for_a_new_second(repository):
    """repozo names its files by the second: a second backup within it would collide."""
    while True:
        stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())
        if not any(name.startswith(stamp) for name in os.listdir(repository)):
            return
        time.sleep(0.1)


def read_manifest(directory):
    path = Path(directory) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: {exc}") from None


def cmd_backup(args, out):
    storage = file_storage(args.config, storage_of(args.config, args.data_fs, args.blob_dir),
                           "backup")
    data_fs, directory = storage.data_fs, Path(args.dir)
    if not data_fs.is_file():
        raise CommandError(f"{data_fs}: no database there (nothing to back up)")
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory}: not a directory")
    manifest = read_manifest(directory) if directory.exists() else None
    if manifest is None and directory.exists() and any(directory.iterdir()):
        raise CommandError(f"{directory}: not empty and not a statportal backup (no "
                           f"{MANIFEST}): give an empty or new directory")
    if manifest is not None and not same_file(manifest.get("data_fs"), data_fs):
        # its repozo chain and blobs are another database's: a restore would mix them
        raise CommandError(f"{directory} holds the backups of {manifest.get('data_fs')}, "
                           f"not of {data_fs}: give another directory")
    private_dirs(directory)  # password hashes, personal data
    repository = directory / REPOSITORY
    private_dirs(repository)
    before = set(os.listdir(repository))
    say(out, f"Backing up {data_fs} into {repository} (repozo) ...")
    _wait_for_a_new_second(repository)
    _repozo(["-B", "-Q", "-z", "-r", str(repository), "-f", str(data_fs),
             *(["-F"] if args.full else [])])
    new = sorted(set(os.listdir(repository)) - before)
    kind = ("full" if any(n.endswith(".fsz") for n in new) else
            "incremental" if any(n.endswith(".deltafsz") for n in new) else "unchanged")
    datfile = max(repository.glob("*.dat"), key=lambda p: p.name)
    end = int(datfile.read_text().split("\n")[-2].split()[2])
    tid = last_tid(data_fs, end)
    say(out, f"  {kind}: the database up to {end} bytes, last transaction "
             f"{tid.hex() if tid else '-'} ({tid_time(tid) if tid else 'none'})")
    if storage.blob_dir is not None:
        say(out, f"Copying the blob files of {storage.blob_dir} ...")
    copied, total = copy_blobs(storage.blob_dir, directory / BLOBS)
    say(out, f"  {copied} new of {total} blob files")
    entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "kind": kind,
             "files": new, "data_fs_bytes": end, "last_transaction": tid.hex() if tid else None,
             "last_transaction_time": tid_time(tid) if tid else None,
             "blob_files": total, "blob_files_copied": copied}
    manifest = manifest or {"format": 1, "data_fs": os.path.realpath(data_fs),
                            "blob_dir": str(storage.blob_dir or ""), "backups": []}
    manifest["backups"].append(entry)
    part = directory / (MANIFEST + ".part")
    part.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(part, directory / MANIFEST)
    say(out, f"Backup done in {directory} ({len(manifest['backups'])} in its manifest).")


def same_file(recorded, data_fs):
    """Whether a manifest's ``data_fs`` is ``data_fs`` (both normalised, links resolved)."""
    return bool(recorded) and os.path.realpath(recorded) == os.path.realpath(data_fs)


def hold_lock(data_fs):
    """FileStorage's own lock on ``data_fs``: no portal starts on it while we write it; a
    portal (or command) holding it is an error."""
    from zc.lockfile import LockError, LockFile

    try:
        return LockFile(f"{data_fs}.lock")
    except LockError:
        raise CommandError(
            f"{data_fs} is in use by the running portal (or another statportal command, or "
            "the ZEO server): stop it and run this command again") from None


def occupied(storage):
    """What the target already holds: a Data.fs with transactions (a new one is its
    4-byte magic alone) and blob files."""
    held = []
    data_fs = storage.data_fs
    if data_fs.exists() and data_fs.stat().st_size > 4:
        held.append(f"{data_fs} ({data_fs.stat().st_size} bytes)")
    blobs = count_blobs(storage.blob_dir)
    if blobs:
        held.append(f"{blobs} blob files in {storage.blob_dir}")
    return held


DATE = re.compile(r"\d{4}-\d{2}-\d{2}(-\d{2}){0,3}")


def cmd_restore(args, out):
    storage = file_storage(args.config, storage_of(args.config, args.data_fs, args.blob_dir),
                           "restore")
    directory = Path(args.dir)
    if args.date and not DATE.fullmatch(args.date):
        raise CommandError(f"--date {args.date}: expected YYYY-MM-DD[-HH[-MM[-SS]]] (UTC)")
    manifest = read_manifest(directory)
    if manifest is None or not (directory / REPOSITORY).is_dir():
        raise CommandError(f"{directory}: not a backup made by `statportal backup` "
                           f"(no {MANIFEST})")
    configured, blob_dir = storage.data_fs, storage.blob_dir
    private_dirs(configured.parent)
    # A symlink's target is restored, on the volume it points to (FileStorage's index and
    # lock stay beside the configured path).
    data_fs = Path(os.path.realpath(configured))
    blob_dir = Path(os.path.realpath(blob_dir)) if blob_dir else None
    # Rebuilt beside the database first: a restore that fails (no backup before --date, a
    # damaged file, a full disk) leaves the database as it was. Inside a blob directory
    # that is a mount point: its entries will move there, renamed on its volume.
    new_fs = data_fs.with_name(f"{data_fs.name}.restoring")
    new_blobs = None if blob_dir is None else (
        blob_dir / ".restoring" if os.path.ismount(blob_dir)
        else blob_dir.with_name(f"{blob_dir.name}.restoring"))
    lock = hold_lock(configured)
    try:
        held = occupied(storage)
        if held and not args.force:
            raise CommandError(f"the database is not empty: {' and '.join(held)}; nothing "
                               "was changed (add --force to restore over it; the old files "
                               "are kept aside)")
        _remove(new_fs, new_blobs)  # what a restore that failed left
        say(out, f"Restoring {data_fs} from {directory / REPOSITORY} (repozo) ...")
        _repozo(["-R", "-w", "-r", str(directory / REPOSITORY), "-o", str(new_fs),
                 *(["-D", args.date] if args.date else [])])
        for written in (new_fs, Path(f"{new_fs}.index")):  # repozo wrote with the umask
            if written.exists():
                written.chmod(0o600)
        if new_blobs is not None:
            say(out, f"Copying the blob files into {blob_dir} ...")
            private_dirs(new_blobs)
            copied, _total = copy_blobs(directory / BLOBS, new_blobs)
            say(out, f"  {copied} blob files")
        tid = last_tid(new_fs, new_fs.stat().st_size)
        # all or nothing; an empty Data.fs, a blob directory without blobs, an index of
        # another file: not kept
        for path, aside in put_in_place(new_fs, new_blobs, data_fs, configured, blob_dir,
                                        time.strftime("%Y%m%d-%H%M%S"), keep=bool(held)):
            say(out, f"Kept {path} aside as {aside}")
    except BaseException:
        _remove(new_fs, new_blobs, Path(f"{new_fs}.part"), Path(f"{new_fs}.index"))
        raise
    finally:
        lock.close()
    say(out, f"Restored: last transaction {tid.hex() if tid else '-'} "
             f"({tid_time(tid) if tid else 'none'}). Start the portal.")


def _remove(*paths):
    for path in paths:
        if path is not None and path.is_dir():
            shutil.rmtree(path)
        elif path is not None:
            path.unlink(missing_ok=True)


def parse_days(value):
    try:
        days = int(value)
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_DAYS:
        raise CommandError(f"--days {value}: expected a whole number of days, 0 or more "
                           f"(0 keeps no history; at most {MAX_DAYS})")
    return days


def open_db(config, storage):
    """The database of ``storage``, opened as the portal opens it (a ZEO server's wait
    bounded by ``statportal.storage_wait_seconds``); why not in one line."""
    from zc.lockfile import LockError

    from statportal.storage_check import StorageUnavailable, open_database

    quiet = {logger: logger.level for logger in map(logging.getLogger, ("relstorage", "ZEO"))}
    for logger in quiet:  # their retries' lines and their children's: the one below says it
        logger.setLevel(logging.CRITICAL + 1)
    try:
        return open_database(storage.uri, "", {}, storage.wait_seconds)
    except LockError:  # (storage_check's StorageInUse too: told for this command)
        raise CommandError(
            f"{storage.data_fs} is in use by the running portal (or another statportal "
            "command): stop it and pack again, or serve the portal from ZEO and pack through "
            f"it beside the running portal ({DOCS})") from None
    except StorageUnavailable as exc:
        raise CommandError(f"{config}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 (a damaged file, say: one line)
        raise CommandError(f"{config}: the database cannot be opened "
                           f"({type(exc).__name__}: {exc})") from None
    finally:
        for logger, level in quiet.items():
            logger.setLevel(level)


def cmd_pack(args, out):
    days = parse_days(args.days)
    storage = storage_of(args.config)
    if storage.kind == "file" and not storage.data_fs.is_file():
        raise CommandError(f"{storage.data_fs}: no database there (nothing to pack)")

    def sizes():
        if storage.kind != "file":
            return None
        return storage.data_fs.stat().st_size, count_blobs(storage.blob_dir)

    before = sizes()
    db = open_db(args.config, storage)
    try:
        say(out, f"Packing {storage.uri.split('?')[0]}: removing what is older than {days} "
                 "day(s) and no longer used, with its blob files ...")
        started = time.monotonic()
        noisy = logging.getLogger("ZODB.DB")  # it logs a failed pack's traceback
        noisy.disabled = True
        try:
            db.pack(days=days)
        except Exception as exc:  # noqa: BLE001 (one line for the administrator)
            raise CommandError(f"the pack failed ({type(exc).__name__}: {exc}); the "
                               "database is as it was") from None
        finally:
            noisy.disabled = False
    finally:
        db.close()
    after = sizes()
    say(out, f"Packed in {time.monotonic() - started:.1f} s" + (
        f": Data.fs {before[0]} -> {after[0]} bytes, blob files {before[1]} -> {after[1]}"
        f" (the previous file is kept as {storage.data_fs.name}.old)." if before else "."))


def add_parsers(commands):
    backup = commands.add_parser(
        "backup", help="back up a FileStorage and its blobs (beside a running portal)")
    restore = commands.add_parser("restore", help="restore a backup made by backup")
    for parser in (backup, restore):
        parser.add_argument("config", help="the ini file of the portal")
        parser.add_argument("dir", help="the backup's directory")
        parser.add_argument("--data-fs", metavar="PATH",
                            help="a ZEO server's Data.fs (the path in zeo.conf)")
        parser.add_argument("--blob-dir", metavar="PATH",
                            help="a ZEO server's blob directory (blob-dir in zeo.conf)")
    backup.add_argument("--full", action="store_true",
                        help="a full backup, not an incremental one")
    restore.add_argument("--force", action="store_true",
                         help="restore over a database that is not empty (kept aside)")
    restore.add_argument("--date", metavar="YYYY-MM-DD[-HH[-MM[-SS]]]",
                         help="the state of the last backup at or before this time (UTC)")
    pack = commands.add_parser(
        "pack", help="remove old revisions and unused objects, with their blob files")
    pack.add_argument("config", help="the ini file of the portal")
    pack.add_argument("--days", required=True, metavar="N",
                      help="keep the history of the last N days (0: none)")
    backup.set_defaults(run=one_line(cmd_backup))
    restore.set_defaults(run=one_line(cmd_restore))
    pack.set_defaults(run=one_line(cmd_pack))


def one_line(command):
    """A file that cannot be written or read (a directory of another user, a full disk) is
    one line too, not a traceback."""
    def run(args, out):
        try:
            return command(args, out)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise CommandError(f"{where}{exc.strerror or exc}") from None

    return run
