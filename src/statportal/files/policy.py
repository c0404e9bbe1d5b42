"""The methodology's formats (art. 5), detected from the bytes of a file."""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from statportal.files.errors import FileRefused
from statportal.files.htmlsafety import check_html, check_xml_parts
from statportal.i18n import _

#: Art. 5 of the methodology: text .doc .rtf .txt; graphics .jpg .jpeg .gif .png .bmp;
#: tables .xls .pdf .ppt .html.
METHODOLOGY_EXTENSIONS = ("doc", "rtf", "txt", "jpg", "jpeg", "gif", "png", "bmp", "xls", "pdf",
                          "ppt", "html")
#: The default adds the current successors of the Office formats.
DEFAULT_EXTENSIONS = (*METHODOLOGY_EXTENSIONS, "docx", "xlsx", "pptx")
#: Formats a setting may add.
OPTIONAL_EXTENSIONS = ("csv", "odt", "ods", "htm")

CONTENT_TYPES = {
    "doc": "application/msword", "rtf": "application/rtf", "txt": "text/plain",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "png": "image/png",
    "bmp": "image/bmp", "xls": "application/vnd.ms-excel", "pdf": "application/pdf",
    "ppt": "application/vnd.ms-powerpoint", "html": "text/html", "htm": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv", "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book"),
                "ppt": ("PowerPoint Document",)}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_TYPES = {"odt": b"application/vnd.oasis.opendocument.text",
             "ods": b"application/vnd.oasis.opendocument.spreadsheet"}


#: A container with more entries, or more bytes unpacked, is refused (zip bombs).
ZIP_MAX_ENTRIES = 10000
ZIP_MAX_UNPACKED = 1024 * 1024 * 1024


@dataclass(frozen=True)
class FilePolicy:
    extensions: tuple = DEFAULT_EXTENSIONS
    max_bytes: int = 50 * 1024 * 1024
    #: The most a zip container (docx, xlsx, pptx, odt, ods) may unpack to, checked from
    #: its directory before any part is read.
    max_unpacked: int = 200 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings):
        """``statportal.file_formats``: ``default``, ``methodology`` or a list of extensions;
        ``statportal.file_max_mb``: the size limit; ``statportal.file_max_unpacked_mb``: the
        most a zip container may unpack to."""
        spec = (settings.get("statportal.file_formats") or "default").split()
        if spec == ["default"]:
            extensions = DEFAULT_EXTENSIONS
        elif spec == ["methodology"]:
            extensions = METHODOLOGY_EXTENSIONS
        else:
            known = set(DEFAULT_EXTENSIONS) | set(OPTIONAL_EXTENSIONS)
            unknown = [ext for ext in spec if ext.lstrip(".").lower() not in known]
            if unknown:
                raise ValueError(f"statportal.file_formats: unknown formats {unknown}")
            extensions = tuple(ext.lstrip(".").lower() for ext in spec)
        unpacked = int(float(settings.get("statportal.file_max_unpacked_mb", 200)) * 1024 * 1024)
        return cls(extensions=extensions,
                   max_bytes=int(float(settings.get("statportal.file_max_mb", 50)) * 1024 * 1024),
                   max_unpacked=min(unpacked, ZIP_MAX_UNPACKED))


def extension_of(filename):
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def _ole2_kind(data):
    """doc, xls or ppt from the streams in the OLE2 directory (not from the bytes at large)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except (OSError, ValueError, IndexError):
        return None
    for kind, names in OLE2_STREAMS.items():
        if any(name in streams for name in names):
            return kind
    return None


def unpacked_size(data):
    """What a zip container declares its entries unpack to (read from its directory; the
    reader stops at the declared size), or None when it is not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _zip_kind(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES or \
                    sum(info.file_size for info in infos) > ZIP_MAX_UNPACKED:
                return None
            names = [info.filename for info in infos]
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > 200:
                    return None
                mimetype = archive.read("mimetype")
                for kind, value in ODF_TYPES.items():
                    if mimetype.strip() == value:
                        return kind
                return None
            if "[Content_Types].xml" not in names:
                return None
            for kind, prefix in OOXML_PARTS.items():
                if any(name.startswith(prefix) for name in names):
                    return kind
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    return None


def _text(data):
    if b"\x00" in data[:8192]:
        return None
    for encoding in ("utf-8", "cp1251"):
        try:
            return data[:65536].decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start > 65530:  # a character cut at the boundary
                return data[:exc.start].decode("utf-8")
    return None


def _is_bmp(data):
    """A BITMAPFILEHEADER whose size and DIB header size make sense, not just "BM…" text."""
    if len(data) < 26:
        return False
    declared = int.from_bytes(data[2:6], "little")
    header = int.from_bytes(data[14:18], "little")
    return header in (12, 40, 52, 56, 64, 108, 124) and declared in (0, len(data))


HTML_MARKERS = re.compile(r"<\s*(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|script[\s>]|"
                          r"iframe[\s>]|svg[\s>]|object[\s>]|embed[\s>])", re.I)


def sniff(data):
    """The format the bytes are in (an extension), or None when none is recognised."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM") and _is_bmp(data):
        return "bmp"
    if head.startswith(OLE2):
        return _ole2_kind(data)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    text = _text(data)
    if text is None:
        return None
    if HTML_MARKERS.search(text):  # anywhere in the first 64 KB: markup is not plain text
        return "html"
    return "txt"


#: Extensions that are the same format by another name.
SAME_FORMAT = {"jpeg": "jpg", "htm": "html", "csv": "txt"}


def check_upload(filename, data, policy=FilePolicy()):
    """The checked extension of an upload; raises FileRefused with the reason."""
    name = safe_name(filename)
    if re.search(r"[\\/]|^\.\.?$", str(filename or "")) or any(
            unicodedata.category(ch)[0] == "C" for ch in str(filename or "")):
        raise FileRefused(_("${file}: a file name may not contain path parts or control "
                            "characters.", mapping={"file": name}), name)
    ext = extension_of(name)
    if not ext:
        raise FileRefused(_("${file}: the file name has no extension.", mapping={"file": name}),
                          name)
    if ext not in policy.extensions:
        raise FileRefused(_("${file}: .${ext} files are not accepted (allowed: ${allowed}).",
                            mapping={"file": name, "ext": ext,
                                     "allowed": ", ".join(policy.extensions)}), name)
    if not data:
        raise FileRefused(_("${file} is empty.", mapping={"file": name}), name)
    if len(data) > policy.max_bytes:
        raise FileRefused(_("${file} is larger than ${mb} MB.",
                            mapping={"file": name, "mb": policy.max_bytes // (1024 * 1024)}),
                          name)
    if data.startswith(b"PK\x03\x04"):
        unpacked = unpacked_size(data)
        if unpacked is not None and unpacked > policy.max_unpacked:
            raise FileRefused(_("${file} unpacks to more than ${mb} MB.",
                                mapping={"file": name,
                                         "mb": policy.max_unpacked // (1024 * 1024)}), name)
    found = sniff(data)
    if SAME_FORMAT.get(ext, ext) != SAME_FORMAT.get(found, found):
        if found:
            message = _("${file}: the content is not a .${ext} file (it looks like .${found}).",
                        mapping={"file": name, "ext": ext, "found": found})
        else:
            message = _("${file}: the content is not a .${ext} file.",
                        mapping={"file": name, "ext": ext})
        raise FileRefused(message, name)
    check_content(name, ext, data)
    return ext


#: Formats whose content is checked for active content after the format matched.
HTML_FORMATS = ("html", "htm")
XML_CONTAINERS = ("docx", "xlsx", "pptx", "odt", "ods")


def check_content(name, ext, data):
    """Active content (scripts, external resources, XML entities): see htmlsafety."""
    if ext in HTML_FORMATS:
        check_html(name, data)
    elif ext in XML_CONTAINERS:
        check_xml_parts(name, data)


def safe_name(filename):
    """The last path part, without control characters or leading dots, at most 150 chars."""
    name = re.split(r"[\\/]", str(filename or ""))[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot else name[:150]
    return name or "file"
