"""At a realistic volume (the demo and 2,000 materials with tables of decimal values, in
every section, most published) and after a mix of changes a portal sees — publications
and withdrawals through the API, a renamed section, a material moved to another section,
deletions of materials and of a section with its materials, local roles granted and
revoked — search answers what a brute-force walk answers (totals, the first page, every
facet's counts) for the public and for signed-in users, and the catalog's allowed index
answers what the policy answers object by object for a sample of users."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from pyramid.authorization import Allow, Deny, Everyone
from pyramid.request import Request
from webtest import TestApp

from statportal import clock
from statportal.content.catalog import allowed_principals
from statportal.content.paths import find_by_path, path_of
from statportal.content.registry import get_content_registry
from statportal.files import StoredFile
from statportal.materials.catalog import get_catalog
from statportal.security.permissions import VIEW
from statportal.security.roles import role_principal
from statportal.testing import (
    DEMO_PASSWORD,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)
from statportal.workflow import fire, state_of
from tests.helpers.samples import xlsx_table

TOTAL = 2000
FACETS = ("category", "section", "year", "language")
SAMPLE = (None, "serik", "yerlan", "aigerim", "dana", "admin")
QUERIES = ({}, {"SearchableText": "zqprices"}, {"category": "bulletin"},
           {"section": "/official-statistics/economy", "year": "2021"},
           {"language": "en", "category": "press_release"})


def sections_of(portal):
    found, stack = [], [portal["official-statistics"]]
    while stack:
        folder = stack.pop()
        found.append(folder)
        stack.extend(c for c in folder.values()
                     if getattr(c, "__content_type__", None) == "Section")
    return found


def tables(rng, count=20):
    """Workbooks of decimal values (some written as text with a comma, as offices do)."""
    return [xlsx_table([("Region", "Value", "Share"), *[
        (f"Region {r}", rng.randrange(100, 99999) + rng.randrange(10) / 10,
         f"{rng.randrange(1, 99)},{rng.randrange(100):02d}") for r in range(12)]])
        for _ in range(count)]


@pytest.fixture(scope="module")
def portal_at_volume(tmp_path_factory):
    from statportal.demo import add_demo_content

    app = make_app(make_settings(tmp_path_factory.mktemp("volume")))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    content = get_content_registry(app.registry)
    rng = random.Random(17)
    workbooks = tables(rng)
    start = datetime(2016, 1, 1, 4, 0, tzinfo=UTC)
    with clock.frozen(start) as frozen:
        for batch in range(0, TOTAL, 500):
            with open_portal(app) as portal:
                sections = sections_of(portal)
                for n in range(batch, batch + 500):
                    year = rng.randrange(2016, 2027)
                    languages = rng.choice((["kk", "ru", "en"], ["kk", "ru"], ["ru"]))
                    material = content.create(
                        "Material", category=rng.choice(("latest_data", "press_release",
                                                         "bulletin")),
                        title={lang: f"{rng.choice(('zqoutput', 'zqprices', 'zqwages'))} {n}"
                               for lang in languages})
                    material.languages = languages
                    material.period_start, material.period_end = (date(year, 1, 1),
                                                                  date(year, 12, 31))
                    material.files.append(StoredFile(f"table-{n}.xlsx", rng.choice(workbooks),
                                                     "xlsx", language=languages[-1]))
                    rng.choice(sections).add(f"m{n:05d}", material)
                    frozen.set(start + timedelta(hours=n * 5))
                    # its table needs no basis (issue 15: presumed primary data otherwise)
                    material.primary_data = False
                    material.primary_data_reason = "Administrative data"
                    if rng.random() < 0.8:
                        try:
                            fire(None, material, "publish", system=True)
                        except Exception as exc:
                            raise AssertionError(getattr(exc, "findings", exc)) from exc
    yield app
    close_app(app)


def request_as(app, portal, login):
    request = Request.blank("/")
    request.registry = app.registry
    request._statportal_portal = portal
    request.context = portal
    request._statportal_identity = portal["principals"]["users"][login] if login else None
    return request


def every_material(portal):
    found = []
    for section in sections_of(portal):
        found.extend(c for c in section.values()
                     if getattr(c, "__content_type__", None) == "Material")
    return found


def recount(app, login, text=None, category=None, section=None, year=None, language=None):
    """What a search must answer to ``login``, by walking the tree and asking the policy."""
    with open_portal(app) as portal:
        request = request_as(app, portal, login)
        base = [m for m in every_material(portal)
                if state_of(m, "material") == "published" and request.has_permission(VIEW, m)
                and (not text or any(text in t for t in m.title.values()))]

        def values(m, name):
            if name == "category":
                return [m.category]
            if name == "section":
                found, parent = [], m.__parent__
                while getattr(parent, "__content_type__", None) == "Section":
                    found.append(path_of(parent))
                    parent = parent.__parent__
                return found
            if name == "year":
                return list(range(m.period_start.year, m.period_end.year + 1))
            return m.available_languages()

        wanted = {name: value for name, value in (
            ("category", category), ("section", section),
            ("year", int(year) if year else None), ("language", language)) if value}
        counts = {}
        for name in FACETS:
            others = [m for m in base if all(value in values(m, other)
                                             for other, value in wanted.items() if other != name)]
            counts[name] = sorted(Counter(v for m in others for v in values(m, name)).items(),
                                  key=lambda kv: (-kv[1], str(kv[0])))[:20]
        found = [m for m in base if all(v in values(m, n) for n, v in wanted.items())]
        found.sort(key=lambda m: m.published_at, reverse=True)
        return counts, len(found), [path_of(m) for m in found[:25]]


def answered(app, login, params):
    client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
    client.authorization = basic_auth(login) if login else None
    data = client.get("/@search", params, headers={"Accept": "application/json"}).json
    facets = {name: [(f["value"], f["count"]) for f in values]
              for name, values in data["facets"].items()}
    return facets, data["items_total"], [i["@id"].replace("http://localhost", "")
                                          for i in data["items"]]


def assert_search_right(app):
    for login in SAMPLE:
        for params in QUERIES:
            expected = recount(app, login, text=params.get("SearchableText"),
                               category=params.get("category"), section=params.get("section"),
                               year=params.get("year"), language=params.get("language"))
            assert answered(app, login, params) == expected, (login, params)


def assert_index_matches_policy(app):
    with open_portal(app) as portal:
        catalog = get_catalog(portal)
        materials = {id(m): m for m in every_material(portal)}
        assert len(catalog) == len(materials)
        for login in SAMPLE:
            request = request_as(app, portal, login)
            by_index = set(catalog.allowed_ids(allowed_principals(request)))
            by_policy = {docid for docid in catalog.members
                         if request.has_permission(VIEW, catalog.resolve(docid))}
            assert by_index == by_policy, (login, len(by_index ^ by_policy))


def change_a_lot(app):
    """The mix of changes; returns how many of each."""
    rng = random.Random(23)
    admin = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                        "REMOTE_ADDR": "127.0.0.1"})
    admin.authorization = basic_auth("admin")
    with open_portal(app) as portal:
        everything = [(path_of(m), state_of(m, "material")) for m in every_material(portal)]
    rng.shuffle(everything)
    published = [p for p, s in everything if s == "published"][:40]
    private = [p for p, s in everything if s == "private"][:40]
    for path in published[:30]:
        admin.post_json(f"/++api++{path}/@workflow/withdraw", {"comment": "Corrected"})
    for path in private[:30]:
        admin.post_json(f"/++api++{path}/@workflow/publish", {})
    for path in published[30:]:
        admin.delete(f"/++api++{path}", status=204)
    # A section renamed, a material moved to another section, a section removed whole.
    with open_portal(app) as portal:
        find_by_path(portal, "/official-statistics/economy").rename("prices", "price-indices")
        labour = find_by_path(portal, "/official-statistics/social/labour")
        moved = next(n for n, c in labour.items()
                     if getattr(c, "__content_type__", None) == "Material")
        material = labour.remove(moved)
        find_by_path(portal, "/official-statistics/environment").add(moved, material)
        # and a few materials only moderators may view (a script changed their ACL)
        industry = find_by_path(portal, "/official-statistics/economy/industry")
        for material in [c for c in industry.values()
                         if getattr(c, "__content_type__", None) == "Material"][:15]:
            material.__acl__ = [(Allow, role_principal("Moderator"), VIEW),
                                (Deny, Everyone, VIEW)]
            get_catalog(portal).index(material)
    admin.delete("/++api++/official-statistics/social/population?confirm=1", status=(204,))
    for principal, path in (("user:serik", "/official-statistics/economy/industry"),
                            ("user:aigerim", "/official-statistics/economy")):
        admin.post_json(f"/++api++{path}/@sharing", {"principal": principal,
                                                     "grant": ["Moderator"]})
    admin.post_json("/++api++/official-statistics/economy/@sharing",
                    {"principal": "user:aigerim", "revoke": ["Moderator"]})


def test_search_and_the_allowed_index_right_after_a_mix_of_changes(portal_at_volume):
    app = portal_at_volume
    assert_search_right(app)            # the connections' copies made
    assert_index_matches_policy(app)
    change_a_lot(app)
    assert_search_right(app)
    assert_index_matches_policy(app)
    with open_portal(app) as portal:   # not vacuous: the changes show
        assert find_by_path(portal, "/official-statistics/economy/price-indices")
        assert "population" not in portal["official-statistics"]["social"]
        assert len(get_catalog(portal)) > TOTAL - 200
