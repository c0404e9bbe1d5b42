"""The data service's pages (part G): the topic tree, the indicator page's no-JS selector,
its table with X and its footnote, the chart, the downloads, the message of a selection
too large, staff links and the embargo notice; kk/ru/en. WebTest on the real app."""

import re

import pytest
from lxml import etree

from statportal.disclosure.output import FOOTNOTE
from statportal.testing import basic_auth, open_portal
from tests.helpers.taldau import dimension, make_indicator, tr
from tests.helpers.taldau_pages import EVIL, SECTION, make_wages, page


@pytest.fixture
def wages(app, topic):
    return make_wages(app, topic)


def chart_of(response):
    """The chart's SVG, parsed as XML."""
    found = re.search(r'<svg[^>]*class="line-chart".*?</svg>', response.text, re.S)
    return etree.fromstring(found.group(0))


def rows_of(response):
    """``[[header texts…], [cell texts…]]`` of the data table's body."""
    tree = response.html
    found = []
    for tr_ in tree.select("table.data tbody tr"):
        found.append(([th.get_text().strip() for th in tr_.select("th")],
                      [td.get_text().strip() for td in tr_.select("td")]))
    return found


@pytest.mark.parametrize("lang, topic_title, title, unit", [
    ("kk", "Экономика", "Орташа жалақы", "теңге"),
    ("ru", "Экономика", "Средняя заработная плата", "тенге"),
    ("en", "Economy", "Average wage", "tenge")])
def test_the_topic_tree_lists_the_indicators_in_each_language(testapp, wages, lang,
                                                              topic_title, title, unit):
    response = page(testapp, "/data", lang)
    tree = response.html
    assert tree.html.get("lang") == lang
    heading = tree.select("section.topic h2 a")[0]
    assert heading.get_text() == topic_title and heading.get("href").endswith(
        "/data/economy/")
    item = tree.select("ul.indicators li")[0]
    assert item.select("a")[0].get_text().strip() == title
    meta = item.select(".meta")[0].get_text()
    assert unit in meta and "2026" in meta
    # the topic's own page lists it too
    assert title in page(testapp, "/data/economy", lang).text


def test_the_default_selection_is_small_and_the_table_accessible(testapp, wages):
    response = page(testapp, wages)
    tree = response.html
    table = tree.select("table.data")[0]
    assert table.select("caption")[0].get_text().strip() == "Average wage, tenge"
    heads = [th.get("scope") for th in table.select("thead th")]
    assert heads and set(heads) == {"col"}
    assert all(th.get("scope") == "row" for th in table.select("tbody th"))
    rows = rows_of(response)
    assert rows[0][0] == ["Kazakhstan", "Total"] and len(rows) == 1  # the top-level codes
    assert len(rows[0][1]) == 12                                     # the last 12 years
    # the data's decimals and the marks p and r with their notes
    assert rows[0][1][0] == "100.0"
    assert rows[0][1][-1].endswith("p") and rows[0][1][-2].endswith("r")
    notes = " ".join(li.get_text() for li in tree.select("ul.table-notes li"))
    assert "provisional" in notes and "revised" in notes
    facts = tree.select("dl.facts")[0].get_text()
    assert "tenge" in facts and "BNS" in facts and "Annual" in facts
    assert tree.select("a[href='https://stat.example.kz/m']")
    assert "Average monthly wage of one employee." in response.text


def test_a_get_with_valuecodes_changes_the_table_and_x_has_its_footnote(testapp, wages):
    response = page(testapp, wages, **{"valuecodes[region]": "KZ-AST,KZ-ALA",
                                       "valuecodes[sex]": "M,F",
                                       "valuecodes[period]": "2018,2019,2020"})
    rows = rows_of(response)
    assert [r[0] for r in rows] == [["Astana", "Men"], ["Astana", "Women"],
                                    ["Almaty", "Men"], ["Almaty", "Women"]]
    assert rows[0][1] == ["111.8", "112.0", "X"]      # Astana men 2020: X, no number
    assert rows[3][1][0] == "…"                       # Almaty women 2018: no data
    tree = response.html
    x_cell = tree.select("td.x")[0]
    assert x_cell.get_text() == "X" and x_cell.get("aria-describedby") == "note-x"
    assert tree.find(id="note-x").get_text() == FOOTNOTE["en"]
    assert "987654" not in response.text and "987 654" not in response.text
    assert "987,654" not in response.text
    # the chart: one line per series, no point where X
    svg = chart_of(response)
    assert svg.get("role") == "img"
    assert len(svg.xpath("//*[local-name()='g'][@class='series']")) == 4
    astana_men = svg.xpath("//*[local-name()='g'][@class='series']")[0]
    assert len(astana_men.xpath("*[@class='point']")) == 2


def test_the_form_works_without_script(testapp, wages):
    form = page(testapp, wages).forms["selector"]
    for index, field in enumerate(form.fields["valuecodes[region]"]):
        field.checked = index == 3                      # Karaganda region only
    form["period_from"] = "2019"
    form["period_to"] = "2021"
    response = form.submit(headers={"Accept": "text/html"})
    rows = rows_of(response)
    assert [r[0] for r in rows] == [["Karaganda region", "Total"]]
    assert len(rows[0][1]) == 3
    assert "valuecodes%5Bregion%5D=KZ-KAR" in response.text  # the download links follow


def test_the_downloads_carry_the_selection_in_every_format(testapp, wages):
    response = page(testapp, wages, **{"valuecodes[region]": "KZ-ALA"})
    links = [a.get("href") for a in response.html.select(
        ".downloads li a")]
    assert [re.search(r"outputFormat=([\w-]+)", link).group(1) for link in links] == [
        "json-stat2", "csv", "xlsx", "sdmx-csv"]
    for link in links:
        assert "/data/economy/wages/@data?" in link and "KZ-ALA" in link
    # the CSV link answers the page's selection, X never a number
    answer = testapp.get(links[1].replace("http://localhost", "")).text
    assert "Almaty" in answer and "Astana" not in answer and "987654" not in answer
    answer = testapp.get(links[1].replace("http://localhost", "").replace("KZ-ALA",
                                                                          "KZ-AST")).text
    line = next(row for row in answer.splitlines() if row.startswith("KZ-AST,Astana,M,")
                and ",2020,2020," in row)
    assert line.endswith(",X,X")        # the CSV's value column and its status: X, X
    assert "987654" not in answer and "987 654" not in answer
    # a whole dimension is *, the periods up to the newest from(first)
    response = page(testapp, wages, **{"valuecodes[region]": "*", "valuecodes[sex]": "T"})
    link = response.html.select(".downloads li a")[1].get("href")
    assert "valuecodes%5Bregion%5D=%2A" in link and "valuecodes%5Bsex%5D=T" in link
    assert "valuecodes%5Bperiod%5D=from%282015%29" in link


def test_a_bad_selection_is_a_message_naming_the_field(testapp, wages):
    response = page(testapp, wages, status=400, **{"valuecodes[region]": "NOPE"})
    alert = response.html.select("[role=alert]")[0].get_text()
    assert "valuecodes[region]" in alert and "NOPE" in alert
    tree = response.html
    assert tree.select("form#selector") and not tree.select("table.data")


def test_a_selection_too_large_for_a_page_says_so(testapp, wages, monkeypatch):
    from statportal.taldau import pages

    monkeypatch.setattr(pages, "PAGE_CELLS", 10)
    response = page(testapp, wages, **{"valuecodes[region]": "*"})
    message = response.html.select(".message.warning")[0].get_text()
    assert "144" in message and "10" in message
    tree = response.html
    assert not tree.select("table.data") and tree.select(".downloads a")


def test_labels_are_escaped(app, testapp, topic):
    make_indicator(app, f"{topic}/evil", periodicity="annual",
                   dimensions=[dimension("region", ("R", "R", "R"),
                                         [("A", "", (EVIL, EVIL, EVIL))])],
                   values=[[1.0, 2.0]], periods=[2025, 2026], title=tr(EVIL, EVIL, EVIL))
    response = page(testapp, f"{topic}/evil")
    assert EVIL not in response.text
    assert "&lt;script&gt;" in response.text
    assert EVIL not in page(testapp, "/data").text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_indicator_page_speaks_each_language(testapp, wages, lang):
    tree = page(testapp, wages, lang).html
    assert tree.html.get("lang") == lang
    title = {"kk": "Орташа жалақы", "ru": "Средняя заработная плата", "en": "Average wage"}
    assert tree.select("h1")[0].get_text() == title[lang]
    row = rows_of(page(testapp, wages, lang, **{"valuecodes[region]": "KZ-AST",
                                                "valuecodes[sex]": "M"}))[0]
    assert row[1][5] == "X"
    assert row[1][0] == ("111,0" if lang != "en" else "111.0")   # the language's mark


def test_nothing_public_is_404_and_missing_from_the_tree(app, testapp, topic, frozen):
    from statportal.content.paths import find_by_path
    from tests.helpers import calendar

    make_indicator(app, f"{topic}/secret", periodicity="annual",
                   dimensions=[dimension("region", ("R", "R", "R"), [("A", "", ("a",) * 3)])],
                   values=[[1.0, 2.0]], periods=[2025, 2026], embargoed=True,
                   title=tr("Құпия", "Секрет", "Hidden one"))
    entry = calendar.add(testapp).json["@id"].split("/++api++")[1]
    testapp.authorization = None
    with open_portal(app) as portal:
        find_by_path(portal, f"{topic}/secret").vintages[0].release = entry
    page(testapp, f"{topic}/secret", status=404)
    assert "Hidden one" not in page(testapp, "/data").text
    testapp.authorization = basic_auth("admin")
    response = page(testapp, f"{topic}/secret")
    notice = response.html.select(".embargo-notice")[0].get_text()
    assert "includes embargoed data until 14 December 2026, 10:00" in " ".join(notice.split())
    assert "Hidden one" in page(testapp, "/data").text


def test_staff_links_only_for_those_who_may(testapp, wages):
    anonymous = page(testapp, wages).html
    assert not anonymous.select(".staff-links")
    testapp.authorization = basic_auth("admin")
    links = [a.get("href") for a in page(testapp, wages).html.select(
        ".staff-links a")]
    assert any(link.endswith("/wages/@@import") for link in links)
    # Edit once on the page: the layout's tab, not again among the page's links
    edits = [a.get("href") for a in page(testapp, wages).html.select("a")
             if (a.get("href") or "").endswith("/wages/@@edit")]
    assert len(edits) == 1
    links += edits
    for link in links:  # both pages exist for them
        testapp.get(link.replace("http://localhost", ""), headers={"Accept": "text/html"})


def test_a_material_of_the_section_links_its_indicators(app, testapp, wages):
    from tests.helpers.materials import SECTION as INDUSTRY
    from tests.helpers.materials import add, publish

    with open_portal(app) as portal:
        portal["data"]["economy"]["wages"].section = INDUSTRY
    url = add(testapp)
    publish(testapp, url)
    testapp.authorization = None
    tree = page(testapp, url).html
    panel = tree.select("section.data-links")[0]
    assert panel.select("a")[0].get("href").endswith("/data/economy/wages/")
    assert "Average wage" in panel.get_text()


def test_the_indicator_links_the_materials_of_its_releases(app, testapp, wages, frozen):
    """The vintage's release's bundle → its materials, only those the viewer may see; the
    calendar's next release of the section as the next update."""
    from statportal.content.paths import find_by_path
    from tests.helpers import calendar
    from tests.helpers.materials import add, publish

    shown, hidden = add(testapp), add(testapp)
    publish(testapp, shown)
    entry = calendar.add(testapp, section=SECTION).json["@id"].split("/++api++")[1]
    with open_portal(app) as portal:
        found = find_by_path(portal, entry)
        for path in (shown, hidden):
            found.bundle.append({"material": path, "request": "", "action": "new",
                                 "done": None})
        find_by_path(portal, wages).vintages[0].release = entry
    testapp.authorization = None
    response = page(testapp, wages)
    links = [a.get("href") for a in response.html.select("#materials-heading ~ ul a")]
    assert [link.split("localhost")[1] for link in links] == [shown + "/"]
    facts = response.html.select("dl.facts")[0].get_text()
    assert "Next update" in facts and "14 December 2026" in facts


def test_the_public_sees_the_public_vintage_and_staff_the_embargoed_one(app, testapp, topic):
    from statportal.content.paths import find_by_path
    from statportal.taldau.store import add_vintage
    from tests.helpers.taldau import LONG_AGO, columns_for

    make_indicator(app, f"{topic}/gdp", periodicity="annual",
                   dimensions=[dimension("region", ("R", "R", "R"), [("A", "", ("All",) * 3)])],
                   values=[[1.5, 2.5]], periods=[2025, 2026], decimals=1)
    with open_portal(app) as portal:
        gdp = find_by_path(portal, f"{topic}/gdp")
        add_vintage(gdp, columns_for(gdp, [[1.5, 7.25]], [2025, 2026]), filename="new.csv",
                    actor="test", now=LONG_AGO, embargoed=True)
    public = page(testapp, f"{topic}/gdp")
    assert rows_of(public)[0][1] == ["1.5", "2.5"]
    assert not public.html.select(".embargo-notice") and "7.2" not in public.text
    testapp.authorization = basic_auth("admin")
    staff = page(testapp, f"{topic}/gdp")
    assert rows_of(staff)[0][1] == ["1.5", "7.2\xa0r"]  # revised, marked r
    assert staff.html.select(".embargo-notice")


@pytest.mark.parametrize("lang, months", [
    ("en", ["November 2025", "December 2025", "January 2026"]),
    ("ru", ["Ноябрь 2025", "Декабрь 2025", "Январь 2026"]),
    ("kk", ["Қараша 2025", "Желтоқсан 2025", "Қаңтар 2026"])])
def test_periods_read_as_months_and_quarters_while_the_form_sends_iso_codes(
        app, testapp, topic, lang, months):
    """The table's headers, the selector's options and the chart's ticks say "January 2026"
    (in the page's language) and "Q3 2026"; the options' values stay ISO codes."""
    from statportal.taldau.periods import ordinal

    region = [dimension("region", ("R", "R", "R"), [("A", "", ("All",) * 3)])]
    make_indicator(app, f"{topic}/prices", periodicity="monthly", dimensions=region,
                   values=[[1.0, 2.0, 3.0]], decimals=1,
                   periods=[ordinal(p, "monthly") for p in ("2025-11", "2025-12", "2026-01")])
    response = page(testapp, f"{topic}/prices", lang)
    tree = response.html
    assert [th.get_text() for th in tree.select("table.data thead th.num")] == months
    options = tree.select("#period-from option")
    assert [(o.get("value"), o.get_text()) for o in options] == list(zip(
        ["2025-11", "2025-12", "2026-01"], months, strict=True))
    ticks = [t.text for t in chart_of(response).iter("{*}text")]
    assert months[0] in ticks and "2025-11" not in ticks
    chosen = page(testapp, f"{topic}/prices", lang, period_from="2025-12",
                  period_to="2026-01")
    assert [th.get_text() for th in chosen.html.select("table.data thead th.num")] == \
        months[1:]
    if lang == "en":
        make_indicator(app, f"{topic}/grp", periodicity="quarterly", dimensions=region,
                       values=[[1.0, 2.0]], decimals=1,
                       periods=[ordinal("2026-Q2", "quarterly"),
                                ordinal("2026-Q3", "quarterly")])
        quarters = page(testapp, f"{topic}/grp", lang).html
        assert [th.get_text() for th in quarters.select("table.data thead th.num")] == [
            "Q2 2026", "Q3 2026"]
        assert [o.get("value") for o in quarters.select("#period-to option")] == [
            "2026-Q2", "2026-Q3"]
