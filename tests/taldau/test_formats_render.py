"""statportal.taldau.formats.render: the format names, errors, file names and the edge
shapes every writer must take (an empty selection, a result with only periods)."""

import io
import json

import numpy as np
import openpyxl
import pandas
import pytest

from statportal.taldau.formats import FORMATS, FormatError, format_of, render
from statportal.taldau.result import ResultDim
from tests.helpers.taldau_results import sample_result


def test_formats_and_the_default():
    assert FORMATS == ("json-stat2", "csv", "xlsx", "sdmx-csv")
    assert format_of(None) == format_of("") == "json-stat2"
    assert format_of(" CSV ") == "csv"
    body, content_type, _name = render(sample_result(), None, "kk")
    assert json.loads(body)["class"] == "dataset"


@pytest.mark.parametrize("name", ["px", "json", "json-stat", "<script>"])
def test_an_unknown_format_is_an_error_naming_output_format(name):
    with pytest.raises(FormatError) as caught:
        render(sample_result(), name, "kk")
    error = caught.value.error()
    assert error["field"] == "outputFormat" and error["type"] == "invalid"
    text = caught.value.message.interpolate()
    assert name in text and "json-stat2, csv, xlsx, sdmx-csv" in text


@pytest.mark.parametrize("identifier, expected", [
    ("wages", "wages.csv"), ("gdp-2026_q", "gdp-2026_q.csv"),
    ('a"b;c\r\nd', "a_b_c_d.csv"), ("жалақы", "data.csv"), ("../x", "x.csv")])
def test_file_names_are_safe_in_a_content_disposition(identifier, expected):
    assert render(sample_result(indicator_id=identifier), "csv", "kk")[2] == expected


def only_periods(values, status, periods=("2025", "2026")):
    return sample_result(
        dims=[ResultDim("period", "Кезең", list(periods), list(periods), "time")],
        values=np.array(values, dtype=np.float64), status=np.array(status, dtype=np.uint8))


@pytest.mark.parametrize("name", FORMATS)
def test_a_result_with_only_the_time_dimension(name):
    body = render(only_periods([1.25, np.nan], [0, 1]), name, "en")[0]
    if name == "json-stat2":
        data = json.loads(body)
        assert data["id"] == ["ContentsCode", "period"] and data["size"] == [1, 2]
        assert data["value"] == [1.2, None] and data["status"] == {"1": "X"}
    elif name == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(body)).worksheets[0].values)
        assert rows[:2] == [("2025", "2026"), (1.2, "X")]
    else:
        frame = pandas.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str,
                                keep_default_na=False)
        assert len(frame) == 2
        column, shown = ("OBS_VALUE", "") if name == "sdmx-csv" else ("value", "X")
        assert list(frame[column]) == ["1.2", shown]


@pytest.mark.parametrize("name", FORMATS)
def test_an_empty_selection(name):
    body = render(only_periods(np.empty(0), np.empty(0), periods=()), name, "ru")[0]
    if name == "json-stat2":
        data = json.loads(body)
        assert data["size"] == [1, 0] and data["value"] == []
    elif name == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(body)).worksheets[0].values)
        assert rows[0] in ((None,), ())
    else:
        assert len(pandas.read_csv(io.BytesIO(body), encoding="utf-8-sig")) == 0


def test_an_unknown_language_writes_english_texts():
    data = json.loads(render(sample_result(), "json-stat2", "de")[0])
    assert data["extension"]["lang"] == "en"
    assert data["extension"]["confidentiality"].startswith("X – confidential data")


def test_rounding_is_the_published_tables_rule():
    """Half to even on the value's decimal text (disclosure's Table.units), not on the
    binary float: 2.675 is 2.68 with two decimals, where round(2.675 * 100) gives 267."""
    from decimal import ROUND_HALF_EVEN, Decimal

    from statportal.taldau.formats.common import rounded

    generator = np.random.default_rng(20)
    values = np.concatenate([[2.675, -2.675, 1.005, 0.285, 1234567.125, 0.125],
                             np.round(generator.uniform(-1000, 1000, 3000), 3)])
    got = rounded(sample_result(values=values, status=np.zeros(values.shape), decimals=2))
    want = [float(Decimal(repr(float(v))).quantize(Decimal("0.01"), ROUND_HALF_EVEN))
            for v in values]
    assert got[:6].tolist() == [2.68, -2.68, 1.0, 0.28, 1234567.12, 0.12]
    assert got.tolist() == want
