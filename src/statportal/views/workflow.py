"""The state, history and actions of an object with a workflow (``@@workflow``)."""

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from statportal import labels
from statportal.content.base import Content
from statportal.content.resources import get_portal
from statportal.i18n import label
from statportal.security.permissions import VIEW
from statportal.security.principals import find_user
from statportal.security.staff import is_staff
from statportal.views.actions import back_to, buttons, confirm_step, said
from statportal.workflow import (
    WorkflowError,
    comment_text,
    fire,
    history_of,
    state_of,
    workflow_of,
)


def finding_page(request, context, findings):
    """The page a feature registered to explain one of the findings (``IFindingPages``:
    the confidentiality's ``@@disclosure``), or None."""
    from statportal.interfaces import IFindingPages

    pages = request.registry.queryUtility(IFindingPages) or {}
    view = next((pages[f.code] for f in findings if getattr(f, "code", None) in pages), None)
    return request.resource_url(context, "@@" + view) if view else None


def action_title(request, workflow, action):
    """Kept for callers: ``statportal.labels.action_title``."""
    return labels.action_title(request, workflow, action)


def in_words(request, context, message):
    """A workflow refusal as the page says it: the transition's and the state's titles in
    the reader's language ("Place", "Орналастыру"), not their names ("place")."""
    from translationstring import TranslationString

    workflow = workflow_of(request.registry, context)
    mapping = dict(getattr(message, "mapping", None) or {})
    if workflow is None or not mapping:
        return message
    chosen = workflow.transition(mapping.get("name")) if "name" in mapping else None
    if chosen is not None:
        mapping["name"] = label(request, chosen.title, chosen.name)
    state = workflow.state(mapping.get("state")) if "state" in mapping else None
    if state is not None:
        mapping["state"] = label(request, state.title, state.name)
    return TranslationString(message, mapping=mapping)


@view_config(context=Content, name="workflow", accept="text/html", permission=VIEW,
             renderer="statportal.views:templates/workflow.pt")
def workflow_page(context, request):
    workflow = workflow_of(request.registry, context)
    if workflow is None or not is_staff(request):  # history is for staff
        raise HTTPNotFound()
    error, findings = None, ()
    asking = confirm_step(request, context)  # Place, Reject ...: what will happen, first
    if asking is not None:
        return asking
    if request.method == "POST":
        name = request.POST.get("transition", "")
        try:
            entry = fire(request, context, name, request.POST.get("comment"))
        except WorkflowError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error, findings = in_words(request, context, exc.message), exc.findings
        else:
            said(request, context, entry)  # "2026-000014 registered, due ...", not "Done."
            # back to the page the buttons were on (the request's, the material's)
            return HTTPFound(back_to(request, context,
                                     request.resource_url(context, "@@workflow")))

    def state_title(name):
        return labels.state_title(request, workflow, name)

    portal, names = get_portal(request), {}

    def who(login):
        """A person by name, as the request's banner says them (the login when gone)."""
        if login and login not in names:
            user = find_user(portal, login)
            names[login] = (getattr(user, "fullname", "") or login) if user else login
        return names.get(login)

    return {
        "state": state_title(state_of(context, workflow)),
        "transitions": buttons(request, context),
        "history": [dict(entry, who=who(entry.get("actor")),
                         from_title=state_title(entry["from"]),
                         to_title=state_title(entry["to"]),
                         action_title=action_title(request, workflow, entry["action"]),
                         # the code's words in the reader's language; a person's as typed
                         comment=comment_text(request, entry))
                    for entry in reversed(history_of(context))],
        "error": error,
        "findings": findings,
        "disclosure_url": finding_page(request, context, findings),
        "comment": request.POST.get("comment", "") if error else "",
    }
