"""Reading and checking an import's file (statportal.taldau.importing, .reading) against a
plain indicator-like object: no database, no application."""

import io
import math
import zipfile
from types import SimpleNamespace

import numpy
import pandas as pd
import pytest

from statportal.numbers import AmbiguousNumber, read_number
from statportal.taldau.importing import (
    MAX_ERRORS,
    ImportRefused,
    read_rows,
    read_values,
    validate,
)


def hierarchy(*codes):
    return [{"code": c, "parent": None if i == 0 else codes[0], "label": {"en": c}}
            for i, c in enumerate(codes)]


def indicator(periodicity="monthly"):
    return SimpleNamespace(periodicity=periodicity, dimensions=[
        {"code": "region", "title": {"en": "Region"},
         "hierarchy": hierarchy("KZ", "ALA", "AST", "SHY")},
        {"code": "sex", "title": {"en": "Sex"}, "hierarchy": hierarchy("T", "M", "F")}])


def refused(text, ind=None, period=None, filename="data.csv", encoding="utf-8"):
    with pytest.raises(ImportRefused) as caught:
        validate(ind or indicator(), read_rows(filename, text.encode(encoding)),
                 period=period)
    return caught.value


def checked(text, ind=None, period=None, encoding="utf-8", filename="data.csv"):
    return validate(ind or indicator(), read_rows(filename, text.encode(encoding)),
                    period=period)


def where(error):
    return (error["row"], error["column"])


GOOD = ("region,sex,period,value,status\n"
        "ALA,M,2026-01,12.5,\n"
        "ALA,F,2026-01,,X\n"
        "AST,T,2026-02,7,p\n"
        "KZ,T,2026-02,100.25,r\n")


def test_a_good_file_gives_the_columns_of_a_vintage():
    columns = checked(GOOD)
    assert columns["region"].tolist() == [1, 1, 2, 0]
    assert columns["sex"].tolist() == [1, 2, 0, 0]
    assert columns["period"].tolist() == [2026 * 12, 2026 * 12, 2026 * 12 + 1, 2026 * 12 + 1]
    assert columns["status"].tolist() == [0, 1, 3, 4]
    assert columns["value"][0] == 12.5 and math.isnan(columns["value"][1])
    assert columns["value"][3] == 100.25
    assert {k: v.dtype.name for k, v in columns.items()} == {
        "region": "int32", "sex": "int32", "period": "int32", "value": "float64",
        "status": "uint8"}
    assert columns.decimals == 2


def test_semicolons_cp1251_bom_and_tabs_are_read_alike():
    semi = ("регион;sex;period;value\n" if False else "region;sex;period;value\n") + \
        "ALA;M;2026-01;1 234,5\nAST;M;2026-01;1,234\n"
    columns = checked(semi, encoding="cp1251")
    assert columns["value"].tolist() == [1234.5, 1.234]   # ";" files: the comma is decimal
    bom = "\ufeff" + GOOD.replace(",", "\t")
    assert checked(bom)["status"].tolist() == [0, 1, 3, 4]
    cyrillic = "region,sex,period,value\nALA,M,2026-01,\"1 234,5\"\n"
    assert checked(cyrillic, encoding="cp1251")["value"].tolist() == [1234.5]


def test_a_comma_before_three_digits_in_a_tab_file_is_ambiguous():
    error = refused("region\tsex\tperiod\tvalue\nALA\tM\t2026-01\t1,234\n").errors[0]
    assert where(error) == (2, "value") and "two numbers" in error["message"].interpolate()


def test_each_bad_row_is_named_by_row_and_column_and_nothing_passes():
    text = ("region,sex,period,value,status\n"
            "ALA,M,2026-01,1,\n"             # 2 fine
            "XXX,M,2026-01,1,\n"             # 3 unknown code
            "ALA,M,2026-13,1,\n"             # 4 no month 13
            "ALA,M,2026-Q1,1,\n"             # 5 a quarter in a monthly indicator
            "AST,F,2026-01,5,X\n"            # 6 a value in a row marked X
            "AST,M,2026-01,abc,\n"           # 7 not a number
            "AST,T,2026-01,,\n"              # 8 empty without X
            "ALA,M,2026-01,2,\n"             # 9 duplicate of row 2
            "ALA,T,2026-01,1,q\n")           # 10 unknown status
    errors = refused(text).errors
    assert [where(e) for e in errors] == [
        (2, "region, sex, period"), (3, "region"), (4, "period"), (5, "period"),
        (6, "value"), (7, "value"), (8, "value"), (9, "region, sex, period"),
        (10, "status")]
    messages = [str(e["message"].interpolate() if hasattr(e["message"], "interpolate")
                    else e["message"]) for e in errors]
    assert "row 9" in messages[0] and "row 2" in messages[7]
    assert "XXX" in messages[1] and "2026-13" in messages[2] and "2026-Q1" in messages[3]
    assert "abc" in messages[5]
    assert all(e["field"] == "file" for e in errors)


def test_unknown_and_missing_columns_are_named_in_the_header_row():
    errors = refused("region,period,value,colour\nALA,2026-01,1,red\n").errors
    assert [where(e) for e in errors] == [(1, "colour"), (1, "sex")]


def test_the_period_parameter():
    text = "region,sex,value\nALA,M,1\nAST,M,2\n"
    columns = checked(text, period="2026-03")
    assert columns["period"].tolist() == [2026 * 12 + 2] * 2
    errors = refused("region,sex,period,value\nALA,M,2026-03,1\nAST,M,2026-04,2\n",
                     period="2026-03").errors
    assert [where(e) for e in errors] == [(3, "period")]
    bad = refused(text, period="2026-Q1").errors
    assert bad[0]["field"] == "period" and bad[0]["row"] is None
    assert where(refused(text).errors[0]) == (1, "period")   # no period at all


def test_annual_and_quarterly_periods():
    annual = indicator("annual")
    assert checked("region,sex,period,value\nALA,M,2025,1\n", annual)["period"].tolist() \
        == [2025]
    assert where(refused("region,sex,period,value\nALA,M,2025-01,1\n", annual).errors[0]) \
        == (2, "period")
    quarterly = indicator("quarterly")
    assert checked("region,sex,period,value\nALA,M,2025-Q3,1\n", quarterly)[
        "period"].tolist() == [2025 * 4 + 2]


def test_blank_rows_keep_the_numbering():
    errors = refused("region,sex,period,value\nALA,M,2026-01,1\n\n,,,\nALA,M,2026-01,y\n"
                     ).errors
    assert [where(e) for e in errors] == [(2, "region, sex, period"), (5, "value"),
                                          (5, "region, sex, period")]


def test_errors_are_capped_with_the_count_of_all():
    text = "region,sex,period,value\n" + "NOPE,M,2026-01,1\n" * (MAX_ERRORS + 50)
    caught = refused(text)
    assert len(caught.errors) == MAX_ERRORS
    assert caught.total == (MAX_ERRORS + 50) * 1   # duplicates are not counted: keys bad
    assert caught.errors[-1]["row"] == MAX_ERRORS + 1


def test_value_x_without_status_is_confidential():
    columns = checked("region,sex,period,value\nALA,M,2026-01,X\n")
    assert columns["status"].tolist() == [1] and math.isnan(columns["value"][0])


def test_not_a_table_is_refused_naming_file():
    for data in (b"%PDF-1.7\x00\x01", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100):
        with pytest.raises(ImportRefused) as caught:
            read_rows("data.csv", data)
        assert caught.value.errors[0]["field"] == "file"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word/document.xml", "<x/>")
    with pytest.raises(ImportRefused) as caught:
        read_rows("data.xlsx", archive.getvalue())
    assert "neither a CSV" in caught.value.errors[0]["message"].interpolate()


def test_a_row_with_too_many_fields_is_named():
    with pytest.raises(ImportRefused) as caught:
        read_rows("d.csv", b"region,sex,period,value\nALA,M,2026-01,1\nALA,M,2026-01,1,2\n")
    assert caught.value.errors[0]["row"] == 3


def test_xlsx_by_content_whatever_its_name():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["region", "sex", "period", "value", "status"])
    sheet.append(["ALA", "M", "2026-01", 12.5, None])
    sheet.append(["ALA", "F", "2026-01", None, "X"])
    sheet.append([None, None, None, None, None])
    sheet.append(["AST", "T", "2026-02", 0.1 + 0.2, "p"])
    stream = io.BytesIO()
    book.save(stream)
    frame = read_rows("data.csv", stream.getvalue())
    assert frame.attrs["kind"] == "xlsx" and frame.index.tolist() == [2, 3, 5]
    columns = validate(indicator(), frame)
    assert columns["value"][0] == 12.5 and columns["value"][2] == 0.3
    assert columns["status"].tolist() == [0, 1, 3]


def test_the_vectorised_reader_reads_what_read_number_reads():
    samples = ["0", "-0", "12", "12.5", "-12.5", "0.001", "011", "1 234", "1 234,5",
               "12 345 678.25", "1,234", "1,2345", "12,5", "0,5", "1,234.5", "1,234,567",
               " 7 ", "1e5", "inf", "nan", "NaN", "12 %", "1.234,5", "−3", "1\u00a0234",
               "1" * 31, "0." + "1" * 11, "0." + "1" * 10, "", "X", "--1", "+1", "٣",
               "0 123", "012,5", "1 234 567 890 123 456 789 012 345 678", "12 34", "1,5 %"]
    for decimal_comma in (None, True, False):
        values, problems, _decimals = read_values(pd.Series(samples, dtype=str),
                                                  decimal_comma)
        for text, value, problem in zip(samples, values, problems, strict=True):
            try:
                expected = read_number(text, decimal_comma) if text.strip() and \
                    text.strip() != "X" else None
            except AmbiguousNumber:
                assert problem == "ambiguous", text
                continue
            if expected is None:
                assert math.isnan(value) and problem, (text, decimal_comma)
            else:
                assert value == float(expected.value) and problem == "", (text, value)


def test_many_rows_are_checked_as_columns():
    regions, sexes, months = ["ALA", "AST", "SHY"], ["M", "F"], range(1, 13)
    lines = ["region;sex;period;value;status"]
    for r in regions:
        for s in sexes:
            for y in range(2000, 2026):
                for m in months:
                    lines.append(f"{r};{s};{y}-{m:02d};{y * m / 7:.3f};".replace(".", ","))
    columns = checked("\n".join(lines) + "\n")
    assert len(columns["value"]) == 3 * 2 * 26 * 12
    assert numpy.allclose(columns["value"][:2], [2000 / 7, 4000 / 7], atol=1e-3)
    assert columns.decimals == 3


def protected_csv(tmp_path):
    """The published CSV of ``statportal disclosure protect`` for a small table."""
    from statportal.disclosure import output
    from statportal.disclosure.protect import protect
    from statportal.disclosure.rules import MinimumFrequency
    from tests.helpers.disclosure_protect import ACTIVITY, REGIONS, table

    tab = table({("d11", "a"): 1, ("d12", "b"): 2})
    result = protect(tab, [MinimumFrequency(3)], protection=15, singletons=False)
    output.write_csv(tmp_path / "published.csv", tab, result.status)
    dims = [{"code": h.name, "hierarchy": [{"code": c} for c in h.parents]}
            for h in (REGIONS, ACTIVITY)]
    return (tmp_path / "published.csv").read_bytes(), SimpleNamespace(
        periodicity="annual", dimensions=dims), result.status


def test_the_protected_csv_gives_confidential_cells_without_values(tmp_path):
    data, ind, status = protected_csv(tmp_path)
    frame = read_rows("published.csv", data)
    assert frame.attrs["protected"]
    columns = validate(ind, frame, period="2025")
    states = frame["status"].astype(str).tolist()
    assert states.count("primary") == 2 and states.count("secondary") == 2
    codes = columns["status"].tolist()
    assert [codes[i] for i, s in enumerate(states) if s != "published"] == [1, 2, 2, 1]
    hidden = columns["status"] > 0
    assert numpy.isnan(columns["value"][hidden]).all()
    assert not numpy.isnan(columns["value"][~hidden]).any()
    assert set(columns["period"].tolist()) == {2025}
    # the protected file without a period is refused naming the period column
    with pytest.raises(ImportRefused) as caught:
        validate(ind, frame)
    assert where(caught.value.errors[0]) == (1, "period")


def test_headers_differing_only_in_case_and_crlf_lines():
    columns = checked("Region,SEX,Period,Value,Status\r\n"
                      "ALA,M,2026-01,1.5,\r\nAST,F,2026-01,,x\r\n")
    assert columns["status"].tolist() == [0, 1] and columns["value"][0] == 1.5
    # two columns that would share a name are left to the checks
    errors = refused("region,Region,sex,period,value\nALA,ALA,M,2026-01,1\n").errors
    assert [where(e) for e in errors] == [(1, "Region")]
