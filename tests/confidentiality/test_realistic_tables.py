"""Tables as statistics offices save them, thousands of rows each, through the CMS: a .csv
with a BOM and ``;`` separators, a Windows-1251 .csv, an .xls, an .ods, a web page, decimal
commas ("7471,9"). The fail-closed presumption finds each of them as a table; with their
basis, the check reads every one (its values agree with the basis) without a 500."""

import base64
import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from statportal.testing import make_settings
from tests.helpers.disclosure_decimal_samples import basis_rows, hierarchies, text
from tests.helpers.materials import SECTION, as_user

FORMATS = "doc rtf txt jpg jpeg gif png bmp xls pdf ppt html htm docx xlsx pptx csv ods"
DISTRICTS, DIVISIONS, ENTERPRISES = 2000, 4, 30_000
READING = {"not_in_basis", "unreadable_cell", "table_unreadable", "differs_from_basis",
           "basis_unreadable"}


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path, **{"statportal.file_formats": FORMATS})


@pytest.fixture(scope="module")
def data():
    """``(basis rows, regions, activity, {(district, division): value text})``; district
    labels in Russian (``Район …``) beside the English ones."""
    regions, activity = hierarchies(DISTRICTS, DIVISIONS)
    rows = basis_rows(DISTRICTS, DIVISIONS, ENTERPRISES)
    return rows, regions, activity


def russian(label):
    return label.replace("District", "Район").replace("Region", "Область").replace(
        "Republic", "Республика")


def basis_xlsx(data):
    from openpyxl import Workbook

    rows, regions, activity = data
    book = Workbook(write_only=True)
    sheet = book.create_sheet("basis")
    sheet.append(["region", "activity", "value", "respondents", "top1", "top2"])
    for region, code, value, respondents, top1, top2 in rows:
        sheet.append([region, code, value / 10, respondents, top1 / 10, top2 / 10])
    for name, hierarchy in (("region", regions), ("activity", activity)):
        dim = book.create_sheet(name)
        dim.append(["code", "parent", "label", "label_ru"])
        for code, parent, label in hierarchy:
            dim.append([code, parent, label, russian(label)])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def pivot(data):
    """``(header, [[label, value text or None, ...]])``: districts (Russian labels) down,
    divisions across, the finest cells only, values with a decimal comma."""
    rows, regions, activity = data
    divisions = [c for c, p, _l in activity if p and p != "T"]
    values = {(r, a): v for r, a, v, *_rest in rows}
    body = []
    for code, parent, label in regions:
        if parent and parent != "KZ":
            body.append([russian(label)] + [
                text(values[(code, a)]).replace(".", ",") if (code, a) in values else None
                for a in divisions])
    return ["Район"] + divisions, body


def csv_bytes(data, encoding):
    header, body = pivot(data)
    lines = [";".join(header)] + [";".join(v or "" for v in row) for row in body]
    text_ = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" + text_).encode("utf-8") if encoding == "utf-8-sig" else \
        text_.encode(encoding)


def xls_bytes(data):
    import xlwt

    header, body = pivot(data)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Таблица")
    for c, value in enumerate(header):
        sheet.write(0, c, value)
    for r, row in enumerate(body, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, float(value.replace(",", ".")) if c else value)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def xlsx_text_bytes(data):
    """The pivot with every value a text cell with a decimal comma, as pasted."""
    from openpyxl import Workbook

    header, body = pivot(data)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Таблица")
    sheet.append(header)
    for row in body:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def ods_bytes(data):
    header, body = pivot(data)

    def row_xml(values):
        return "<table:table-row>" + "".join(
            "<table:table-cell/>" if v is None else
            f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
            "</table:table-cell>" for v in values) + "</table:table-row>"

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
        '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:'
        'tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
        'xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="T">' +
        "".join(row_xml(r) for r in [header, *body]) +
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            'spreadsheet"/></manifest:manifest>'))
        archive.writestr("content.xml", content)
    return stream.getvalue()


def html_bytes(data):
    header, body = pivot(data)
    cells = "".join("<tr>" + "".join(f"<td>{escape(v or '')}</td>" for v in row) + "</tr>"
                    for row in [header, *body])
    return ('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Таблица'
            f"</title></head><body><table>{cells}</table></body></html>").encode()


def upload(name, data, language="ru", **extra):
    return {"data": base64.b64encode(data).decode(), "encoding": "base64", "filename": name,
            "language": language, **extra}


TABLES = {"wages-bom.csv": lambda d: csv_bytes(d, "utf-8-sig"),
          "wages-1251.csv": lambda d: csv_bytes(d, "cp1251"),
          "wages.xls": xls_bytes,
          "wages-text.xlsx": xlsx_text_bytes}
DOCUMENTS = {"wages.ods": ods_bytes, "wages.html": html_bytes}


def material(data, names, **changes):
    body = {"@type": "Material", "category": "express_information", "languages": ["ru"],
            "title": {"ru": "Заработная плата по районам"}, "description": {},
            "files": [upload(name, {**TABLES, **DOCUMENTS}[name](data)) for name in names]}
    body.update(changes)
    return body


@pytest.mark.parametrize("name", [*TABLES, *DOCUMENTS])
def test_the_presumption_finds_each_table(testapp, demo, data, name):
    as_user(testapp, "yerlan")
    url = testapp.post_json(f"/++api++{SECTION}", material(data, [name]), status=201).json[
        "@id"].replace("http://localhost", "")
    response = testapp.post_json(f"{url}/@workflow/publish", {}, status=409)
    assert [(e["type"], (e.get("location") or {}).get("file"))
            for e in response.json["errors"]] == [("missing_basis", name)]


def test_the_basis_reads_every_format_of_thousands_of_rows(testapp, demo, data):
    as_user(testapp, "yerlan")
    body = material(data, [*TABLES, *DOCUMENTS], bases=[
        upload("wages.basis.xlsx", basis_xlsx(data), tables=list(TABLES))])
    url = testapp.post_json(f"/++api++{SECTION}", body, status=201).json["@id"].replace(
        "http://localhost", "")
    report = testapp.get(f"{url}/@disclosure").json
    reading = [(f["type"], f["message"][:160]) for f in report["findings"]
               if f["type"] in READING]
    assert reading == []
    shown = {(f.get("location") or {}).get("file") for f in report["findings"]
             if f["type"] == "confidential_shown"}
    # every table and web page was read: each shows the confidential cells of the basis
    assert shown >= {*TABLES, *DOCUMENTS}
    page = testapp.get(url.replace("/++api++", "") + "/@@disclosure",
                       headers={"Accept": "text/html"})
    assert page.status_int == 200


def basis_csv(data, encoding, delimiter=";"):
    """The basis's long form as a Russian spreadsheet program saves it: ``;`` and decimal
    commas (a ``,``-separated one keeps points)."""
    rows, _regions, _activity = data
    point = "," if delimiter == ";" else "."
    lines = [delimiter.join(["region", "activity", "value", "respondents", "top1", "top2"])]
    for region, code, value, respondents, top1, top2 in rows:
        lines.append(delimiter.join([region, code, text(value).replace(".", point),
                                     str(respondents), text(top1).replace(".", point),
                                     text(top2).replace(".", point)]))
    body = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" + body).encode("utf-8") if encoding == "utf-8-sig" else \
        body.encode(encoding)


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8-sig", ";"), ("cp1251", ";"), ("utf-8", ",")])
def test_a_csv_basis_as_spreadsheets_save_it_is_read(data, encoding, delimiter):
    """A .csv basis with a BOM, in Windows-1251, with ``;`` and decimal commas, reads as
    the same table with one decimal (it was refused as "not UTF-8" or read as one
    column)."""
    from statportal.confidentiality.basis import read_basis
    from statportal.disclosure.hierarchy import Hierarchy

    rows, regions, activity = data
    known = {"region": Hierarchy.from_rows("region", [(n, *r) for n, r in
                                                      enumerate(regions, 2)]),
             "activity": Hierarchy.from_rows("activity", [(n, *r) for n, r in
                                                          enumerate(activity, 2)])}
    table = read_basis("wages.basis.csv", basis_csv(data, encoding, delimiter), known)
    assert table.decimals == 1
    region, code, value, respondents, _top1, _top2 = rows[5]
    cell = table.cells[(region, code)]
    assert (table.rounded(cell.value), cell.respondents) == (
        float(text(value)), respondents)
    assert sum(1 for c in table.cells.values() if c.inner) == len(rows)


def test_a_windows_1251_basis_upload_is_a_400_naming_the_hierarchy(testapp, demo, data):
    """Without classifications the portal knows, a .csv basis lacks its hierarchies: a
    400 that says so (not "not UTF-8", never a 500)."""
    as_user(testapp, "yerlan")
    body = material(data, ["wages-1251.csv"], bases=[
        upload("wages.basis.csv", basis_csv(data, "cp1251"))])
    response = testapp.post_json(f"/++api++{SECTION}", body, status=400)
    (error,) = response.json["errors"]
    assert "no hierarchy for the dimension 'region'" in error["message"]
