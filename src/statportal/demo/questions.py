"""Demo questions from the public, in kk, ru and en, in every state a coordinator meets:
published answers for the Q&A section, a new one to route, one being answered, one
waiting for international cooperation. Dates are relative to the day the demo is made."""

from datetime import timedelta

from statportal import clock
from statportal.questions.rules import create_question, deadline
from statportal.workflow import fire, history_of, request_for

INDUSTRY = "/orgunits/industry-statistics"
LABOUR = "/orgunits/labour-statistics"

#: (days ago, final state, units, asker fields, answer)
QUESTIONS = [
    (9, "published", [INDUSTRY], {
        "name": "Асель Нұрова", "email": "asel.nurova@example.kz",
        "organisation": "", "topic": "prices", "language": "kk", "may_publish": True,
        "text": "Тұтыну бағаларының индексі қалай есептеледі және қай тауарлар кіреді?"},
     "Тұтыну бағаларының индексі 508 тауар мен қызметтің бағасы бойынша Лайспейрес "
     "формуласымен есептеледі; салмақтары үй шаруашылықтарын зерттеу деректерінен алынады."),
    (8, "published", [LABOUR], {
        "name": "Игорь Ким", "email": "igor.kim@example.kz",
        "organisation": "Университет", "topic": "labour", "language": "ru",
        "may_publish": True,
        "text": "Где найти уровень безработицы по областям за последние пять лет?"},
     "Уровень безработицы по областям публикуется ежеквартально в разделе «Труд и "
     "занятость»; ряды за 2001–2026 годы доступны в сервисе временных рядов."),
    (7, "published", [INDUSTRY, LABOUR], {
        "name": "Sarah Miles", "email": "s.miles@example.org",
        "organisation": "Regional Research Institute", "topic": "industry",
        "language": "en", "may_publish": True,
        "text": "Are the industrial production indices seasonally adjusted, and is the "
                "method documented?"},
     "The monthly indices are published both unadjusted and seasonally adjusted "
     "(JDemetra+, X-13ARIMA-SEATS); the method is described in the methodology section."),
    (2, "routed", [INDUSTRY], {
        "name": "Нұрлан Сапаров", "email": "nurlan.saparov@example.kz",
        "organisation": "ЖШС «Дала Агро»", "topic": "agriculture", "language": "kk",
        "may_publish": False,
        "text": "Облыстар бойынша бидай өнімділігінің 2025 жылғы деректері қашан жарияланады?"},
     ""),
    (1, "awaiting_international", [INDUSTRY], {
        "name": "Jean Dupont", "email": "j.dupont@intl.example.org",
        "organisation": "International Statistical Agency", "international": True,
        "topic": "national-accounts", "language": "en", "may_publish": True,
        "text": "Could you confirm the revised GDP volume index for 2025 that will be "
                "reported in the international questionnaire?"},
     "The revised GDP volume index for 2025 is 104.8 %; it will be published with the "
     "final annual estimate."),
    (0, "received", [], {
        "name": "Мария Иванова", "email": "m.ivanova@example.kz",
        "organisation": "", "topic": "population", "language": "ru", "may_publish": True,
        "text": "Какова численность населения Алматы на начало года и как она изменилась?"},
     ""),
]
PATHS = {
    "routed": ("route",), "awaiting_international": ("route", "answer", "approve"),
    "published": ("route", "answer", "approve", "publish"), "received": (),
}


def add_demo_questions(registry, portal):
    request = request_for(registry)
    folder = portal["questions"]
    now = clock.now()
    for days_ago, state, units, fields, answer in QUESTIONS:
        asked = now - timedelta(days=days_ago, hours=3)
        question = create_question(registry, folder, None, {
            "international": False, **fields}, None)
        question.received_at = question.created = question.modified = asked
        question.due = deadline(portal, registry.settings, asked)
        history_of(question)[0]["time"] = asked  # created when it was asked
        question.units, question.answer = tuple(units), answer
        moment = asked
        for action in PATHS[state]:
            moment += timedelta(hours=5)
            # the transitions a coordinator and a unit take (guards, events), back-dated;
            # an international question's approve goes on to be agreed by its branch
            entry = fire(request, question, action, system="demo")
            entry["time"] = moment
            if action == "route":
                question.routed_at = moment
                question.due = deadline(portal, registry.settings, asked, units)
            elif action == "answer":
                question.answered_at = moment
            elif action == "approve" and entry["to"] == "sent":
                question.sent_at = moment
            elif action == "publish":
                # the fire kept it in the public order at its own moment: moved, not added
                # (a second key would keep it listed after a withdrawal)
                folder.set_published(question.__name__, False)
                question.published_at = moment
                question.public_text, question.public_answer = question.text, answer
                folder.set_published(question.__name__, True)
