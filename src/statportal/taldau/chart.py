"""The indicator page's line chart: SVG drawn on the server from a selection (a ``Result``),
no script, no library (like ``statportal.views.charts``).

One line per series (each combination of the non-time dimensions' selected codes) over
the periods, at most ``MAX_SERIES`` of them: more lines are unreadable, and the page says
how many were left out. A missing or confidential (X) observation is a gap in its line
and never a point: the SVG holds no number for it. Lines differ by colour AND by dash
pattern AND by marker shape (not colour alone); the colours keep a 3:1 contrast with the
white ground (WCAG 1.4.11). The SVG has ``role="img"``, a ``<title>`` and a ``<desc>``;
the page's table is its text alternative. Built with lxml, so labels are escaped.
"""

import math
from dataclasses import dataclass, field
from itertools import product

import numpy

SVG_NS = "http://www.w3.org/2000/svg"
#: the store's codes of a confidential cell (primary, secondary): never drawn
CONFIDENTIAL = (1, 2)
MAX_SERIES = 8
#: dark enough for 3:1 on white; the order puts the most distinct ones first
COLOURS = ("#0b5cad", "#b3470b", "#1c7a3e", "#7a2f96", "#b0173a", "#3d4a57", "#0e7383",
           "#8a6500")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "10 4", "3 3 8 3", "1 2", "12 3 3 3")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "plus", "cross",
           "bar")


@dataclass
class Series:
    label: str
    colour: str
    dash: str
    marker: str
    #: the value at each period, None where missing or X
    points: list = field(default_factory=list)

    @property
    def empty(self):
        """No published value in the selection (all X or missing): nothing is drawn, and
        the legend says so."""
        return all(v is None for v in self.points)

    def swatch(self, width=36, height=14):
        """A small SVG of the line and marker, for the legend beside the chart."""
        from lxml import etree

        svg = etree.Element("svg", xmlns=SVG_NS, width=str(width), height=str(height),
                            viewBox=f"0 0 {width} {height}", focusable="false")
        svg.set("aria-hidden", "true")
        _line(svg, f"M 1 {height / 2} L {width - 1} {height / 2}", self)
        _marker(svg, width / 2, height / 2, self)
        return etree.tostring(svg, encoding="unicode")


@dataclass
class Chart:
    svg: str
    series: list
    #: how many series the selection has in all (more than drawn when > MAX_SERIES)
    total: int
    #: the same chart drawn for a phone's width (the page shows one or the other)
    narrow: str = ""

    @property
    def omitted(self):
        return self.total - len(self.series)


def series_of(result, max_series=MAX_SERIES):
    """``(series, total)``: the first ``max_series`` series of the result (the non-time
    dimensions' codes combined in the result's order) with their values by period."""
    dims = result.dims[:-1]
    shape = [len(d.codes) for d in dims]
    total = math.prod(shape) if dims else 1
    varying = [i for i, d in enumerate(dims) if len(d.codes) > 1]
    found = []
    for n, index in enumerate(product(*(range(s) for s in shape))):
        if n >= max_series:
            break
        parts = [dims[i].labels[index[i]] for i in (varying or range(len(dims)))]
        style = n % len(COLOURS)
        values, status = result.values[index], result.status[index]
        points = [None if numpy.isnan(v) or int(s) in CONFIDENTIAL else float(v)
                  for v, s in zip(values, status, strict=True)]
        found.append(Series(" – ".join(parts) or result.title, COLOURS[style],
                            DASHES[style], MARKERS[style], points))
    return found, total


def nice_ticks(low, high, count=5):
    """Round tick values covering ``low``..``high`` (1, 2, 2.5 or 5 times a power of 10)."""
    if low == high:
        low, high = (low - 1, high + 1) if low == 0 else (low - abs(low) / 2,
                                                          high + abs(high) / 2)
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high and len(ticks) < 4 * count:  # the last tick covers the highest
        ticks.append(round(start + step * len(ticks), 10))
    return ticks


def tick_decimals(ticks):
    """Digits after the mark the ticks need (0 for whole steps)."""
    if len(ticks) < 2:
        return 0
    step = abs(ticks[1] - ticks[0])
    return max(0, -math.floor(math.log10(step))) if step < 1 else 0


def line_chart(result, *, title, desc, number, period_labels=None, max_series=MAX_SERIES,
               width=720, height=340, unit="", ids="chart"):
    """The chart of ``result`` (a ``Result``) as a ``Chart``.

    ``title``/``desc``: the SVG's accessible name and description (translated by the
    caller); ``number(value, decimals)``: localised numbers for the axis (the layout's);
    ``period_labels``: the time axis's labels (default the ISO codes); ``unit``: the unit
    of measure, written over the value axis; ``ids``: the prefix of the SVG's element ids
    (a page drawing a wide and a narrow chart keeps them unique). The time axis labels as
    many periods as fit the width, so a narrow chart stays readable."""
    from lxml import etree

    series, total = series_of(result, max_series)
    periods = list(period_labels or result.dims[-1].codes)
    values = [v for s in series for v in s.points if v is not None]
    # room for the numbers on the left and half the last period's label on the right
    right = max(40, round(len(periods[-1]) * 3.5 + 6)) if periods else 40
    left, top, bottom = 72, 30 if unit else 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    svg = etree.Element("svg", xmlns=SVG_NS, width=str(width), height=str(height),
                        viewBox=f"0 0 {width} {height}", role="img")
    svg.set("class", "line-chart")
    svg.set("aria-labelledby", f"{ids}-title {ids}-desc")
    etree.SubElement(svg, "title", id=f"{ids}-title").text = title
    etree.SubElement(svg, "desc", id=f"{ids}-desc").text = desc
    if unit:  # the value axis's unit, above its numbers
        etree.SubElement(svg, "text", {"x": "4", "y": "14", "font-size": "12",
                                       "fill": "#333", "class": "unit"}).text = unit
    if not values or not periods:
        return Chart(etree.tostring(svg, encoding="unicode"), series, total)
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    decimals = tick_decimals(ticks)

    def x_of(i):
        return round(left + (plot_w * i / (len(periods) - 1) if len(periods) > 1
                             else plot_w / 2), 1)

    def y_of(v):
        return round(top + plot_h - (v - low) / (high - low) * plot_h, 1)

    axes = etree.SubElement(svg, "g", {"class": "axes", "font-size": "12",
                                       "fill": "#333"})
    for tick in ticks:
        y = y_of(tick)
        etree.SubElement(axes, "line", x1=str(left), x2=str(left + plot_w), y1=str(y),
                         y2=str(y), stroke="#d5dbe3")
        etree.SubElement(axes, "text", {"x": str(left - 6), "y": str(y + 4),
                                        "text-anchor": "end"}).text = number(tick, decimals)
    # each label needs about 7 px a character and a gap: as many as fit, evenly spaced
    room = max(len(p) for p in periods) * 7 + 16
    step = max(1, math.ceil(len(periods) / max(2, min(8, plot_w // room))))
    for i in sorted(range(len(periods) - 1, -1, -step)):  # the latest period always named
        x = x_of(i)
        etree.SubElement(axes, "line", x1=str(x), x2=str(x), y1=str(top + plot_h),
                         y2=str(top + plot_h + 5), stroke="#555")
        etree.SubElement(axes, "text", {"x": str(x), "y": str(top + plot_h + 20),
                                        "text-anchor": "middle"}).text = periods[i]
    etree.SubElement(axes, "line", x1=str(left), x2=str(left + plot_w),
                     y1=str(top + plot_h), y2=str(top + plot_h), stroke="#555")
    for s in series:
        group = etree.SubElement(svg, "g", {"class": "series"})
        etree.SubElement(group, "title").text = s.label
        path, pen_down = [], False
        for i, v in enumerate(s.points):
            if v is None:
                pen_down = False  # a gap: the next point starts a new segment
                continue
            path.append(f"{'L' if pen_down else 'M'} {x_of(i)} {y_of(v)}")
            pen_down = True
        if path:
            _line(group, " ".join(path), s)
        for i, v in enumerate(s.points):
            if v is not None:  # the value on hover (the table has them all)
                mark = _marker(group, x_of(i), y_of(v), s)
                etree.SubElement(mark, "title").text = \
                    f"{periods[i]}: {number(v, result.decimals)}"
    return Chart(etree.tostring(svg, encoding="unicode"), series, total)


def _line(parent, d, s):
    from lxml import etree

    attrs = {"d": d, "fill": "none", "stroke": s.colour, "stroke-width": "2"}
    if s.dash:
        attrs["stroke-dasharray"] = s.dash
    etree.SubElement(parent, "path", attrs)


def _marker(parent, x, y, s, r=4):
    """The series' marker shape at (x, y): shapes tell the lines apart without colour."""
    from lxml import etree

    common = {"fill": s.colour, "stroke": s.colour, "class": "point"}
    if s.marker == "circle":
        return etree.SubElement(parent, "circle", cx=str(x), cy=str(y), r=str(r), **common)
    shapes = {
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "triangle": [(0, -r - 1), (r + 1, r), (-r - 1, r)],
        "triangle-down": [(0, r + 1), (r + 1, -r), (-r - 1, -r)],
        "diamond": [(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
        "bar": [(-r - 1, -2), (r + 1, -2), (r + 1, 2), (-r - 1, 2)],
    }
    if s.marker in shapes:
        points = " ".join(f"{round(x + dx, 1)},{round(y + dy, 1)}"
                          for dx, dy in shapes[s.marker])
        return etree.SubElement(parent, "polygon", points=points, **common)
    # plus and cross: two strokes, no fill
    d = (f"M {x - r - 1} {y} L {x + r + 1} {y} M {x} {y - r - 1} L {x} {y + r + 1}"
         if s.marker == "plus" else
         f"M {x - r} {y - r} L {x + r} {y + r} M {x - r} {y + r} L {x + r} {y - r}")
    return etree.SubElement(parent, "path", {"d": d, "stroke": s.colour,
                                             "stroke-width": "2.5", "fill": "none",
                                             "class": "point"})
