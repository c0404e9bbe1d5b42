"""The Manager's page of a subscriber's personal data, ``/@@subscribers``: look up an
address, download what is kept of it as JSON, erase it (a confirmation box, the CSRF
token). Every action is a POST, so that no address lands in a URL (and so in the access
log or the browser's history); looking up and exporting write nothing."""

import json

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.response import Response
from pyramid.view import view_config

from statportal.content.resources import Portal
from statportal.i18n import LANGUAGE_TITLES, _
from statportal.security.permissions import MANAGE_SETTINGS
from statportal.subscriptions.privacy import erase_data, export_data, queued_messages
from statportal.subscriptions.resources import find

PAGE = "statportal.subscriptions:templates/subscribers.pt"
ACTIONS = ("lookup", "export", "erase")
#: an address is at most 254 characters (RFC 5321's path); a little room for spaces
LONGEST = 320


def _page(request, status=200, **values):
    from pyramid.renderers import render_to_response

    values = {"email": "", "found": None, "queued": 0, "erased": None, "error": None,
              "field": None, **values}
    values["shown"] = _shown(request, values["found"]) if values["found"] else None
    response = render_to_response(PAGE, values, request=request)
    response.status_int = status
    return response


def _shown(request, subscriber):
    """The subscriber's choice in the page's words: its language's name, the titles of its
    sections, categories and indicators (a code or path kept when nothing has it now)."""
    from statportal.content.resources import get_portal
    from statportal.subscriptions.choices import Choices

    choices, translate = Choices(request, get_portal(request)), request.localizer.translate
    titles = {field: {item[0]: item[1] for item in getattr(choices, field)}
              for field in ("sections", "categories", "indicators")}
    language = LANGUAGE_TITLES.get(subscriber.language)
    return {"language": translate(language) if language else subscriber.language,
            **{field: ", ".join(titles[field].get(value, value)
                                for value in getattr(subscriber, field)) or "—"
               for field in titles}}


def _refuse(request, field, message, email="", found=None, queued=0):
    """400 naming ``field``, the page shown again with the message at the field."""
    return _page(request, status=400, email=email, field=field, found=found, queued=queued,
                 error=request.localizer.translate(message))


@view_config(context=Portal, name="subscribers", permission=MANAGE_SETTINGS,
             request_method="GET")
def subscribers_page(context, request):
    return _page(request)


@view_config(context=Portal, name="subscribers", permission=MANAGE_SETTINGS,
             request_method="POST")
def subscribers_action(context, request):
    """``action`` = ``lookup`` | ``export`` | ``erase`` on the address ``email`` (the CSRF
    token is checked by the default options, as for every form POST)."""
    action = request.POST.get("action", "lookup")
    if action not in ACTIONS:
        raise HTTPBadRequest(request.localizer.translate(_("Unknown action.")))
    email = " ".join(str(request.POST.get("email", "")).split())
    if not email:
        return _refuse(request, "email", _("Enter the e-mail address."))
    if len(email) > LONGEST:
        return _refuse(request, "email", _("This is too long for an e-mail address."), email)
    if action == "erase":
        if request.POST.get("confirm") != "yes":
            return _refuse(request, "confirm",
                           _("Tick the box to confirm that the address is to be erased."),
                           email, find(context, email) or False,
                           queued_messages(context, email))
        erased = erase_data(context, email)
        if erased is None:
            return _page(request, status=404, email=email, found=False)
        return _page(request, erased=erased)
    if action == "lookup":
        subscriber = find(context, email)
        return _page(request, email=subscriber.email if subscriber else email,
                     found=subscriber or False, queued=queued_messages(context, email))
    data = export_data(context, email)
    if data is None:
        return _page(request, status=404, email=email, found=False)
    response = Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                        content_type="application/json", charset="utf-8")
    response.content_disposition = 'attachment; filename="subscriber.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
