"""Demo org units and one user per role of a statistics office, with their local roles."""

import secrets

from statportal.content.paths import find_by_path
from statportal.content.registry import get_content_registry
from statportal.demo.texts import T
from statportal.security.principals import user_principal

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


def add_demo_people(registry, portal, password_factory=None):
    """The org units and users; returns [(login, password, roles)] of the demo users."""
    content = get_content_registry(registry)
    password_factory = password_factory or (lambda: secrets.token_urlsafe(12))

    def add_units(folder, entries):
        for name, kind, code, title, children in entries:
            unit = content.create("OrgUnit", title=title, kind=kind, code=code)
            folder.add(name, unit)
            add_units(unit, children)

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
    return credentials
