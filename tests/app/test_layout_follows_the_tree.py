"""A page's navigation, breadcrumbs and sub-section list are kept per state of the content
tree for anonymous visitors (computed once, not per request), and still follow every
change at once: in the same process and in another process on the same database (ZEO),
per language, and never showing an anonymous visitor what only staff may see."""

import re

import pytest
from pyramid.authorization import Allow, Deny, Everyone
from webtest import TestApp

from statportal.content.events import ObjectModified, tree_serial
from statportal.interfaces import ILayoutCache
from statportal.security.permissions import VIEW
from statportal.security.roles import role_principal
from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    last_transaction,
    login_html,
    make_app,
    make_settings,
    open_portal,
)
from statportal.views.layout import LayoutCache
from tests.helpers.materials import add, publish

HTML = {"Accept": "text/html"}
ECONOMY = "/official-statistics/economy/"


def public(app, lang="en"):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": lang, "REMOTE_ADDR": "127.0.0.1"})


def block(page, css_class):
    found = re.search(rf'<nav class="{css_class}".*?</nav>', page.text, re.S)
    return found.group(0) if found else ""


def links(html):
    """``[(path, text)]`` of the anchors in a piece of HTML."""
    return [(href.replace("http://localhost", ""), text.strip())
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(?:<strong>)?([^<]*)', html)]


def nav(page):
    return links(block(page, "sections"))


def sub_sections(page):
    found = re.search(r'<ul class="cards">.*?</ul>', page.text, re.S)
    return links(found.group(0)) if found else []


def add_section(client, parent, name, title, login="admin"):
    client.authorization = basic_auth(login)
    client.post_json(f"/++api++{parent}", {"@type": "Section", "id": name,
                                          "title": {"en": title}}, status=201)
    client.authorization = None


def test_a_new_section_shows_at_once_and_a_removed_one_goes(app, demo):
    client = public(app)
    for _ in range(2):  # the second answer comes from the kept navigation
        page = client.get(ECONOMY, headers=HTML)
        assert (f"{ECONOMY}monthly/", "Monthly statistics") not in nav(page)
    add_section(client, ECONOMY, "monthly", "Monthly statistics")
    page = client.get(ECONOMY, headers=HTML)
    assert (f"{ECONOMY}monthly/", "Monthly statistics") in nav(page)
    assert (f"{ECONOMY}monthly/", "Monthly statistics") in sub_sections(page)
    # A page below the section (a sub-section's) has it too, with its own crumbs.
    page = client.get(f"{ECONOMY}monthly/", headers=HTML)
    assert links(block(page, "breadcrumbs"))[-2:] == [
        (ECONOMY, "Economy"), (f"{ECONOMY}monthly/", "Monthly statistics")]
    assert 'aria-current="page">Monthly statistics' in block(page, "sections")

    client.authorization = basic_auth("admin")
    client.delete(f"/++api++{ECONOMY}monthly", status=204)
    client.authorization = None
    page = client.get(ECONOMY, headers=HTML)
    assert "Monthly statistics" not in page.text


def test_a_renamed_and_a_moved_section_show_their_new_place(app, demo):
    client = public(app)
    order = [title for _path, title in nav(client.get(ECONOMY, headers=HTML))]
    assert order.index("Prices") > order.index("Industrial production")
    login_html(client, "admin")
    page = client.get(f"{ECONOMY}@@contents", headers=HTML)
    move = next(f for f in page.forms.values()
                if f.action.endswith("@@move") and f["name"].value == "prices")
    move.submit("direction", value="up").follow()
    form = client.get(f"{ECONOMY}@@rename?name=trade", headers=HTML).forms["rename-form"]
    form["new_name"] = "domestic-trade"
    form.submit().follow()
    client.reset()  # anonymous again
    entries = nav(client.get(ECONOMY, headers=HTML))
    titles = [title for _path, title in entries]
    assert titles.index("Prices") == order.index("Prices") - 1
    assert (f"{ECONOMY}domestic-trade/", "Trade") in entries
    assert (f"{ECONOMY}trade/", "Trade") not in entries


def test_an_edited_title_shows_everywhere_at_once(app, demo):
    client = public(app)
    client.get(f"{ECONOMY}industry/", headers=HTML)
    client.authorization = basic_auth("admin")
    client.patch_json(f"/++api++{ECONOMY}", {"title": {"en": "The economy"}}, status=200)
    client.authorization = None
    page = client.get(f"{ECONOMY}industry/", headers=HTML)
    assert (ECONOMY, "The economy") in nav(page)
    assert (ECONOMY, "The economy") in links(block(page, "breadcrumbs"))


def hide_from_public(app, path):
    """A section only moderators may view (an explicit ACL), changed as a script would:
    with the event that says so."""
    with open_portal(app) as portal:
        section = portal
        for name in path.strip("/").split("/"):
            section = section[name]
        section.__acl__ = [(Allow, role_principal("Moderator"), VIEW), (Deny, Everyone, VIEW)]
        app.registry.notify(ObjectModified(section, ("__acl__",)))


@pytest.mark.parametrize("staff_first", [True, False])
def test_anonymous_never_sees_what_only_staff_may_see(app, demo, staff_first):
    hide_from_public(app, f"{ECONOMY}prices")
    hidden = (f"{ECONOMY}prices/", "Prices")
    staff, anonymous = public(app), public(app)
    staff.authorization = basic_auth("yerlan")
    for client in ((staff, anonymous) if staff_first else (anonymous, staff)) * 2:
        page = client.get(ECONOMY, headers=HTML)
        if client is staff:
            assert hidden in nav(page) and hidden in sub_sections(page)
            assert "Ерлан Төлеуов" in page.text  # the user menu is the user's own
        else:
            assert hidden not in nav(page) and hidden not in sub_sections(page)
            assert "Ерлан Төлеуов" not in page.text and "/logout" not in page.text
    anonymous.get(f"{ECONOMY}prices/", headers=HTML, status=(302, 403, 404))


def test_a_withdrawn_material_leaves_the_listings_at_once(app, demo, frozen):
    client = public(app)
    path = add(client, title={"kk": "Өнеркәсіп өндірісі, 2026 қараша",
                              "ru": "Промышленное производство, ноябрь 2026",
                              "en": "Industrial production, November 2026"})
    publish(client, path)
    client.authorization = None
    section = path.rsplit("/", 1)[0] + "/"
    for url in (section, "/"):
        assert "Industrial production, November 2026" in client.get(url, headers=HTML).text
    client.authorization = basic_auth("yerlan")
    client.post_json(f"/++api++{path}/@workflow/withdraw", {"comment": "Error in table 2"},
                     status=200)
    client.authorization = None
    for url in (section, "/", "/search?SearchableText=November"):
        assert "Industrial production, November 2026" not in client.get(url, headers=HTML).text


def test_a_language_switch_shows_that_language(app, demo):
    client = public(app, lang="en")
    page = client.get(ECONOMY, headers=HTML)
    assert (ECONOMY, "Economy") in nav(page)
    for lang, economy in (("ru", "Экономика"), ("kk", "Экономика"), ("en", "Economy")):
        client.get("/@@set-language", {"lang": lang, "came_from": ECONOMY}, status=302)
        page = client.get(ECONOMY, headers=HTML)
        assert f'<html lang="{lang}"' in page.text
        assert (ECONOMY, economy) in nav(page)
        crumbs = links(block(page, "breadcrumbs"))
        assert crumbs[-1] == (ECONOMY, economy)
        switch = block(page, "languages")
        current = re.findall(r'<a href="[^"]*" lang="(\w+)"[^>]*aria-current="true"', switch)
        assert current == [lang]
        assert switch.count(f"came_from={ECONOMY.replace('/', '%2F')}") == 3
    page = client.get("/official-statistics/", headers=HTML)
    assert (ECONOMY, "Economy") in nav(page)
    client.get("/@@set-language", {"lang": "ru", "came_from": "/"}, status=302)
    page = client.get("/official-statistics/", headers=HTML)
    assert (ECONOMY, "Экономика") in nav(page)
    assert ("/official-statistics/social/", "Социальная статистика") in nav(page)


def test_pages_write_nothing_and_a_writing_transaction_keeps_nothing(app, demo):
    client = public(app)
    before = last_transaction(app)
    for url in ("/", ECONOMY, f"{ECONOMY}industry/", "/no-such-page"):
        for _ in range(2):
            client.get(url, headers=HTML, status="*")
    assert last_transaction(app) == before
    cache = app.registry.getUtility(ILayoutCache)
    assert cache.entries  # the anonymous pages were kept …
    with open_portal(app) as portal:
        kept = tree_serial(portal)
        assert kept is not None
        add_demo_section = portal["official-statistics"]
        add_demo_section.title = {**add_demo_section.title, "en": "Statistics"}
        app.registry.notify(ObjectModified(add_demo_section, ("title",)))
        assert tree_serial(portal) is None  # … but not what a writing transaction sees
    with open_portal(app) as portal:
        assert tree_serial(portal) not in (None, kept)


def test_the_cache_stays_bounded():
    cache = LayoutCache(max_entries=3)
    for n in range(10):
        assert cache.get("s1", n, lambda n=n: [n]) == [n]
        assert len(cache.entries) <= 3
    assert cache.get("s2", 9, lambda: ["new"]) == ["new"]  # another state: computed again
    assert list(cache.entries) == [("s2", 9)]


@pytest.fixture
def two_processes(tmp_path, zeo):
    """Two web processes (two applications) on one ZEO server, with the demo content."""
    from statportal.demo import add_demo_content

    apps = [make_app(make_settings(tmp_path / name, **{"zodbconn.uri": zeo}))
            for name in ("a", "b")]
    with open_portal(apps[0]) as portal:
        add_demo_content(apps[0].registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    caught_up(apps[1])  # b sees the demo before its first page (else a 404, now and then)
    yield apps
    for app in apps:
        close_app(app)


def caught_up(app):
    """ZEO sends a process the other's invalidations asynchronously: one round trip to
    the server makes sure they have arrived (as they have for any later request)."""
    app.registry._zodb_databases[""].storage.server_status()


def test_another_process_shows_a_change_at_once(two_processes):
    a, b = (public(app) for app in two_processes)
    for _ in range(2):
        assert "Monthly statistics" not in b.get(ECONOMY, headers=HTML).text
    add_section(a, ECONOMY, "monthly", "Monthly statistics")
    caught_up(two_processes[1])
    page = b.get(ECONOMY, headers=HTML)
    assert (f"{ECONOMY}monthly/", "Monthly statistics") in nav(page)
    assert (f"{ECONOMY}monthly/", "Monthly statistics") in sub_sections(page)
    a.authorization = basic_auth("admin")
    a.patch_json(f"/++api++{ECONOMY}monthly", {"title": {"en": "Monthly"}}, status=200)
    caught_up(two_processes[1])
    assert (f"{ECONOMY}monthly/", "Monthly") in nav(b.get(ECONOMY, headers=HTML))
    a.delete(f"/++api++{ECONOMY}monthly", status=204)
    caught_up(two_processes[1])
    assert "Monthly" not in block(b.get(ECONOMY, headers=HTML), "sections")


def test_dates_are_kept_per_language(app):
    from datetime import UTC, datetime

    from pyramid.testing import DummyRequest

    from statportal.i18n import format_date
    from statportal.views.layout import Layout

    when = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)  # already 1 December in Almaty
    shown = {}
    for lang in ("en", "ru", "kk", "en"):
        request = DummyRequest()
        request.registry, request.locale_name = app.registry, lang
        shown.setdefault(lang, set()).add(Layout(None, request).date(when))
        assert shown[lang] == {format_date(request, when)}
    assert len({next(iter(v)) for v in shown.values()}) == 3
    assert "1" in shown["en"].pop() and "2026" in shown["ru"].pop()
