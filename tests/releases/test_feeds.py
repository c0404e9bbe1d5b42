"""Feeds (issue 21): a section's RSS and Atom with its sub-sections, the calendar's Atom,
read by a real feed parser; a scheduled material is in no feed before its second and in
its section's feeds (and those above) after the worker's release pass."""

import re
import uuid
from datetime import timedelta

import feedparser
import pytest

from statportal.releases.worker import run_releases
from statportal.testing import basic_auth, login_html
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo import RELEASE
from tests.helpers.placement import new_request, run_chain

ECONOMY = "/official-statistics/economy"


@pytest.fixture
def published(testapp, demo, frozen):
    """Two materials placed at once (no release) in the economy's industry section: an
    express information and a press release; their paths."""
    paths = []
    for category, en in (("express_information", "Industrial production, October 2026"),
                         ("press_release", "Industry grew by 4.1 per cent")):
        url = new_request(testapp, category=category, title={
            "kk": f"Өнеркәсіп: {en}", "ru": f"Промышленность: {en}", "en": en})
        run_chain(testapp, url)
        paths.append(testapp.get(url).json["material"])
        frozen.advance(minutes=5)
    testapp.authorization = None
    return paths


def parse(response):
    feed = feedparser.parse(response.body)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def links(feed):
    return [entry.link.replace("http://localhost", "").rstrip("/") for entry in feed.entries]


def test_section_feeds_embargo_and_release(app, testapp, published, scheduled, frozen):
    material, _entry = scheduled
    testapp.authorization = None
    for kind, version in (("rss", "rss20"), ("atom", "atom10")):
        response = testapp.get(f"{ECONOMY}/@{kind}")
        assert response.content_type == f"application/{kind}+xml"
        feed = parse(response)
        assert feed.version == version
        assert material not in links(feed)
        # the economy's sub-sections' published materials are in it, newest first
        assert links(feed) == published[::-1]   # from the sub-section, newest first
    frozen.set(RELEASE + timedelta(seconds=1))
    run_releases(app.registry)
    for url in (f"{ECONOMY}/@rss", f"{ECONOMY}/industry/@atom?lang=ru",
                "/official-statistics/@atom"):
        assert material in links(parse(testapp.get(url))), url


def test_language_category_and_bad_parameters(app, testapp, published):
    ru = parse(testapp.get(f"{ECONOMY}/@atom?lang=ru"))
    kk = parse(testapp.get(f"{ECONOMY}/@atom?lang=kk"))
    assert ru.feed.language == "ru" and kk.feed.language == "kk"
    assert ru.entries[0].title.startswith("Промышленность:")
    assert kk.entries[0].title.startswith("Өнеркәсіп:")
    every = parse(testapp.get(f"{ECONOMY}/@atom"))   # Atom: the code and its title
    assert {(entry.tags[0].term, entry.tags[0].label) for entry in every.entries} == {
        ("press_release", "Press release"), ("express_information", "Express information")}
    only = parse(testapp.get(f"{ECONOMY}/@rss?category=press_release"))  # RSS: the title
    assert links(only) == [published[1]] and only.entries[0].tags[0].term == "Press release"
    # a category's page of the menu has its category's feed, from every section
    assert links(parse(testapp.get("/press-releases/@atom"))) == [published[1]]
    bad = testapp.get(f"{ECONOMY}/@rss?category=gossip", status=400)
    assert bad.json["errors"][0]["field"] == "category"
    bad = testapp.get(f"{ECONOMY}/@atom?lang=de", status=400)
    assert bad.json["errors"][0]["field"] == "lang"
    testapp.get("/calendar/@atom?lang=de", status=400)
    # the reader that has the feed gets a 304
    first = testapp.get(f"{ECONOMY}/@atom")
    testapp.get(f"{ECONOMY}/@atom", headers={"If-None-Match": first.headers["ETag"]},
                status=304)


def test_calendar_feed_and_the_pages_link_to_the_feeds(app, testapp, scheduled):
    material, entry = scheduled
    add_entry(testapp, status="provisional", release_at="2027-02")
    testapp.authorization = None
    feed = parse(testapp.get("/calendar/@atom?lang=en"))
    assert f"http://localhost{entry}" in [item.link for item in feed.entries]
    assert all(material not in item.link for item in feed.entries)
    assert feed.entries[0].title.count(" — ") == 1   # the title and the announced time
    # review: a provisional month in words as on the calendar's page, with its status
    provisional = [item.title for item in feed.entries if "(Provisional)" in item.title]
    assert provisional and not any(re.search(r"\d{4}-\d\d", item.title)
                                   for item in feed.entries)
    assert provisional == ["Consumer price index, November 2026 — February 2027 "
                           "(Provisional)"]
    # the pages link to their feeds in the page's language (review: a feed reader sends
    # no language cookie, so the language is in the address)
    testapp.set_cookie("_LOCALE_", "ru")
    page = testapp.get(ECONOMY, headers={"Accept": "text/html"})
    types = {link["type"]: link["href"] for link in page.html.select('link[rel="alternate"]')}
    assert types == {"application/rss+xml": f"http://localhost{ECONOMY}/@rss?lang=ru",
                     "application/atom+xml": f"http://localhost{ECONOMY}/@atom?lang=ru"}
    # and show them: a person sees no <link> in the head (R1)
    shown = {link["type"]: link["href"] for link in page.html.select("main p.follow a")}
    assert shown == types
    calendar = testapp.get("/calendar", headers={"Accept": "text/html"})
    assert calendar.html.select("main p.follow a")
    assert calendar.html.select_one('link[rel="alternate"][type="application/atom+xml"]'
                                    )["href"] == "http://localhost/calendar/@atom?lang=ru"
    portal_ru = page.html.title.string.rsplit(" — ", 1)[1]
    assert portal_ru and portal_ru != "statportal"
    testapp.reset()   # the reader: no cookie; it gets the feed the page linked to
    for href in (types["application/atom+xml"], "http://localhost/calendar/@atom?lang=ru"):
        feed = parse(testapp.get(href))
        assert feed.feed.language == "ru"
        # RFC 4287 4.1.1: the feed names its author (its entries name none): the portal
        assert feed.feed.author_detail.name == portal_ru


def test_an_entry_keeps_its_id_when_its_section_is_renamed(app, testapp, published):
    """Review: an entry's id is the material's uid (a valid urn:uuid), not its address,
    so a renamed or moved section does not make readers show its materials again."""
    before = parse(testapp.get(f"{ECONOMY}/@atom"))
    ids = [entry.id for entry in before.entries]
    assert all(uuid.UUID(entry_id).urn == entry_id for entry_id in ids)
    assert parse(testapp.get(f"{ECONOMY}/@rss")).entries[0].id == ids[0]   # the RSS guid
    login_html(testapp, "admin")
    form = testapp.get(f"{ECONOMY}/@@rename?name=industry",
                       headers={"Accept": "text/html"}).forms["rename-form"]
    form["new_name"] = "manufacturing"
    form.submit().follow()
    testapp.reset()
    after = parse(testapp.get(f"{ECONOMY}/@atom"))
    assert [entry.id for entry in after.entries] == ids
    assert all("/manufacturing/" in link for link in links(after)) and links(after)


def test_a_control_character_in_a_description_does_not_break_the_feed(app, testapp,
                                                                      published):
    """Review: a description pasted from a word processor may hold a vertical tab (its
    line break, written as a space) or another control character XML cannot carry (dropped);
    the feed does not answer 500 for the section and every section above."""
    testapp.authorization = basic_auth("admin")
    testapp.patch_json(f"/++api++{published[0]}", {"description": {
        "en": "First line\x0bsecond line\x00.", "kk": "", "ru": ""}})
    testapp.authorization = None
    for url in (f"{ECONOMY}/@rss?lang=en", "/official-statistics/@atom?lang=en"):
        feed = parse(testapp.get(url))
        [entry] = [item for item in feed.entries if item.link.rstrip("/").endswith(
            published[0])]
        assert entry.summary == "First line second line."
