"""The topics a question may be about, as registered data.

``config.add_question_topic(name, title)`` adds one (or retitles it); the ask form
offers them in registration order, the public Q&A section filters by them.
"""

from statportal.content.base import multilingual

#: name -> {kk, ru, en}
BUILTIN_TOPICS = (
    ("national-accounts", {"kk": "Ұлттық шоттар", "ru": "Национальные счета",
                           "en": "National accounts"}),
    ("prices", {"kk": "Бағалар", "ru": "Цены", "en": "Prices"}),
    ("industry", {"kk": "Өнеркәсіп", "ru": "Промышленность", "en": "Industry"}),
    ("agriculture", {"kk": "Ауыл шаруашылығы", "ru": "Сельское хозяйство",
                     "en": "Agriculture"}),
    ("trade", {"kk": "Сауда", "ru": "Торговля", "en": "Trade"}),
    ("labour", {"kk": "Еңбек және жұмыспен қамту", "ru": "Труд и занятость",
                "en": "Labour and employment"}),
    ("population", {"kk": "Халық", "ru": "Население", "en": "Population"}),
    ("living-standards", {"kk": "Тұрмыс деңгейі", "ru": "Уровень жизни",
                          "en": "Living standards"}),
    ("environment", {"kk": "Қоршаған орта", "ru": "Окружающая среда",
                     "en": "Environment"}),
    ("methodology", {"kk": "Әдіснама", "ru": "Методология", "en": "Methodology"}),
    ("data-access", {"kk": "Деректерге қол жеткізу", "ru": "Доступ к данным",
                     "en": "Access to data"}),
    ("other", {"kk": "Басқа", "ru": "Другое", "en": "Other"}),
)


class TopicRegistry(dict):
    """name -> {kk, ru, en}, in registration order."""


def get_topics(registry):
    """The registry's ``IQuestionTopics``."""
    from statportal.directives import utility
    from statportal.interfaces import IQuestionTopics

    return utility(registry, IQuestionTopics, TopicRegistry)


def add_question_topic(config, name, title):
    """Register the topic ``name`` with its ``{kk, ru, en}`` title."""
    from pyramid.exceptions import ConfigurationError

    if not name or not isinstance(name, str) or not isinstance(title, dict):
        raise ConfigurationError("add_question_topic: a name and a {kk, ru, en} title")
    topics = get_topics(config.registry)
    intr = config.introspectable("statportal question topics", name, name,
                                 "statportal question topic")
    intr["title"] = dict(title)
    config.action(("statportal-question-topic", name),
                  lambda: topics.__setitem__(name, multilingual(title)),
                  introspectables=(intr,))


def includeme(config):
    get_topics(config.registry)
    config.add_directive("add_question_topic", add_question_topic)
    for name, title in BUILTIN_TOPICS:
        config.add_question_topic(name, title)
