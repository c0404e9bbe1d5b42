"""Review 3: an indicator's section, reserved dimension codes, the import answer's times
and the .xlsx refusal's column count.

1. An executor cleared the indicator's ``section`` by PATCH and then bound data to any
   release: the section, like the org unit, changes only by who holds ``ASSIGN``.
2. The SDMX-CSV columns (``ACTION``, ``OBS_VALUE`` ...) and codes ending in ``_label``
   (the CSV export's label columns) are reserved as dimension codes.
3. ``@import`` wrote its times as ``+00:00``: now ``…Z`` as every answer of the service.
4. A workbook refused before its header is read named the column limit as "the columns
   of the table".
"""

import base64
import io
import zipfile

import pytest
from openpyxl import Workbook

from statportal.taldau.importing import ImportRefused, read_rows
from statportal.testing import last_transaction
from tests.helpers.placement import as_user
from tests.helpers.taldau import DATA, REGIONS, dimension, indicator_payload, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])
UNIT = dict(unit="/orgunits/industry-statistics", section="/official-statistics/economy")
URL = "/++api++/data/w"


@pytest.fixture
def indicator(app, demo, frozen):
    make_indicator(app, "/data/w", dimensions=[REGION], values=[[10.0], [11.0]],
                   periods=[2024], **UNIT)


@pytest.mark.parametrize("section", ["", "/official-statistics/social"])
def test_an_executor_may_not_clear_or_move_the_section(app, testapp, indicator, section):
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    errors = testapp.patch_json(URL, {"section": section}, status=400).json["errors"]
    assert [e["field"] for e in errors] == ["section"]
    assert "publisher" in errors[0]["message"]
    assert last_transaction(app) == before
    assert testapp.get(URL).json["section"] == UNIT["section"]


def test_an_executor_may_send_the_section_unchanged(testapp, indicator):
    as_user(testapp, "aigerim")
    testapp.patch_json(URL, {"section": UNIT["section"], "notes": {"en": "n"}}, status=200)


def test_a_publisher_changes_the_section(testapp, indicator):
    as_user(testapp, "yerlan")
    testapp.patch_json(URL, {"section": ""}, status=200)
    assert testapp.get(URL).json["section"] == ""


@pytest.mark.parametrize("code", ["ACTION", "obs_value", "TIME_PERIOD", "STRUCTURE",
                                  "structure_id", "OBS_STATUS", "Conf_Status",
                                  "region_label", "period_LABEL"])
def test_sdmx_columns_and_label_suffixes_are_reserved(app, testapp, demo, code):
    as_user(testapp, "admin")
    before = last_transaction(app)
    dims = [dimension(code, ("a", "b", code), [("A", "", ("a", "a", "A"))])]
    errors = testapp.post_json(DATA, indicator_payload(dimensions=dims),
                               status=400).json["errors"]
    found = [e for e in errors if e["field"] == "dimensions.0.code"]
    assert found and code in found[0]["message"] and "_label" in found[0]["message"]
    assert last_transaction(app) == before


def test_the_import_answer_writes_times_as_the_api_does(testapp, indicator):
    as_user(testapp, "aigerim")
    data = base64.b64encode(b"region,period,value\nKZ,2025,1\n").decode()
    found = testapp.post_json(URL + "/@import",
                              {"file": {"filename": "n.csv", "data": data}}).json
    assert found["created"].endswith("Z") and "+00:00" not in found["created"]
    assert found["public_at"] is None or found["public_at"].endswith("Z")


def _bomb(width=2000, rows=100):
    book, buffer = Workbook(), io.BytesIO()
    book.active.append(["region", "period", "value"])
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    row = "<row>" + '<c t="n"><v>1</v></c>' * width + "</row>"
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + row * rows +
             "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, sheet if info.filename.endswith("sheet1.xml")
                             else source.read(info.filename))
    return out.getvalue()


def test_a_workbook_refused_before_its_header_names_the_limit_as_a_limit():
    with pytest.raises(ImportRefused) as caught:
        read_rows("bomb.xlsx", _bomb(), max_columns=7)
    message = caught.value.errors[0]["message"]
    assert "far beyond" in message and "of the table" not in message
    assert "may have" in message
