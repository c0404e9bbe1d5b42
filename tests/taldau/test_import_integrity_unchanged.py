"""An import that changes nothing stores nothing, and the page redirects after its POST
(R1 review of issue 20, finding 9: a reload imported again; the same file twice made two
vintages "0 new, 0 revised", each moving the public's ``updated``)."""

import base64

import pytest
from webtest import Upload

from statportal.testing import last_transaction, login_html, open_portal
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, SEXES, dimension, make_indicator

PATH = "/data/wages"
URL = f"/++api++{PATH}/@import"
FILE = ("region,sex,period,value,status\nKZ-AST,M,2026-01,1234.5,\n"
        "KZ-AST,F,2026-01,,X\nKZ-ALA,T,2026-02,7,p\n")


@pytest.fixture
def wages(app, demo, frozen):
    make_indicator(app, PATH, periodicity="monthly", title={"en": "Average wage"},
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                               dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
                   unit="/orgunits/industry-statistics",
                   section="/official-statistics/economy")
    return PATH


def upload(text):
    return {"file": {"filename": "w.csv", "data": base64.b64encode(text.encode()).decode()}}


def numbers(app):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        return [v.number for v in find_by_path(portal, PATH).vintages]


def test_the_same_file_again_stores_no_vintage(app, testapp, wages):
    as_user(testapp, "aigerim")
    testapp.post_json(URL, upload(FILE), status=201)
    as_user(testapp, None)
    updated = testapp.get(f"/++api++{PATH}/@metadata").json["updated"]
    as_user(testapp, "aigerim")
    written = last_transaction(app)
    answer = testapp.post_json(URL, upload(FILE), status=200).json
    assert answer["unchanged"] is True and answer["rows"] == 3
    assert answer["latest_vintage"] == 1 and "no vintage was added" in answer["message"]
    # a part of it, in another order, changes nothing either
    answer = testapp.post_json(URL, upload(
        "region,sex,period,value,status\nKZ-ALA,T,2026-02,7,p\nKZ-AST,M,2026-01,1234.5,\n"),
        status=200).json
    assert answer["unchanged"] is True
    assert numbers(app) == [1] and last_transaction(app) == written
    as_user(testapp, None)
    assert testapp.get(f"/++api++{PATH}/@metadata").json["updated"] == updated


@pytest.mark.parametrize("change", [
    "KZ-ALA,T,2026-02,7,\n",          # p dropped: final now
    "KZ-ALA,T,2026-02,7.1,p\n",       # another value
    "KZ-KAR,T,2026-02,9,\n",          # a new cell
    "KZ-AST,M,2026-01,,X\n",          # a number made confidential
])
def test_any_change_of_value_status_or_cell_is_a_vintage(app, testapp, wages, change):
    as_user(testapp, "aigerim")
    testapp.post_json(URL, upload(FILE), status=201)
    answer = testapp.post_json(URL, upload("region,sex,period,value,status\n" + change),
                               status=201).json
    assert answer["number"] == 2


def test_a_revised_value_repeated_keeps_its_r_and_changes_nothing(app, testapp, wages):
    as_user(testapp, "aigerim")
    testapp.post_json(URL, upload(FILE), status=201)
    testapp.post_json(URL, upload("region,sex,period,value\nKZ-AST,M,2026-01,1240\n"),
                      status=201)
    answer = testapp.post_json(URL, upload("region,sex,period,value\nKZ-AST,M,2026-01,1240\n"),
                               status=200).json
    assert answer["unchanged"] is True and numbers(app) == [1, 2]


def test_the_page_redirects_after_its_post_and_tells_the_result(app, testapp, wages):
    login_html(testapp, "aigerim")
    form = testapp.get(f"{PATH}/@@import").forms["taldau-import-form"]
    form["file"] = Upload("w.csv", FILE.encode())
    form["release"] = ""
    moved = form.submit(status=303)
    assert moved.location.endswith(f"{PATH}/@@import?vintage=1")
    written = last_transaction(app)
    landed = moved.follow()          # a reload of this page is a GET: it writes nothing
    status = landed.lxml.xpath("//p[@role='status']")[0].text_content()
    assert "vintage 1" in status and "3 rows" in status and "It is public." in status
    assert last_transaction(app) == written and numbers(app) == [1]
    form = landed.forms["taldau-import-form"]
    form["file"] = Upload("w.csv", FILE.encode())
    form["release"] = ""
    again = form.submit(status=303)
    assert "unchanged=3" in again.location
    status = again.follow().lxml.xpath("//p[@role='status']")[0].text_content()
    assert "Nothing changed" in status and "no vintage was added" in status
    assert numbers(app) == [1]
