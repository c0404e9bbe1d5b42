"""Demo release calendar and work plan: what a statistics office announces in a month.

Dates are relative to the day the demo is made (working days, 10:00 in Almaty), so the
calendar of a fresh ``make serve`` always has upcoming, postponed, cancelled and past
releases.
"""

from datetime import UTC, time, timedelta

from statportal import clock
from statportal.demo.texts import T
from statportal.releases import entries
from statportal.releases.service import create_entry, create_plan_item
from statportal.schedule.exceptions import calendar_of

PLAN = [
    ("cpi", T("Тұтыну бағаларының индексі", "Индекс потребительских цен",
              "Consumer price index"), "latest_data", "/official-statistics/economy/prices"),
    ("industry", T("Өнеркәсіп өндірісі", "Промышленное производство",
                   "Industrial production"), "express_information",
     "/official-statistics/economy/industry"),
]


def add_demo_calendar(registry, portal):
    now = clock.now()
    calendar = calendar_of(portal, registry.settings)
    year = calendar.local(now).year

    def working_day(days_ahead):
        day = calendar.local(now).date() + timedelta(days=days_ahead)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
        return calendar.at(day, time(10, 0)).isoformat()

    items = {}
    for key, title, category, section in PLAN:
        items[key] = create_plan_item(registry, portal["plan"], None, {
            "year": year, "title": title, "unit": "/orgunits/industry-statistics",
            "executor": "Әйгерім Сейітова", "executor_email": "aigerim@stat.example.kz",
            "category": category, "periodicity": "monthly", "section": section,
            "languages": ("kk", "ru", "en"), "release_day": 12}, "dana")

    def add(title, when, status="confirmed", category="latest_data",
            section="/official-statistics/economy/prices", plan=""):
        return create_entry(registry, portal["calendar"], None, {
            "title": title, "release_at": when, "status": status, "category": category,
            "section": section, "plan_item": plan}, "dana")

    add(T("Тұтыну бағаларының индексі, ай сайынғы", "Индекс потребительских цен, ежемесячно",
          "Consumer price index, monthly"), working_day(9),
        plan=f"/plan/{year}/{items['cpi'].__name__}")
    add(T("Өнеркәсіп өндірісінің қысқаша есебі", "Экспресс-информация о промышленном "
          "производстве", "Industrial production, express information"), working_day(4),
        category="express_information", section="/official-statistics/economy/industry",
        plan=f"/plan/{year}/{items['industry'].__name__}")
    following = calendar.local(now).date().replace(day=1) + timedelta(days=62)
    add(T("Жұмыс күшін іріктемелі зерттеу, тоқсандық", "Выборочное обследование рабочей "
          "силы, квартальное", "Labour force survey, quarterly"),
        following.strftime("%Y-%m"), status="provisional", category="bulletin",
        section="/official-statistics/social/labour")
    trade = add(T("Бөлшек сауда айналымы", "Оборот розничной торговли", "Retail trade turnover"),
                working_day(2), category="express_information",
                section="/official-statistics/economy/trade")
    later = working_day(6)
    from statportal.releases.timing import parse_release_time

    entries.move(trade, parse_release_time(later), T(
        "Екі облыстан есептер кешігіп түсті.", "Отчёты двух областей поступили с опозданием.",
        "Late returns from two regions."), "dana", now, calendar)
    hes = add(T("Үй шаруашылықтарының шығыстары", "Расходы домашних хозяйств",
                "Household expenditure"), working_day(12), category="compilation",
              section="/official-statistics/social/living-standards")
    entries.cancel(hes, T("Жылдық жинаққа біріктірілді.", "Объединено с ежегодным сборником.",
                          "Merged into the annual compilation."), "dana", now)
    gdp = add(T("Жалпы ішкі өнім, жедел бағалау", "Валовой внутренний продукт, оперативная "
                "оценка", "Gross domestic product, flash estimate"), working_day(1),
              section="/official-statistics/economy/national-accounts")
    # Released three days ago, twenty seconds after its time.
    gdp.release = parse_release_time((now - timedelta(days=3)).replace(
        hour=5, minute=0, second=0, microsecond=0).astimezone(UTC).isoformat())
    entries.mark_published(gdp, gdp.release.at + timedelta(seconds=20))
    from statportal.releases.catalog import get_release_catalog

    for entry in (trade, hes, gdp):
        get_release_catalog(portal).index(entry)
