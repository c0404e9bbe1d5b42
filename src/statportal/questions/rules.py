"""What happens to a question, without HTTP: its number and deadline, which fields may
change in which state, the guards, and the mail each step sends.

The deadline (art. 25) is the close of business of the third working day after the day of
receipt (``statportal.questions.answer_days``), the fifth when several units must agree
(``agreed_answer_days``); ``WorkCalendar.answer_deadline`` skips weekends and holidays.
"""

from datetime import UTC

import colander

from statportal import clock
from statportal.content.editing import EditError, apply_fields, choose_name, normalise
from statportal.content.events import ObjectModified
from statportal.content.paths import path_of, root_of
from statportal.content.registry import get_content_registry
from statportal.i18n import _
from statportal.questions.schemas import plain_line_ends
from statportal.settings import as_int

#: What the office may change in each state (those who may edit it there); the asker's
#: fields never change.
STATE_FIELDS = {
    "received": ("units",),
    "routed": ("answer",),
    "answered": ("answer",),
    "awaiting_international": ("answer",),
    "sent": ("public_text", "public_answer"),
    "published": ("public_text", "public_answer"),
}
#: The asker's flag a coordinator may correct (art. 26: it decides whether international
#: cooperation agrees the answer), and the states in which it may be.
CORRECTABLE = {"international": ("received", "routed")}
OPEN_STATES = ("received", "routed", "answered", "awaiting_international")
TITLE_CHARS = 120


def answer_days(settings, units):
    key = "agreed_answer_days" if len(units or ()) > 1 else "answer_days"
    return as_int(settings, f"statportal.questions.{key}")


def deadline(portal, settings, received_at, units=()):
    from statportal.schedule.exceptions import calendar_of

    calendar = calendar_of(portal, settings)
    return calendar.answer_deadline(received_at, answer_days(settings, units)).astimezone(UTC)


def state_of_question(question):
    from statportal.workflow import state_of

    return state_of(question, "question", "received")


def short(text):
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1].rstrip() + "…"


# -- the type's hooks -------------------------------------------------------------------
def create_question(registry, container, name, appstruct, creator):
    """A new question: numbered, dated, with its deadline and the asker's secret link;
    the confirmation is queued with it (it goes out after the commit, retried until the
    mail server takes it: a question accepted is never lost to a mail failure)."""
    from pyramid.threadlocal import get_current_request

    from statportal.schedule.exceptions import calendar_of

    content = get_content_registry(registry)
    if name:
        raise EditError(_("A question's id is given by the portal."), "id",
                        type="read_only")
    name = choose_name(container, content["Question"], None, appstruct)
    question = content.create("Question")
    question.creator = creator
    apply_fields(question, appstruct)
    portal = root_of(container)
    now = clock.now()
    question.received_at = now
    question.number = container.next_number(
        calendar_of(portal, registry.settings).local(now).year)
    # The title is public once published: the number only, never the asker's words.
    question.title = {"kk": f"Сұрақ № {question.number}", "ru": f"Вопрос № {question.number}",
                      "en": f"Question No. {question.number}"}
    question.due = deadline(portal, registry.settings, now)
    question.new_token()
    container.add(name, question)
    request = get_current_request()
    if request is not None:
        _mail_asker(request, question, "received")
    return question


def same_value(key, value, stored):
    """Whether ``value`` is what is stored, however a client wrote it back: units in any
    order, text with the CRLF line ends a browser's textarea sends."""
    if key == "units":
        return sorted(value or ()) == sorted(stored or ())
    if isinstance(value, str) and isinstance(stored, str):
        return plain_line_ends(value) == plain_line_ends(stored)
    return normalise(value) == stored


def update_question(registry, question, appstruct, actor):
    """Only the fields of the state change (``STATE_FIELDS``), by those who may edit the
    question there; the coordinator may correct ``international`` while it is received or
    routed (noted in the history). Anything else sent must be what is stored (a client may
    send back what it read): the asker's fields are refused (400), the office's fields of
    another state too (409), before anything is written."""
    from pyramid.threadlocal import get_current_request

    from statportal.questions.resources import ASKER_FIELDS
    from statportal.questions.workflow import CORRECT
    from statportal.security.permissions import EDIT

    request = get_current_request()
    state = state_of_question(question)
    allowed = STATE_FIELDS.get(state, ())
    changes = {}
    for key, value in appstruct.items():
        if value is colander.drop or (key == "attachment" and value in (None, colander.null)):
            continue
        if same_value(key, value, getattr(question, key, None)):
            continue
        if key in CORRECTABLE:
            if state not in CORRECTABLE[key]:
                raise EditError(_("${field} can be corrected only while the question is "
                                  "received or routed, not in the state ${state}.",
                                  mapping={"field": key, "state": state}), key, status=409,
                                type="read_only")
            if request is not None and not request.has_permission(CORRECT, question):
                raise EditError(_("Only a coordinator may correct ${field}.",
                                  mapping={"field": key}), key, status=403, type="forbidden")
        elif key in ASKER_FIELDS:
            raise EditError(_("The asker's ${field} is never changed.",
                              mapping={"field": key}), key, status=400, type="read_only")
        elif key not in allowed:
            raise EditError(_("${field} cannot be changed in the state ${state}.",
                              mapping={"field": key, "state": state}), key, status=409,
                            type="read_only")
        elif request is not None and not request.has_permission(EDIT, question):
            raise EditError(_("You may not change ${field} in the state ${state}.",
                              mapping={"field": key, "state": state}), key, status=403,
                            type="forbidden")
        changes[key] = value
    before = {key: getattr(question, key, None) for key in CORRECTABLE}
    changed = apply_fields(question, changes)
    if changed:
        question.modified = clock.now()
        for key in changed:
            if key in CORRECTABLE:
                from statportal.workflow import note

                # the action names the field; its values in the reader's language
                note(question, key, _("${before} → ${after}", mapping={
                    "before": _said(before[key]), "after": _said(getattr(question, key))}),
                    request=request)
        registry.notify(ObjectModified(question, changed))
    return changed


def _said(value):
    """A corrected value for the history: a flag as Yes or No (stored as its code)."""
    from statportal.workflow import Term

    if isinstance(value, bool):
        return Term(_json(value), _("Yes") if value else _("No"))
    return _json(value)


def _json(value):
    import json

    return json.dumps(value)


# -- after each step --------------------------------------------------------------------
def on_transition(event):
    question, name = event.object, event.transition.name
    if getattr(question, "__content_type__", None) != "Question":
        return
    request, now = event.request, clock.now()
    portal = root_of(question)
    if name == "route":
        question.routed_at = now
        question.due = deadline(portal, request.registry.settings, question.received_at,
                                question.units)
        _forward_to_edms(request, question)
        _mail_units(request, question, "group:executors", "routed")
    elif name == "answer":
        question.answered_at = now
        _mail_units(request, question, "group:unit_heads", "answered")
    elif name == "return":
        question.answered_at = None
    elif name in ("reroute", "reopen"):
        # Routed afresh: the unit that had it loses it (and the asker's details) at once,
        # its draft goes with it, and the term is the single unit's again, from receipt.
        question.units, question.answer = (), ""
        question.routed_at = question.answered_at = None
        question.due = deadline(portal, request.registry.settings, question.received_at)
        if name == "reopen":
            question.closed_at = None
    elif name in ("approve", "approve_international"):
        if state_of_question(question) == "sent":
            question.sent_at = now
            _mail_asker(request, question, "answer")
        else:
            from statportal.security.principals import addresses_with_role as addresses

            _mail_office(request, addresses(portal, "group:international", request.registry),
                         question, "international")
    elif name == "publish":
        question.published_at = now
        question.public_text = question.public_text or question.text
        question.public_answer = question.public_answer or question.answer
        question.__parent__.set_published(question.__name__, True, now)
    elif name == "withdraw":
        question.__parent__.set_published(question.__name__, False, question.published_at)
        question.published_at = None
    elif name == "close":
        question.closed_at = now


def base_url(request):
    return request.application_url.removesuffix("/++api++")


def status_link(request, question):
    return f"{base_url(request)}/{path_of(question).lstrip('/')}/@@status?t={question.status_token}"


def staff_link(request, question):
    return f"{base_url(request)}/{path_of(question).lstrip('/')}"


def _local(portal, request, moment):
    from statportal.schedule.exceptions import calendar_of

    return calendar_of(portal, request.registry.settings).local(moment)


def _values(request, question):
    portal = root_of(question)
    received, due = (_local(portal, request, m) for m in (question.received_at, question.due))
    return {"name": question.name, "number": question.number, "text": question.text,
            "answer": question.answer, "link": status_link(request, question),
            "staff_link": staff_link(request, question),
            "received": received.strftime("%d.%m.%Y %H:%M"),
            "due": due.strftime("%d.%m.%Y %H:%M"),
            "received_iso": received.isoformat(), "due_iso": due.isoformat()}


def _sender(request):
    return request.registry.settings["mail.default_sender"]


def _mail_asker(request, question, kind):
    from statportal.mail import make_message, queue_mail
    from statportal.questions.messages import asker_message

    subject, body = asker_message(request.registry, kind, question.language,
                                  _values(request, question))
    key = queue_mail(request, make_message(_sender(request), [question.email], subject, body))
    if kind == "answer":
        # "Answer sent" only once this mail has left the outbox (views: answer_delivery).
        question.answer_mail = key


def _mail_office(request, recipients, question, kind):
    from statportal.mail import queue_staff_mail
    from statportal.questions.messages import office_message

    if recipients:
        queue_staff_mail(request, recipients, lambda language: office_message(
            request.registry, kind, question.number, staff_link(request, question), language),
            portal=root_of(question))


def _mail_units(request, question, group, kind):
    from statportal.security.principals import addresses_in_unit

    portal = root_of(question)
    recipients = sorted({address for unit in question.units
                         for address in addresses_in_unit(portal, unit, group, request.registry)})
    _mail_office(request, recipients, question, kind)


def _forward_to_edms(request, question):
    """Art. 24: the question goes to the units through the document management system."""
    from statportal.mail import make_message, queue_mail
    from statportal.questions.messages import edms_message

    address = request.registry.settings.get("statportal.questions.edms_address", "").strip()
    if not address:
        return
    subject, body, attachments = edms_message(question, _values(request, question))
    queue_mail(request, make_message(_sender(request), [address], subject, body,
                                     attachments=attachments))


def morning_digest(request, portal, now):
    """Art. 24: once a working day, from opening time, the coordinators get the list of the
    questions waiting to be routed (a worker pass calls this; returns 1 when it sent)."""
    from statportal.questions.messages import digest_message
    from statportal.schedule.exceptions import calendar_of
    from statportal.security.principals import addresses_with_role as addresses

    folder = portal.get("questions")
    if folder is None or not hasattr(folder, "published"):
        return 0
    calendar = calendar_of(portal, request.registry.settings)
    local = calendar.local(now)
    if not calendar.is_working_day(local.date()) or local.time() < calendar.hours.opening:
        return 0
    if folder.digest_sent_on == local.date():
        return 0
    folder.digest_sent_on = local.date()
    waiting = sorted((q for q in folder.values() if state_of_question(q) == "received"),
                     key=lambda q: q.received_at)
    recipients = addresses(portal, "group:coordinators", request.registry)
    if not waiting or not recipients:
        return 0
    from statportal.mail import queue_staff_mail

    lines = [(q.number, calendar.local(q.received_at).strftime("%d.%m.%Y %H:%M"),
              calendar.local(q.due).strftime("%d.%m.%Y %H:%M"), staff_link(request, q))
             for q in waiting]
    queue_staff_mail(request, recipients, lambda language: digest_message(
        request.registry, lines, f"{base_url(request)}/questions/@@dashboard", language),
        portal=portal)
    return 1
