"""The demo's Taldau indicators (statportal.demo.data): there after ``add_demo_content``,
public, one month embargoed for the calendar's CPI release, confidential cells valueless."""

from datetime import date

import numpy as np
import pytest

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal

PATHS = {"cpi": "/data/economy/prices/cpi",
         "grp": "/data/economy/national-accounts/grp",
         "population": "/data/social/population/population",
         "wages": "/data/social/labour/wages"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from statportal.demo import add_demo_content

    app = make_app(make_settings(tmp_path_factory.mktemp("demo-data")))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    yield app
    close_app(app)


def find(portal, path):
    from statportal.content.paths import find_by_path

    return find_by_path(portal, path)


def test_the_demo_has_its_topics_and_indicators_in_three_languages(demo):
    from statportal.demo.sections import SECTIONS

    with open_portal(demo) as portal:
        for path in ("/data/economy", "/data/economy/prices", "/data/social/labour"):
            topic = find(portal, path)
            assert topic.__content_type__ == "DataTopic"
            section = find(portal, topic.section)
            assert section.__content_type__ == "Section"
            assert topic.title == section.title  # it mirrors the section
        assert portal["data"]["economy"]["prices"].section == \
            "/official-statistics/economy/prices"
        assert SECTIONS  # the sections the topics mirror
        for name, path in PATHS.items():
            indicator = find(portal, path)
            assert indicator.__content_type__ == "Indicator", name
            for field in ("title", "definition", "unit_of_measure", "source"):
                value = getattr(indicator, field)
                assert all(value.get(lang) for lang in ("kk", "ru", "en")), (name, field)
            assert find(portal, indicator.section).__content_type__ == "Section"
            assert find(portal, indicator.unit).__content_type__ == "OrgUnit"
            regions = indicator.member_codes("region")
            assert len(regions) == 21 and regions[0] == "KZ"  # 17 regions, 3 cities
            hierarchy = indicator.dimension("region")["hierarchy"]
            assert {m["parent"] for m in hierarchy[1:]} == {"KZ"}


def test_every_demo_indicator_has_public_data_up_to_a_recent_period(demo):
    from statportal import clock
    from statportal.taldau.cube import cube_of
    from statportal.taldau.periods import ordinal

    today = clock.now().date()
    month = today.year * 12 + today.month - 1
    with open_portal(demo) as portal:
        first = {"cpi": ordinal("2019-01", "monthly"), "wages": ordinal("2019-01", "monthly"),
                 "grp": ordinal("2019-Q1", "quarterly"), "population": 2019}
        last = {"cpi": month - 2, "wages": month - 2, "population": today.year}
        for name, path in PATHS.items():
            cube = cube_of(demo.registry, find(portal, path))
            assert cube is not None, name
            assert np.count_nonzero(~np.isnan(cube.values)) > 400, name
            assert cube.periods[0] == first[name], name
            assert cube.periods[-1] == last.get(name, cube.periods[-1]), name
        # one decimal as published: 108.4, not 108.4000001
        cpi = cube_of(demo.registry, find(portal, PATHS["cpi"]))
        assert np.allclose(cpi.values, np.round(cpi.values, 1))
        assert 100 < np.nanmin(cpi.values) and np.nanmax(cpi.values) < 140


def test_the_embargoed_cpi_month_is_the_staffs_until_its_release(demo):
    from statportal.releases.embargo import waits
    from statportal.taldau.cube import cube_of
    from statportal.taldau.embargo import data_vintages
    from statportal.taldau.store import REVISED

    with open_portal(demo) as portal:
        cpi = find(portal, PATHS["cpi"])
        first, latest = cpi.vintages
        assert (first.state, latest.state) == ("public", "embargoed")
        entry = find(portal, latest.release)
        assert entry.__content_type__ == "ReleaseEntry"
        assert entry.title["en"].startswith("Consumer price index")
        assert waits(entry, latest.created)
        assert {"indicator": PATHS["cpi"], "vintage": 2} in list(data_vintages(entry))
        public = cube_of(demo.registry, cpi)
        staff = cube_of(demo.registry, cpi, staff=True)
        # the public sees the previous vintage: one month fewer, the month before unrevised
        assert staff.periods[:-1] == public.periods
        assert public.vintages == (1,) and staff.vintages == (1, 2)
        assert public.updated == first.public_at
        shymkent = public.dims[0][1].index("KZ-79")
        assert staff.values[shymkent, -2] == pytest.approx(public.values[shymkent, -1] + 0.2)
        assert staff.status[shymkent, -2] == REVISED
        assert not (public.status == REVISED).any()


def test_the_confidential_gross_regional_product_cells_carry_no_value(demo):
    from statportal.taldau.cube import cube_of
    from statportal.taldau.store import CONFIDENTIAL_PRIMARY, CONFIDENTIAL_SECONDARY

    with open_portal(demo) as portal:
        grp = find(portal, PATHS["grp"])
        (vintage,) = grp.vintages
        for staff in (False, True):
            cube = cube_of(demo.registry, grp, staff=staff)
            regions, activities = cube.dims[0][1], cube.dims[1][1]
            hidden = np.isin(cube.status, (CONFIDENTIAL_PRIMARY, CONFIDENTIAL_SECONDARY))
            assert np.isnan(cube.values[hidden]).all()
            quarters = len(cube.periods)
            assert hidden.sum() == 4 * quarters == vintage.summary["confidential"]
            for region in ("KZ-33", "KZ-59"):
                r = regions.index(region)
                assert (cube.status[r, activities.index("B")] == CONFIDENTIAL_PRIMARY).all()
                assert (cube.status[r, activities.index("H")] == CONFIDENTIAL_SECONDARY).all()
            # the rest is whole: every other cell has its number
            assert not np.isnan(cube.values[~hidden]).any()


def test_the_api_gives_the_public_no_embargoed_month_and_no_number_for_an_x(demo):
    from webtest import TestApp

    from statportal import clock
    from statportal.taldau.periods import label
    from tests.helpers.placement import as_user

    api = TestApp(demo, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                       "REMOTE_ADDR": "127.0.0.1"})
    hidden = {"valuecodes[region]": "KZ-33,KZ-59", "valuecodes[activity]": "B,H"}
    grp = api.get(f"{PATHS['grp']}/@data", hidden).json
    quarters = len(grp["dimension"]["period"]["category"]["index"])
    assert quarters > 20
    assert grp["value"] == [None] * 4 * quarters
    assert list(grp["status"].values()) == ["X"] * 4 * quarters
    rows = api.get(f"{PATHS['grp']}/@data", {**hidden, "outputFormat": "csv"}).text
    assert [line.split(",")[-2:] for line in rows.splitlines()[1:]] == [["X", "X"]] * 4 * quarters
    today = clock.now().date()
    month = today.year * 12 + today.month - 1

    def last_cpi_month():
        tables = api.get("/data/@tables").json["items"]
        return next(t["lastPeriod"] for t in tables if t["id"] == "cpi")
    assert last_cpi_month() == label(month - 2, "monthly")
    as_user(api, "dana")  # the office sees the month waiting for its release
    assert last_cpi_month() == label(month - 1, "monthly")


def test_the_figures_add_up_and_are_the_same_each_time():
    from statportal.demo import data

    periods = data.demo_periods(date(2026, 12, 7))
    assert periods["cpi"][-1] == (2026, 11) and periods["wages"][-1] == (2026, 10)
    assert periods["grp"][-1] == (2026, 3) and periods["population"][-1] == 2026
    population = data.population_values(periods["population"], np.random.default_rng(1))
    assert (population[:, 0] == population[:, 1] + population[:, 2]).all()  # T = M + F
    assert (population[0] == population[1:].sum(0)).all()  # the country = its regions
    grp = data.grp_values(periods["grp"], np.random.default_rng(1))
    assert np.allclose(grp[:, 0], grp[:, 1:].sum(1)) and np.allclose(grp[0], grp[1:].sum(0))
    again = data.grp_values(periods["grp"], np.random.default_rng(1))
    assert (grp == again).all()
    # a clock years ahead of the published figures, or behind 2019, still has a demo
    for day in (date(2031, 3, 2), date(2016, 5, 5)):
        periods = data.demo_periods(day)
        assert all(len(found) >= 3 for found in periods.values()), day
        for values in (data.cpi_values(periods["cpi"], np.random.default_rng(1)),
                       data.wage_values(periods["wages"], np.random.default_rng(1)),
                       data.grp_values(periods["grp"], np.random.default_rng(1))):
            assert np.isfinite(values).all() and (values > 0).all(), day
