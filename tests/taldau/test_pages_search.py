"""The portal's search finds indicators (part G, review 1 finding 3): /@search's JSON and
the search page, by code, title or definition in any language, embargo-aware (an indicator
with no public vintage is not found by the public), the words' index following an edit;
filters are the materials' and leave the indicators out. WebTest on the real app."""

import pytest

from statportal.testing import basic_auth, open_portal
from tests.helpers.taldau import dimension, make_indicator, tr
from tests.helpers.taldau_pages import make_wages

HTML = {"Accept": "text/html", "Accept-Language": "en"}


@pytest.fixture
def wages(app, topic):
    return make_wages(app, topic)


def found(testapp, words, **params):
    data = testapp.get("/@search", params={"SearchableText": words, **params}).json
    return [item["@id"].split("localhost")[-1].rstrip("/")
            for item in data.get("sources", {}).get("indicators", {}).get("items", [])]


@pytest.mark.parametrize("words", ["wage", "WAGES", "Средняя заработная",
                                   "employee monthly", "Орташа"])
def test_the_public_finds_an_indicator_by_code_title_or_definition(testapp, wages, words):
    assert found(testapp, words) == [wages]


def test_the_search_page_lists_the_indicators_found(testapp, wages):
    page = testapp.get("/@@search", params={"SearchableText": "average wage"},
                       headers=HTML).html
    section = page.select("section.search-source")[0]
    assert section.select("h2")[0].get_text().startswith("Indicators")
    link = section.select("li a")[0]
    assert link.get_text() == "Average wage" and link.get("href").rstrip("/").endswith(wages)
    assert "Average monthly wage of one employee." in section.get_text()
    # nothing matching: no such section
    page = testapp.get("/@@search", params={"SearchableText": "zebra"}, headers=HTML).html
    assert not page.select("section.search-source")


def test_an_indicator_without_a_public_vintage_is_found_by_staff_only(app, testapp, topic):
    make_indicator(app, f"{topic}/secret", periodicity="annual",
                   dimensions=[dimension("region", ("R", "R", "R"), [("A", "", ("a",) * 3)])],
                   values=[[1.0, 2.0]], periods=[2025, 2026], embargoed=True,
                   title=tr("Құпия", "Секрет", "Hidden one"))
    assert found(testapp, "hidden") == []
    testapp.authorization = basic_auth("admin")
    assert found(testapp, "hidden") == [f"{topic}/secret"]
    # released (no edit event: the index keeps words, the vintages are read at each search)
    from statportal.content.paths import find_by_path
    from statportal.taldau.store import publish_vintage
    from tests.helpers.taldau import LONG_AGO

    with open_portal(app) as portal:
        publish_vintage(find_by_path(portal, f"{topic}/secret").vintages[0], LONG_AGO)
    testapp.authorization = None
    assert found(testapp, "hidden") == [f"{topic}/secret"]


def test_an_edited_title_is_found_at_the_next_search(testapp, wages):
    assert found(testapp, "salary") == []          # the index is made here
    testapp.authorization = basic_auth("admin")
    testapp.patch_json(f"/++api++{wages}", {"title": tr("Жалақы", "Зарплата", "Salary")})
    testapp.authorization = None
    assert found(testapp, "salary") == [wages]
    assert found(testapp, "средняя") == []           # the old title is gone


def test_a_filter_or_a_later_page_leaves_the_indicators_out(testapp, wages):
    assert found(testapp, "wage", category="bulletin") == []
    assert found(testapp, "wage", year="2026") == []
    assert found(testapp, "wage", b_start="20") == []
    assert found(testapp, "wage") == [wages]
