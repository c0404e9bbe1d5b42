"""Demo indicators of Taldau (``/data``): what a statistics office publishes as time series.

Four indicators in topics that mirror the demo's sections: the consumer price index by
region (monthly), the population by region and sex (annual), the gross regional product by
economic activity (quarterly, with confidential cells ``X``: mining in two small regions and
their complementary cells) and the average nominal wage by region (monthly). The figures are
generated (seeded: the same day gives the same numbers) around the published orders of
magnitude; the periods run from 2019 to the latest one a real office would have published by
the day the demo is made. The CPI's latest month waits, embargoed, for the demo calendar's
CPI release (see ``releases``): the public sees the month before until the worker releases it.

The observations go straight to the store as arrays (``add_vintage``): no CSV is written or
parsed, so ``statportal init --demo`` stays fast.
"""

from datetime import UTC, time, timedelta
from types import SimpleNamespace

import numpy as np

from statportal.demo.sections import SECTIONS
from statportal.demo.texts import T

SEED = 20
FIRST_YEAR = 2019
EXECUTOR = "aigerim@stat.example.kz"

COUNTRY = ("KZ", T("Қазақстан Республикасы", "Республика Казахстан", "Republic of Kazakhstan"))

# code (ISO 3166-2:KZ, the KATO region number), name; population on 1 January 2024
# (thousands), its yearly growth (%), the CPI's distance from the country's (points), the
# wage against the country's, the share of the country's GDP, of mining and of agriculture in
# the region's gross value added.
REGIONS = [
    ("KZ-10", T("Абай облысы", "Абайская область", "Abai region"),
     603, -0.2, 0.6, 0.82, 0.020, 0.12, 0.14),
    ("KZ-11", T("Ақмола облысы", "Акмолинская область", "Akmola region"),
     788, 0.0, -0.4, 0.80, 0.030, 0.08, 0.20),
    ("KZ-15", T("Ақтөбе облысы", "Актюбинская область", "Aktobe region"),
     930, 1.0, 0.3, 0.90, 0.045, 0.25, 0.06),
    ("KZ-19", T("Алматы облысы", "Алматинская область", "Almaty region"),
     1530, 1.6, 0.4, 0.78, 0.045, 0.02, 0.16),
    ("KZ-23", T("Атырау облысы", "Атырауская область", "Atyrau region"),
     700, 1.4, -0.8, 1.75, 0.120, 0.55, 0.01),
    ("KZ-27", T("Батыс Қазақстан облысы", "Западно-Казахстанская область",
                "West Kazakhstan region"), 690, 0.4, 0.9, 1.00, 0.040, 0.38, 0.07),
    ("KZ-31", T("Жамбыл облысы", "Жамбылская область", "Zhambyl region"),
     1215, 1.1, 0.5, 0.72, 0.025, 0.06, 0.16),
    ("KZ-33", T("Жетісу облысы", "Жетысуская область", "Zhetysu region"),
     697, 0.6, 0.7, 0.72, 0.015, 0.004, 0.24),
    ("KZ-35", T("Қарағанды облысы", "Карагандинская область", "Karaganda region"),
     1135, -0.2, -0.3, 0.98, 0.055, 0.16, 0.04),
    ("KZ-39", T("Қостанай облысы", "Костанайская область", "Kostanay region"),
     830, -0.4, -0.6, 0.78, 0.030, 0.12, 0.20),
    ("KZ-43", T("Қызылорда облысы", "Кызылординская область", "Kyzylorda region"),
     840, 1.2, 1.1, 0.85, 0.018, 0.22, 0.09),
    ("KZ-47", T("Маңғыстау облысы", "Мангистауская область", "Mangystau region"),
     770, 2.5, 1.4, 1.50, 0.045, 0.42, 0.005),
    ("KZ-55", T("Павлодар облысы", "Павлодарская область", "Pavlodar region"),
     752, -0.3, -0.5, 0.92, 0.040, 0.10, 0.06),
    ("KZ-59", T("Солтүстік Қазақстан облысы", "Северо-Казахстанская область",
                "North Kazakhstan region"), 531, -0.8, -0.9, 0.72, 0.017, 0.003, 0.30),
    ("KZ-61", T("Түркістан облысы", "Туркестанская область", "Turkistan region"),
     2120, 1.5, 0.2, 0.70, 0.030, 0.03, 0.20),
    ("KZ-62", T("Ұлытау облысы", "Улытауская область", "Ulytau region"),
     221, -0.3, 0.1, 1.05, 0.015, 0.40, 0.03),
    ("KZ-63", T("Шығыс Қазақстан облысы", "Восточно-Казахстанская область",
                "East Kazakhstan region"), 720, -0.5, 0.0, 0.90, 0.040, 0.14, 0.08),
    ("KZ-71", T("Астана қаласы", "г. Астана", "Astana city"),
     1420, 4.0, -0.2, 1.45, 0.110, 0.002, 0.001),
    ("KZ-75", T("Алматы қаласы", "г. Алматы", "Almaty city"),
     2230, 2.5, -0.4, 1.30, 0.200, 0.003, 0.001),
    ("KZ-79", T("Шымкент қаласы", "г. Шымкент", "Shymkent city"),
     1230, 2.5, 0.3, 0.75, 0.030, 0.01, 0.01),
]
# Mining in these two regions is a handful of enterprises: primary confidential; their
# transport cells are suppressed with them so that no total gives the mining figure away.
CONFIDENTIAL_REGIONS = ("KZ-33", "KZ-59")

ACTIVITIES = [  # code (NACE/OKED section), name, share of what mining and agriculture leave
    ("TOTAL", T("Барлығы", "Всего", "Total"), None),
    ("A", T("Ауыл, орман және балық шаруашылығы", "Сельское, лесное и рыбное хозяйство",
            "Agriculture, forestry and fishing"), None),
    ("B", T("Тау-кен өндіру өнеркәсібі және карьерлерді қазу",
            "Горнодобывающая промышленность и разработка карьеров",
            "Mining and quarrying"), None),
    ("C", T("Өңдеу өнеркәсібі", "Обрабатывающая промышленность", "Manufacturing"), 0.20),
    ("F", T("Құрылыс", "Строительство", "Construction"), 0.09),
    ("G", T("Көтерме және бөлшек сауда; автомобильдер мен мотоциклдерді жөндеу",
            "Оптовая и розничная торговля; ремонт автомобилей и мотоциклов",
            "Wholesale and retail trade; repair of motor vehicles and motorcycles"), 0.22),
    ("H", T("Көлік және қоймалау", "Транспорт и складирование",
            "Transportation and storage"), 0.10),
    ("OTHER", T("Басқа қызметтер", "Прочие услуги", "Other services"), 0.39),
]
SEXES = [("T", T("Барлығы", "Всего", "Total")), ("M", T("Ерлер", "Мужчины", "Men")),
         ("F", T("Әйелдер", "Женщины", "Women"))]

# The country's published orders of magnitude, by year (later years: a plausible path).
CPI_DECEMBER = {2018: 5.3, 2019: 5.4, 2020: 7.5, 2021: 8.4, 2022: 20.3, 2023: 9.8,
                2024: 8.6, 2025: 12.3, 2026: 10.5, 2027: 8.5, 2028: 7.5, 2029: 6.5}
WAGE_YEAR = {2019: 186_815, 2020: 213_003, 2021: 250_311, 2022: 309_856, 2023: 363_626,
             2024: 404_900, 2025: 449_600, 2026: 499_000, 2027: 545_000, 2028: 590_000,
             2029: 635_000}
WAGE_SEASON = (0.92, 0.93, 1.00, 0.98, 0.99, 1.04, 0.99, 0.97, 0.98, 1.00, 1.00, 1.20)
GDP_YEAR = {2019: 69_533, 2020: 70_649, 2021: 83_952, 2022: 103_766, 2023: 119_251,
            2024: 135_400, 2025: 152_000, 2026: 168_000, 2027: 185_000, 2028: 202_000,
            2029: 220_000}  # billion tenge
GDP_QUARTER = (0.21, 0.235, 0.265, 0.29)

TOPICS = [  # name, the section it mirrors, sub-topics
    ("economy", "/official-statistics/economy", [
        ("prices", "/official-statistics/economy/prices", []),
        ("national-accounts", "/official-statistics/economy/national-accounts", []),
    ]),
    ("social", "/official-statistics/social", [
        ("population", "/official-statistics/social/population", []),
        ("labour", "/official-statistics/social/labour", []),
    ]),
]

REGION_TITLE = T("Өңір", "Регион", "Region")
SOURCE = T("Қазақстан Республикасы Стратегиялық жоспарлау және реформалар агенттігінің "
           "Ұлттық статистика бюросы",
           "Бюро национальной статистики Агентства по стратегическому планированию и "
           "реформам Республики Казахстан",
           "Bureau of National Statistics, Agency for Strategic Planning and Reforms of the "
           "Republic of Kazakhstan")
RECALCULATED = T("Өткен жылдардың деректері қазіргі әкімшілік-аумақтық бөлініс бойынша "
                 "қайта есептелген.",
                 "Данные за предыдущие годы пересчитаны в границах текущего "
                 "административно-территориального деления.",
                 "Earlier years are recalculated for the current administrative-territorial "
                 "division.")


def _hierarchy(total, members):
    return [{"code": total[0], "parent": "", "label": total[1]},
            *({"code": code, "parent": total[0], "label": label} for code, label in members)]


def region_dimension():
    return {"code": "region", "title": REGION_TITLE,
            "hierarchy": _hierarchy(COUNTRY, [(r[0], r[1]) for r in REGIONS])}


def sex_dimension():
    return {"code": "sex", "title": T("Жынысы", "Пол", "Sex"),
            "hierarchy": _hierarchy(SEXES[0], SEXES[1:])}


def activity_dimension():
    return {"code": "activity", "title": T("Экономикалық қызмет түрі",
                                           "Вид экономической деятельности",
                                           "Economic activity"),
            "hierarchy": _hierarchy(ACTIVITIES[0][:2], [a[:2] for a in ACTIVITIES[1:]])}


def _indicator(code, title, definition, unit, periodicity, dimensions, section, orgunit,
               decimals, notes=None):
    return {"code": code, "title": title, "definition": definition,
            "unit_of_measure": unit, "periodicity": periodicity, "dimensions": dimensions,
            "section": section, "unit": orgunit, "executor_email": EXECUTOR,
            "source": SOURCE, "methodology_url": f"https://stat.example.kz/methodology/"
                                                 f"{code.lower()}",
            "decimals": decimals, **({"notes": notes} if notes else {})}


INDICATORS = {  # topic path under /data → {id: fields}
    "economy/prices": {"cpi": _indicator(
        "CPI_REG_M", T("Тұтыну бағаларының индексі", "Индекс потребительских цен",
                       "Consumer price index"),
        T("Халық тұтынатын тауарлар мен қызметтер бағасының өткен жылдың сәйкес айымен "
          "салыстырғандағы өзгерісі.",
          "Изменение цен товаров и услуг, потребляемых населением, к соответствующему "
          "месяцу предыдущего года.",
          "The change in the prices of the goods and services households buy, against the "
          "same month of the previous year."),
        T("өткен жылдың сәйкес айына, %", "в % к соответствующему месяцу предыдущего года",
          "% of the same month of the previous year"),
        "monthly", [region_dimension()], "/official-statistics/economy/prices",
        "/orgunits/industry-statistics", 1)},
    "economy/national-accounts": {"grp": _indicator(
        "GRP_REG_ACT_Q", T("Жалпы өңірлік өнім (өндіріс әдісімен)",
                           "Валовой региональный продукт (производственным методом)",
                           "Gross regional product (production approach)"),
        T("Өңірдің резидент-өндірушілері жасаған жалпы қосылған құн, ағымдағы бағамен.",
          "Валовая добавленная стоимость, созданная резидентами-производителями региона, в "
          "текущих ценах.",
          "Gross value added by the region's resident producers, at current prices."),
        T("млрд теңге", "млрд тенге", "billion tenge"), "quarterly",
        [region_dimension(), activity_dimension()],
        "/official-statistics/economy/national-accounts", "/orgunits/industry-statistics", 1,
        T("Соңғы тоқсанның деректері алдын ала (p).",
          "Данные за последний квартал предварительные (p).",
          "The latest quarter is provisional (p)."))},
    "social/population": {"population": _indicator(
        "POP_REG_SEX_A", T("Халық саны (жыл басына)", "Численность населения (на начало года)",
                           "Population (at the beginning of the year)"),
        T("Тұрақты халықтың 1 қаңтардағы саны.", "Численность постоянного населения на "
          "1 января.", "The resident population on 1 January."),
        T("адам", "человек", "persons"), "annual", [region_dimension(), sex_dimension()],
        "/official-statistics/social/population", "/orgunits/labour-statistics", 0,
        RECALCULATED)},
    "social/labour": {"wages": _indicator(
        "WAGE_REG_M", T("Бір қызметкердің орташа айлық номиналды жалақысы",
                        "Среднемесячная номинальная заработная плата одного работника",
                        "Average monthly nominal wage per employee"),
        T("Есептелген жалақы қорының қызметкерлердің орташа тізімдік санына қатынасы.",
          "Начисленный фонд заработной платы, делённый на среднесписочную численность "
          "работников.",
          "Wages accrued, divided by the average number of employees."),
        T("теңге", "тенге", "tenge"), "monthly", [region_dimension()],
        "/official-statistics/social/labour", "/orgunits/labour-statistics", 0,
        T("Соңғы айдың деректері алдын ала (p).", "Данные за последний месяц "
          "предварительные (p).", "The latest month is provisional (p)."))},
}


# --------------------------------------------------------------------------- the figures

def _columns(dims, period, value, status):
    """The store's columns: each dimension's code positions, period ordinals, values
    (NaN where confidential), statuses."""
    columns = {code: np.asarray(positions, dtype=np.int32) for code, positions in dims.items()}
    columns["period"] = np.asarray(period, dtype=np.int32)
    columns["value"] = np.asarray(value, dtype=np.float64)
    columns["status"] = np.asarray(status, dtype=np.uint8)
    return columns


def yearly(table, year):
    """``table[year]``; outside its years a level moves as in its nearest year (a rate,
    as the CPI's, stays), so a demo made in any year has figures."""
    first, last = min(table), max(table)
    if first <= year <= last:
        return table[year]
    if table[last] < 50:  # a rate
        return table[last if year > last else first]
    if year > last:
        return table[last] * (table[last] / table[last - 1]) ** (year - last)
    return table[first] / (table[first + 1] / table[first]) ** (first - year)


def _weights():
    return np.array([r[2] for r in REGIONS], dtype=float)


def cpi_values(months, rng):
    """``[len(REGIONS) + 1, len(months)]`` indices (country first), one decimal: the
    country's path interpolated between the Decembers, each region's distance and noise."""
    rates = []
    for year, month in months:
        before, after = yearly(CPI_DECEMBER, year - 1), yearly(CPI_DECEMBER, year)
        rates.append(before + (after - before) * month / 12)
    rates = np.array(rates)
    offsets = np.array([r[4] for r in REGIONS])[:, None]
    noise = np.cumsum(rng.normal(0, 0.15, (len(REGIONS), len(months))), axis=1) * 0.3
    regions = np.round(100 + rates[None, :] + offsets + noise, 1)
    country = np.round((regions * _weights()[:, None]).sum(0) / _weights().sum(), 1)
    return np.vstack([country, regions])


def wage_values(months, rng):
    """Tenge, whole: the country's yearly level with monthly seasonality and growth inside
    the year; each region at its ratio; the country the weighted mean of the regions."""
    season = np.array(WAGE_SEASON) / np.mean(WAGE_SEASON)
    level = np.array([yearly(WAGE_YEAR, y) * season[m - 1] * (1 + 0.06 * (m - 6.5) / 12)
                      for y, m in months])
    ratios = np.array([r[5] for r in REGIONS])[:, None]
    ratios = ratios / (ratios[:, 0] * _weights()).sum() * _weights().sum()
    regions = np.round(level[None, :] * ratios * rng.normal(1, 0.012, (len(REGIONS),
                                                                         len(months))))
    country = np.round((regions * _weights()[:, None]).sum(0) / _weights().sum())
    return np.vstack([country, regions])


def population_values(years, rng):
    """Persons ``[region (country first), sex (T, M, F), year]``: each region from its 2024
    level at its growth; women a region's share (more in the north); T = M + F."""
    base = _weights()[:, None] * 1000
    growth = np.array([r[3] for r in REGIONS])[:, None] / 100
    offset = np.array(years)[None, :] - 2024
    total = np.round(base * (1 + growth) ** offset * rng.normal(1, 0.002, (len(REGIONS), 1)))
    share = np.clip(0.515 - 0.01 * growth, 0.49, 0.54) + rng.normal(0, 0.002, growth.shape)
    women = np.round(total * share)
    men = total - women
    regions = np.stack([total, men, women], axis=1)
    return np.concatenate([regions.sum(0, keepdims=True), regions])


def grp_values(quarters, rng):
    """Billion tenge, one decimal ``[region (country first), activity (TOTAL first),
    quarter]``: the country's quarter split by the regions' shares and each region's
    activity profile; the totals are the sums of the rounded parts."""
    shares = np.array([r[6] for r in REGIONS])
    shares = shares / shares.sum()
    national = np.array([yearly(GDP_YEAR, y) * GDP_QUARTER[q - 1] for y, q in quarters])
    rest = np.array([a[2] for a in ACTIVITIES[3:]])
    parts = []
    for region, share in zip(REGIONS, shares, strict=True):
        mining, agriculture = region[7], region[8]
        profile = np.concatenate([[agriculture, mining], (1 - mining - agriculture) * rest])
        # agriculture's harvest comes in the third quarter
        season = np.ones((len(profile), len(quarters)))
        season[0] = [(0.5, 0.8, 1.9, 0.8)[q - 1] for _, q in quarters]
        noise = rng.normal(1, 0.03, (len(profile), len(quarters)))
        parts.append(np.round(national[None, :] * share * profile[:, None] * season * noise, 1))
    parts = np.array(parts)  # [region, activity without TOTAL, quarter]
    regions = np.concatenate([parts.sum(1, keepdims=True), parts], axis=1)
    return np.round(np.concatenate([regions.sum(0, keepdims=True), regions]), 1)


def _flatten(values, status, periods):
    """Long columns from ``values[..., period]`` (every cell observed)."""
    shape = values.shape
    index = np.indices(shape).reshape(len(shape), -1)
    dims = index[:-1]
    return dims, np.asarray(periods)[index[-1]], values.reshape(-1), status.reshape(-1)


# --------------------------------------------------------------------------- periods

def _month_range(first, last):
    """``[(year, month)]`` from ``first`` to ``last`` inclusive."""
    out, (year, month) = [], first
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _months_before(today, n):
    """The month ``n`` months before ``today``'s, as (year, month)."""
    index = today.year * 12 + today.month - 1 - n
    return divmod(index, 12)[0], divmod(index, 12)[1] + 1


def demo_periods(today):
    """What an office would have published by ``today`` (a date): CPI through the previous
    month (that one embargoed until its release), wages through the month before (the
    latest provisional), GRP through the last quarter ended two months ago (provisional),
    the population on 1 January of every year through this one."""
    first = min(FIRST_YEAR, today.year - 3)  # a clock set years back still has data
    last_cpi = _months_before(today, 1)
    last_wage = _months_before(today, 2)
    year, month = last_wage
    quarter = (year, (month // 3)) if month >= 3 else (year - 1, 4)
    quarters = [(y, q) for y in range(first, quarter[0] + 1) for q in range(1, 5)
                if (y, q) <= quarter]
    return {"cpi": _month_range((first, 1), last_cpi),
            "wages": _month_range((first, 1), last_wage),
            "grp": quarters, "population": list(range(first, today.year + 1))}


# --------------------------------------------------------------------------- the vintages

def _ordinals(periods, periodicity):
    from statportal.taldau.periods import ordinal

    if periodicity == "annual":
        return [ordinal(str(y), periodicity) for y in periods]
    if periodicity == "quarterly":
        return [ordinal(f"{y}-Q{q}", periodicity) for y, q in periods]
    return [ordinal(f"{y}-{m:02d}", periodicity) for y, m in periods]


def _series(values, periods, periodicity, provisional_last=False, status=None):
    """Long columns of ``values[region, (other,) period]`` (country first: the positions
    are the hierarchy's), the last period provisional when asked."""
    if status is None:
        status = np.zeros(values.shape, dtype=np.uint8)
    if provisional_last:
        status[..., -1] = np.where(status[..., -1] == 0, 3, status[..., -1])  # PROVISIONAL
    return _flatten(values, status, _ordinals(periods, periodicity))


def cpi_vintages(periods, rng):
    """The public vintage up to the month before the latest, and the latest month with a
    revision of the month before it (Shymkent's), which waits for its release."""
    values = cpi_values(periods, rng)
    ordinals = _ordinals(periods, "monthly")
    status = np.zeros(values.shape, dtype=np.uint8)
    dims, period, value, stat = _flatten(values[:, :-1], status[:, :-1], ordinals[:-1])
    public = _columns({"region": dims[0]}, period, value, stat)
    shymkent = 1 + [r[0] for r in REGIONS].index("KZ-79")
    latest = np.arange(len(REGIONS) + 1)
    embargoed = _columns({"region": np.append(latest, shymkent)},
                         [ordinals[-1]] * len(latest) + [ordinals[-2]],
                         np.append(values[:, -1], values[shymkent, -2] + 0.2), [0] * (
                             len(latest) + 1))
    return public, embargoed


def grp_columns(periods, rng):
    """GRP with mining confidential (primary) in the small regions, and their transport
    cells (secondary): two regions × two activities, so no row or column total gives a
    hidden cell away. Confidential cells carry no value (NaN)."""
    values = grp_values(periods, rng)
    status = np.zeros(values.shape, dtype=np.uint8)
    codes = [a[0] for a in ACTIVITIES]
    for region in CONFIDENTIAL_REGIONS:
        row = 1 + [r[0] for r in REGIONS].index(region)
        status[row, codes.index("B")] = 1  # CONFIDENTIAL_PRIMARY
        status[row, codes.index("H")] = 2  # CONFIDENTIAL_SECONDARY
    values = np.where(status > 0, np.nan, values)
    dims, period, value, stat = _series(values, periods, "quarterly", True, status)
    return _columns({"region": dims[0], "activity": dims[1]}, period, value, stat)


def make_indicator(registry, folder, name, fields):
    """An ``Indicator`` named ``name`` in ``folder`` with ``fields`` (the schema's names),
    as the add form stores one; also the benchmark's."""
    from statportal.content.base import multilingual
    from statportal.content.registry import get_content_registry

    indicator = get_content_registry(registry).create("Indicator", title=fields["title"])
    for key, value in fields.items():
        if key == "dimensions":
            indicator.set_dimensions(value)
        elif key in ("definition", "unit_of_measure", "source", "notes"):
            setattr(indicator, key, multilingual(value))
        elif key != "title":
            setattr(indicator, key, value)
    folder.add(name, indicator)
    return indicator


def _section_titles():
    titles = {}

    def walk(prefix, entries):
        for name, title, _description, children in entries:
            titles[f"{prefix}/{name}"] = title
            walk(f"{prefix}/{name}", children)
    walk("", SECTIONS)
    return titles


def add_demo_topics(registry, portal):
    """The topics of ``/data``, named and titled as the sections they mirror."""
    from statportal.content.registry import get_content_registry

    content, titles = get_content_registry(registry), _section_titles()

    def add(folder, entries):
        for name, section, children in entries:
            topic = content.create("DataTopic", title=titles[section])
            topic.section = section
            folder.add(name, topic)
            add(topic, children)
    add(portal["data"], TOPICS)


def cpi_release(portal):
    """The demo calendar's upcoming CPI release (its path), or "" when there is none."""
    from statportal.content.paths import path_of

    for entry in _entries(portal["calendar"]):
        if (entry.status in ("confirmed", "provisional")
                and entry.title.get("en", "").startswith("Consumer price index")):
            return path_of(entry)
    return ""


def _entries(folder):
    for item in folder.values():
        if getattr(item, "__content_type__", None) == "ReleaseEntry":
            yield item
        elif hasattr(item, "values"):
            yield from _entries(item)


def add_demo_data(registry, portal):
    """The topics, the four indicators and their vintages; the CPI's latest month bound
    to the calendar's CPI release (so ``add_demo_calendar`` comes first)."""
    from statportal import clock
    from statportal.schedule.exceptions import calendar_of
    from statportal.taldau import embargo
    from statportal.taldau.store import add_vintage

    now = clock.now()
    calendar = calendar_of(portal, registry.settings)
    today = calendar.local(now).date()

    def released(days_ago):  # a working day at 10:00 in Almaty, as the calendar's releases
        day = today - timedelta(days=days_ago)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        return calendar.at(day, time(10, 0)).astimezone(UTC)
    periods = demo_periods(today)
    rng = np.random.default_rng([SEED, today.year, today.month])
    add_demo_topics(registry, portal)
    made = {}
    for topic, indicators in INDICATORS.items():
        folder = portal["data"]
        for name in topic.split("/"):
            folder = folder[name]
        for name, fields in indicators.items():
            made[name] = make_indicator(registry, folder, name, fields)

    def store(name, columns, when, **kw):
        return add_vintage(made[name], columns, filename=f"{name}.csv", actor="aigerim",
                           now=when, **kw)

    public, latest = cpi_vintages(periods["cpi"], rng)
    store("cpi", public, released(20), embargoed=False)
    dims, period, value, stat = _series(population_values(periods["population"], rng),
                                        periods["population"], "annual")
    store("population", _columns({"region": dims[0], "sex": dims[1]}, period, value, stat),
          released(45), embargoed=False)
    store("grp", grp_columns(periods["grp"], rng), released(25), embargoed=False)
    dims, period, value, stat = _series(wage_values(periods["wages"], rng), periods["wages"],
                                        "monthly", provisional_last=True)
    store("wages", _columns({"region": dims[0]}, period, value, stat),
          released(12), embargoed=False)
    release = cpi_release(portal)
    if release:
        entry = embargo.binding(None, made["cpi"], release)
        vintage = store("cpi", latest, now - timedelta(hours=2), release=release,
                        embargoed=True)
        embargo.bind(SimpleNamespace(registry=registry), made["cpi"], vintage, entry, now)
    return made
