"""The indicator the page tests read (part G): annual, by region and sex, with an X,
a missing cell and the marks p and r."""

import numpy as np

from statportal.content.registry import get_content_registry
from statportal.testing import open_portal
from tests.helpers.taldau import REGIONS, SEXES, dimension, make_indicator, tr

NAN = np.nan
SECRET = 987654.3          # stored under an X status: it must never reach a page
SECTION = "/official-statistics/economy"
#: 2015..2026, annual
PERIODS = list(range(2015, 2027))
EVIL = '<script>alert("x")</script>'


def cube_values():
    """[region][sex][period]: KZ whole, Astana's men X in 2020, Almaty's women missing."""
    values = np.array([[[100.0 + r * 10 + s + p * 0.25 for p in range(len(PERIODS))]
                        for s in range(3)] for r in range(4)])
    status = np.zeros(values.shape, dtype=np.uint8)
    values[1, 1, 5], status[1, 1, 5] = SECRET, 1        # Astana, men, 2020: X
    values[2, 2, 3] = NAN                               # Almaty, women, 2018: no data
    status[0, 0, -1] = 3                                # Kazakhstan total 2026: p
    status[0, 0, -2] = 4                                # 2025: r
    return values, status


def page(testapp, url, lang="en", status=200, **params):
    """The HTML page at ``url`` in ``lang``, with ``params`` as its query."""
    return testapp.get(url, params=params, status=status,
                       headers={"Accept": "text/html", "Accept-Language": lang})


def make_topic(app):
    with open_portal(app) as portal:
        topic = get_content_registry(app.registry).create(
            "DataTopic", title=tr("Экономика", "Экономика", "Economy"))
        topic.section = SECTION
        portal["data"].add("economy", topic, send_events=False)
    return "/data/economy"


def make_wages(app, topic):
    values, status = cube_values()
    make_indicator(
        app, f"{topic}/wages", periodicity="annual",
        dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                    dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
        values=values, periods=PERIODS, status=status,
        title=tr("Орташа жалақы", "Средняя заработная плата", "Average wage"),
        definition=tr("Анықтама", "Определение", "Average monthly wage of one employee."),
        unit_of_measure=tr("теңге", "тенге", "tenge"), section=SECTION,
        source=tr("ҰСБ", "БНС", "BNS"), methodology_url="https://stat.example.kz/m",
        decimals=1)
    return f"{topic}/wages"
