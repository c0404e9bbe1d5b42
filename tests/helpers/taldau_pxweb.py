"""The indicators of the PxWeb API 2.0 tests (part E): a monthly one by region and sex with
a confidential and a provisional cell and an embargoed second vintage, an annual one
updated just now, and one with only an embargoed vintage."""

from contextlib import contextmanager
from datetime import timedelta

import numpy as np

from statportal.taldau.periods import ordinal
from statportal.testing import open_portal
from tests.helpers.taldau import LONG_AGO, REGIONS, SEXES, dimension, make_indicator, tr

MONTHS = [ordinal(f"2026-{m:02d}", "monthly") for m in range(1, 5)]
SHAPE = (len(REGIONS), len(SEXES), len(MONTHS))


def wages_values():
    values = np.arange(np.prod(SHAPE), dtype=np.float64).reshape(SHAPE) * 10.5 + 100
    status = np.zeros(SHAPE, dtype=np.uint8)
    status[2, 2, 2] = 1        # KZ-ALA, F, 2026-03: confidential (its number never shown)
    status[0, 0, 3] = 3        # KZ, T, 2026-04: provisional
    return values, status


def build(app):
    """/data/labour/wages (two vintages: a public one, an embargoed one adding 2026-05),
    /data/prices (annual, updated just now) and /data/secret (only an embargoed one)."""
    from statportal import clock
    from statportal.content.registry import get_content_registry
    from statportal.taldau.store import add_vintage
    from tests.helpers.taldau import columns_for

    with open_portal(app) as portal:
        topic = get_content_registry(app.registry).create(
            "DataTopic", title=tr("Еңбек", "Труд", "Labour"))
        portal["data"].add("labour", topic, send_events=False)
    values, status = wages_values()
    make_indicator(app, "/data/labour/wages", periodicity="monthly", code="WAGE",
                   title=tr("Жалақы", "Зарплата", "Wages"),
                   unit_of_measure=tr("теңге", "тенге", "tenge"), decimals=1,
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                               dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
                   values=values, periods=MONTHS, status=status)
    with open_portal(app) as portal:
        wages = portal["data"]["labour"]["wages"]
        later = np.full((*SHAPE[:2], 1), 999.0)
        add_vintage(wages, columns_for(wages, later, [ordinal("2026-05", "monthly")]),
                    filename="may.csv", actor="test", now=LONG_AGO + timedelta(days=1),
                    embargoed=True)
    make_indicator(app, "/data/prices", periodicity="annual", code="CPI",
                   title=tr("Баға индексі", "Индекс цен", "Price index"),
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)],
                   values=np.array([[101.5, 102.0]] * len(REGIONS)), periods=[2024, 2025],
                   now=clock.now())
    make_indicator(app, "/data/secret", periodicity="annual", code="SECRET",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)],
                   values=np.ones((len(REGIONS), 1)), periods=[2025], embargoed=True)


@contextmanager
def pxweb_app(path, **settings):
    """The real app (demo users, these indicators) with the data API's ``settings``."""
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings

    app = make_app(make_settings(path, **settings))
    try:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        build(app)
        yield app
    finally:
        close_app(app)
