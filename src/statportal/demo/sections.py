"""Demo sections: the tree of a statistics office's portal."""

from statportal.demo.texts import T

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


def add_demo_sections(registry, portal):
    from statportal.content.registry import get_content_registry

    content = get_content_registry(registry)

    def add_sections(folder, entries):
        for name, title, description, children in entries:
            section = content.create("Section", title=title, description=description)
            folder.add(name, section)
            add_sections(section, children)

    add_sections(portal, SECTIONS)
