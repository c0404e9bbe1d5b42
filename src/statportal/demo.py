"""Demo content: the section tree, org units and one user per role of a statistics office."""

import secrets

from statportal.content.paths import find_by_path
from statportal.content.registry import get_content_registry
from statportal.security.principals import user_principal


def T(kk, ru, en):
    return {"kk": kk, "ru": ru, "en": en}


SECTIONS = [
    ("official-statistics", T("Ресми статистика", "Официальная статистика", "Official statistics"),
     T("Экономика, әлеуметтік сала және қоршаған орта бойынша ресми статистикалық ақпарат.",
       "Официальная статистическая информация по экономике, социальной сфере и окружающей среде.",
       "Official statistical information on the economy, society and the environment."), [
        ("economy", T("Экономика", "Экономика", "Economy"), None, [
            ("national-accounts", T("Ұлттық шоттар", "Национальные счета", "National accounts"),
             None, []),
            ("industry", T("Өнеркәсіп өндірісі", "Промышленное производство",
                           "Industrial production"),
             T("Өнеркәсіп өнімінің көлемі және нақты көлем индекстері.",
               "Объём промышленной продукции и индексы физического объёма.",
               "Industrial output and volume indices."), []),
            ("agriculture", T("Ауыл, орман, аңшылық және балық шаруашылығы",
                              "Сельское, лесное, охотничье и рыбное хозяйство",
                              "Agriculture, forestry, hunting and fishing"), None, []),
            ("prices", T("Бағалар", "Цены", "Prices"),
             T("Тұтыну бағаларының индексі және өндіруші бағалары.",
               "Индекс потребительских цен и цены производителей.",
               "Consumer price index and producer prices."), []),
            ("trade", T("Сауда", "Торговля", "Trade"), None, []),
            ("construction", T("Құрылыс", "Строительство", "Construction"), None, []),
        ]),
        ("social", T("Әлеуметтік статистика", "Социальная статистика", "Social statistics"), None, [
            ("labour", T("Еңбек және жұмыспен қамту", "Труд и занятость",
                         "Labour and employment"), None, []),
            ("population", T("Халық демографиясы", "Демографическая статистика",
                             "Demographic statistics"), None, []),
            ("living-standards", T("Халықтың тұрмыс деңгейі", "Уровень жизни населения",
                                   "Living standards"), None, []),
        ]),
        ("environment", T("Қоршаған орта", "Окружающая среда", "Environment"), None, []),
    ]),
    ("latest-data", T("Соңғы деректер", "Последние данные", "Latest data"),
     T("Жаңа жарияланған көрсеткіштер.", "Недавно опубликованные показатели.",
       "Indicators published most recently."), []),
    ("press-releases", T("Баспасөз релиздері", "Пресс-релизы", "Press releases"), None, []),
    ("express-information", T("Жедел ақпарат", "Экспресс-информация", "Express information"),
     None, []),
    ("bulletins", T("Бюллетеньдер", "Бюллетени", "Bulletins"), None, []),
    ("compilations", T("Статистикалық жинақтар", "Статистические сборники",
                       "Statistical compilations"), None, []),
]

ORGUNITS = [
    ("dissemination", "department", "01",
     T("Статистикалық ақпаратты тарату басқармасы",
       "Управление распространения статистической информации",
       "Dissemination Department"), []),
    ("industry-statistics", "department", "05",
     T("Өнеркәсіп статистикасы басқармасы", "Управление статистики промышленности",
       "Industry Statistics Department"), []),
    ("labour-statistics", "department", "08",
     T("Еңбек және тұрмыс деңгейі статистикасы басқармасы",
       "Управление статистики труда и уровня жизни",
       "Labour and Living Standards Statistics Department"), []),
    ("portal-support", "department", "12",
     T("Интернет-ресурсты сүйемелдеу қызметі", "Служба сопровождения интернет-ресурса",
       "Portal Support Service"), []),
    ("international-cooperation", "department", "14",
     T("Халықаралық ынтымақтастық басқармасы", "Управление международного сотрудничества",
       "International Cooperation Department"), []),
    ("almaty-city", "territorial_body", "75",
     T("Алматы қаласы бойынша статистика департаменті", "Департамент статистики города Алматы",
       "Almaty City Department of Statistics"), [
        ("industry", "unit", "75-05",
         T("Өнеркәсіп статистикасы бөлімі", "Отдел статистики промышленности",
           "Industry Statistics Unit"), []),
    ]),
    ("karaganda-region", "territorial_body", "35",
     T("Қарағанды облысы бойынша статистика департаменті",
       "Департамент статистики Карагандинской области",
       "Karaganda Region Department of Statistics"), [
        ("labour", "unit", "35-08",
         T("Еңбек статистикасы бөлімі", "Отдел статистики труда", "Labour Statistics Unit"), []),
    ]),
]

# login, full name, global roles, local roles (role, path), org unit
USERS = [
    ("aigerim", "Әйгерім Сейітова", (), (("Executor", "/orgunits/industry-statistics"),
                                        ("Executor", "/official-statistics/economy/industry")),
     "/orgunits/industry-statistics"),
    ("marat", "Марат Жұмабаев", (), (("HeadOfUnit", "/orgunits/industry-statistics"),
                                    ("HeadOfUnit", "/official-statistics/economy/industry")),
     "/orgunits/industry-statistics"),
    ("dana", "Дана Ахметова", ("Coordinator",), (), "/orgunits/dissemination"),
    ("aidos", "Айдос Нұрланов", (), (("Coordinator", "/orgunits/almaty-city"),),
     "/orgunits/almaty-city"),
    ("yerlan", "Ерлан Төлеуов", ("Moderator",), (), "/orgunits/portal-support"),
    ("serik", "Серік Омаров", ("Support",), (), "/orgunits/portal-support"),
    ("zhanar", "Жанар Қасымова", ("IntlCoop",), (), "/orgunits/international-cooperation"),
    ("admin", "Портал әкімшісі", ("Manager",), (), None),
]


def add_demo_content(registry, portal, password_factory=None, materials=True):
    """Fill an empty portal; returns [(login, password, roles)] of the demo users.

    ``materials``: also the published demo materials with their files (tests that do not
    need them leave them out: they take a second to make)."""
    content = get_content_registry(registry)
    password_factory = password_factory or (lambda: secrets.token_urlsafe(12))

    def add_sections(folder, entries):
        for name, title, description, children in entries:
            section = content.create("Section", title=title, description=description)
            folder.add(name, section)
            add_sections(section, children)

    def add_units(folder, entries):
        for name, kind, code, title, children in entries:
            unit = content.create("OrgUnit", title=title, kind=kind, code=code)
            folder.add(name, unit)
            add_units(unit, children)

    add_sections(portal, SECTIONS)
    add_units(portal["orgunits"], ORGUNITS)
    credentials = []
    for login, fullname, roles, local_roles, org_unit in USERS:
        user = content.create("User", fullname=fullname, email=f"{login}@stat.example.kz",
                              roles=roles, org_unit=org_unit)
        password = password_factory()
        user.set_password(password)
        portal["principals"]["users"].add(login, user)
        for role, path in local_roles:
            find_by_path(portal, path).grant(user_principal(login), role)
        credentials.append((login, password, [*roles, *(f"{r}@{p}" for r, p in local_roles)]))
    if materials:
        from statportal.demo_materials import add_demo_materials

        add_demo_materials(registry, portal)
        from statportal.demo_calendar import add_demo_calendar

        add_demo_calendar(registry, portal)
        from statportal.demo_questions import add_demo_questions

        add_demo_questions(registry, portal)
    return credentials
