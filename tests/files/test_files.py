"""The format policy: formats detected from bytes, names made safe."""

import io
import zipfile

import pytest

from tests.helpers.files import SAMPLES, ole2
from tests.helpers.samples import pdf


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
    from tests.helpers.placement import payload

    testapp.authorization = basic_auth("aigerim")
    files = [{"data": base64.b64encode(pdf(3)).decode(), "filename": "a.pdf"},
             {"data": base64.b64encode(pptx(2)).decode(), "filename": "b.pptx"}]
    body = payload(files=files)
    del body["page_count"]
    assert testapp.post_json("/++api++/requests", body).json["page_count"] == 5
    assert testapp.post_json("/++api++/requests", payload(files=files, page_count=7)).json[
        "page_count"] == 7
