"""A disc image of the offline bundle: ISO 9660 with Joliet and Rock Ridge names.

    write_iso([("index.html", b"..."), ("ru/Цены_2026.pdf", "/tmp/x.pdf")],
              "out.iso", "STATPORTAL", max_bytes=700 * 1024 * 1024)

Three name trees over the same bytes, each for its readers:
- ISO 9660 (interchange level 3, so a file may pass 4 GiB): 8.3 upper-case names from
  A-Z 0-9 _ (Cyrillic and Kazakh letters transliterated), unique in their directory — what
  a reader that knows nothing else (DOS, firmware) sees;
- Joliet (UCS-2, level 3): the original names, as Windows shows them (at most 64 bytes of
  UTF-8 per name in pycdlib, 32 Cyrillic letters; longer names are shortened, keeping the
  extension, and made unique without regard to case, as Windows compares them);
- Rock Ridge: the original names in UTF-8, as Linux and macOS show them.

The image's size is known before a byte is written: over ``max_bytes`` raises
``ImageTooLarge`` naming the limit, and nothing is written. The image goes to a temporary
file beside ``out`` that is renamed at the end, so a failure leaves no half image.
"""

import io
import logging
import os
import tempfile

import pycdlib

log = logging.getLogger(__name__)

BLOCK = 2048
# System area (16 blocks), the primary, Joliet and terminator descriptors, and the Rock
# Ridge "ER" record: a lower bound for the first, cheap check before anything is read.
BASE_OVERHEAD = 24 * BLOCK
JOLIET_MAX_BYTES = 64  # pycdlib counts a Joliet name's UTF-8 bytes
ROCK_RIDGE_MAX_BYTES = 255  # a Linux file name
FILE_MODE = 0o100444
DIR_MODE = 0o040555

_TRANSLIT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}
_D_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_JOLIET_FORBIDDEN = frozenset('*/:;?\\"<>|')


class ImageTooLarge(ValueError):
    """The disc image would be larger than the limit given."""

    def __init__(self, size, limit):
        self.size = size
        self.limit = limit
        super().__init__(
            f"the disc image would be {_mb(size)} MB, over the size limit of "
            f"{_mb(limit)} MB (max_bytes={limit}); nothing was written"
        )


def _mb(n):
    return f"{n / (1024 * 1024):.1f}"


def write_iso(files, out, volume_id, max_bytes=None):
    """Write ``files`` — (relative path with "/", bytes or a file's path) — as an ISO
    image at ``out``; returns the image's size in bytes. Raises ``ValueError`` for a bad
    path and ``ImageTooLarge`` over ``max_bytes``, in both cases writing nothing."""
    entries = _entries(files)
    _check_size(_lower_bound(entries), max_bytes)
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, vol_ident=_volume_ident(volume_id), joliet=3,
            rock_ridge="1.09", app_ident_str="STATPORTAL")
    try:
        _add_all(iso, entries)
        size = iso.pvd.space_size * iso.pvd.logical_block_size()
        _check_size(size, max_bytes)
        out = os.fspath(out)
        fd, tmp = tempfile.mkstemp(prefix=".iso-", suffix=".part",
                                   dir=os.path.dirname(os.path.abspath(out)))
        try:
            with os.fdopen(fd, "wb") as fp:
                iso.write_fp(fp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            os.unlink(tmp)
            raise
    finally:
        iso.close()
    return size


def _check_size(size, max_bytes):
    if max_bytes is not None and size > max_bytes:
        raise ImageTooLarge(size, max_bytes)


def _entries(files):
    """The files as ``(parts, data or path, length)``, checked: relative, no "..", no
    path twice, no path both a file and a directory."""
    entries, seen, dirs = [], set(), set()
    for path, content in files:
        parts = tuple(str(path).split("/"))
        if (not path or str(path).startswith("/")
                or any(p in ("", ".", "..") or "\x00" in p for p in parts)):
            raise ValueError(f"not a relative path for the disc image: {path!r}")
        if parts in seen:
            raise ValueError(f"the path {path!r} is given twice")
        seen.add(parts)
        dirs.update(parts[:i] for i in range(1, len(parts)))
        if isinstance(content, (bytes, bytearray, memoryview)):
            content = bytes(content)
            length = len(content)
        else:
            content = os.fspath(content)
            length = os.stat(content).st_size
        entries.append((parts, content, length))
    clash = seen & dirs
    if clash:
        raise ValueError(f"the path {'/'.join(min(clash))!r} is both a file and a directory")
    entries.sort(key=lambda e: e[0])
    return entries


def _lower_bound(entries):
    """Each file takes whole blocks; the image holds at least those and its descriptors."""
    return BASE_OVERHEAD + sum(-(-length // BLOCK) * BLOCK for _p, _c, length in entries)


class _Dir:
    """One directory's names in the three trees, each unique in it."""

    def __init__(self, iso_path, joliet_path):
        self.iso_path = iso_path
        self.joliet_path = joliet_path
        self.children = {}  # original name -> (_Dir or None, iso, joliet, rock ridge)
        self.iso_used = set()
        self.joliet_used = set()
        self.rr_used = set()

    def name(self, original, is_dir):
        iso = _unique(_short_name(original, is_dir), self.iso_used, _iso_variant)
        joliet = _unique(_fit(_joliet_chars(original), JOLIET_MAX_BYTES), self.joliet_used,
                         _long_variant(JOLIET_MAX_BYTES), key=str.casefold)
        rr = _unique(_fit(original, ROCK_RIDGE_MAX_BYTES), self.rr_used,
                     _long_variant(ROCK_RIDGE_MAX_BYTES))
        if joliet != original:
            # A link to the original name will not open on Windows: say which.
            log.warning("disc image: %r is %r in the Joliet names", original, joliet)
        return iso, joliet, rr


def _add_all(iso, entries):
    root = _Dir("", "")
    streams = []
    for parts, content, length in entries:
        parent = root
        for part in parts[:-1]:
            child = parent.children.get(part)
            if child is None:
                iso_name, joliet, rr = parent.name(part, is_dir=True)
                child = _Dir(f"{parent.iso_path}/{iso_name}", f"{parent.joliet_path}/{joliet}")
                parent.children[part] = child
                iso.add_directory(child.iso_path, rr_name=rr, joliet_path=child.joliet_path,
                                  file_mode=DIR_MODE)
            parent = child
        iso_name, joliet, rr = parent.name(parts[-1], is_dir=False)
        where = dict(iso_path=f"{parent.iso_path}/{iso_name};1", rr_name=rr,
                     joliet_path=f"{parent.joliet_path}/{joliet}", file_mode=FILE_MODE)
        if isinstance(content, bytes):
            stream = io.BytesIO(content)
            streams.append(stream)  # pycdlib reads it when writing
            iso.add_fp(stream, length, **where)
        else:
            iso.add_file(content, **where)  # pycdlib opens it when writing


def _volume_ident(volume_id):
    """The primary volume's identifier: up to 16 d-characters (the Joliet volume's label,
    which Windows shows, holds 16 UCS-2 characters)."""
    return (_d_chars(_transliterate(str(volume_id)).upper())[:16]).strip("_") or "STATPORTAL"


def _transliterate(text):
    out = []
    for ch in text:
        low = ch.lower()
        latin = _TRANSLIT.get(low)
        if latin is None:
            out.append(ch)
        else:
            out.append(latin.upper() if ch != low else latin)
    return "".join(out)


def _d_chars(text):
    return "".join(ch if ch in _D_CHARS else "_" for ch in text)


def _short_name(original, is_dir):
    """An 8.3 name (a directory: 8) from A-Z 0-9 _."""
    latin = _transliterate(original).upper()
    stem, dot, ext = latin.rpartition(".")
    if is_dir or not dot or not stem:
        stem, ext = latin, ""
    stem = _d_chars(stem).strip("_")[:8] or ("DIR" if is_dir else "FILE")
    ext = _d_chars(ext)[:3]
    return f"{stem}.{ext}" if ext else stem


def _iso_variant(name, n):
    """The n-th other 8.3 name for ``name``: its stem shortened to make room for "_n"."""
    stem, dot, ext = name.partition(".")
    suffix = f"_{n}"
    return f"{stem[:8 - len(suffix)]}{suffix}{dot}{ext}"


def joliet_name(name):
    """The name a file called ``name`` gets in the Joliet tree when nothing else in its
    directory competes for it: a bundle that names its files so (``joliet_name(n) == n``)
    keeps every relative link working from the disc on Windows too."""
    return _fit(_joliet_chars(name), JOLIET_MAX_BYTES)


def _joliet_chars(name):
    """Characters Windows refuses in a name, controls, and those outside UCS-2 → "_"."""
    return "".join("_" if ch in _JOLIET_FORBIDDEN or ord(ch) < 32 or ord(ch) > 0xFFFF
                   else ch for ch in name)


def _fit(name, max_bytes, suffix=""):
    """``name`` + ``suffix`` cut to ``max_bytes`` of UTF-8, the extension kept."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode()) > 16:
        stem, dot, ext = name, "", ""
    tail = f"{suffix}{dot}{ext}"
    room = max_bytes - len(tail.encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return stem + tail


def _long_variant(max_bytes):
    def variant(name, n):
        return _fit(name, max_bytes, suffix=f"~{n}")
    return variant


def _unique(name, used, variant, key=lambda s: s):
    candidate, n = name, 0
    while key(candidate) in used:
        n += 1
        candidate = variant(name, n)
    used.add(key(candidate))
    return candidate
