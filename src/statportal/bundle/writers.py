"""Writing a bundle: a directory, a zip or a disc image (``iso.write_iso``), each with
``SHA256SUMS`` (every other file, as ``sha256sum -c`` reads it) and ``README.txt`` (kk, ru,
en: what the disc holds and how to open it).

Nothing is half-written: a directory or zip is written under a temporary name beside
``out`` and renamed at the end (an old output given ``force`` is replaced only then); a
failure removes the temporary one. An existing output without ``force`` is refused before
anything is read.
"""

import hashlib
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from statportal.bundle.collect import BundleError

README = {
    "kk": ("Бұл дискіде порталдың жарияланған материалдарының офлайн көшірмесі бар: "
           "беттер, файлдар мен кестелердің алдын ала көрінісі. Ашу үшін index.html "
           "файлын браузерде ашыңыз (желі мен сервер қажет емес). Іздеу: search.html. "
           "Файлдардың бүтіндігін SHA256SUMS бойынша тексеруге болады "
           "(sha256sum -c SHA256SUMS)."),
    "ru": ("На этом диске — офлайн-копия опубликованных материалов портала: страницы, "
           "файлы и просмотр таблиц. Чтобы открыть, откройте файл index.html в браузере "
           "(сеть и сервер не нужны). Поиск: search.html. Целостность файлов можно "
           "проверить по SHA256SUMS (sha256sum -c SHA256SUMS)."),
    "en": ("This disc holds an offline copy of the portal's published materials: pages, "
           "files and table previews. To open it, open index.html in a web browser (no "
           "network or server is needed). Search: search.html. The files can be checked "
           "against SHA256SUMS (sha256sum -c SHA256SUMS)."),
}


def readme(languages):
    order = list(languages) + [lang for lang in README if lang not in languages]
    return ("\n\n".join(README[lang] for lang in order) + "\n").encode("utf-8")


def refuse_existing(out, force):
    out = Path(out)
    if (out.exists() or out.is_symlink()) and not force:
        raise BundleError(f"{out} exists: choose another --out, or give --force to "
                          "replace it")
    if not out.parent.is_dir():
        raise BundleError(f"{out.parent}: no such directory for --out")


def kind_of(out):
    suffix = Path(out).suffix.lower()
    return {".zip": "zip", ".iso": "iso"}.get(suffix, "dir")


def data_of(source):
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def size_of(source):
    return len(source) if isinstance(source, bytes) else os.path.getsize(source)


def with_sums(entries, languages):
    """The entries with ``README.txt`` and ``SHA256SUMS`` (of every other file) added."""
    entries = list(entries) + [("README.txt", readme(languages))]
    seen = set()
    lines = []
    for path, source in entries:
        if path in seen or path.startswith("/") or ".." in path.split("/"):
            raise BundleError(f"{path}: a duplicate or unsafe path in the bundle")
        seen.add(path)
        digest = hashlib.sha256()
        if isinstance(source, bytes):
            digest.update(source)
        else:
            with open(source, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
        lines.append(f"{digest.hexdigest()}  {path}\n")
    return entries + [("SHA256SUMS", "".join(sorted(lines, key=lambda line: line[66:])).encode())]


def write_bundle(entries, out, languages=("kk", "ru", "en"), force=False, max_bytes=None,
                 progress=None, volume_id="STATPORTAL"):
    """Write ``entries`` (relative path, bytes or a file path) to ``out``; the size."""
    out = Path(out)
    refuse_existing(out, force)
    entries = with_sums(entries, languages)
    progress = progress or (lambda done, what: None)
    kind = kind_of(out)
    if kind == "iso":
        from statportal.bundle.iso import ImageTooLarge, write_iso

        try:
            size = write_iso(entries, str(out), volume_id, max_bytes=max_bytes)
            progress(len(entries), out.name)
            return size
        except ImageTooLarge as exc:
            raise BundleError(str(exc)) from None
        except ValueError as exc:
            raise BundleError(f"the disc image: {exc}") from None
    total = sum(size_of(source) for _path, source in entries)
    if max_bytes is not None and total > max_bytes:
        raise BundleError(f"the bundle would be {total / 2**20:.1f} MB, over the size limit "
                          f"of {max_bytes / 2**20:.1f} MB; nothing was written")
    writer = write_zip if kind == "zip" else write_directory
    return writer(entries, out, progress)


def _replace(temporary, out):
    """Put ``temporary`` at ``out``; an old ``out`` (``--force``) goes only now."""
    if out.exists() and out.is_dir() and not out.is_symlink():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.rename(out, old)
        os.rename(temporary, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(temporary, out)


def write_directory(entries, out, progress):
    temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for done, (path, source) in enumerate(entries, 1):
            target = temporary / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, bytes):
                target.write_bytes(source)
            else:
                shutil.copyfile(source, target)
            progress(done, path)
        temporary.chmod(0o755)
        _replace(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return sum(size_of(source) for _path, source in entries)


def write_zip(entries, out, progress):
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, (path, source) in enumerate(entries, 1):
                if isinstance(source, bytes):
                    archive.writestr(path, source)
                else:
                    archive.write(source, path)
                progress(done, path)
        os.chmod(name, 0o644)
        if out.is_dir():
            shutil.rmtree(out)
        os.replace(name, out)
    except BaseException:
        if os.path.exists(name):
            os.unlink(name)
        raise
    return os.path.getsize(out)
