"""The release of an import (R1 finding 8): the import page offers the coming releases of
the indicator's section and the sections above it (title and time, in the page's
language) and "no release"; the JSON API also takes the portal's own address of an entry."""

import base64

import pytest
from webtest import Upload

from statportal.testing import last_transaction, login_html, open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import as_user, step
from tests.helpers.taldau import REGIONS, dimension, make_indicator

PATH = "/data/prices"
CSV = b"region,period,value,status\nKZ,2026-11,101.5,\n"


def title(en, ru):
    return {"kk": en, "ru": ru, "en": en}


def entry(testapp, name, section, **changes):
    return add_entry(testapp, section=section, title=title(name, f"{name} (ru)"),
                     **changes).json["@id"].replace("http://localhost/++api++", "")


@pytest.fixture
def releases(app, testapp, demo, frozen):
    """The indicator in economy/prices; releases of its section, the one above, another
    section, one whose time has passed and a cancelled one."""
    make_indicator(app, PATH, periodicity="monthly",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)],
                   unit="/orgunits/industry-statistics",
                   section="/official-statistics/economy/prices")
    found = {
        "prices": entry(testapp, "Prices December", "/official-statistics/economy/prices",
                        release_at="2026-12-14T10:00:00+05:00"),
        "economy": entry(testapp, "Economy bulletin", "/official-statistics/economy",
                         release_at="2026-12-10T10:00:00+05:00"),
        "provisional": entry(testapp, "Prices January", "/official-statistics/economy/prices",
                             status="provisional", release_at="2027-01"),
        "population": entry(testapp, "Population", "/official-statistics/social",
                            release_at="2026-12-11T10:00:00+05:00"),
        "past": entry(testapp, "Prices late", "/official-statistics/economy/prices",
                      release_at="2026-12-02T10:00:00+05:00"),
        "cancelled": entry(testapp, "Prices cancelled", "/official-statistics/economy/prices",
                           release_at="2026-12-21T10:00:00+05:00"),
    }
    step(testapp, "dana", f"/++api++{found['cancelled']}", "cancel", comment="Suspended.")
    frozen.advance(days=2)   # "Prices late" is due and not out: its time has passed
    return found


def options(page):
    select = page.lxml.xpath("//select[@id='import-release']")[0]
    return [(o.get("value"), o.text_content().strip(), o.get("selected") is not None)
            for o in select.findall("option")]


def test_the_page_offers_the_coming_releases_of_the_section_and_above(app, testapp,
                                                                      releases):
    testapp.authorization = None
    login_html(testapp, "aigerim")
    page = testapp.get(f"{PATH}/@@import", headers={"Accept-Language": "en"})
    found = options(page)
    assert [value for value, _text, _selected in found] == [
        "", releases["economy"], releases["prices"], releases["provisional"]]
    assert found[0][1] == "No release: public at once"
    # the next release is chosen at first: a slip keeps the data waiting
    assert [selected for *_rest, selected in found] == [False, True, False, False]
    texts = [text for _value, text, _selected in found]
    assert texts[1].startswith("Economy bulletin — ") and "10" in texts[1]
    assert texts[3] == "Prices January — January 2027"
    label = page.lxml.xpath("//label[@for='import-release']")
    assert label and page.lxml.xpath("//*[@id='import-release-help']")
    testapp.set_cookie("_LOCALE_", "ru")
    texts = [text for _value, text, _selected in options(testapp.get(f"{PATH}/@@import"))]
    assert texts[3] == "Prices January (ru) — январь 2027"


def test_choosing_a_release_keeps_the_data_waiting(app, testapp, releases):
    from statportal.content.paths import find_by_path

    testapp.authorization = None
    login_html(testapp, "aigerim")
    form = testapp.get(f"{PATH}/@@import").forms["taldau-import-form"]
    form["release"] = releases["prices"]
    form["file"] = Upload("prices.csv", CSV)
    form.submit(status=303)   # then the page again (no re-import on reload)
    with open_portal(app) as portal:
        vintage, = find_by_path(portal, PATH).vintages
        assert (vintage.state, vintage.release) == ("embargoed", releases["prices"])


def test_no_release_is_public_at_once(app, testapp, releases):
    from statportal.content.paths import find_by_path

    testapp.authorization = None
    login_html(testapp, "aigerim")
    form = testapp.get(f"{PATH}/@@import").forms["taldau-import-form"]
    form["release"] = ""
    form["file"] = Upload("prices.csv", CSV)
    form.submit(status=303)   # then the page again (no re-import on reload)
    with open_portal(app) as portal:
        vintage, = find_by_path(portal, PATH).vintages
        assert (vintage.state, vintage.release) == ("public", "")


def send(testapp, release, status, data=CSV):
    as_user(testapp, "aigerim")
    return testapp.post_json(f"/++api++{PATH}/@import", {"file": {
        "filename": "prices.csv", "data": base64.b64encode(data).decode()},
        "release": release}, status=status)


def test_the_api_takes_the_portals_own_address_of_a_release(app, testapp, releases):
    path = releases["prices"]
    answer = send(testapp, f"http://localhost{path}", 201).json
    assert (answer["state"], answer["release"]) == ("embargoed", path)
    answer = send(testapp, f"http://localhost/++api++{path}/", 201,   # an @id
                  data=CSV.replace(b"101.5", b"101.7")).json
    assert answer["release"] == path


def test_another_sites_address_is_refused_naming_release(app, testapp, releases):
    written = last_transaction(app)
    for release in (f"https://example.org{releases['prices']}", "calendar/x"):
        answer = send(testapp, release, 400).json
        assert [error["field"] for error in answer["errors"]] == ["release"], answer
        assert "address of its page on this portal" in answer["errors"][0]["message"]
    assert last_transaction(app) == written
