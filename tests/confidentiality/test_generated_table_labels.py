"""A generated table writes a formula-like label as text."""

import io
import zipfile


def test_a_generated_table_writes_a_formula_like_label_as_text(monkeypatch):
    """Item 8: a label "=HYPERLINK(…)" from a basis comes back from openpyxl as the plain
    string, in a string cell, never a formula."""
    from openpyxl import load_workbook

    from statportal.disclosure import Hierarchy, Table
    from statportal.disclosure.output import xlsx_bytes

    evil = '=HYPERLINK("http://evil.example/","click")'
    regions = Hierarchy.from_csv("region", f'code,parent,label\nKZ,,Kazakhstan\n'
                                           f'A,KZ,"{evil.replace(chr(34), chr(34) * 2)}"\n'
                                           'B,KZ,+1 region\n')
    activity = Hierarchy.from_csv("activity", "code,parent,label\nT,,@Total\nX,T,-Mining\n")
    table = Table.from_csv("region,activity,value,respondents\nA,X,10,5\nB,X,20,6\n",
                           {"region": regions, "activity": activity})
    book = load_workbook(io.BytesIO(xlsx_bytes(table, {}, "region", "activity", "en")))
    sheet = book.active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)}
    for label in (evil, "+1 region", "@Total", "-Mining"):
        assert label in cells, (label, list(cells))
        assert cells[label].data_type == "s"
    raw = zipfile.ZipFile(io.BytesIO(xlsx_bytes(table, {}, "region", "activity", "en")))
    assert b"<f>" not in raw.read("xl/worksheets/sheet1.xml")
