"""The register as a list that works (issue 18, item 4): the unit chosen by name, sortable
columns whose order holds from page to page and in the exports, a table scrolling in its
own labelled region, and times in the .xlsx as real date-times."""

import csv
import io
from datetime import datetime

from tests.helpers.placement import REQUESTS, as_user, new_request, step

HTML = {"Accept": "text/html", "Accept-Language": "en"}
PAGE = "/requests/@register"


def submitted(client, title, **changes):
    url = new_request(client, title={"en": title}, languages=["en"], **changes)
    step(client, "aigerim", url, "submit")
    step(client, "marat", url, "approve")
    return url


def titles(client, query):
    as_user(client, "dana")
    return [r["title"]["en"] for r in client.get(f"{REQUESTS}/@register?{query}").json["items"]]


def test_the_unit_is_chosen_by_name_and_an_old_path_still_filters(testapp, demo):
    submitted(testapp, "A")
    as_user(testapp, "dana")
    page = testapp.get(PAGE, headers=HTML)
    select = page.html.select_one("select#unit")
    options = {o["value"]: " ".join(o.text.split()) for o in select.select("option")}
    assert options["/orgunits/industry-statistics"]  # a name, in the page's language
    assert "" in options and all(not text.startswith("/") for v, text in options.items() if v)
    assert page.html.select_one("input#unit") is None  # no path to type any more
    # the old parameter, however written, still filters, and the select shows the choice
    chosen = testapp.get(PAGE + "?unit=orgunits/industry-statistics/", headers=HTML)
    selected = chosen.html.select_one("select#unit option[selected]")
    assert selected["value"] == "/orgunits/industry-statistics"
    assert titles(testapp, "unit=/orgunits/industry-statistics") == ["A"]
    assert titles(testapp, "unit=/orgunits/labour-statistics") == []
    # a path that is no unit (an old link) is kept as a choice, not silently dropped
    odd = testapp.get(PAGE + "?unit=/orgunits/gone", headers=HTML)
    assert odd.html.select_one("select#unit option[selected]")["value"] == "/orgunits/gone"
    assert "Found: 0" in " ".join(odd.html.text.split())


def test_headings_sort_with_aria_sort_and_keep_the_filters(testapp, demo):
    for title in ("A", "B"):
        submitted(testapp, title, category="compilation")
    as_user(testapp, "dana")
    page = testapp.get(PAGE + "?category=compilation&b_start=1&b_size=1", headers=HTML)
    heads = page.html.select("table.register thead th")
    sorted_by = [th for th in heads if th.get("aria-sort")]
    assert [" ".join(th.text.split()) for th in sorted_by] == ["Registered▲"]
    assert sorted_by[0]["aria-sort"] == "ascending"
    number = next(th for th in heads if th.text.strip().startswith("Number"))
    href = number.a["href"]
    assert "category=compilation" in href and "sort=number&order=asc" in href
    assert "b_start" not in href and "b_size=1" in href  # back to the first page
    again = testapp.get(PAGE + href, headers=HTML)
    number = next(th for th in again.html.select("table.register thead th")
                  if th.text.strip().startswith("Number"))
    assert number["aria-sort"] == "ascending" and "order=desc" in number.a["href"]
    # title, location and notes have no sort: plain headings
    assert next(th for th in heads if th.text.strip() == "Title").a is None
    # the batch links keep the filters and the sort
    batch = again.html.select_one("nav.batching a")
    assert "category=compilation" in batch["href"] and "sort=number" in batch["href"]
    # the filter form keeps the sort too
    form = again.html.select_one("form#register-filters")
    assert form.select_one("input[name=sort]")["value"] == "number"


def test_units_states_and_categories_sort_as_people_read_them(testapp, demo):
    submitted(testapp, "express", category="express_information")
    submitted(testapp, "compilation", category="compilation")
    draft = submitted(testapp, "registered", category="bulletin")
    step(testapp, "dana", draft, "register")
    # "registered" comes after "submitted" in the workflow (alphabetically it is before)
    assert titles(testapp, "sort=review_state")[-1] == "registered"
    assert titles(testapp, "sort=review_state&order=desc")[0] == "registered"
    from statportal.placement.schemas import CATEGORIES

    by_category = titles(testapp, "sort=category")
    expected = sorted(["express", "compilation", "registered"], key=lambda t: CATEGORIES.index(
        {"express": "express_information", "compilation": "compilation",
         "registered": "bulletin"}[t]))
    assert by_category == expected
    assert titles(testapp, "sort=category&order=desc") == expected[::-1]
    assert len(titles(testapp, "sort=unit")) == 3


def test_equal_values_keep_one_order_across_pages_and_the_export(testapp, demo):
    """Unregistered requests all have no registration time: the order among them is the
    same on every page, in both directions, and in the .xlsx (before, hypatia's n-best
    put them one way on a page and its timsort the other way in the export)."""
    from openpyxl import load_workbook

    names = [f"T{i}" for i in range(7)]
    for name in names:
        submitted(testapp, name)
    for order in ("asc", "desc"):
        whole = titles(testapp, f"sort=registered_at&order={order}&b_size=50")
        assert sorted(whole) == names
        paged = [t for start in range(7)
                 for t in titles(testapp, f"sort=registered_at&order={order}&b_size=1"
                                 f"&b_start={start}")]
        assert paged == whole
        body = testapp.get(f"{REQUESTS}/@register?sort=registered_at&order={order}"
                           "&format=xlsx", headers={"Accept-Language": "en"}).body
        sheet = load_workbook(io.BytesIO(body)).active
        assert [row[1].value for row in sheet.iter_rows(min_row=2)] == whole


def test_the_catalog_orders_deep_pages_like_the_first(app, testapp, demo):
    """Past 300 rows hypatia chose another algorithm for descending sorts, which put equal
    values the other way round; the catalog ranks them alike whatever the limit."""
    from statportal.placement.catalog import get_catalog
    from statportal.testing import open_portal

    for name in ("a", "b", "c", "d"):
        submitted(testapp, name)
    with open_portal(app) as portal:
        catalog = get_catalog(portal["requests"])
        full = list(catalog.query(sort="registered_at", reverse=True)[0])
        for limit in (1, 2, 3, 4, 300, 1000):  # n-best, then the one sort
            assert list(catalog.query(sort="registered_at", reverse=True,
                                      limit=limit)[0]) == full[:limit]


def test_the_xlsx_holds_real_local_date_times_and_words(testapp, demo):
    from openpyxl import load_workbook

    from statportal.i18n import DEFAULT_TIMEZONE

    url = submitted(testapp, "X")
    step(testapp, "dana", url, "register")
    as_user(testapp, "dana")
    stored = testapp.get(url).json
    body = testapp.get(f"{REQUESTS}/@register?format=xlsx",
                       headers={"Accept-Language": "en"}).body
    sheet = load_workbook(io.BytesIO(body)).active
    assert [c.value for c in sheet[1]][5:9] == ["Submitted", "Registered", "Due", "Placed"]
    registered = sheet["G2"]
    assert isinstance(registered.value, datetime) and registered.is_date
    assert "yyyy" in registered.number_format.lower()
    from zoneinfo import ZoneInfo

    expected = datetime.fromisoformat(stored["registered_at"]).astimezone(
        ZoneInfo(DEFAULT_TIMEZONE)).replace(tzinfo=None, second=0, microsecond=0)
    assert registered.value.replace(second=0, microsecond=0) == expected
    assert isinstance(sheet["H2"].value, datetime)  # the due time too
    assert sheet["I2"].value is None  # not placed: an empty cell, not ""
    # words, not codes or paths
    assert not str(sheet["C2"].value).startswith("/orgunits")
    assert sheet["E2"].value == "Registered" and sheet["D2"].value == "Express information"
    assert sheet["N1"].value == "Placement" and sheet["N2"].value == "New"


def test_the_csv_writes_times_a_spreadsheet_reads(testapp, demo):
    url = submitted(testapp, "Y")
    step(testapp, "dana", url, "register")
    as_user(testapp, "dana")
    text = testapp.get(f"{REQUESTS}/@register?format=csv",
                       headers={"Accept-Language": "en"}).body.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    values = dict(zip(header, row, strict=True))
    datetime.strptime(values["Registered"], "%Y-%m-%d %H:%M")
    datetime.strptime(values["Due"], "%Y-%m-%d %H:%M")
    assert values["Placed"] == "" and values["State"] == "Registered"
    assert not values["Structural unit"].startswith("/") and values["Placement"] == "New"


def test_the_table_scrolls_in_its_own_labelled_region(testapp, demo):
    submitted(testapp, "Z")
    as_user(testapp, "dana")
    page = testapp.get(PAGE, headers=HTML)
    region = page.html.select_one(".table-wrap")
    assert region["role"] == "region" and region["tabindex"] == "0"
    caption = page.html.select_one("#" + region["aria-labelledby"])
    assert caption.name == "caption" and caption.text.strip()
