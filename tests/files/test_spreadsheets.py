"""Sheets without data are removed before publication (art. 5.3), from real .xls and .xlsx."""

import datetime
import io

import pytest

from statportal.files.policy import FileRefused
from statportal.files.spreadsheets import clean_workbook


def build_xls(sheets=("Кесте 1", "Empty", "Ескерту", "Sheet 3")):
    import xlwt

    book = xlwt.Workbook()
    if "Кесте 1" in sheets:
        table = book.add_sheet("Кесте 1")
        header = xlwt.easyxf("font: bold on; align: horiz center, wrap on")
        table.write_merge(0, 0, 0, 2, "Халық саны, мың адам", header)
        decimal = xlwt.easyxf(num_format_str="#,##0.0")
        for c, value in enumerate((19002.6, 20033.5, 0)):
            table.write(1, c, value, decimal)
        table.write(2, 0, datetime.date(2026, 1, 15), xlwt.easyxf(num_format_str="DD.MM.YYYY"))
        table.write(2, 1, True)
        table.write(2, 2, "Астана")
        table.col(0).width = 8000
        table.row(0).height, table.row(0).height_mismatch = 600, True
    if "Empty" in sheets:
        empty = book.add_sheet("Empty")
        empty.write(4, 4, None, xlwt.easyxf("pattern: pattern solid"))  # formatted, no value
    if "Ескерту" in sheets:
        note = book.add_sheet("Ескерту")
        note.write(0, 0, "   ")
        note.write(3, 1, "\t\n")
    if "Sheet 3" in sheets:
        book.add_sheet("Sheet 3").write(5, 3, 0)  # zero is data
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_xls(data):
    import xlrd

    return xlrd.open_workbook(file_contents=data, formatting_info=True)


def number_format(book, sheet, r, c):
    return book.format_map[book.xf_list[sheet.cell_xf_index(r, c)].format_key].format_str


def test_xls_empty_sheets_removed_and_the_rest_kept():
    import xlrd

    cleaned = clean_workbook("Есеп.xls", "xls", build_xls())

    assert cleaned.removed_sheets == ["Empty", "Ескерту"]
    book = read_xls(cleaned.data)
    assert book.sheet_names() == ["Кесте 1", "Sheet 3"]
    table = book.sheet_by_index(0)
    assert table.cell_value(0, 0) == "Халық саны, мың адам"
    assert table.row_values(1) == [19002.6, 20033.5, 0.0]
    assert number_format(book, table, 1, 0) == "#,##0.0"
    assert table.merged_cells == [(0, 1, 0, 3)]
    assert table.colinfo_map[0].width == 8000
    assert table.rowinfo_map[0].height == 600
    header = book.xf_list[table.cell_xf_index(0, 0)]
    assert book.font_list[header.font_index].bold
    assert header.alignment.hor_align == 2 and header.alignment.text_wrapped
    assert table.cell_type(2, 0) == xlrd.XL_CELL_DATE
    assert number_format(book, table, 2, 0) == "DD.MM.YYYY"
    assert xlrd.xldate_as_datetime(table.cell_value(2, 0), book.datemode).date() == \
        datetime.date(2026, 1, 15)
    assert table.cell_type(2, 1) == xlrd.XL_CELL_BOOLEAN and table.cell_value(2, 1) == 1
    assert table.cell_value(2, 2) == "Астана"
    assert book.sheet_by_index(1).cell_value(5, 3) == 0.0


def test_xls_big_sheet_copied_within_the_style_limit():
    import xlwt

    book = xlwt.Workbook(style_compression=2)
    sheet = book.add_sheet("Big")
    for r in range(5000):  # a new XFStyle object per cell: 10,000 asked of the writer
        sheet.write(r, 0, r / 7, xlwt.easyxf(num_format_str="0.00"))
        sheet.write(r, 1, f"r{r}", xlwt.easyxf("font: bold on"))
    book.add_sheet("Empty")
    buffer = io.BytesIO()
    book.save(buffer)
    source = read_xls(buffer.getvalue())

    copy = read_xls(clean_workbook("big.xls", "xls", buffer.getvalue()).data)

    assert len(copy.xf_list) <= len(source.xf_list)
    big = copy.sheet_by_index(0)
    assert big.nrows == 5000
    assert number_format(copy, big, 4999, 0) == "0.00"


def test_xls_nothing_empty_keeps_the_bytes():
    data = build_xls(sheets=("Кесте 1", "Sheet 3"))

    cleaned = clean_workbook("Есеп.xls", "xls", data)

    assert cleaned.data is data
    assert cleaned.removed_sheets == []


def test_xls_every_sheet_empty_refused():
    with pytest.raises(FileRefused) as info:
        clean_workbook("Бос.xls", "xls", build_xls(sheets=("Empty", "Ескерту")))

    assert info.value.filename == "Бос.xls"
    assert info.value.message.interpolate() == "Бос.xls: no sheet holds data."


@pytest.mark.parametrize("data", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                                  b"not a workbook at all" * 40])
def test_xls_garbage_refused(data):
    with pytest.raises(FileRefused) as info:
        clean_workbook("broken.xls", "xls", data)

    assert info.value.message.interpolate() == "broken.xls cannot be read as a spreadsheet."


def test_xls_page_count_counts_sheets_with_data():
    from statportal.files.pages import page_count

    assert page_count("xls", build_xls()) == 2
    assert page_count("xls", build_xls(sheets=("Кесте 1", "Empty"))) == 1
    assert page_count("xls", b"garbage") is None


def build_xlsx(active="Кесте 1"):
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    book = Workbook()
    table = book.active
    table.title = "Кесте 1"
    table["A1"] = "Халық саны, мың адам"
    table.merge_cells("A1:C1")
    for c, value in enumerate((19002.6, 20033.5, 0), start=1):
        table.cell(row=2, column=c, value=value).number_format = "#,##0.0"
    table.column_dimensions["A"].width = 31.5
    book.create_sheet("Empty")["C3"].number_format = "0.00"  # formatted, no value
    note = book.create_sheet("Ескерту")
    note["A1"], note["B4"] = "   ", "\t"
    book.create_sheet("Sheet 3")["D6"] = 0
    book.defined_names["table"] = DefinedName("table", attr_text="'Кесте 1'!$A$1:$C$2")
    book.defined_names["notes"] = DefinedName("notes", attr_text="'Ескерту'!$A$1:$B$4")
    book.defined_names["blank"] = DefinedName("blank", attr_text="SUM(Empty!$C$3,'Кесте 1'!A2)")
    book.active = book[active]
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_xlsx(data):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def test_xlsx_empty_sheets_removed_and_the_rest_kept():
    cleaned = clean_workbook("Есеп.xlsx", "xlsx", build_xlsx())

    assert cleaned.removed_sheets == ["Empty", "Ескерту"]
    book = read_xlsx(cleaned.data)
    assert book.sheetnames == ["Кесте 1", "Sheet 3"]
    table = book["Кесте 1"]
    assert table["A1"].value == "Халық саны, мың адам"
    assert [c.value for c in table[2]] == [19002.6, 20033.5, 0]
    assert table["B2"].number_format == "#,##0.0"
    assert [str(r) for r in table.merged_cells.ranges] == ["A1:C1"]
    assert table.column_dimensions["A"].width == 31.5
    assert book["Sheet 3"]["D6"].value == 0
    assert book.active.title == "Кесте 1"
    assert sorted(book.defined_names) == ["table"]
    assert book.defined_names["table"].attr_text == "'Кесте 1'!$A$1:$C$2"


@pytest.mark.parametrize("active", ["Empty", "Ескерту"])
def test_xlsx_active_sheet_removed_moves_to_the_next_kept(active):
    book = read_xlsx(clean_workbook("a.xlsx", "xlsx", build_xlsx(active=active)).data)

    assert book.active.title == "Sheet 3"
    assert [s.sheet_view.tabSelected for s in book.worksheets] == [False, True]


def test_xlsx_data_only_on_a_hidden_sheet_is_shown():
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Cover"
    hidden = book.create_sheet("Data")
    hidden["A1"], hidden.sheet_state = 5, "hidden"
    buffer = io.BytesIO()
    book.save(buffer)

    cleaned = read_xlsx(clean_workbook("h.xlsx", "xlsx", buffer.getvalue()).data)

    assert cleaned.sheetnames == ["Data"]
    assert cleaned["Data"].sheet_state == "visible"


def test_xlsx_sheet_with_only_a_chart_kept():
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    data = book.active
    data.title = "Data"
    data.append([1, 2, 3])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, max_col=3, min_row=1))
    book.create_sheet("Figure").add_chart(chart, "B2")
    book.create_sheet("Empty")
    buffer = io.BytesIO()
    book.save(buffer)

    cleaned = clean_workbook("c.xlsx", "xlsx", buffer.getvalue())

    assert cleaned.removed_sheets == ["Empty"]
    assert len(read_xlsx(cleaned.data)["Figure"]._charts) == 1


def test_xlsx_nothing_empty_keeps_the_bytes():
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = 0
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    cleaned = clean_workbook("x.xlsx", "xlsx", data)

    assert cleaned.data is data
    assert cleaned.removed_sheets == []


def test_xlsx_every_sheet_empty_refused():
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = " "
    book.create_sheet("Бос")
    buffer = io.BytesIO()
    book.save(buffer)

    with pytest.raises(FileRefused) as info:
        clean_workbook("Бос кесте.xlsx", "xlsx", buffer.getvalue())

    assert info.value.message.interpolate() == "Бос кесте.xlsx: no sheet holds data."


def test_xlsx_truncated_refused():
    data = build_xlsx()

    with pytest.raises(FileRefused) as info:
        clean_workbook("cut.xlsx", "xlsx", data[: len(data) // 2])

    assert info.value.filename == "cut.xlsx"
    assert "cannot be read" in info.value.message.interpolate()


@pytest.mark.parametrize("extension", ["pdf", "docx", "csv"])
def test_other_formats_pass_through(extension):
    data = build_xls()

    cleaned = clean_workbook(f"f.{extension}", extension, data)

    assert cleaned.data is data and cleaned.removed_sheets == []


def test_workbook_without_empty_sheets_is_never_loaded_whole(monkeypatch):
    """The usual upload (no empty sheet) is checked by a streaming read that stops at each
    sheet's first value: openpyxl never reads it (a small file can unpack to gigabytes)."""
    import openpyxl

    from statportal.files import spreadsheets

    data = build_xlsx_rows(2000)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("loaded"))
    assert spreadsheets.clean_workbook("big.xlsx", "xlsx", data).data is data


def test_large_workbook_with_an_empty_sheet_is_refused_unread(monkeypatch):
    import openpyxl

    from statportal.files import spreadsheets
    from statportal.files.policy import FileRefused

    data = build_xlsx_rows(2000, empty_sheet=True)
    monkeypatch.setattr(spreadsheets, "XLSX_MAX_UNPACKED", 10_000)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("loaded"))
    with pytest.raises(FileRefused) as refused:
        spreadsheets.clean_workbook("big.xlsx", "xlsx", data)
    assert "big.xlsx has sheets without data and is too large" in \
        refused.value.message.interpolate()


def build_xlsx_rows(rows, empty_sheet=False):
    import io

    from openpyxl import Workbook

    book = Workbook()
    for r in range(rows):
        book.active.append([r, r * 2, "мың"])
    if empty_sheet:
        book.create_sheet("Бос")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
