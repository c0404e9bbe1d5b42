"""Sample files of each format, built in memory."""

import io
import struct
import zipfile
import zlib


def ooxml(prefix):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{prefix}document.xml", "<x/>")
    return buffer.getvalue()


def ole2(stream):
    """A real (minimal) OLE2 compound file with one 4 KB stream, as Office 97–2003 writes."""
    end, free, fat_sector, no = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    fat = [fat_sector, end, *range(3, 10), end] + [free] * 118
    fat_bytes = struct.pack("<128I", *fat)

    def entry(name, kind, child, start, size):
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", no, no, child) + b"\0" * 36
                + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(stream, 2, no, 2, 4096)
                 + entry("", 0, no, 0, 0) * 2)
    return header + fat_bytes + directory + b"\x01" * 4096


def bmp():
    pixels = b"\xff\x00\x00\x00"
    info = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 32, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + info + pixels


def png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))


def real_xlsx():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Көрсеткіш", 2026])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def real_xls():
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("Кесте").write(0, 0, "Көрсеткіш")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SAMPLES = {
    "report.xlsx": real_xlsx(), "table.xls": real_xls(), "report.docx": ooxml("word/"),
    "slides.pptx": ooxml("ppt/"),
    "old.doc": ole2("WordDocument"), "old.xls": ole2("Workbook"),
    "old.ppt": ole2("PowerPoint Document"), "table.pdf": b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n",
    "chart.png": png(), "photo.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 32,
    "photo.jpeg": b"\xff\xd8\xff\xe0" + b"\0" * 32, "anim.gif": b"GIF89a" + b"\0" * 16,
    "scan.bmp": bmp(), "note.rtf": b"{\\rtf1\\ansi Hello}",
    "readme.txt": "Өнеркәсіп өндірісі, 2026".encode(),
    "old-cp1251.txt": "Промышленность".encode("cp1251"),
    "table.html": b"<!DOCTYPE html><html><body><table></table></body></html>",
}
