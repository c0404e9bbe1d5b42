"""The indicator page's SVG line chart (statportal.taldau.chart): parsed back with lxml."""

import numpy
from lxml import etree

from statportal.taldau.chart import MAX_SERIES, line_chart, nice_ticks
from statportal.taldau.result import Result, ResultDim

NS = {"s": "http://www.w3.org/2000/svg"}
NAN = numpy.nan


def result_of(values, status, regions, periods):
    values = numpy.array(values, dtype="float64")
    return Result(
        indicator_id="gdp", code="GDP", title="GDP", lang="en", unit="bn", source="",
        updated=None, decimals=1,
        dims=[ResultDim("region", "Region", [f"R{i}" for i in range(len(regions))],
                        list(regions), "geo"),
              ResultDim("period", "Period", list(periods), list(periods), "time")],
        values=values, status=numpy.array(status, dtype="uint8"))


def number(value, decimals):
    return f"{value:.{decimals}f}"


def draw(result, **kw):
    chart = line_chart(result, title="GDP, bn", desc="Lines by region", number=number, **kw)
    return chart, etree.fromstring(chart.svg)


def test_one_line_per_series_with_title_and_desc():
    result = result_of([[1.5, 2.0, 2.5], [3.0, 1.0, 4.25]], [[0] * 3, [0, 3, 4]],
                       ["North", "South"], ["2024", "2025", "2026"])
    chart, svg = draw(result)
    assert svg.get("role") == "img"
    assert svg.find("s:title", NS).text == "GDP, bn"
    assert svg.find("s:desc", NS).text == "Lines by region"
    groups = svg.findall("s:g[@class='series']", NS)
    assert len(groups) == 2 and chart.omitted == 0
    assert [g.find("s:title", NS).text for g in groups] == ["North", "South"]
    # colour is not the only difference: dash patterns and marker shapes differ too
    paths = [g.find("s:path", NS) for g in groups]
    assert paths[0].get("stroke") != paths[1].get("stroke")
    assert paths[0].get("stroke-dasharray") != paths[1].get("stroke-dasharray")
    assert groups[0].find("s:circle", NS) is not None
    assert groups[1].find("s:polygon", NS) is not None
    assert len(groups[0].findall("*[@class='point']", NS)) == 3


def test_confidential_and_missing_points_are_gaps_without_a_value():
    # the Result already holds NaN for X; the status alone must also keep a number out
    result = result_of([[1.0, NAN, 3.0, 4.0, NAN], [2.0, 987654.0, 2.0, 2.0, 2.0]],
                       [[0, 1, 0, 0, 0], [0, 2, 0, 0, 0]],
                       ["North", "South"], ["2022", "2023", "2024", "2025", "2026"])
    chart, svg = draw(result)
    north, south = svg.findall("s:g[@class='series']", NS)
    assert len(north.findall("*[@class='point']", NS)) == 3
    assert len(south.findall("*[@class='point']", NS)) == 4
    # North's line is broken in two at the X: two segments (two "M")
    assert north.find("s:path", NS).get("d").count("M") == 2
    assert chart.series[1].points[1] is None
    # each drawn point names its period and value; the X period has none
    titles = [t.text for t in svg.iterfind(".//s:g[@class='series']/*/s:title", NS)]
    assert "2022: 1.0" in titles and "2024: 2.0" in titles
    assert not any(t.startswith("2023") for t in titles)
    assert "987654" not in chart.svg and "987" not in chart.svg


def test_more_series_than_the_limit_are_counted_not_drawn():
    regions = [f"Region {i}" for i in range(11)]
    result = result_of([[i, i + 1] for i in range(11)], [[0, 0]] * 11, regions,
                       ["2025", "2026"])
    chart, svg = draw(result)
    assert len(svg.findall("s:g[@class='series']", NS)) == MAX_SERIES
    assert chart.total == 11 and chart.omitted == 3


def test_labels_are_escaped():
    result = result_of([[1.0, 2.0]], [[0, 0]], ['<script>alert("x")</script> & co'],
                       ["2025", "2026"])
    chart = line_chart(result, title="<b>T</b>", desc="a & b", number=number)
    assert "<script>" not in chart.svg and "<b>" not in chart.svg
    svg = etree.fromstring(chart.svg)
    assert svg.find("s:title", NS).text == "<b>T</b>"
    assert svg.find("s:g/s:title", NS).text.startswith("<script>")
    assert "<script>" not in chart.series[0].swatch()


def test_axis_ticks_use_the_number_helper_and_nice_steps():
    assert nice_ticks(3, 97) == [0, 25, 50, 75, 100]
    assert nice_ticks(27000, 46000) == [25000, 30000, 35000, 40000, 45000, 50000]
    assert nice_ticks(0.12, 0.18)[0] <= 0.12 and nice_ticks(0.12, 0.18)[-1] >= 0.18
    result = result_of([[1000.0, 2000.0, 5000.0]], [[0, 0, 0]], ["All"],
                       ["2024", "2025", "2026"])
    calls = []
    line_chart(result, title="t", desc="d",
               number=lambda v, d: calls.append((v, d)) or f"<{v}>")
    ticks = nice_ticks(1000.0, 5000.0)
    assert calls[:len(ticks)] == [(t, 0) for t in ticks]        # the axis: whole steps
    assert calls[len(ticks):] == [(1000.0, 1), (2000.0, 1), (5000.0, 1)]  # the points


def test_nothing_to_draw_is_an_empty_chart_not_an_error():
    result = result_of([[NAN, NAN]], [[1, 0]], ["All"], ["2025", "2026"])
    chart, svg = draw(result)
    assert svg.find("s:title", NS) is not None
    assert svg.findall("s:g[@class='series']", NS) == []
