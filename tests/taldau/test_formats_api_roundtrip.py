"""The issue's round trip: observations imported through ``POST …/@import`` (a long CSV
with decimals, X, p; the protected CSV of ``statportal disclosure protect`` with primary
and secondary cells; a later import that revises a cell), then read anonymously from
``GET …/@data`` in every format and parsed back with a real reader (pyjstat, pandas,
openpyxl): the same numbers, ``X`` never a value."""

import base64
import io
import json
import math
from datetime import UTC, datetime

import openpyxl
import pandas
import pyjstat.pyjstat as pyjstat
import pytest
from webtest import TestApp

from statportal import clock
from statportal.disclosure.output import FOOTNOTE
from statportal.testing import basic_auth, close_app, make_app, make_settings, open_portal
from tests.helpers.taldau import REGIONS, SEXES, dimension, make_indicator

pytestmark = pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")

URL = "/data/wages"
FIRST_AT = datetime(2026, 4, 10, 4, 0, tzinfo=UTC)
PERIODS = ["2026-01", "2026-02", "2026-03"]
SECRET = "9876.5"
FIRST = """region,sex,period,value,status
KZ,T,2026-01,1000.25,
KZ,M,2026-01,480.04,p
KZ,F,2026-01,520.21,
KZ-AST,T,2026-01,,X
KZ-AST,M,2026-01,7471.9,
KZ-ALA,T,2026-01,-3.35,
KZ,T,2026-02,1010.5,
KZ-ALA,F,2026-02,0.04,
"""
# what statportal disclosure protect publishes (no period column: the import names it);
# a number left in "shown" beside a secondary cell must not travel
PROTECTED = f"""region,sex,shown,status
KZ,T,1100.0,published
KZ-AST,M,X,primary
KZ-AST,F,{SECRET},secondary
KZ-KAR,T,55.5,published
"""
REVISION = "region,sex,period,value,status\nKZ,F,2026-01,525,\n"
# (region, sex, period): (value at one decimal or "X", status text, SDMX CONF_STATUS)
EXPECTED = {
    ("KZ", "T", "2026-01"): (1000.2, "", "F"),  # 1000.25: half to even
    ("KZ", "M", "2026-01"): (480.0, "p", "F"),
    ("KZ", "F", "2026-01"): (525.0, "r", "F"),  # revised by the third import
    ("KZ-AST", "T", "2026-01"): ("X", "X", "C"),
    ("KZ-AST", "M", "2026-01"): (7471.9, "", "F"),
    ("KZ-ALA", "T", "2026-01"): (-3.4, "", "F"),
    ("KZ", "T", "2026-02"): (1010.5, "", "F"),
    ("KZ-ALA", "F", "2026-02"): (0.0, "", "F"),
    ("KZ", "T", "2026-03"): (1100.0, "", "F"),
    ("KZ-AST", "M", "2026-03"): ("X", "X", "C"),
    ("KZ-AST", "F", "2026-03"): ("X", "X", "D"),
    ("KZ-KAR", "T", "2026-03"): (55.5, "", "F"),
}
LABELS_RU = {code: labels[1] for code, _parent, labels in REGIONS + SEXES}


def upload(client, text, **more):
    body = {"file": {"filename": "wages.csv",
                     "data": base64.b64encode(text.encode("utf-8")).decode()}, **more}
    client.authorization = basic_auth("aigerim")
    client.post_json(f"/++api++{URL}/@import", body, status=201)
    client.authorization = None


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD

    app = make_app(make_settings(tmp_path_factory.mktemp("taldau-formats"), **{
        "statportal.data.requests_per_minute": "100000"}))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    make_indicator(app, URL, periodicity="monthly", decimals=1, code="WAGE_AVG",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                               dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
                   title={"kk": "Орташа жалақы", "ru": "Средняя зарплата",
                          "en": "Average wage"},
                   unit_of_measure={"kk": "теңге", "ru": "тенге", "en": "tenge"},
                   unit="/orgunits/industry-statistics",
                   section="/official-statistics/economy")
    client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "ru",
                                         "REMOTE_ADDR": "127.0.0.1"})
    with clock.frozen(FIRST_AT) as frozen:  # an hour between the imports, for asOf
        upload(client, FIRST)
        frozen.advance(hours=1)
        upload(client, PROTECTED, period="2026-03")
        frozen.advance(hours=1)
        upload(client, REVISION)
    yield client
    close_app(app)


def fetch(api, output_format):
    answer = api.get(f"{URL}/@data", {"outputFormat": output_format, "lang": "ru"})
    assert SECRET.encode() not in answer.body
    return answer


def test_json_stat_read_back_with_pyjstat(api):
    answer = fetch(api, "json-stat2")
    frame = pyjstat.Dataset.read(answer.text).write("dataframe", naming="id")
    data = json.loads(answer.body)
    assert data["size"] == [4, 3, 1, 3] and len(frame) == 36
    assert data["dimension"]["region"]["category"]["label"]["KZ-AST"] == "Астана"
    for number, row in enumerate(frame.itertuples(index=False)):
        want, status, _conf = EXPECTED.get((row.region, row.sex, row.period), (None, "", ""))
        if isinstance(want, float):
            assert row.value == want, (row, want)
        else:
            assert math.isnan(row.value) and data["value"][number] is None, (row, want)
        assert data.get("status", {}).get(str(number), "") == status, row
    assert data["extension"]["confidentiality"] == FOOTNOTE["ru"]


def test_csv_read_back_with_pandas(api):
    answer = fetch(api, "csv")
    assert answer.body.startswith(b"\xef\xbb\xbf")
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="wages.csv"')
    frame = pandas.read_csv(io.BytesIO(answer.body), encoding="utf-8-sig", dtype=str,
                            keep_default_na=False)
    assert len(frame) == 36
    for row in frame.itertuples(index=False):
        want, status, _conf = EXPECTED.get((row.region, row.sex, row.period), (None, "", ""))
        assert row.region_label == LABELS_RU[row.region]
        assert row.value == ("" if want is None else want if want == "X" else f"{want:.1f}")
        assert row.status == status


def test_sdmx_csv_read_back_with_pandas(api):
    frame = pandas.read_csv(io.BytesIO(fetch(api, "sdmx-csv").body), keep_default_na=False,
                            na_values={"OBS_VALUE": [""]}, dtype={"OBS_VALUE": "float64"})
    assert len(frame) == len(EXPECTED)  # missing cells are no observations
    assert set(frame["STRUCTURE_ID"]) == {"KZ_BNS:WAGE_AVG(1.0)"}
    for row in frame.itertuples(index=False):
        want, status, conf = EXPECTED[(row.region, row.sex, row.TIME_PERIOD)]
        assert row.CONF_STATUS == conf
        assert row.OBS_STATUS == {"p": "P", "r": "R"}.get(status, "A")
        if want == "X":
            assert math.isnan(row.OBS_VALUE)
        else:
            assert row.OBS_VALUE == want


def test_xlsx_read_back_with_openpyxl(api):
    answer = fetch(api, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.body)).worksheets[0]
    rows = list(sheet.values)
    assert rows[0] == ("Регион", "Пол", *PERIODS)
    by_label = {v: k for k, v in LABELS_RU.items()}
    seen = 0
    for row in rows[1:13]:
        region, sex = by_label[row[0]], by_label[row[1]]
        for period, value in zip(PERIODS, row[2:], strict=True):
            want = EXPECTED.get((region, sex, period), (None,))[0]
            assert value == want, (region, sex, period, value, want)
            seen += value is not None
    assert seen == len(EXPECTED)
    assert FOOTNOTE["ru"] in [row[0] for row in rows[13:]]
    assert 9876.5 not in [value for row in rows for value in row]


@pytest.mark.parametrize("output_format", ["json-stat2", "csv", "sdmx-csv", "xlsx"])
def test_as_of_before_the_revision_reads_the_earlier_value_and_still_no_x_number(
        api, output_format):
    """asOf between the second and the third import: KZ, women, January is 520.2 again
    (unrevised), the March X cells are X in every format."""
    answer = api.get(f"{URL}/@data", {"outputFormat": output_format, "lang": "ru",
                                      "asOf": "2026-04-10T05:30:00Z",
                                      "valuecodes[region]": "KZ,KZ-AST",
                                      "valuecodes[sex]": "F,M"})
    assert SECRET.encode() not in answer.body
    if output_format == "json-stat2":
        # region KZ, KZ-AST × sex M, F (hierarchy order) × ContentsCode × 3 periods
        data = answer.json
        assert data["id"] == ["region", "sex", "ContentsCode", "period"]
        assert data["value"][3] == 520.2 and "3" not in data.get("status", {})
        assert data["value"][8] is None and data["status"]["8"] == "X"  # primary
        assert data["value"][11] is None and data["status"]["11"] == "X"  # secondary
    elif output_format == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(answer.body)).worksheets[0].values)
        assert rows[2] == ("Казахстан", "Женщины", 520.2, None, None)
        assert rows[3] == ("Астана", "Мужчины", 7471.9, None, "X")
        assert rows[4] == ("Астана", "Женщины", None, None, "X")
    else:
        text = answer.body.decode("utf-8-sig")
        if output_format == "csv":
            assert "KZ,Казахстан,F,Женщины,2026-01,Январь 2026,520.2,\r\n" in text
            assert "KZ-AST,Астана,F,Женщины,2026-03,Март 2026,X,X" in text
        else:
            assert "KZ,F,2026-01,520.2,A,F" in text
            assert "KZ-AST,F,2026-03,,A,D" in text and "KZ-AST,M,2026-03,,A,C" in text
