"""Search facets are kept up to date incrementally (each connection re-reads only the
ranges of docids whose persistent counters moved): the counts and the newest-first order
right after a publication, a withdrawal, a reindex (a renamed section), a removal, equal
a brute-force recount, in this process and in a second one on the same database (ZEO),
and after concurrent commits to the same range."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import transaction
from pyramid.threadlocal import manager
from webtest import TestApp

from statportal import clock
from statportal.content.paths import find_by_path
from statportal.content.registry import get_content_registry
from statportal.content.resources import ZODB_ROOT_KEY
from statportal.materials.catalog import get_catalog
from statportal.materials.facets import FlatFacets, shard_of
from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)
from statportal.workflow import fire, state_of

SECTIONS = ("/official-statistics/economy/industry", "/official-statistics/economy/prices",
            "/official-statistics/social/labour", "/official-statistics/environment")
CATEGORIES = ("latest_data", "press_release", "bulletin")
JSON = {"Accept": "application/json"}
QUERIES = ({}, {"SearchableText": "production"}, {"category": "bulletin"},
           {"section": "/official-statistics/economy", "year": "2024"})


def add_materials(app, count, seed=3, prefix="m"):
    """``count`` published materials in a few sections, categories and years."""
    rng = random.Random(seed)
    content = get_content_registry(app.registry)
    start = datetime(2020, 1, 1, 4, 0, tzinfo=UTC)
    with clock.frozen(start) as frozen, open_portal(app) as portal:
        for n in range(count):
            year = rng.randrange(2020, 2026)
            material = content.create(
                "Material", category=rng.choice(CATEGORIES),
                title={"kk": f"өндіріс {n}", "ru": f"производство {n}",
                       "en": f"{rng.choice(('production', 'prices'))} {n}"})
            material.period_start, material.period_end = date(year, 1, 1), date(year, 12, 31)
            find_by_path(portal, rng.choice(SECTIONS)).add(f"{prefix}{n}", material)
            frozen.set(start + timedelta(days=n, minutes=rng.randrange(600)))
            fire(None, material, "publish", system=True)


def recount(app, text=None, category=None, section=None, year=None):
    """What a search must answer, by walking every material (no index, no copy)."""
    with open_portal(app) as portal:
        materials = []
        stack = [portal["official-statistics"]]
        while stack:
            folder = stack.pop()
            for child in folder.values():
                if getattr(child, "__content_type__", None) == "Section":
                    stack.append(child)
                elif getattr(child, "__content_type__", None) == "Material":
                    materials.append(child)
        base = [m for m in materials if state_of(m, "material") == "published"
                and (not text or any(text in t for t in m.title.values()))]

        def sections_of(m):
            parts = m.__parent__
            found = []
            while getattr(parts, "__content_type__", None) == "Section":
                found.append("/" + "/".join(o.__name__ for o in reversed(list(_up(parts)))))
                parts = parts.__parent__
            return found

        def values(m, name):
            if name == "category":
                return [m.category]
            if name == "section":
                return sections_of(m)
            if name == "year":
                return list(range(m.period_start.year, m.period_end.year + 1))
            return m.available_languages()

        filters = {"category": category, "section": section,
                   "year": int(year) if year else None}
        wanted = {name: value for name, value in filters.items() if value}
        counts = {}
        for name in ("category", "section", "year", "language"):
            others = [m for m in base if all(value in values(m, other)
                                             for other, value in wanted.items()
                                             if other != name)]
            counts[name] = Counter(v for m in others for v in values(m, name))
        found = [m for m in base if all(value in values(m, name)
                                        for name, value in wanted.items())]
        found.sort(key=lambda m: m.published_at, reverse=True)
        return ({name: sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))[:20]
                 for name, c in counts.items()},
                len(found), [m.title["en"] for m in found[:25]])


def _up(obj):
    while obj is not None and obj.__name__:
        yield obj
        obj = obj.__parent__


def answered(client, params):
    data = client.get("/@search", params, headers=JSON).json
    facets = {name: [(f["value"], f["count"]) for f in values]
              for name, values in data["facets"].items()}
    return facets, data["items_total"], [item["title"]["en"] for item in data["items"]]


def assert_right(client, app):
    for params in QUERIES:
        expected = recount(app, text=params.get("SearchableText"),
                           category=params.get("category"), section=params.get("section"),
                           year=params.get("year"))
        assert answered(client, params) == expected, params


def material_at(app, path):
    with open_portal(app) as portal:
        return find_by_path(portal, path)


def change_each_way(app, client):
    """A publication, a withdrawal, a reindex of many (a renamed section) and a removal,
    each checked at once."""
    add_materials(app, 1, seed=99, prefix="new")
    yield "published"
    with open_portal(app) as portal:
        material = next(m for m in get_catalog(portal).objects.values()
                        if state_of(m, "material") == "published")
        fire(None, material, "withdraw", "Error in table 2", system=True)
    yield "withdrawn"
    with open_portal(app) as portal:
        find_by_path(portal, "/official-statistics/economy").rename("prices", "price-indices")
    yield "renamed"
    with open_portal(app) as portal:
        industry = find_by_path(portal, SECTIONS[0])
        industry.remove(next(iter(industry.keys())))
    yield "removed"


@pytest.fixture
def with_materials(app, demo):
    add_materials(app, 60)
    return app


def test_counts_right_after_each_change(with_materials):
    app = with_materials
    client = TestApp(app)
    assert_right(client, app)  # the copy is made
    for _change in change_each_way(app, client):
        assert_right(client, app)


def test_a_change_refreshes_only_its_ranges(with_materials):
    """What makes the first search after a publication cheap: one range re-read, and the
    copy is the same object, not made again."""
    app = with_materials
    db = app.registry._zodb_databases[""]
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            copy = FlatFacets.of(get_catalog(conn.root()[ZODB_ROOT_KEY]))
            stamps = list(copy.stamps)
        add_materials(app, 1, seed=7, prefix="one")
        with tm:  # the connection's next transaction sees the commit
            catalog = get_catalog(conn.root()[ZODB_ROOT_KEY])
            assert FlatFacets.of(catalog) is copy
            moved = [n for n, (old, new) in enumerate(zip(stamps, copy.stamps, strict=True))
                     if old != new]
            docid = next(d for d, m in catalog.objects.items() if m.__name__ == "one0")
            assert moved == [shard_of(docid)]
            full = FlatFacets(catalog)
            assert {k: list(v) for k, v in copy.sets.items() if v} == \
                {k: list(v) for k, v in full.sets.items() if v}
            assert copy.order == full.order and list(copy.every) == list(full.every)
    finally:
        conn.close()


def test_concurrent_commits_to_one_range_are_both_seen(with_materials, monkeypatch):
    """Two transactions change materials of the same range at once; the counters resolve
    (no conflict) and a copy made before both refreshes to the state after both."""
    from statportal.materials.catalog import MaterialCatalog

    app = with_materials
    docids = iter(range(1000, 2000))  # two new materials, in range 0 both
    monkeypatch.setattr(MaterialCatalog, "_new_docid", lambda self: next(docids))
    add_materials(app, 2, seed=5, prefix="same")
    db = app.registry._zodb_databases[""]
    client = TestApp(app)
    assert_right(client, app)
    reader_tm = transaction.TransactionManager(explicit=True)
    reader = db.open(transaction_manager=reader_tm)
    with reader_tm:
        FlatFacets.of(get_catalog(reader.root()[ZODB_ROOT_KEY]))
    managers = [transaction.TransactionManager(explicit=True) for _ in range(2)]
    conns = [db.open(transaction_manager=tm) for tm in managers]
    manager.push({"registry": app.registry, "request": None})  # what the indexes read
    try:
        # Changes that touch no index set in common (a category, a period), or the
        # small sets of this test would conflict themselves (a retry, as any write's).
        for conn, tm, docid in zip(conns, managers, (1000, 1001), strict=True):
            tm.begin()
            catalog = get_catalog(conn.root()[ZODB_ROOT_KEY])
            material = catalog.objects[docid]
            if docid == 1000:
                material.category = "compilation"
            else:
                material.period_start, material.period_end = date(2030, 1, 1), date(2030, 12, 31)
            catalog.index(material)
        for tm in managers:
            tm.commit()  # the second one's counter is resolved, not a ConflictError
    finally:
        manager.pop()
        for conn in conns:
            conn.close()
    try:
        with reader_tm:
            catalog = get_catalog(reader.root()[ZODB_ROOT_KEY])
            copy = FlatFacets.of(catalog)
            full = FlatFacets(catalog)
            assert {k: list(v) for k, v in copy.sets.items() if v} == \
                {k: list(v) for k, v in full.sets.items() if v}
            assert list(copy.sets[("category", "compilation")]) == [1000]
            assert list(copy.sets[("years", 2030)]) == [1001]
    finally:
        reader.close()
    assert_right(client, app)


def caught_up(app):
    """ZEO sends a process the other's invalidations asynchronously: one round trip to
    the server makes sure they have arrived (as they have for any later request)."""
    app.registry._zodb_databases[""].storage.server_status()


@pytest.fixture
def two_processes(tmp_path, zeo):
    from statportal.demo import add_demo_content

    apps = [make_app(make_settings(tmp_path / name, **{"zodbconn.uri": zeo}))
            for name in ("a", "b")]
    with open_portal(apps[0]) as portal:
        add_demo_content(apps[0].registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    add_materials(apps[0], 40)
    caught_up(apps[1])
    yield apps
    for app in apps:
        close_app(app)


def test_another_process_counts_right_after_each_change(two_processes):
    a, b = two_processes
    client_b = TestApp(b)
    assert_right(client_b, b)  # b's copy is made
    for _change in change_each_way(a, TestApp(a)):
        caught_up(b)
        assert_right(client_b, b)
    # and through the web: a moderator withdraws in a, the public searches in b
    client_a = TestApp(a)
    client_a.authorization = basic_auth("yerlan")
    path = client_a.get("/@search", headers=JSON).json["items"][0]["@id"].replace(
        "http://localhost", "")
    client_a.post_json(f"/++api++{path}/@workflow/withdraw", {"comment": "Wrong table"},
                       status=200)
    caught_up(b)
    assert_right(client_b, b)
    assert path not in str(client_b.get("/@search", headers=JSON).json["items"])


def test_search_and_listings_show_only_what_the_visitor_may_view(with_materials):
    """The listings ask the catalog's index of the principals allowed to view: published
    materials that only moderators may view (their ACL changed by a script, indexed
    again) leave the public's search and listings, as they answer the public 403."""
    from pyramid.authorization import Allow, Deny, Everyone

    from statportal.security.permissions import VIEW
    from statportal.security.roles import role_principal

    app = with_materials
    client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
    before = client.get("/@search", headers=JSON).json["items_total"]
    with open_portal(app) as portal:
        prices = find_by_path(portal, SECTIONS[1])
        catalog = get_catalog(portal)
        hidden = {m.title["en"] for m in prices.values()}
        for material in prices.values():
            material.__acl__ = [(Allow, role_principal("Moderator"), VIEW),
                                (Deny, Everyone, VIEW)]
            catalog.index(material)
        one = f"{SECTIONS[1]}/{next(iter(prices.keys()))}"
    assert hidden
    client.get(one, headers={"Accept": "text/html"}, status=(302, 403, 404))  # to log in
    data = client.get("/@search", headers=JSON).json
    assert data["items_total"] == before - len(hidden)
    assert not hidden & {item["title"]["en"] for item in data["items"]}
    assert SECTIONS[1] not in [f["value"] for f in data["facets"]["section"]]
    page = client.get("/official-statistics/economy/", headers={"Accept": "text/html"})
    assert not [title for title in hidden if f">{title}<" in page.text]
    assert not [title for title in hidden if title in client.get("/").text]
    client.authorization = basic_auth("yerlan")  # a moderator still finds them
    data = client.get("/@search", {"b_size": "100"}, headers=JSON).json
    assert data["items_total"] == before
    assert hidden <= {item["title"]["en"] for item in data["items"]}
