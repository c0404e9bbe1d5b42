"""Putting a restored database in the place of the one there: all of it, or nothing.

``statportal restore`` moves the old ``Data.fs`` (its index) and blob directory aside and
the restored ones in. Each move is recorded; when one fails (a blob directory that is a
mount point, a full disk, an interrupt) those made are undone, last first, so the database
is the one it was; nothing is deleted on the way (the restored ``Data.fs`` is never removed
once it took the old one's place). A blob directory that cannot be renamed (a mount point:
EBUSY, or EXDEV) keeps its place and its entries are moved instead, the old ones into a
hidden directory inside it (the same volume: renames, no copy).
"""

import errno
import os
import shutil
from pathlib import Path

UNMOVABLE = (errno.EBUSY, errno.EXDEV)


class Swap:
    """The moves made, to undo them."""

    def __init__(self):
        self.done = []  # (source, target, may_copy), in the order made; source None: made

    def move(self, source, target, may_copy=False):
        """``source`` renamed ``target`` (which must not exist); ``may_copy``: copied and
        removed if they are on different volumes."""
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "already there", str(target))
        (shutil.move if may_copy else os.rename)(source, target)
        self.done.append((Path(source), Path(target), may_copy))

    def make_dir(self, path):
        path.mkdir(mode=0o700)
        self.done.append((None, path, False))

    def move_entries(self, source, target, skip=()):
        """Every entry of directory ``source`` (but ``skip``) into directory ``target``."""
        for entry in sorted(Path(source).iterdir()):
            if entry.name not in skip:
                self.move(entry, Path(target) / entry.name, may_copy=True)

    def undo(self):
        """Every move made undone, last first; those that failed, told (the others are
        undone all the same)."""
        failed = []
        while self.done:
            source, target, may_copy = self.done.pop()
            try:
                if source is None:
                    target.rmdir()  # emptied by the undoing before
                else:
                    (shutil.move if may_copy else os.rename)(target, source)
            except OSError as exc:
                failed.append(f"{target} (for {source}: {exc.strerror or exc})")
        return failed


def put_in_place(new_fs, new_blobs, data_fs, beside, blob_dir, stamp, keep=True):
    """``new_fs`` (its index) and ``new_blobs`` in the place of ``data_fs`` (the file
    itself, not a symlink to it) and ``blob_dir``; the old ones kept as
    ``NAME.before-restore-STAMP``. ``beside`` is the path the storage is configured with:
    FileStorage's ``.index`` and ``.tmp`` are beside it (moved aside too, then removed: they
    are rebuilt); not ``keep``: all of them removed once done (an empty database).
    Undone when a step fails. Returns the ``(path, kept as)`` of the old ones kept."""
    swap, kept, dropped = Swap(), [], []

    def aside(path, hidden=False):
        return path.with_name(f"{'.' if hidden else ''}{path.name}.before-restore-{stamp}")

    try:
        for path, keep in ((data_fs, kept), (Path(f"{beside}.index"), dropped),
                           (Path(f"{beside}.tmp"), dropped)):
            if path.exists():
                swap.move(path, aside(path), may_copy=path.parent != data_fs.parent)
                keep.append((path, aside(path)))
        inside = False  # a blob directory that stays in its place: its entries move
        if blob_dir is not None and blob_dir.exists():
            try:
                swap.move(blob_dir, aside(blob_dir))
                kept.append((blob_dir, aside(blob_dir)))
            except OSError as exc:
                if exc.errno not in UNMOVABLE:
                    raise
                inside = blob_dir / aside(blob_dir, hidden=True).name
                swap.make_dir(inside)
                swap.move_entries(blob_dir, inside, skip={inside.name, getattr(new_blobs,
                                                                              "name", "")})
                kept.append((blob_dir, inside))
        swap.move(new_fs, data_fs)
        if Path(f"{new_fs}.index").exists():
            swap.move(Path(f"{new_fs}.index"), Path(f"{beside}.index"), may_copy=True)
        if new_blobs is not None and (inside or new_blobs.parent == blob_dir):
            if not blob_dir.exists():
                swap.make_dir(blob_dir)
            swap.move_entries(new_blobs, blob_dir)
            new_blobs.rmdir()
        elif new_blobs is not None:
            swap.move(new_blobs, blob_dir)
    except BaseException as exc:
        failed = swap.undo()
        if failed:
            raise OSError(f"{exc}; and these could not be put back: "
                          f"{'; '.join(failed)}") from exc
        raise
    for _path, where in dropped if keep else dropped + kept:
        if where.is_dir():
            shutil.rmtree(where)
        else:
            where.unlink()
    return kept if keep else []
