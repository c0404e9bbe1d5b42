"""The questions' pages and endpoints; the rules live in ``rules``.

Public: ``/questions`` (the published answers, searchable by words, topic and language),
``/questions/@@ask`` (the form), ``POST /questions`` (JSON), ``<question>/@@status?t=``
and ``@status`` (the asker's link). Office: the question's page (route, answer, approve,
publish in one place), ``@@attachment``, ``/questions/@@dashboard`` and ``@dashboard``.
"""

from datetime import datetime

import colander
import deform
import deform.widget
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from statportal import clock
from statportal.api.errors import json_error
from statportal.api.serialize import bound_schema
from statportal.content import editing
from statportal.content.registry import get_content_registry
from statportal.i18n import LANGUAGE_NAMES, LANGUAGE_TITLES, _, label, pick
from statportal.questions import ASK, DASHBOARD
from statportal.questions.delivery import ASKER_LABELS, answer_delivery, staff_state_label
from statportal.questions.limits import get_limits
from statportal.questions.resources import NEVER_DELETED, Question, Questions
from statportal.questions.rules import (
    CORRECTABLE,
    STATE_FIELDS,
    state_of_question,
    status_link,
)
from statportal.questions.topics import get_topics
from statportal.questions.workflow import CORRECT, PERSONAL, QUESTION_WORKFLOW, TRACK
from statportal.security.permissions import EDIT, VIEW
from statportal.security.staff import is_staff
from statportal.views.actions import buttons, confirm_step, said
from statportal.views.content import flash
from statportal.views.forms import form_schema, make_form, set_field_error, validate
from statportal.views.workflow import in_words
from statportal.workflow import WorkflowError, fire

HTML = "text/html"
JSON = "application/json"
HONEYPOT = "website"
PUBLIC_PAGE = 20
#: What the asker reads about the state of the question.
ASKER_STATES = {
    "received": _("Received: it will be routed to the units that answer."),
    "routed": _("Being answered."), "answered": _("Being answered."),
    "awaiting_international": _("Being answered."),
    "sent": _("Answered: the answer was sent to your e-mail."),
    "published": _("Answered and published."),
    "closed": _("Closed without an answer."),
}


def _topic_title(request, name):
    title = get_topics(request.registry).get(name)
    return pick(request, title)[0] if title else name


# -- the public Q&A section -------------------------------------------------------------
def published(request, folder, words="", topic="", language=""):
    """The published questions, newest first, filtered by words, topic and language."""
    found = []
    terms = [w.casefold() for w in words.split() if w.strip()]
    for name in folder.published():
        question = folder.get(name)
        if question is None or state_of_question(question) != "published":
            continue
        if topic and question.topic != topic or language and question.language != language:
            continue
        text = f"{question.shown_text()}\n{question.shown_answer()}".casefold()
        if all(term in text for term in terms):
            found.append(question)
    found.sort(key=lambda q: q.published_at, reverse=True)
    return found


def _query(request):
    return {key: request.GET.get(key, "").strip()[:200] for key in ("q", "topic", "language")}


@view_config(context=Questions, accept=HTML, permission=VIEW,
             renderer="statportal.questions:templates/questions.pt")
def questions_page(context, request):
    query = _query(request)
    items = published(request, context, query["q"], query["topic"], query["language"])
    from statportal.numbers import NumberError, read_int

    try:
        start = read_int(request.GET, "b_start", 0)
    except NumberError as exc:
        raise HTTPBadRequest(request.localizer.translate(exc.message)) from None
    from urllib.parse import urlencode

    def page_url(at):
        return "?" + urlencode({**{k: v for k, v in query.items() if v}, "b_start": at})

    from statportal.batching import Batch

    batch = Batch(start, PUBLIC_PAGE, len(items))
    return {"items": batch.slice(items), "total": batch.total, "start": batch.start,
            "size": batch.size, "query": query, "page_url": page_url,
            "topics": [(n, pick(request, t)[0]) for n, t in get_topics(request.registry).items()],
            "topic_title": lambda name: _topic_title(request, name),
            "language_names": LANGUAGE_NAMES,   # each language's name in itself, tagged
            "can_ask": request.has_permission(ASK, context),
            "dashboard": request.has_permission(DASHBOARD, context)}


@view_config(context=Questions, name="@published", accept=JSON, renderer="json",
             permission=VIEW, request_method="GET")
def published_json(context, request):
    query = _query(request)
    items = published(request, context, query["q"], query["topic"], query["language"])
    return {"items": [{"@id": request.resource_url(q).rstrip("/"), "number": q.number,
                       "topic": q.topic, "language": q.language, "text": q.shown_text(),
                       "answer": q.shown_answer(), "published_at": q.published_at.isoformat()}
                      for q in items[:200]], "items_total": len(items)}


# -- asking -----------------------------------------------------------------------------
def _ask_schema(request, context):
    info = get_content_registry(request.registry)["Question"]
    schema = form_schema(bound_schema(request, context, info, adding=True), request)
    schema.add(colander.SchemaNode(
        colander.String(), name=HONEYPOT, missing="", title=_("Leave this field empty"),
        widget=deform.widget.TextInputWidget(item_css_class="honeypot",
                                             attributes={"autocomplete": "off",
                                                         "tabindex": "-1"})))
    return schema


@view_config(context=Questions, name="ask", accept=HTML, permission=ASK,
             request_method=("GET", "POST"), renderer="statportal.questions:templates/ask.pt")
def ask_page(context, request):
    form = make_form(_ask_schema(request, context), request, _("Send the question"))
    if "submit" not in request.POST:
        return {"form": form.render()}
    limits = get_limits(request)
    office = limits.exempt(request, context)        # a question that came by post
    refused = None if office else limits.admit(request, None)    # every attempt counts
    if refused:
        request.response.status = 429
        request.response.headers["Retry-After"] = str(refused[2])
        return {"form": set_field_error(form, refused[0], refused[1]).render()}
    try:
        appstruct = validate(form, request)
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return {"form": failure.render()}
    if appstruct.pop(HONEYPOT, ""):
        request.response.status = 400
        return {"form": set_field_error(form, HONEYPOT, _(
            "This field must stay empty: it catches automated senders.")).render()}
    refused = None if office else limits.admit(request, appstruct.get("email"))
    if refused:
        request.response.status = 429
        request.response.headers["Retry-After"] = str(refused[2])
        return {"form": set_field_error(form, refused[0], refused[1]).render()}
    try:
        question = editing.create(request.registry, context, "Question", None, appstruct,
                                  creator=request.authenticated_userid)
    except editing.EditError as exc:
        request.tm.doom()
        request.response.status = exc.status
        return {"form": set_field_error(form, exc.field, exc.message).render()}
    if not office:
        limits.stored(request, appstruct.get("email"))
    email = appstruct.get("email")
    if email:  # the address repeated: a mistyped one is seen now, not after days
        flash(request, _("Thank you. Your question is registered as No. ${number}; the link "
                         "to this page was sent to ${email}, and the answer will be sent "
                         "there.", mapping={"number": question.number, "email": email}))
    else:
        flash(request, _("Thank you. Your question is registered as No. ${number}; the "
                         "link to this page was sent to your e-mail.",
                         mapping={"number": question.number}))
    return HTTPFound(status_link(request, question))


@view_config(context=Questions, request_method="POST", accept=JSON, renderer="json",
             permission=ASK)
def ask_json(context, request):
    from statportal.api.content import ContentAPI

    # (A body too large to be a question never comes here: see limits.refuse_body.)
    try:
        payload = request.json_body
    except ValueError:
        payload = None
    email = payload.get("email") if isinstance(payload, dict) else None
    limits = get_limits(request)
    office = limits.exempt(request, context)        # questions that came by post
    refused = None if office else limits.admit(request, email)
    if refused:
        response = json_error(request, 429, refused[1], [
            {"field": refused[0], "message": refused[1], "type": "rate_limited"}])
        response.headers["Retry-After"] = str(refused[2])
        return response
    result = ContentAPI(context, request).post()
    if request.response.status_int != 201 or not isinstance(result, dict):
        return result
    if not office:
        limits.stored(request, email)
    result["@status"] = status_link(request, context[result["id"]])
    return result


# -- the asker's status link ------------------------------------------------------------
def status_data(request, question):
    state = state_of_question(question)
    answered = state in ("sent", "published")
    delivery = answer_delivery(question)
    words = ASKER_LABELS[delivery] if state == "sent" and delivery in ASKER_LABELS \
        else ASKER_STATES.get(state, state)
    return {"number": question.number, "review_state": state,
            "state_title": request.localizer.translate(words),
            # queued / sent / failed: the answer's mail in the outbox (None before approval)
            "answer_delivery": delivery,
            "received_at": question.received_at.isoformat(), "due": question.due.isoformat(),
            "topic": question.topic, "text": question.text,
            "answer": question.answer if answered else None,
            "sent_at": question.sent_at.isoformat() if question.sent_at else None,
            "published": request.resource_url(question).rstrip("/")
            if state == "published" else None}


def _private(request):
    request.response.headers["Referrer-Policy"] = "no-referrer"
    request.response.cache_control.private = True
    request.response.cache_control.no_store = True


@view_config(context=Question, name="status", accept=HTML, permission=TRACK,
             renderer="statportal.questions:templates/question_status.pt")
def status_page(context, request):
    if not context.token_matches(request.GET.get("t")):
        raise HTTPNotFound()
    _private(request)
    return {"status": status_data(request, context), "question": context,
            "topic_title": _topic_title(request, context.topic)}


@view_config(context=Question, name="@status", accept=JSON, renderer="json",
             permission=TRACK, request_method="GET")
def status_json(context, request):
    if not context.token_matches(request.GET.get("t")):
        return json_error(request, 404, _("Not found."))
    _private(request)
    return status_data(request, context)


# -- the office's page ------------------------------------------------------------------
def _apply_post(request, question):
    """Save the fields this state lets change, then take the chosen transition."""
    state = state_of_question(question)
    editable = STATE_FIELDS.get(state, ())
    info = get_content_registry(request.registry)["Question"]
    schema = bound_schema(request, question, info)
    changes = {}
    if "units" in editable and "units-shown" in request.POST:
        changes["units"] = request.POST.getall("units")
    for key in ("answer", "public_text", "public_answer"):
        if key in editable and key in request.POST:
            changes[key] = request.POST[key]
    if "international-shown" in request.POST:
        changes["international"] = "true" if request.POST.get("international") else "false"
    for key, value in list(changes.items()):
        try:
            value = schema[key].deserialize(value)
        except colander.Invalid as invalid:
            raise editing.EditError(invalid.asdict()[key], key) from None
        changes[key] = "" if value in (colander.drop, colander.null) else value
    if changes:
        # Who may change which field in this state is the type's rule (rules.update_question).
        editing.update(request.registry, question, changes, actor=request.authenticated_userid)
    name = request.POST.get("transition")
    if name:
        return fire(request, question, name, request.POST.get("comment"))
    return None


@view_config(context=Question, accept=HTML, permission=VIEW,
             renderer="statportal.questions:templates/question.pt")
def question_page(context, request):
    error, findings = None, ()
    if request.method == "POST" and is_staff(request):
        asking = confirm_step(request, context)  # Close, Withdraw: what will happen, first
        if asking is not None:
            return asking
        try:
            entry = _apply_post(request, context)
        except editing.EditError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error, findings = exc.message, ()
        except WorkflowError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error, findings = in_words(request, context, exc.message), exc.findings
        else:
            if entry is not None:  # the transition's own words (statportal.views.actions)
                said(request, context, entry)
            else:
                flash(request, _("Saved."))
            return HTTPFound(request.resource_url(context))
    from statportal.content.paths import find_by_path
    from statportal.content.resources import get_portal
    from statportal.security.schemas import orgunit_paths

    state = state_of_question(context)
    editable = STATE_FIELDS.get(state, ()) if request.has_permission(EDIT, context) else ()
    correct = state in CORRECTABLE["international"] and request.has_permission(
        CORRECT, context)
    portal = get_portal(request)

    def unit_title(path):
        unit = find_by_path(portal, path)
        return pick(request, unit.title)[0] if unit is not None else path

    return {
        "question": context, "state": state,
        # the sent state's words follow the answer's mail: queued, sent, not delivered
        "state_title": label(request, staff_state_label(
            context, state, QUESTION_WORKFLOW.state(state).title), state),
        "delivery": answer_delivery(context),
        "language_title": label(request, LANGUAGE_TITLES.get(context.language),
                                context.language or "—"),
        "personal": request.has_permission(PERSONAL, context),
        "staff": is_staff(request),
        "topic_title": _topic_title(request, context.topic),
        "units": [unit_title(path) for path in context.units],
        "unit_options": orgunit_paths(request) if "units" in editable else (),
        "edit_units": "units" in editable, "edit_answer": "answer" in editable,
        "edit_public": "public_text" in editable, "edit_international": correct,
        "transitions": buttons(request, context),  # the shared buttons (views.actions)
        "error": error, "findings": findings,
        "answer": request.POST.get("answer", context.answer) if error else context.answer,
        "overdue": state in ("received", "routed", "answered", "awaiting_international")
        and context.due < clock.now(),
    }


@view_config(context=Question, request_method="PATCH", accept=JSON, renderer="json",
             permission=VIEW)
def patch_json(context, request):
    """PATCH, for the staff who see the question: which field each may change, in which
    state, is the type's rule (``rules.update_question``: EDIT for the state's fields,
    CORRECT for ``international``, never the asker's), so a refusal names the field and
    the state. A PATCH that changes nothing writes nothing."""
    from pyramid.httpexceptions import HTTPForbidden

    from statportal.api.content import ContentAPI

    if not is_staff(request):
        raise HTTPForbidden()
    return ContentAPI(context, request).patch()




@view_config(context=Question, request_method="DELETE", accept=JSON, renderer="json",
             permission=VIEW)
def delete_json(context, request):
    response = json_error(request, 405, NEVER_DELETED)
    response.headers["Allow"] = "GET, PATCH"
    return response


@view_config(context=Question, name="delete", permission=VIEW)
def delete_page(context, request):
    from pyramid.httpexceptions import HTTPMethodNotAllowed

    raise HTTPMethodNotAllowed(NEVER_DELETED, headers={"Allow": "GET"})


@view_config(context=Question, name="attachment", permission=PERSONAL)
def attachment(context, request):
    from statportal.files.download import file_response

    if context.attachment is None:
        raise HTTPNotFound()
    return file_response(request, context.attachment)


# -- the dashboard ----------------------------------------------------------------------
def dashboard_data(request, folder):
    from statportal.content.paths import find_by_path
    from statportal.content.resources import get_portal
    from statportal.questions.dashboard import figures

    # A question's ACL comes from its state and the units it is routed to, nothing else
    # (no grants of its own, no owner): one check per (state, units) is enough.
    checked = {}

    def visible(question):
        key = (state_of_question(question), tuple(question.units))
        if key not in checked:
            checked[key] = bool(request.has_permission(VIEW, question))
        return checked[key]

    data = figures(folder.values(), clock.now(), visible=visible)
    portal = get_portal(request)
    for row in data["units"]:
        unit = find_by_path(portal, row["unit"])
        row["title"] = pick(request, unit.title)[0] if unit is not None else row["unit"]
    for item in (*data["new"], *data["open"]):
        item["@id"] = request.resource_url(folder[item["id"]]).rstrip("/")
    return data


@view_config(context=Questions, name="@dashboard", accept=JSON, renderer="json",
             permission=DASHBOARD, request_method="GET")
def dashboard_json(context, request):
    return dashboard_data(request, context)


@view_config(context=Questions, name="dashboard", accept=HTML, permission=DASHBOARD,
             renderer="statportal.questions:templates/questions_dashboard.pt")
def dashboard_page(context, request):
    from statportal.views.charts import bar_chart

    data = dashboard_data(request, context)
    rows = [row for row in data["units"] if row["answered"]]
    title = request.localizer.translate(_("Answers sent on time, by unit"))
    return {"data": data, "title": title,
            "chart": bar_chart(rows, "title", "answered", "on_time", title) if rows else "",
            "topic_title": lambda name: _topic_title(request, name),
            "when": datetime.fromisoformat,
            "state_title": lambda s: label(request, QUESTION_WORKFLOW.state(s).title, s)}
