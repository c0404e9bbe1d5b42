"""Helpers of the Taldau tests (issue 20): indicator payloads for the JSON API, and
indicators with given observations written through the store (no import involved)."""

import base64
from datetime import UTC, datetime

import numpy as np

from statportal.testing import open_portal

DATA = "/++api++/data"
#: A time earlier than any test's clock: vintages written "before" the test.
LONG_AGO = datetime(2026, 1, 5, 4, 0, tzinfo=UTC)

REGIONS = (("KZ", "", ("Қазақстан", "Казахстан", "Kazakhstan")),
           ("KZ-AST", "KZ", ("Астана", "Астана", "Astana")),
           ("KZ-ALA", "KZ", ("Алматы", "Алматы", "Almaty")),
           ("KZ-KAR", "KZ", ("Қарағанды облысы", "Карагандинская область",
                             "Karaganda region")))
SEXES = (("T", "", ("Барлығы", "Всего", "Total")),
         ("M", "T", ("Ерлер", "Мужчины", "Men")),
         ("F", "T", ("Әйелдер", "Женщины", "Women")))


def tr(kk, ru, en):
    return {"kk": kk, "ru": ru, "en": en}


def dimension(code, title, members):
    """``members``: ``(code, parent, (kk, ru, en))`` each."""
    return {"code": code, "title": tr(*title),
            "hierarchy": [{"code": c, "parent": p, "label": tr(*label)}
                          for c, p, label in members]}


def indicator_payload(**changes):
    """A monthly indicator by region and sex, as ``POST /data`` takes it."""
    data = {"@type": "Indicator", "id": "wages", "code": "WAGE_AVG",
            "title": tr("Орташа жалақы", "Средняя заработная плата", "Average wage"),
            "definition": tr("Бір қызметкердің орташа айлық жалақысы.",
                             "Среднемесячная заработная плата одного работника.",
                             "Average monthly wage of one employee."),
            "unit_of_measure": tr("теңге", "тенге", "tenge"),
            "periodicity": "monthly",
            "dimensions": [dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                           dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
            "section": "/official-statistics/economy",
            "unit": "/orgunits/labour-statistics",
            "executor_email": "labour@stat.example.kz",
            "source": tr("ҰСБ", "БНС", "BNS"),
            "methodology_url": "https://stat.gov.kz/methodology/wages",
            "decimals": 1}
    data.update(changes)
    return data


def columns_for(indicator, values, periods, status=None):
    """Store columns of a full cube: ``values`` shaped ``[members of each dim…, periods]``
    (NaN: no observation), ``periods`` the ordinals of the last axis; ``status`` the
    same shape (uint8) or None. Cells with NaN and no status are left out."""
    values = np.asarray(values, dtype=np.float64)
    status = (np.zeros(values.shape, dtype=np.uint8) if status is None
              else np.asarray(status, dtype=np.uint8))
    keep = ~np.isnan(values) | (status != 0)
    index = np.nonzero(keep)
    columns = {dim: index[i].astype(np.int32)
               for i, dim in enumerate(indicator.dimension_codes())}
    columns["period"] = np.asarray(periods, dtype=np.int32)[index[-1]]
    columns["value"] = values[keep]
    columns["status"] = status[keep]
    return columns


def make_indicator(app, path, *, periodicity="annual", dimensions=(), values=None,
                   periods=(), status=None, embargoed=False, now=LONG_AGO, **fields):
    """An indicator at ``path`` (its parent exists) with one vintage of ``values`` (if
    given) written through ``store.add_vintage``; returns nothing (read it in a new
    transaction). ``dimensions``: as ``dimension()`` makes them."""
    from statportal.content.paths import find_by_path
    from statportal.content.registry import get_content_registry
    from statportal.taldau.store import add_vintage

    parent_path, name = path.rsplit("/", 1)
    with open_portal(app) as portal:
        indicator = get_content_registry(app.registry).create(
            "Indicator", title=fields.pop("title", {"en": name}))
        indicator.code = fields.pop("code", name.upper())
        indicator.periodicity = periodicity
        indicator.set_dimensions(dimensions)
        for key, value in fields.items():
            setattr(indicator, key, value)
        find_by_path(portal, parent_path).add(name, indicator, send_events=False)
        if values is not None:
            add_vintage(indicator, columns_for(indicator, values, periods, status),
                        filename=f"{name}.csv", actor="test", now=now, embargoed=embargoed)


# -- the import's API (``POST <indicator>/@import``) --------------------------------------------

def make_wages_to_import(app, path):
    """A monthly indicator by region and sex of aigerim's unit, with no vintage yet."""
    make_indicator(app, path, periodicity="monthly",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                               dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
                   unit="/orgunits/industry-statistics",
                   section="/official-statistics/economy")
    return path


def upload(data, filename="wages.csv", **more):
    """The JSON body of an import of ``data`` (bytes or text) named ``filename``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return {"file": {"filename": filename, "data": base64.b64encode(data).decode()}, **more}


def post_import(testapp, path, body, status, login="aigerim"):
    """``POST <path>/@import`` of ``body`` as ``login``, expecting ``status``."""
    from tests.helpers.placement import as_user

    as_user(testapp, login)
    return testapp.post_json(f"/++api++{path}/@import", body, status=status)


# -- the shared sample indicators (tests/taldau/conftest.py's ``taldau`` fixture) -----------
POPULATION = "/data/population"
WAGES = "/data/labour/wages"
#: population: annual by region, 2023–2025 (persons), one public vintage
POPULATION_PERIODS = (2023, 2024, 2025)
POPULATION_VALUES = ((19_766_807, 20_033_546, 20_286_084),
                     (1_354_556, 1_423_726, 1_515_740),
                     (2_161_995, 2_228_675, 2_300_000),
                     (1_131_792, 1_134_226, 1_129_712))
#: wages: monthly by region and sex, 2025-10 … 2026-03 (tenge, one decimal), one public
#: vintage; Karaganda's women in 2026-03 are confidential (X, primary) and so its men
#: (X, secondary: the total would give them away); 2026-03 is provisional elsewhere.
WAGES_PERIODS = tuple(2025 * 12 + 9 + i for i in range(6))
WAGES_LABELS = ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")


def wages_arrays():
    """``(values, status)`` of the wages fixture, shaped [4 regions, 3 sexes, 6 months]."""
    region = np.array([400_000.0, 520_000.0, 470_000.0, 380_000.0])[:, None, None]
    sex = np.array([1.0, 1.08, 0.92])[None, :, None]
    month = (1 + 0.01 * np.arange(6))[None, None, :]
    values = np.round(region * sex * month, 1) + 0.1
    status = np.zeros(values.shape, dtype=np.uint8)
    status[:, :, 5] = 3                       # provisional
    status[3, 2, 5], status[3, 1, 5] = 1, 2   # Karaganda: women X, men X (secondary)
    values[status == 1] = np.nan
    values[status == 2] = np.nan
    return values, status


def add_sample_indicators(app):
    """/data/population and /data/labour (a topic) /wages, as described above."""
    with open_portal(app) as portal:
        from statportal.content.registry import get_content_registry

        topic = get_content_registry(app.registry).create(
            "DataTopic", title=tr("Еңбек", "Труд", "Labour"))
        topic.section = "/official-statistics/economy"
        portal["data"].add("labour", topic, send_events=False)
    region = dimension("region", ("Өңір", "Регион", "Region"), REGIONS)
    sex = dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)
    make_indicator(app, POPULATION, dimensions=[region], periods=POPULATION_PERIODS,
                   values=POPULATION_VALUES, code="POP",
                   title=tr("Халық саны", "Численность населения", "Population"),
                   unit_of_measure=tr("адам", "человек", "persons"),
                   definition=tr("Жыл басындағы халық саны.", "Численность населения на "
                                 "начало года.", "Population at the start of the year."),
                   source=tr("ҰСБ", "БНС", "BNS"), unit="/orgunits/labour-statistics",
                   section="/official-statistics/economy", decimals=0)
    values, status = wages_arrays()
    make_indicator(app, WAGES, periodicity="monthly", dimensions=[region, sex],
                   periods=WAGES_PERIODS, values=values, status=status, code="WAGE_AVG",
                   title=tr("Орташа жалақы", "Средняя заработная плата", "Average wage"),
                   unit_of_measure=tr("теңге", "тенге", "tenge"),
                   definition=tr("Бір қызметкердің орташа айлық жалақысы.",
                                 "Среднемесячная заработная плата одного работника.",
                                 "Average monthly wage of one employee."),
                   source=tr("ҰСБ", "БНС", "BNS"), unit="/orgunits/labour-statistics",
                   executor_email="labour@stat.example.kz",
                   section="/official-statistics/economy")
