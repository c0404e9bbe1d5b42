"""Previews: tables rendered once per language from real files, image sizes, pdf pages."""

import io

import pytest

NBSP = "\u00a0"
ALLOWED_TAGS = {"table", "caption", "thead", "tbody", "tr", "th", "td", "p"}
ALLOWED_ATTRIBUTES = {"class", "scope", "colspan", "rowspan"}


def parse(fragment):
    """The elements of a preview's HTML (lxml, wrapped so the fragments have one root)."""
    import lxml.html

    return lxml.html.fragment_fromstring(fragment, create_parent="div")


def walk_whitelist(fragment):
    root = parse(fragment)
    for element in root.iterdescendants():
        assert isinstance(element.tag, str), element  # no comments or PIs
        assert element.tag in ALLOWED_TAGS, element.tag
        assert set(element.attrib) <= ALLOWED_ATTRIBUTES, dict(element.attrib)
        for name in ("colspan", "rowspan"):
            if name in element.attrib:
                assert 1 <= int(element.get(name)) <= 1000
    return root


def cells(fragment, tag="td"):
    return [cell.text_content() for cell in parse(fragment).iter(tag)]


def xlsx_book(fill):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    fill(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def statistics_sheet(book):
    sheet = book.create_sheet("Өнеркәсіп")
    sheet["B2"] = "Өңір"
    sheet["C2"] = "Өндіріс"
    sheet.merge_cells("C2:D2")
    sheet["C3"] = "2024"
    sheet["D3"] = "2025"
    sheet["B4"], sheet["C4"], sheet["D4"] = "Астана", 1234.5, "X"
    sheet["C4"].number_format = "#,##0.0"
    sheet["B5"], sheet["C5"], sheet["D5"] = "Алматы", 7, 0.125
    sheet["D5"].number_format = "0.0%"
    sheet["B7"] = "X – деректер құпия."
    book.create_sheet("Бос")
    hidden = book.create_sheet("Жасырын")
    hidden["A1"] = "құпия бастапқы деректер"
    hidden.sheet_state = "hidden"


def test_xlsx_table():
    from statportal.files.previews import make_preview

    preview = make_preview("xlsx", xlsx_book(statistics_sheet))
    assert set(preview) == {"kind", "html", "has_x", "x_explained", "truncated"}
    assert preview["kind"] == "table" and preview["has_x"] and preview["x_explained"]
    assert preview["truncated"] is False
    kk, en = preview["html"]["kk"], preview["html"]["en"]
    root = walk_whitelist(kk)
    tables = root.findall("table")
    assert len(tables) == 1  # the empty sheet and the hidden one are left out
    assert "жасырын" not in kk.lower() and "бастапқы" not in kk
    table = tables[0]
    assert table.get("class") == "preview" and table.find("caption").text == "Өнеркәсіп"
    header = table.find("thead").findall("tr")
    assert len(header) == 2  # two leading rows without numbers
    assert [(th.text, th.get("scope"), th.get("colspan")) for th in header[0]] == [
        ("Өңір", "col", None), ("Өндіріс", "col", "2")]
    body = table.find("tbody").findall("tr")
    assert [(body[0][0].tag, body[0][0].get("scope"), body[0][0].text)] == [
        ("th", "row", "Астана")]
    assert f"1{NBSP}234,5" in cells(kk) and "1,234.5" in cells(en)
    assert "12,5%" in cells(kk) and "12.5%" in cells(en)
    confidential = table.xpath("//td[@class='confidential']")
    assert [td.text for td in confidential] == ["X"]
    # The note under the table is a paragraph, not a row.
    notes = root.xpath("p[@class='footnote']")
    assert [p.text for p in notes] == ["X – деректер құпия."]
    assert "құпия" not in "".join(cells(kk)) + "".join(cells(kk, "th"))


def test_x_unexplained_and_years_not_grouped():
    from statportal.files.previews import make_preview

    def fill(book):
        sheet = book.create_sheet("Data")
        sheet.append(["Region", 2024, 2025])
        sheet.append(["North", 12345678, "x"])
        sheet.append(["South", 0.5, 3])

    preview = make_preview("xlsx", xlsx_book(fill))
    assert preview["has_x"] and not preview["x_explained"]
    root = parse(preview["html"]["ru"])
    assert [th.text for th in root.xpath("//thead//th")] == ["Region", "2024", "2025"]
    assert f"12{NBSP}345{NBSP}678" in cells(preview["html"]["ru"])
    assert "12,345,678" in cells(preview["html"]["en"])
    assert "0,5" in cells(preview["html"]["kk"])


def test_hidden_rows_and_columns_left_out():
    from statportal.files.previews import make_preview

    def fill(book):
        sheet = book.create_sheet("S")
        sheet.append(["Region", "Value", "Raw value"])
        sheet.append(["North", "X", 17])
        sheet.append(["Secret row", 1, 2])
        sheet.column_dimensions["C"].hidden = True
        sheet.row_dimensions[3].hidden = True

    html = make_preview("xlsx", xlsx_book(fill))["html"]["en"]
    assert "17" not in html and "Secret" not in html and "Raw value" not in html
    assert "North" in html


def test_xls_with_merge_and_format():
    import xlwt

    from statportal.files.previews import make_preview

    book = xlwt.Workbook()
    sheet = book.add_sheet("Кесте")
    sheet.write_merge(0, 0, 1, 3, "Жылдар")
    sheet.write(1, 0, "Өңір")
    for column, year in enumerate(("2023", "2024", "2025"), start=1):
        sheet.write(1, column, year)
    one_decimal = xlwt.easyxf(num_format_str="#,##0.0")
    sheet.write(2, 0, "Астана")
    sheet.write(2, 1, 1234.5, one_decimal)
    sheet.write(2, 2, 2000.0, one_decimal)
    sheet.write(2, 3, "X")
    sheet.write(4, 0, "Ескерту: X – құпия деректер")
    buffer = io.BytesIO()
    book.save(buffer)
    preview = make_preview("xls", buffer.getvalue())
    kk = preview["html"]["kk"]
    root = walk_whitelist(kk)
    assert root.find("table/caption").text == "Кесте"
    first = root.find("table/thead/tr")
    assert [(th.text or "", th.get("colspan")) for th in first] == [("", None), ("Жылдар", "3")]
    assert [cell.tag for cell in first] == ["td", "th"]  # an empty corner heads nothing
    assert cells(kk)[1:4] == [f"1{NBSP}234,5", f"2{NBSP}000,0", "X"]
    assert cells(preview["html"]["en"])[1:3] == ["1,234.5", "2,000.0"]
    assert preview["has_x"] and preview["x_explained"]
    assert [p.text for p in root.xpath("p[@class='footnote']")] == [
        "Ескерту: X – құпия деректер"]


def test_rowspan_cut_at_the_header():
    from statportal.files.previews import make_preview

    def fill(book):
        sheet = book.create_sheet("S")
        sheet["A1"], sheet["B1"] = "Region", "Value"
        sheet["A2"], sheet["B2"] = "North", 5
        sheet["A3"], sheet["B3"] = "South", 6
        sheet.merge_cells("A1:A2")  # a header cell merged down into the first data row

    html = make_preview("xlsx", xlsx_book(fill))["html"]["en"]
    root = walk_whitelist(html)
    header = root.find("table/thead/tr")
    assert header[0].get("rowspan") is None  # a rowspan may not leave its row group
    first_body_row = root.find("table/tbody/tr")
    assert len(first_body_row) == 2 and first_body_row[1].text == "5"


def test_csv_semicolon_cp1251_and_comma():
    from statportal.files.previews import make_preview

    data = "Регион;2024;Код\nАстана;1 234,5;011000000\nАлматы;1234,50;x\n".encode("cp1251")
    preview = make_preview("csv", data)
    assert cells(preview["html"]["kk"]) == [f"1{NBSP}234,5", "011000000",
                                            f"1{NBSP}234,50", "X"]
    assert cells(preview["html"]["en"])[:3] == ["1,234.5", "011000000", "1,234.50"]
    assert preview["has_x"] and not preview["x_explained"]

    comma = make_preview("csv", b'Region,Value\nNorth,"1,234.5"\nSouth,7.25\n')
    assert cells(comma["html"]["ru"]) == [f"1{NBSP}234,5", "7,25"]
    assert [th.text for th in parse(comma["html"]["ru"]).iter("th")] == [
        "Region", "Value", "North", "South"]


def test_truncated_csv():
    from statportal.files.previews import make_preview

    rows = ["Region;Value"] + [f"R{n};{n}" for n in range(600)]
    preview = make_preview("csv", "\n".join(rows).encode())
    assert preview["truncated"] is True
    root = parse(preview["html"]["en"])
    assert len(root.xpath("//tr")) == 500
    assert not root.xpath("//*[@class='truncated']")
    short = make_preview("csv", "\n".join(rows[:400]).encode())
    assert short["truncated"] is False and len(parse(short["html"]["en"]).xpath("//tr")) == 400


def test_html_table_rebuilt_from_text():
    from statportal.files.previews import make_preview

    source = """<html><body><h1 onclick="x()">Title</h1>
    <table id="t" style="color:red" onmouseover="steal()" data-x="1">
    <caption>Кесте 2</caption>
    <thead><tr><th colspan="2" class="evil" style="x">Өңір</th><th>2024</th></tr></thead>
    <tbody>
    <tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>A</td><td>1 234,5</td></tr>
    <tr><td><img src=x onerror="alert(2)">Алматы</td><td rowspan="99999">B</td><td>X</td></tr>
    <tr><td><a href="javascript:evil()">Шымкент</a></td><td>5</td></tr>
    </tbody></table>
    <p>X – конфиденциальные данные.</p><p>   </p><p>Дереккөз: <b>ҰСБ</b></p>
    </body></html>"""
    preview = make_preview("html", source.encode())
    html = preview["html"]["ru"]
    root = walk_whitelist(html)
    assert root.find("table/caption").text == "Кесте 2"
    assert "<script>" not in html and "<img" not in html and "href" not in html
    body = root.find("table/tbody").findall("tr")
    assert body[0][0].text == "<script>alert(1)</script>"  # text, escaped in the HTML
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert body[1][0].text == "Алматы" and body[1][1].get("rowspan") == "2"
    assert [td.text for td in body[2]] == ["Шымкент", "5"]  # B's rowspan covers the middle
    assert root.find("table/thead/tr/th").get("colspan") == "2"
    assert [p.text for p in root.xpath("p[@class='footnote']")] == [
        "X – конфиденциальные данные.", "Дереккөз: ҰСБ"]
    assert preview["has_x"] and preview["x_explained"]


def test_html_without_tables_and_table_limits():
    from statportal.files.previews import make_preview
    from statportal.files.tables import MAX_TABLES

    assert make_preview("htm", b"<html><body><p>No tables</p></body></html>") is None
    many = "".join(f"<table><tr><td>T{n}</td><td>{n}</td></tr></table>"
                   for n in range(MAX_TABLES + 1))
    preview = make_preview("html", f"<html><body>{many}</body></html>".encode())
    assert preview["truncated"] is True
    assert len(parse(preview["html"]["en"]).findall("table")) == MAX_TABLES


def image(kind, size):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize(("extension", "kind"), [
    ("png", "PNG"), ("jpg", "JPEG"), ("jpeg", "JPEG"), ("gif", "GIF"), ("bmp", "BMP")])
def test_image_size(extension, kind):
    from statportal.files.previews import make_preview

    assert make_preview(extension, image(kind, (320, 17))) == {
        "kind": "image", "width": 320, "height": 17}


def png(width, height):
    """A PNG whose header claims the size (the pixel data is one row of zeros)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1))) + chunk(b"IEND", b""))


def test_image_size_from_the_header_and_bombs_refused():
    from statportal.files.previews import make_preview

    assert make_preview("png", png(3, 2)) == {"kind": "image", "width": 3, "height": 2}
    # 10^10 pixels: Pillow's decompression-bomb limit stays in force, so no preview.
    assert make_preview("png", png(100_000, 100_000)) is None


def test_pdf_pages():
    from pypdf import PdfWriter

    from statportal.files.previews import make_preview

    writer = PdfWriter()
    for _ in range(4):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert make_preview("pdf", buffer.getvalue()) == {"kind": "pdf", "pages": 4}


@pytest.mark.parametrize(("extension", "data"), [
    ("xlsx", b"PK\x03\x04 not really a zip"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
    ("png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
    ("jpg", image("PNG", (5, 5))),  # a PNG is not a JPEG
    ("pdf", b"%PDF-1.4 broken"),
    ("csv", b"\xff\xfe\x00\x98\x00"),
    ("docx", b"PK\x03\x04"),
    ("txt", b"plain text"),
])
def test_no_preview(extension, data):
    from statportal.files.previews import make_preview

    assert make_preview(extension, data) is None


def test_stored_with_the_file():
    from statportal.files import StoredFile

    stored = StoredFile("Кесте.csv", b"Region;Value\nNorth;1,5\n", "csv")
    assert stored.preview["kind"] == "table"
    assert "1,5" in cells(stored.preview["html"]["kk"])
