"""Review 2, findings 6 and 8: files that were read wrong or for too long.

6. A CSV row of more fields than the header (``KZ,2026-01,1,5``: a decimal comma in a file
   separated by commas) was cut and stored as 1: every such row is refused by number,
   nothing stored; an .xlsx row with a value beyond the header's columns likewise.
7. A header of 200,000 columns took 94 s and answered 31 MB of errors: a header wider than
   the indicator's columns and a few is refused before the file is read, every error list
   capped. An .xlsx whose sheet unpacks to 84 MB of cells beyond its columns took 136 s:
   the cells are counted over the bytes first; the rows capped at Excel's 1,048,576; the
   unpacked size at the import's limit.
"""

import base64
import io
import time
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from statportal.taldau import reading
from statportal.taldau.importing import MAX_ERRORS, ImportRefused, read_rows, validate
from statportal.testing import last_transaction
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, dimension, make_indicator

PATH = "/data/wages"
URL = f"/++api++{PATH}/@import"


@pytest.fixture
def wages(app, demo):
    make_indicator(app, PATH, periodicity="monthly",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)],
                   unit="/orgunits/industry-statistics",
                   section="/official-statistics/economy")


def send(testapp, data, filename="w.csv"):
    as_user(testapp, "aigerim")
    return testapp.post_json(URL, {"file": {"filename": filename, "data": base64.b64encode(
        data if isinstance(data, bytes) else data.encode()).decode()}}, status="*")


def refusal(data, filename="f.csv", **kw):
    with pytest.raises(ImportRefused) as caught:
        read_rows(filename, data, **kw)
    return caught.value


def test_a_row_of_more_fields_than_the_header_is_refused(app, testapp, wages, frozen):
    before = last_transaction(app)
    answer = send(testapp, "region,period,value\nKZ,2026-01,1,5\nKZ-AST,2026-01,2.5\n"
                           "KZ,2026-02,3,5,6\n")
    assert answer.status_int == 400
    errors = answer.json["errors"]
    assert [(e["field"], e["row"]) for e in errors] == [("file", 2), ("file", 4)]
    assert "Row 2 has 4 fields, the header has 3" in errors[0]["message"]
    assert "quoted" in errors[0]["message"]
    assert last_transaction(app) == before
    assert send(testapp, 'region,period,value\nKZ,2026-01,"1,5"\n').status_int == 201


def test_extra_fields_are_found_in_quoted_and_semicolon_files_and_counted():
    quoted = refusal(b'region,period,value\n"KZ","2026-01",1,5\n"KZ","2026-02","1,5"\n')
    assert [(e["row"], e["message"].mapping["fields"]) for e in quoted.errors] == [(2, 4)]
    semicolons = refusal(b"region;period;value\r\nKZ;2026-01;1;5\r\n")
    assert semicolons.errors[0]["row"] == 2 and "quoted" not in semicolons.errors[0]["message"]
    many = refusal(("region,period,value\n" + "KZ,2026-01,1,5\n" * 150).encode())
    assert len(many.errors) == MAX_ERRORS and many.total == 150
    assert many.errors[-1]["row"] == MAX_ERRORS + 1
    # a blank line and a last line without its end are no extra fields
    assert len(read_rows("f.csv", b"region,period,value\n\nKZ,2026-01,1")) == 1


def test_a_header_of_200000_columns_is_refused_unread(app, testapp, wages, frozen):
    n = 200_000
    data = ("region,period,value," + ",".join(f"c{i}" for i in range(n)) +
            "\nKZ,2026-01,1" + "," * n + "\n")
    started = time.monotonic()
    answer = send(testapp, data)
    assert answer.status_int == 400 and time.monotonic() - started < 10
    assert len(answer.body) < 5000
    [error] = answer.json["errors"]
    assert error["row"] == 1 and "200003 columns" in error["message"]
    # the indicator's columns (region, period, value, status) and four more
    assert send(testapp, "region,period,value,a,b,c,d,e,f\nKZ,2026-01,1,,,,,,\n"
                ).json["errors"][0]["message"].endswith("at most 8.")
    wide = send(testapp, "region,period,value,a,b,c,d,e\nKZ,2026-01,1,,,,,\n").json
    assert [e["column"] for e in wide["errors"]] == ["a", "b", "c", "d", "e"]


def test_the_header_checks_list_at_most_the_first_errors():
    ind = SimpleNamespace(periodicity="monthly", dimensions=[
        {"code": "region", "title": {"en": "R"},
         "hierarchy": [{"code": "KZ", "parent": None, "label": {"en": "KZ"}}]}])
    header = "region,period,value," + ",".join(f"c{i}" for i in range(150))
    frame = read_rows("f.csv", (header + "\n").encode(), max_columns=None)
    with pytest.raises(ImportRefused) as caught:
        validate(ind, frame)
    assert len(caught.value.errors) == MAX_ERRORS and caught.value.total == 150


def workbook(*rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb(rows, width=2000):
    """A workbook whose sheet holds ``rows`` rows of ``width`` cells and declares no size."""
    source = zipfile.ZipFile(io.BytesIO(workbook(["region", "period", "value"])))
    row = "<row>" + '<c t="n"><v>1</v></c>' * width + "</row>"
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>' +
             "".join(f'<c t="inlineStr"><is><t>{n}</t></is></c>'
                     for n in ("region", "period", "value")) + "</row>" + row * rows +
             "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, sheet if info.filename.endswith("sheet1.xml")
                             else source.read(info.filename))
    return out.getvalue()


def test_an_xlsx_of_cells_beyond_its_columns_is_refused_before_parsing():
    started = time.monotonic()
    found = refusal(bomb(100), "bomb.xlsx")
    assert time.monotonic() - started < 3
    assert "far beyond" in found.errors[0]["message"]


def test_an_xlsx_row_with_a_value_beyond_the_header_is_refused_by_row_and_column():
    found = refusal(workbook(["region", "period", "value"], ["KZ", "2026-01", 1, 5],
                             ["KZ-AST", "2026-01", 2]), "f.xlsx")
    assert [(e["row"], e["column"]) for e in found.errors] == [(2, "D")]


def test_an_xlsx_over_the_import_limit_or_excels_rows_is_refused(monkeypatch):
    data = workbook(["region", "period", "value"], *[["KZ", "2026-01", n] for n in range(9)])
    assert "unpacks to more than" in refusal(data, "f.xlsx", max_unpacked=1000
                                             ).errors[0]["message"]
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    assert "more than" in refusal(data, "f.xlsx").errors[0]["message"]
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    assert len(read_rows("f.xlsx", data)) == 9
