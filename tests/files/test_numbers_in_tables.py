"""One reader of numbers written as text (``statportal.numbers.read_number``): the previews
and the confidentiality check read every value the same way, and what reads two ways
(``1,234``: 1.234 or 1234?) is never taken for "no number": the check refuses the table."""

import csv
import io
from decimal import Decimal

import pytest

from statportal.numbers import AmbiguousNumber, read_number

CASES = [  # text, decimal comma?, value (None: not a number, "?": ambiguous)
    ("1 234,5", None, "1234.5"), ("1\u00a0234,5", None, "1234.5"),
    ("1\u202f234 567", None, "1234567"), ("12,5", None, "12.5"), ("12.5", None, "12.5"),
    ("0,234", None, "0.234"), ("1234,567", None, "1234.567"),
    ("1,234", None, "?"), ("1,234", True, "1.234"), ("1,234", False, "1234"),
    ("123,456", None, "?"), ("1,234,567", None, "1234567"), ("1,234,567", True, "1234567"),
    ("1,234.5", None, "1234.5"), ("-5", None, "-5"), ("\u2212 1 234", None, "-1234"),
    ("\u2013 7", None, "-7"), ("011000000", None, None), ("1.234,5", None, None),
    ("1e5", None, None), ("12 %", None, None), ("412,5\u00b9", None, None),
    ("inf", None, None), ("1 23", None, None), ("\u0663", None, None), ("", None, None),
    ("1" * 31, None, None), ("1," + "1" * 11, None, None),
]


@pytest.mark.parametrize("text, comma, expected", CASES)
def test_the_rule(text, comma, expected):
    if expected == "?":
        with pytest.raises(AmbiguousNumber):
            read_number(text, comma)
    elif expected is None:
        assert read_number(text, comma) is None
    else:
        assert read_number(text, comma).value == Decimal(expected)


def _csv(values, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(["Region", "Value", "Other"])
    for n, value in enumerate(values):
        writer.writerow([f"R{n}", value, "a"])
    return out.getvalue().encode()


@pytest.mark.parametrize("delimiter", [";", ","])
def test_previews_and_the_check_read_a_csv_alike(delimiter):
    from statportal.confidentiality.published import decimal_comma_of, parse_number
    from statportal.files.tables import read_csv

    texts = [text for text, _comma, _value in CASES if text.strip()] + ["X", "Х", "–"]
    data = _csv(texts, delimiter)
    (grid,), _cut = read_csv(data)
    comma = decimal_comma_of("t.csv", data)
    assert comma is (delimiter == ";")
    cells = [row[1] for row in grid.rows[1:]]
    assert len(cells) == len(texts)
    for text, cell in zip(texts, cells, strict=True):
        try:
            checked = parse_number(text, comma)
        except ValueError:
            checked = "unreadable"
        if cell.kind == "number":
            assert checked == float(cell.value), text
        elif cell.is_x:
            assert checked == "X", text
        elif text == "–":
            assert checked is None                     # "no data": nothing published
        else:
            assert checked == "unreadable", text       # text in the preview: refused


def _xlsx(change):
    from openpyxl import Workbook, load_workbook

    from tests.helpers.disclosure_samples import published_xlsx

    rows = [list(r) for r in load_workbook(io.BytesIO(published_xlsx())).active.iter_rows(
        values_only=True)]
    change(rows)
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _publish(testapp, data, status):
    from tests.helpers.disclosure_samples import basis_xlsx
    from tests.helpers.materials import add, publish, upload

    url = add(testapp, files=[upload("wages.xlsx", data, "en")], languages=["en"],
              title={"en": "Wages"}, primary_data=True,
              bases=[upload("wages.basis.xlsx", basis_xlsx())])
    return publish(testapp, url, status=status)


def test_the_check_reads_numbers_written_as_text_by_the_rule(app, testapp, demo):
    # Kazakhstan's total and Manufacturing as Russian-style text: read, agree, published.
    _publish(testapp, _xlsx(lambda rows: rows[1].__setitem__(1, "3 870,5") or
                            rows[1].__setitem__(3, "2\u00a0090")), status=200)


def test_a_value_that_reads_two_ways_stops_the_check(app, testapp, demo):
    refused = _publish(testapp, _xlsx(lambda rows: rows[1].__setitem__(3, "2,090")), 409)
    errors = refused.json["errors"]
    assert {e["type"] for e in errors} == {"unreadable_cell"}
    assert "reads both as a decimal fraction and as thousands" in errors[0]["message"]
