"""The long CSV (read back with pandas) and the .xlsx workbook (read back with openpyxl)
of statportal.taldau.formats.tabular."""

import io
import zipfile

import openpyxl
import pandas
from pyramid import testing

from statportal.disclosure.output import FOOTNOTE, SHEET_TITLE
from statportal.taldau.formats import render
from tests.helpers.taldau_results import (
    PERIODS,
    REGIONS,
    SECRET,
    SEXES,
    expected_cells,
    sample_result,
)


def read_csv(body):
    return pandas.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str,
                           keep_default_na=False)


def test_csv_reads_back_with_codes_labels_values_and_status():
    body, content_type, filename = render(sample_result(), "csv", "kk")
    assert content_type == "text/csv; charset=utf-8" and filename == "wages.csv"
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads the Cyrillic as UTF-8
    frame = read_csv(body)
    assert list(frame.columns) == ["region", "region_label", "sex", "sex_label", "period",
                                   "period_label", "value", "status"]
    expected = expected_cells()
    assert len(frame) == len(expected)
    labels = dict(zip(*REGIONS, strict=True)) | dict(zip(*SEXES, strict=True))
    for row in frame.itertuples(index=False):
        want, status = expected[(row.region, row.sex, row.period)]
        assert row.region_label == labels[row.region] and row.sex_label == labels[row.sex]
        if want is None:
            assert row.value == ""
        elif want == "X":
            assert row.value == "X"
        else:  # the text has exactly the indicator's decimals
            assert row.value == f"{want:.1f}" and float(row.value) == want
        assert row.status == status
    assert str(SECRET).encode() not in body and b"9876" not in body


def test_csv_numbers_parse_as_numbers_and_whole_numbers_have_no_point():
    frame = pandas.read_csv(io.BytesIO(render(sample_result(decimals=0), "csv", "kk")[0]),
                            encoding="utf-8-sig", na_values=["X"])
    assert frame["value"].dtype == "float64"
    assert frame["value"].iloc[0] == 7472 and frame["value"].isna().sum() == 7
    text = render(sample_result(decimals=0), "csv", "kk")[0].decode("utf-8-sig")
    assert "KZ,Қазақстан,M,Ерлер,2026-08,2026-08,7472,p" in text
    assert "=Алматы, «қала»" in text  # a label with a comma is quoted, kept whole


def load(body):
    return openpyxl.load_workbook(io.BytesIO(body))


def test_xlsx_table_holds_numbers_x_and_the_footnote():
    body, content_type, filename = render(sample_result(), "xlsx", "ru")
    assert content_type.endswith("spreadsheetml.sheet") and filename == "wages.xlsx"
    book = load(body)
    table = book.worksheets[0]
    assert table.title == SHEET_TITLE["ru"]
    assert table.freeze_panes == "C2"  # the header row and the two label columns stay
    rows = list(table.iter_rows())
    assert [c.value for c in rows[0]] == ["Өңір", "Жыныс", *PERIODS]
    assert all(c.font.b for c in rows[0])
    expected = expected_cells()
    region_of = dict(zip(REGIONS[1], REGIONS[0], strict=True))
    sex_of = dict(zip(SEXES[1], SEXES[0], strict=True))
    for row in rows[1:7]:
        region, sex = region_of[row[0].value], sex_of[row[1].value]
        for period, cell in zip(PERIODS, row[2:], strict=True):
            want, status = expected[(region, sex, period)]
            if want is None:
                assert cell.value is None
            elif want == "X":
                assert cell.value == "X" and cell.data_type == "s"
            else:
                assert cell.data_type == "n" and cell.value == want, (cell.value, want)
                suffix = {"p": '" p"', "r": '" r"', "": ""}[status]
                assert cell.number_format == "#,##0.0" + suffix
    # a label that looks like a formula stays text
    alma = [row[0] for row in rows[1:7] if row[0].value == "=Алматы, «қала»"]
    assert len(alma) == 2 and all(c.data_type == "s" for c in alma)
    notes = [row[0].value for row in rows[7:] if row[0].value]
    assert notes == [FOOTNOTE["ru"], "p – provisional data.", "r – revised data."]


def test_xlsx_never_holds_the_number_of_an_x_cell():
    body = render(sample_result(), "xlsx", "kk")[0]
    values = [cell.value for sheet in load(body).worksheets
              for row in sheet.iter_rows() for cell in row]
    assert SECRET not in values and "X" in values
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            assert b"9876" not in archive.read(name), name


def test_xlsx_metadata_sheet():
    book = load(render(sample_result(), "xlsx", "kk")[0])
    meta = {row[0].value: row[1].value for row in book.worksheets[1].iter_rows()}
    assert book.worksheets[1].title == "Metadata"
    assert meta["Title"] == "Орташа жалақы" and meta["Code"] == "WAGE.AVG"
    assert meta["Unit of measure"] == "теңге"
    assert meta["Source"] == "Ұлттық статистика бюросы"
    # 04:00 UTC is 09:00 in Asia/Almaty (the statportal.timezone default)
    assert "2026" in meta["Updated"] and meta["Updated"].endswith("09:00 (Asia/Almaty)")
    assert "(Asia/Almaty)" in meta["Data as of"]
    assert meta["Notes"] == "Ескерту: 2026 жылдан бастап."


def test_xlsx_texts_are_translated_with_the_registry():
    config = testing.setUp(settings={"statportal.timezone": "UTC"})
    try:
        config.add_translation_dirs("statportal:locale")
        book = load(render(sample_result(), "xlsx", "ru", registry=config.registry)[0])
    finally:
        testing.tearDown()
    meta = {row[0].value: row[1].value for row in book.worksheets[1].iter_rows()}
    # "Title" and "Code" have Russian translations in the catalogs already
    assert meta["Название"] == "Орташа жалақы" and meta["Код"] == "WAGE.AVG"
    assert any("04:00 (UTC)" in str(value) for value in meta.values())


def test_xlsx_whole_numbers_use_a_whole_number_format():
    book = load(render(sample_result(decimals=0), "xlsx", "kk")[0])
    first = list(book.worksheets[0].iter_rows(min_row=2, max_row=2))[0]
    assert first[2].value == 7472 and first[2].number_format == '#,##0" p"'
    assert first[3].value == 120 and first[3].number_format == "#,##0"
