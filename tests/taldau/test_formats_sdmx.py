"""SDMX-CSV 2.0 export (statportal.taldau.formats.sdmx_csv), read back with pandas."""

import io
import math

import pandas

from statportal.taldau.formats import render
from statportal.taldau.formats.common import Context
from statportal.taldau.formats.sdmx_csv import structure_id
from tests.helpers.taldau_results import SECRET, expected_cells, sample_result

HEADER = ["STRUCTURE", "STRUCTURE_ID", "ACTION", "region", "sex", "TIME_PERIOD",
          "OBS_VALUE", "OBS_STATUS", "CONF_STATUS"]


def test_pandas_reads_the_same_numbers_and_the_confidentiality():
    body, content_type, filename = render(sample_result(), "sdmx-csv", "ru")
    assert content_type.startswith("application/vnd.sdmx.data+csv; version=2.0.0")
    assert filename == "wages.sdmx.csv"
    assert not body.startswith(b"\xef\xbb\xbf")
    frame = pandas.read_csv(io.BytesIO(body), dtype={"OBS_VALUE": "float64"},
                            keep_default_na=False, na_values={"OBS_VALUE": [""]})
    assert list(frame.columns) == HEADER
    assert set(frame["STRUCTURE"]) == {"dataflow"} and set(frame["ACTION"]) == {"I"}
    assert set(frame["STRUCTURE_ID"]) == {"KZ_BNS:WAGE_AVG(1.0)"}
    expected = expected_cells()
    present = {key: want for key, want in expected.items() if want[0] is not None}
    # a missing cell is no observation; an X cell is one, without a value
    assert len(frame) == len(present) == 15
    conf = {"X": None, "p": "F", "r": "F", "": "F"}
    obs = {"p": "P", "r": "R", "": "A", "X": "A"}
    for row in frame.itertuples(index=False):
        want, status = present[(row.region, row.sex, row.TIME_PERIOD)]
        if want == "X":
            assert math.isnan(row.OBS_VALUE)
            assert row.CONF_STATUS in ("C", "D")
        else:
            assert row.OBS_VALUE == want
            assert row.CONF_STATUS == conf[status]
        assert row.OBS_STATUS == obs[status]
    conf_status = frame.set_index(["region", "sex", "TIME_PERIOD"])["CONF_STATUS"]
    # status 1 (primary) is C, status 2 (secondary) is D
    assert conf_status[("KZ-AST", "M", "2026-08")] == "C"
    assert conf_status[("KZ-AST", "M", "2026-09")] == "D"
    assert conf_status[("KZ-ALA", "F", "2026-08")] == "D"
    assert str(SECRET).encode() not in body and b"9876" not in body


def test_values_have_the_indicators_decimals_and_sdmx_periods():
    body = render(sample_result(), "sdmx-csv", "kk")[0].decode("utf-8")
    assert "KZ,M,2026-08,7471.9,P,F" in body
    assert "KZ,M,2026-09,120.0,A,F" in body
    assert "KZ,M,2026-10,0.0,R,F" in body  # -0.04 at one decimal, not -0.0
    assert "KZ-AST,M,2026-08,,A,C" in body
    assert "7471.900000000001" not in body
    whole = render(sample_result(decimals=0), "sdmx-csv", "kk")[0].decode("utf-8")
    assert "KZ,M,2026-08,7472,P,F" in whole


def test_the_agency_comes_from_the_setting_and_ids_are_sdmx_ids():
    class Registry:
        settings = {"statportal.data.sdmx_agency": "KZ_STAT"}

    result = sample_result(code="ЗП/ср 1")
    assert structure_id(result, Context("kk", Registry()).agency) == "KZ_STAT:______1(1.0)"
    body = render(sample_result(), "sdmx-csv", "kk", registry=Registry())[0]
    assert b"KZ_STAT:WAGE_AVG(1.0)" in body
    assert structure_id(sample_result(), "ESTAT.KZ bns") == "ESTAT.KZ_bns:WAGE_AVG(1.0)"
