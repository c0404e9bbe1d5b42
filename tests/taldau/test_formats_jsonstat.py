"""JSON-stat 2.0 export (statportal.taldau.formats.jsonstat), read back with pyjstat and
checked against the rules of the JSON-stat 2.0 specification."""

import json
import math
from datetime import datetime

import pyjstat.pyjstat as pyjstat
import pytest

from statportal.disclosure.output import FOOTNOTE
from statportal.taldau.formats import render
from tests.helpers.taldau_results import SECRET, expected_cells, sample_result

# pyjstat's Dataset.write calls its own deprecated from_json_stat
pytestmark = pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")


def body_of(result, lang="kk"):
    body, content_type, filename = render(result, "json-stat2", lang)
    assert content_type.startswith("application/json") and filename == "wages.json"
    return body


def test_pyjstat_reads_the_same_numbers_and_no_x_number():
    frame = pyjstat.Dataset.read(body_of(sample_result()).decode("utf-8")).write(
        "dataframe", naming="id")
    assert list(frame.columns) == ["region", "sex", "ContentsCode", "period", "value"]
    expected = expected_cells()
    assert len(frame) == len(expected) == 18
    for row in frame.itertuples(index=False):
        want, _status = expected[(row.region, row.sex, row.period)]
        if isinstance(want, float):
            assert row.value == want, (row, want)
        else:  # X and missing: no number at all
            assert math.isnan(row.value), (row, want)
    assert set(frame["ContentsCode"]) == {"WAGE.AVG"}


def test_pyjstat_labels_are_the_cyrillic_labels():
    frame = pyjstat.Dataset.read(body_of(sample_result()).decode("utf-8")).write("dataframe")
    assert list(frame.columns)[:2] == ["Өңір", "Жыныс"]
    assert list(frame["Өңір"].unique()) == ["Қазақстан", "Астана", "=Алматы, «қала»"]


def test_structure_follows_the_specification():
    data = json.loads(body_of(sample_result()))
    assert data["version"] == "2.0" and data["class"] == "dataset"
    assert data["label"] == "Орташа жалақы"
    assert data["source"] == "Ұлттық статистика бюросы"
    assert datetime.fromisoformat(data["updated"]).isoformat() == "2026-10-15T04:00:00+00:00"
    ids, sizes = data["id"], data["size"]
    assert ids == ["region", "sex", "ContentsCode", "period"] and sizes == [3, 2, 1, 3]
    assert list(data["dimension"]) == ids
    # the size product is the number of values; every index is 0..n-1 in the given order
    assert math.prod(sizes) == len(data["value"]) == 18
    for dim_id, size in zip(ids, sizes, strict=True):
        category = data["dimension"][dim_id]["category"]
        assert sorted(category["index"].values()) == list(range(size))
        assert set(category["label"]) == set(category["index"])
    assert list(data["dimension"]["region"]["category"]["index"]) == ["KZ", "KZ-AST", "KZ-ALA"]
    assert list(data["dimension"]["period"]["category"]["index"]) == [
        "2026-08", "2026-09", "2026-10"]
    assert data["dimension"]["region"]["label"] == "Өңір"
    assert data["role"] == {"time": ["period"], "geo": ["region"], "metric": ["ContentsCode"]}
    assert data["dimension"]["ContentsCode"]["category"]["unit"] == {
        "WAGE.AVG": {"decimals": 1, "label": "теңге"}}
    assert data["extension"]["asOf"] == "2026-11-01T00:00:00Z"
    assert data["extension"]["confidentiality"] == FOOTNOTE["kk"]
    assert data["note"] == ["Ескерту: 2026 жылдан бастап.", FOOTNOTE["kk"]]


def test_values_and_status_by_row_major_index():
    data = json.loads(body_of(sample_result()))
    expected = expected_cells()  # in row-major order: region, sex, period
    for index, (want, status) in enumerate(expected.values()):
        value = data["value"][index]
        assert value == (want if isinstance(want, float) else None), (index, value, want)
        assert data["status"].get(str(index), "") == status
    # the status object names only the cells that have one
    assert len(data["status"]) == sum(1 for _want, status in expected.values() if status)
    assert set(data["status"].values()) == {"X", "p", "r"}


def test_the_number_of_an_x_cell_is_never_written():
    body = body_of(sample_result())
    assert str(SECRET).encode() not in body and b"9876" not in body
    assert b"NaN" not in body and b"7471.900000000001" not in body


def test_whole_numbers_are_written_as_integers():
    data = json.loads(body_of(sample_result(decimals=0)))
    assert data["value"][:3] == [7472, 120, 0]
    assert all(isinstance(v, int) for v in data["value"] if v is not None)
    assert b"7472.0" not in body_of(sample_result(decimals=0))


def test_no_status_no_updated_no_note_when_there_are_none():
    result = sample_result(status=[[[0] * 3] * 2] * 3, updated=None, notes=[], source="",
                           values=[[[1.0] * 3] * 2] * 3, code="")
    data = json.loads(body_of(result))
    assert "status" not in data and "updated" not in data and "note" not in data
    assert "source" not in data
    # no code: the metric's one category is the indicator's id
    assert data["dimension"]["ContentsCode"]["category"]["index"] == {"wages": 0}
    assert data["value"] == [1.0] * 18
