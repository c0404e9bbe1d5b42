"""The e-mails of a question: the asker's confirmation and answer (in the question's
language), the office's notices (in each staff recipient's language), and the forward to
the document management system in a stable format (``FORMAT``; described in docs/questions.md)."""

import json

from statportal.i18n import _, translate_for

FORMAT = "statportal-question/1"

#: To the asker, in the question's language (kk when it has none of ours).
ASKER = {
    "received": {
        "subject": _("Your question has been received: No. ${number}"),
        "body": _("Dear ${name},\n\nYour question was received on ${received} and "
                  "registered as No. ${number}. It will be answered by ${due}.\nFollow it "
                  "here:\n${link}\n\nYour question:\n${text}\n"),
    },
    "answer": {
        "subject": _("The answer to your question: No. ${number}"),
        "body": _("Dear ${name},\n\nThe answer to your question No. ${number}:\n\n"
                  "${answer}\n\nYour question:\n${text}\n\n${link}\n"),
    },
}

#: To the office: in each recipient's own language (``mail.queue_staff_mail``).
OFFICE = {
    "routed": _("A question has been routed to your unit"),
    "answered": _("An answer awaits your approval"),
    "international": _("An answer to an international organisation awaits agreement"),
}

DIGEST = _("Questions waiting to be routed")


def digest_message(registry, lines, dashboard, language):
    """(subject, body) of the coordinators' morning list, in ``language``: (number,
    received, due, link)."""
    rows = "\n".join(f"{number} · {received} · {due}\n  {link}"
                      for number, received, due, link in lines)
    head = " · ".join(("№", translate_for(registry, _("Received"), language),
                       translate_for(registry, _("Due"), language)))
    return (translate_for(registry, DIGEST, language) + f": {len(lines)}",
            f"{head}\n\n{rows}\n\n{dashboard}\n")


def asker_message(registry, kind, language, values):
    """(subject, body) for the asker, in ``language``."""
    texts = ASKER[kind]
    return (translate_for(registry, texts["subject"], language, values),
            translate_for(registry, texts["body"], language, values))


def office_subject(registry, kind, number, language):
    """The subject of an office notice, in ``language`` (the recipient's)."""
    return translate_for(registry, OFFICE[kind], language) + f": № {number}"


def office_message(registry, kind, number, link, language):
    """(subject, body) of an office notice in ``language``: what waits, and where."""
    subject = office_subject(registry, kind, number, language)
    return subject, f"{subject}\n\n{link}\n"


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
