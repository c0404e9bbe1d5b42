"""The category pages of the public main menu (issue 18 item 5): each lists the published
materials of its category from every section, newest first, searched, faceted and batched
as the search page is, at the addresses the menu has always had."""

import pytest

from statportal.materials.categories import CATEGORY_PAGES
from tests.helpers.materials import add, as_user, publish

EN = {"Accept-Language": "en"}


def titled(n, **changes):
    return {"title": {"kk": f"Материал {n}", "ru": f"Материал {n}", "en": f"Bulletin {n}"},
            **changes}


def heading(testapp, url):
    return testapp.get(url, headers=EN).html.select_one("#results-heading").text.strip()


@pytest.fixture
def bulletins(testapp, demo):
    """Three published bulletins in two sections, a private one, a published press release."""
    urls = []
    for n, section in enumerate(("/official-statistics/economy/industry",
                                 "/official-statistics/social/labour",
                                 "/official-statistics/economy/industry")):
        url = add(testapp, section=section, category="bulletin", **titled(n))
        publish(testapp, url)
        urls.append(url)
    add(testapp, category="bulletin", **titled("private"))
    other = add(testapp, category="press_release", **titled("press"))
    publish(testapp, other)
    as_user(testapp, None)
    return urls


def test_the_menu_pages_keep_their_addresses_and_say_what_they_are(testapp, demo):
    as_user(testapp, None)
    for name in CATEGORY_PAGES:
        page = testapp.get(f"/{name}", headers=EN)
        assert page.html.select_one("h1").text.strip()
        assert page.html.select_one("p.lead").text.strip()
        assert page.html.select_one("form.search")["action"] == f"http://localhost/{name}/"
    page = testapp.get("/compilations", headers=EN)
    assert "yearbooks" in page.html.select_one("p.lead").text
    assert "Nothing has been published in this category yet." in page.text
    assert "Published materials: 0" in page.html.select_one("#results-heading").text


def test_published_of_the_category_from_every_section_newest_first(testapp, bulletins):
    page = testapp.get("/bulletins", headers=EN)
    listed = [a.text.strip() for a in page.html.select(".search-results ul.materials li > a")]
    assert listed == ["Bulletin 2", "Bulletin 1", "Bulletin 0"]
    assert "Bulletin private" not in page.text and "Bulletin press" not in page.text
    assert "Published materials: 3" in page.html.select_one("#results-heading").text
    press = testapp.get("/press-releases", headers=EN)
    assert "Bulletin press" in press.text and "Bulletin 0" not in press.text


def test_batching_and_facets_stay_on_the_page(testapp, bulletins):
    page = testapp.get("/bulletins?b_size=2", headers=EN)
    assert len(page.html.select(".search-results ul.materials li")) == 2
    following = page.html.select_one("nav.batching a[rel=next]")["href"]
    assert "b_start=2" in following
    assert "Bulletin 0" in testapp.get(f"/bulletins{following}", headers=EN).text
    facets = {s["aria-labelledby"] for s in page.html.select("aside.facets section")}
    assert facets == {"facet-section", "facet-year", "facet-language"}  # not the category
    labour = next(a for a in page.html.select("#facet-section + ul a")
                  if "/official-statistics/social/labour" in a["href"].replace("%2F", "/"))
    assert labour["href"].startswith("http://localhost/bulletins/?section=")
    narrowed = testapp.get(labour["href"], headers=EN)
    listed = [a.text.strip() for a in narrowed.html.select(".search-results ul.materials li > a")]
    assert listed == ["Bulletin 1"]
    assert narrowed.html.select_one("input[type=hidden][name=section]")["value"] == \
        "/official-statistics/social/labour"
    assert heading(testapp, "/bulletins?SearchableText=Bulletin&year=2026") == \
        "Published materials: 3"
    assert heading(testapp, "/bulletins?year=2020") == "Published materials: 0"
    empty = testapp.get("/bulletins?SearchableText=nothingatall", headers=EN)
    assert "Nothing was found. Try fewer words or remove a filter." in empty.text
    assert "Nothing has been published in this category yet." not in empty.text


def test_the_page_fixes_its_category(testapp, bulletins):
    """The page's category wins over the query's, and the same search lists the same
    materials at @search: one code path."""
    page = testapp.get("/bulletins?category=press_release", headers=EN)
    assert "Bulletin 2" in page.text and "Bulletin press" not in page.text
    found = testapp.get("/@search?category=bulletin").json
    assert found["items_total"] == 3
    assert [i["title"]["en"] for i in found["items"]] == ["Bulletin 2", "Bulletin 1", "Bulletin 0"]


@pytest.mark.parametrize("query", ["year=20x4", "language=xx", "b_size=100000", "b_start=-1",
                                   "category=nope"])
def test_bad_input_is_a_400(testapp, demo, query):
    as_user(testapp, None)
    testapp.get(f"/bulletins?{query}", status=400)


def test_staff_see_the_same_published_list(testapp, bulletins):
    """The moderator may see private materials, but the menu's page is the public's."""
    as_user(testapp, "yerlan")
    page = testapp.get("/bulletins", headers=EN)
    assert "Bulletin private" not in page.text and "Bulletin 2" in page.text


def test_other_sections_are_unchanged(testapp, bulletins):
    page = testapp.get("/official-statistics/economy/industry", headers=EN)
    assert page.html.select_one("#materials-heading") is not None
    assert "Bulletin 2" in page.text and "Bulletin press" in page.text


def test_the_home_page_links_each_category_to_its_page(testapp, bulletins):
    home = testapp.get("/", headers=EN)
    more = {a["href"] for a in home.html.select("#latest-heading ~ .latest a.more")}
    assert {"http://localhost/bulletins/", "http://localhost/press-releases/"} <= more
