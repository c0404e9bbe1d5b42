"""Charts the staff pages draw: SVG made on the server, no script (the timeliness
dashboard's releases and placements, the questions' answers on time)."""


def bar_chart(rows, label_key, total_key, part_key, title, width=640, bar=22):
    """A horizontal bar chart as SVG (no script, no library): each row's part of its total.
    Returns markup built with lxml, so labels are escaped."""
    from lxml import etree

    height = bar * len(rows) + 8
    svg = etree.Element("svg", xmlns="http://www.w3.org/2000/svg", width=str(width),
                        height=str(height), viewBox=f"0 0 {width} {height}", role="img")
    etree.SubElement(svg, "title").text = title
    left, scale = 180, width - 180 - 90
    for i, row in enumerate(rows):
        y = 4 + i * bar
        total, part = row[total_key], row[part_key]
        share = part / total if total else 0
        etree.SubElement(svg, "text", x="0", y=str(y + 15), **{"font-size": "13"}).text = \
            str(row[label_key])
        etree.SubElement(svg, "rect", x=str(left), y=str(y + 2), width=str(scale),
                         height=str(bar - 6), fill="#e3e8ef")
        etree.SubElement(svg, "rect", x=str(left), y=str(y + 2),
                         width=str(round(scale * share, 1)), height=str(bar - 6),
                         fill="#1f6f43" if share >= 0.9 else "#b45309")
        etree.SubElement(svg, "text", x=str(left + scale + 8), y=str(y + 15),
                         **{"font-size": "13"}).text = f"{part}/{total} ({share:.0%})"
    return etree.tostring(svg, encoding="unicode")
