"""The transition buttons every staff page shows (``templates/actions.pt``), the question
before an action that asks one, and the message after.

A transition with ``confirm`` is asked about first. With script the page's ``<dialog>``
asks (``static/confirm.js``); without it the button's POST, which writes nothing without
``confirmed=1``, answers a confirmation page (``templates/confirm.pt``) that carries the
posted fields on, with the CSRF token, to the same address; ``GET @@workflow?confirm=<name>``
shows that page too. ``irreversible`` transitions get the ``danger`` button style.
"""

from pyramid.renderers import render_to_response

from statportal import labels
from statportal.security.permissions import VIEW
from statportal.workflow import available_transitions, workflow_of
from statportal.workflow.messages import confirmation, flash_said

#: the fields a confirmation page does not carry on (it sets its own)
_NOT_CARRIED = ("csrf_token", "confirmed", "comment")


def buttons(request, context):
    """The transitions this user may take now, as the shared template shows them:
    ``name``, ``title``, ``needs_comment``, ``irreversible`` and ``confirm`` (the question's
    plain text, or None)."""
    workflow = workflow_of(request.registry, context)
    found = []
    for chosen in available_transitions(request, context):
        asked = confirmation(request, context, workflow, chosen)
        found.append({"name": chosen.name, "title": labels.words(request, chosen.title,
                                                                 chosen.name),
                      "needs_comment": chosen.requires_comment,
                      "irreversible": chosen.irreversible,
                      "confirm": asked["text"] if asked else None})
    # what cannot be undone comes last, set apart, never where the eye expects the next step
    return sorted(found, key=lambda action: action["irreversible"])


def _unconfirmed(request, context, name):
    """The transition ``name`` when it asks first and this user may take it now."""
    chosen = next((t for t in available_transitions(request, context) if t.name == name),
                  None)
    if chosen is None or not chosen.confirm:
        return None
    return chosen


def confirm_step(request, context, action=None):
    """The confirmation page when the request takes (POST without ``confirmed``) or asks
    about (GET ``?confirm=``) a transition that asks first; None otherwise (go on). A POST
    whose required comment is missing goes on to be refused by ``fire`` with its field."""
    if request.method == "POST":
        if request.POST.get("confirmed") == "1":
            return None
        name = request.POST.get("transition", "")
        chosen = _unconfirmed(request, context, name)
        if chosen is None or (chosen.requires_comment
                              and not request.POST.get("comment", "").strip()):
            return None
        carried = [(key, value) for key, value in request.POST.items()
                   if key not in _NOT_CARRIED and isinstance(value, str)]
    else:
        name = request.GET.get("confirm", "")
        chosen = _unconfirmed(request, context, name)
        if chosen is None:
            return None
        carried = [("transition", name)]
    workflow = workflow_of(request.registry, context)
    return ask(request, context, labels.words(request, chosen.title, chosen.name),
               confirmation(request, context, workflow, chosen), carried,
               irreversible=chosen.irreversible, needs_comment=chosen.requires_comment,
               action=action)


def ask(request, context, title, asked, carried, irreversible=False, needs_comment=False,
        action=None):
    """The confirmation page of any action (a transition, Sharing's Revoke): ``asked`` is
    the question (a text, or ``statportal.workflow.messages``' dict with a link),
    ``carried`` the ``(name, value)`` fields the confirmed POST sends again, to ``action``
    (this address by default) with ``confirmed=1`` and the CSRF token."""
    if isinstance(asked, str):
        asked = {"text": asked}
    return render_to_response("statportal.views:templates/confirm.pt", {
        "asked": asked, "title": title, "irreversible": irreversible,
        "needs_comment": needs_comment, "carried": carried,
        "comment": request.params.get("comment", ""),
        "action": action or request.path_url,
        "back": request.resource_url(context),
    }, request=request)


def back_to(request, context, default):
    """Where to show the message after an action: the page its buttons were on (the
    form's ``next``) when that is the object's own page or its ``@@workflow``, else
    ``default`` -- never an address from elsewhere."""
    if not request.has_permission(VIEW, context):
        # the action took the object out of their sight (a coordinator's or moderator's
        # Return makes a request her unit's draft again): the nearest place they may see,
        # with the message, rather than a 403 after an action that succeeded
        parent = context.__parent__
        while parent is not None and not request.has_permission(VIEW, parent):
            parent = parent.__parent__
        return request.resource_url(parent if parent is not None else request.root)
    wanted = request.POST.get("next", "").rstrip("/")
    own = (request.resource_url(context), request.resource_url(context, "@@workflow"))
    return next((url for url in own if url.rstrip("/") == wanted), default)


def said(request, context, entry):
    """Keep the specific message of the transition just taken for the next page."""
    workflow = workflow_of(request.registry, context)
    flash_said(request, context, workflow, workflow.transition(entry["action"]), entry)


__all__ = ["ask", "back_to", "buttons", "confirm_step", "said"]
