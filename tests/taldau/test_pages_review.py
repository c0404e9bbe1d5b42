"""The indicator page after review 1 (part G): the period selector's own words, Edit once,
a default range that ends where its series have data, the vintages' "By" by name, the
chart's legend for a series with nothing published and its unit, a chart drawn for a
phone's width, the edit form's heading naming the indicator. WebTest on the real app."""

import re

import numpy as np
import pytest
from lxml import etree

from statportal.taldau.chart import line_chart
from statportal.testing import basic_auth, open_portal
from tests.helpers.taldau import REGIONS, dimension, make_indicator, tr
from tests.helpers.taldau_pages import make_wages, page

NS = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture
def wages(app, topic):
    return make_wages(app, topic)


def svgs_of(response):
    return [etree.fromstring(found) for found in re.findall(
        r'<svg[^>]*class="line-chart".*?</svg>', response.text, re.S)]


def test_the_period_selector_has_its_own_words_not_the_workflows(testapp, wages):
    tree = page(testapp, wages).html
    assert tree.select("label[for=period-from]")[0].get_text() == "From period"
    assert tree.select("label[for=period-to]")[0].get_text() == "To period"


def test_the_default_range_ends_at_the_last_period_with_data(app, testapp, topic):
    # Kazakhstan (the default series) has nothing in 2025 and 2026; Astana has
    periods = list(range(2011, 2027))
    values = np.array([[100.0 + p for p in range(len(periods))] for _ in REGIONS])
    values[0, -2:] = np.nan
    make_indicator(app, f"{topic}/late", periodicity="annual",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)],
                   values=values, periods=periods, title=tr("К", "К", "Late"))
    tree = page(testapp, f"{topic}/late").html
    heads = [th.get_text() for th in tree.select("table.data thead th.num")]
    assert heads[-1] == "2024" and len(heads) == 12 and heads[0] == "2013"
    assert "…" not in [td.get_text() for td in tree.select("table.data td")]
    assert tree.select("#period-to option[selected]")[0].get("value") == "2024"
    # the other periods stay a choice away
    assert [o.get("value") for o in tree.select("#period-to option")][-1] == "2026"


def test_the_vintages_say_who_imported_by_name(app, testapp, wages):
    from statportal.content.paths import find_by_path

    with open_portal(app) as portal:
        find_by_path(portal, wages).vintages[0].created_by = "admin"
    testapp.authorization = basic_auth("admin")
    tree = page(testapp, wages + "/@@import").html
    cells = [td.get_text() for td in tree.select("section table tbody tr td")]
    assert "Портал әкімшісі" in cells and "admin" not in cells


def test_a_series_with_nothing_published_says_so_and_the_axis_its_unit(testapp, wages):
    # Astana's men: X in 2020, the only period asked
    response = page(testapp, wages, **{"valuecodes[region]": "KZ-AST,KZ-ALA",
                                       "valuecodes[sex]": "M",
                                       "valuecodes[period]": "2020"})
    items = response.html.select("ul.legend li")
    assert len(items) == 2
    assert "Astana" in items[0].get_text() and "no published values" in items[0].get_text()
    assert "empty" in items[0].get("class")
    assert "no published values" not in items[1].get_text()
    for svg in svgs_of(response):
        assert svg.xpath("s:text[@class='unit']", namespaces=NS)[0].text == "tenge"


def test_the_page_draws_a_narrow_chart_for_phones(testapp, wages):
    response = page(testapp, wages, **{"valuecodes[period]": "*"})
    wide, narrow = svgs_of(response)
    assert narrow.get("width") == "380"
    assert narrow.get("aria-labelledby") == "chart-narrow-title chart-narrow-desc"
    assert narrow.xpath("s:title", namespaces=NS)[0].get("id") == "chart-narrow-title"
    assert response.html.find(id="chart-title") is not None


def test_a_narrow_chart_labels_fewer_periods_and_the_last_fits():
    from statportal.taldau.result import Result, ResultDim

    labels = [f"{m} 2026" for m in ("January", "February", "March", "April", "May", "June",
                                    "July", "August", "September", "October", "November",
                                    "December")] * 2
    result = Result(indicator_id="x", code="X", title="X", lang="en", unit="bn",
                    source="", updated=None, decimals=1,
                    dims=[ResultDim("period", "Period", [str(i) for i in range(24)],
                                    labels, "time")],
                    values=np.arange(24, dtype="float64"),
                    status=np.zeros(24, dtype="uint8"))

    def ticks(width):
        svg = etree.fromstring(line_chart(
            result, title="X", desc="X", number=lambda v, d: f"{v:.{d}f}",
            width=width, height=320, unit="bn", period_labels=labels).svg)
        return [t for t in svg.xpath("s:g[@class='axes']/s:text[@text-anchor='middle']",
                                     namespaces=NS)]

    narrow, wide = ticks(380), ticks(720)
    assert 2 <= len(narrow) <= 3 < len(wide) <= 8
    assert narrow[-1].text == wide[-1].text == "December 2026"  # the latest is named
    for tick in narrow:  # each label's half fits inside the drawing
        half = len(tick.text) * 3.5
        assert float(tick.get("x")) + half <= 380 and float(tick.get("x")) - half >= 0


def test_the_edit_form_names_the_indicator(testapp, wages):
    testapp.authorization = basic_auth("admin")
    tree = page(testapp, wages + "/@@edit").html
    assert tree.select("main h1")[0].get_text() == "Edit: Average wage"
    assert tree.select("title")[0].get_text().startswith("Edit: Average wage")
