"""Real sample files of every format, built in memory (xlwt, openpyxl, pypdf, Pillow…)."""

import io


def xlsx_table(rows, sheets_after=(("Бос парақ", None),), title="Кесте 1"):
    """A workbook with one table sheet (rows of values) and extra sheets (None: empty)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for name, value in sheets_after:
        extra = book.create_sheet(name)
        if value is not None:
            extra["A1"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_table(rows, empty_sheets=("Sheet2",)):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Кесте")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    for name in empty_sheets:
        book.add_sheet(name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf(pages=2):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image(fmt, size=(40, 20)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 92, 173)).save(buffer, format=fmt)
    return buffer.getvalue()


def docx():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def pptx(slides=2):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(1, slides + 1):
            archive.writestr(f"ppt/slides/slide{n}.xml", "<p/>")
    return buffer.getvalue()


TABLE = [
    ("Өңір", "2025", "2026"),
    ("Қазақстан Республикасы", 1234.5, 1301.25),
    ("Абай облысы", 56.7, "X"),
    ("Ақмола облысы", 88.0, 91.4),
    ("X – деректер құпия (конфиденциальные данные)", None, None),
]

HTML_TABLE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"
              "<table><thead><tr><th>Өңір</th><th>2026</th></tr></thead><tbody>"
              "<tr><th>Абай облысы</th><td>X</td></tr><tr><th>Ақмола</th><td>91,4</td></tr>"
              "</tbody></table><p>X – деректер құпия.</p></body></html>").encode()


def every_format():
    """One real file per allowed format: {filename: bytes}."""
    from tests.helpers.files import SAMPLES

    return {
        "table.xlsx": xlsx_table(TABLE), "table.xls": xls_table(TABLE),
        "table.csv": "Өңір;2026\nАбай облысы;X\nX – деректер құпия\n".encode(),
        "table.html": HTML_TABLE, "report.pdf": pdf(3), "chart.png": image("PNG"),
        "photo.jpg": image("JPEG"), "photo.jpeg": image("JPEG"), "anim.gif": image("GIF"),
        "scan.bmp": image("BMP"), "note.txt": "Ескерту: деректер алдын ала.\n".encode(),
        "note.rtf": b"{\\rtf1\\ansi Hello}", "report.docx": docx(), "slides.pptx": pptx(),
        "old.doc": SAMPLES["old.doc"], "old.ppt": SAMPLES["old.ppt"],
    }
