"""The format policy: formats detected from bytes, names made safe."""

import io
import struct
import zipfile
import zlib

import pytest

from tests.samples import pdf


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


@pytest.mark.parametrize("filename", sorted(SAMPLES))
def test_accepted_formats(filename):
    from statportal.files import check_upload

    assert check_upload(filename, SAMPLES[filename]) == filename.rpartition(".")[2]


@pytest.mark.parametrize(("filename", "data", "reason"), [
    ("report.xlsx", SAMPLES["report.docx"], "(it looks like .docx)"),
    ("report.xls", SAMPLES["report.xlsx"], "(it looks like .xlsx)"),
    ("table.pdf", SAMPLES["chart.png"], "(it looks like .png)"),
    ("chart.png", b"\x00\x01\x02garbage", "is not a .png file."),
    ("readme.txt", SAMPLES["table.pdf"], "(it looks like .pdf)"),
    ("virus.exe", b"MZ\x90\x00", ".exe files are not accepted"),
    ("noextension", b"text", "has no extension"),
    ("empty.txt", b"", "is empty"),
    ("archive.zip", b"PK\x03\x04", "not accepted"),
    ("note.txt", b"BMW sales rose by 5 per cent", None),
    ("image.bmp", b"BM<html><script>alert(1)</script>" + b"x" * 40, "is not a .bmp file"),
    ("notes.txt", b"  " * 3000 + b"<script>alert(1)</script>", "(it looks like .html)"),
    ("old.xls", ole2("WordDocument"), "(it looks like .doc)"),
    ("fake.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"),
     "is not a .doc file"),
])
def test_refused(filename, data, reason):
    from statportal.files import FileRefused, check_upload

    if reason is None:  # text that merely starts like a format's magic bytes is fine
        assert check_upload(filename, data) == "txt"
        return
    with pytest.raises(FileRefused) as info:
        check_upload(filename, data)
    text = info.value.message.interpolate()
    assert reason in text and filename.rpartition("/")[2] in text


def test_policy_settings():
    from statportal.files import FilePolicy, FileRefused, check_upload

    narrow = FilePolicy.from_settings({"statportal.file_formats": "methodology"})
    with pytest.raises(FileRefused):
        check_upload("report.xlsx", SAMPLES["report.xlsx"], narrow)
    wide = FilePolicy.from_settings({"statportal.file_formats": "xlsx csv",
                                     "statportal.file_max_mb": "0.001"})
    assert check_upload("data.csv", b"a,b\n1,2\n", wide) == "csv"
    with pytest.raises(FileRefused, match="larger"):
        check_upload("report.xlsx", SAMPLES["report.xlsx"] * 10, wide)
    with pytest.raises(ValueError, match="unknown formats"):
        FilePolicy.from_settings({"statportal.file_formats": "xlsx exe"})


@pytest.mark.parametrize(("given", "safe"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\aigerim\\Есеп 2026.xlsx", "Есеп 2026.xlsx"),
    ("bad\x00name\r\n.pdf", "badname.pdf"),
    (".hidden.txt", "hidden.txt"),
    ("", "file"),
    ("a" * 200 + ".xlsx", "a" * 145 + ".xlsx"),
])
def test_safe_names(given, safe):
    from statportal.files import safe_name

    assert safe_name(given) == safe


def test_stored_in_a_blob(tmp_path):
    import transaction
    from ZODB import DB
    from ZODB.DemoStorage import DemoStorage

    from statportal.files import StoredFile

    db = DB(DemoStorage())
    try:
        conn = db.open()
        conn.root()["f"] = StoredFile("../Есеп.xlsx", SAMPLES["report.xlsx"], "xlsx")
        transaction.commit()
        stored = db.open().root()["f"]
        assert stored.read() == SAMPLES["report.xlsx"]
        assert stored.describe() == {
            "filename": "Есеп.xlsx", "extension": "xlsx", "size": len(SAMPLES["report.xlsx"]),
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "language": None, "removed_sheets": []}
        assert stored.preview["kind"] == "table"  # computed once, when stored
        assert stored.original_name == "../Есеп.xlsx"
    finally:
        transaction.abort()
        db.close()


def test_zip_bomb_refused_without_unpacking(monkeypatch):
    from statportal.files import FileRefused, check_upload

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"\0" * (300 * 1024 * 1024))  # 300 MB of zeros
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<x/>")
    unpacked = []
    real_read = zipfile.ZipFile.read
    monkeypatch.setattr(zipfile.ZipFile, "read",
                        lambda self, name, *a: unpacked.append(name) or real_read(self, name, *a))
    with pytest.raises(FileRefused):
        check_upload("bomb.docx", buffer.getvalue())
    assert unpacked == []  # the sizes in the directory decided; nothing was unpacked


def pptx(slides):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(1, slides + 1):
            archive.writestr(f"ppt/slides/slide{n}.xml", "<p/>")
    return buffer.getvalue()


def xlsx(sheets):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, value in sheets:
        sheet = book.create_sheet(title)
        if value is not None:
            sheet["B3"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_with_pages(pages):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<x/>")
        archive.writestr("docProps/app.xml", f"<Properties><Pages>{pages}</Pages></Properties>")
    return buffer.getvalue()


@pytest.mark.parametrize(("extension", "data", "pages"), [
    ("pdf", pdf(3), 3),
    ("pptx", pptx(5), 5),
    ("xlsx", xlsx([("Деректер", 42), ("Бос", None), ("Кесте", "X")]), 2),
    ("docx", SAMPLES["report.docx"], None),
    ("docx", docx_with_pages(7), 7),
    ("pdf", b"%PDF-1.4 broken", None),
])
def test_page_counts(extension, data, pages):
    from statportal.files.pages import page_count

    assert page_count(extension, data) == pages


def test_request_page_count_prefilled(testapp, demo):
    import base64

    from statportal.testing import basic_auth
    from tests.test_placement import payload

    testapp.authorization = basic_auth("aigerim")
    files = [{"data": base64.b64encode(pdf(3)).decode(), "filename": "a.pdf"},
             {"data": base64.b64encode(pptx(2)).decode(), "filename": "b.pptx"}]
    body = payload(files=files)
    del body["page_count"]
    assert testapp.post_json("/++api++/requests", body).json["page_count"] == 5
    assert testapp.post_json("/++api++/requests", payload(files=files, page_count=7)).json[
        "page_count"] == 7
