"""The e-mails of a question: the asker's confirmation and answer (in the question's
language), the office's notices, and the forward to the document management system in a
stable format (``FORMAT``; described in docs/questions.md)."""

import json
from string import Template

from statportal.i18n import LANGUAGES

FORMAT = "statportal-question/1"

ASKER = {
    "received": {
        "subject": {"kk": "Сұрағыңыз қабылданды: № ${number}",
                    "ru": "Ваш вопрос принят: № ${number}",
                    "en": "Your question has been received: No. ${number}"},
        "body": {
            "kk": ("Құрметті ${name},\n\nСұрағыңыз ${received} қабылданып, № ${number} "
                   "тіркелді. Жауап ${due} дейін беріледі.\nСұрақтың күйін мына сілтемеден "
                   "қадағалаңыз:\n${link}\n\nСұрағыңыз:\n${text}\n"),
            "ru": ("Уважаемый(ая) ${name},\n\nВаш вопрос принят ${received} и "
                   "зарегистрирован под № ${number}. Ответ будет дан до ${due}.\n"
                   "Следить за вопросом можно по ссылке:\n${link}\n\nВаш вопрос:\n${text}\n"),
            "en": ("Dear ${name},\n\nYour question was received on ${received} and registered "
                   "as No. ${number}. It will be answered by ${due}.\nFollow it here:\n"
                   "${link}\n\nYour question:\n${text}\n"),
        },
    },
    "answer": {
        "subject": {"kk": "Сұрағыңызға жауап: № ${number}",
                    "ru": "Ответ на ваш вопрос: № ${number}",
                    "en": "The answer to your question: No. ${number}"},
        "body": {
            "kk": ("Құрметті ${name},\n\n№ ${number} сұрағыңызға жауап:\n\n${answer}\n\n"
                   "Сұрағыңыз:\n${text}\n\n${link}\n"),
            "ru": ("Уважаемый(ая) ${name},\n\nОтвет на ваш вопрос № ${number}:\n\n"
                   "${answer}\n\nВаш вопрос:\n${text}\n\n${link}\n"),
            "en": ("Dear ${name},\n\nThe answer to your question No. ${number}:\n\n"
                   "${answer}\n\nYour question:\n${text}\n\n${link}\n"),
        },
    },
}

#: To the office: all three languages, like the other notices.
OFFICE = {
    "routed": ("Сұрақ бөлімшеге жіберілді", "Вопрос направлен в подразделение",
               "A question has been routed to your unit"),
    "answered": ("Сұраққа жауап келісуді күтуде", "Ответ на вопрос ждёт утверждения",
                 "An answer awaits your approval"),
    "international": ("Халықаралық ұйымға жауап келісуді күтуде",
                      "Ответ международной организации ждёт согласования",
                      "An answer to an international organisation awaits agreement"),
}


DIGEST = ("Жіберілуі тиіс сұрақтар", "Вопросы, ожидающие направления",
          "Questions waiting to be routed")
DIGEST_HEAD = ("№ · қабылданды / получен / received · мерзімі / срок / due")


def digest_message(lines, dashboard):
    """(subject, body) of the coordinators' morning list: (number, received, due, link)."""
    rows = "\n".join(f"{number} · {received} · {due}\n  {link}"
                      for number, received, due, link in lines)
    return (" / ".join(DIGEST) + f": {len(lines)}",
            f"{DIGEST_HEAD}\n\n{rows}\n\n{dashboard}\n")


def _fill(text, values):
    return Template(text).safe_substitute(values)


def asker_message(kind, language, values):
    """(subject, body) for the asker, in ``language``."""
    texts = ASKER[kind]
    lang = language if language in LANGUAGES else "kk"
    return _fill(texts["subject"][lang], values), _fill(texts["body"][lang], values)


def office_subject(kind, number):
    return " / ".join(OFFICE[kind]) + f": № {number}"


def _line(value):
    return " ".join(str(value if value is not None else "").split())


def edms_record(question, values):
    """The forward's fields, in their order: the same in the body and in the JSON."""
    return {
        "Format": FORMAT,
        "Number": question.number,
        "Link": values["staff_link"],
        "Received": values["received_iso"],
        "Due": values["due_iso"],
        "Units": list(question.units),
        "International": bool(question.international),
        "Language": question.language,
        "Topic": question.topic,
        "Name": _line(question.name),
        "Email": question.email,
        "Organisation": _line(question.organisation),
        "Attachment": question.attachment.original_name if question.attachment else None,
        "Text": question.text,
    }


def edms_message(question, values):
    """(subject, body, attachments) of the forward to the document management system."""
    record = edms_record(question, values)
    head = []
    for key, value in record.items():
        if key == "Text":
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(value)
        head.append(f"{key}: {_line(value) if value is not None else '-'}")
    body = "\n".join(head) + "\n\n" + question.text + "\n"
    attachments = [(f"question-{question.number}.json", "application/json",
                    json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))]
    if question.attachment is not None:
        stored = question.attachment
        attachments.append((stored.original_name, stored.content_type, stored.read()))
    return f"STATPORTAL-QUESTION {question.number}", body, attachments
