"""The JSON of subscriptions, anonymous: ``POST /@subscriptions`` (the choice; 202 with
the same answer whether or not the address is known) and ``POST /@subscriptions/confirm``
(``{"token": T}``). A JSON body needs no CSRF token (``security.csrf_applies``)."""

import colander
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from statportal import clock
from statportal.api.errors import errors_from_invalid, json_error
from statportal.content.resources import Portal
from statportal.i18n import _
from statportal.security.permissions import VIEW
from statportal.subscriptions.limits import get_limits, too_many
from statportal.subscriptions.resources import TokenError, confirm
from statportal.subscriptions.service import (
    ACCEPTED,
    TOKEN_MESSAGES,
    request_subscription,
    secret_of,
    validate_json,
)

JSON = "application/json"


def _body(request):
    try:
        return request.json_body
    except ValueError:
        return None


def _limited(request, wait, field=None):
    request.response.headers["Retry-After"] = str(wait)
    error = json_error(request, 429, too_many(wait),
                       [{"field": field, "message": too_many(wait), "type": "too_many"}])
    error.headers["Retry-After"] = str(wait)
    return error


@view_config(context=Portal, name="@subscriptions", request_method="POST", renderer="json",
             permission=VIEW)
def subscriptions_json(context, request):
    if request.subpath == ("confirm",):
        return confirm_json(context, request)
    if request.subpath:
        raise HTTPNotFound()
    wait = get_limits(request).address(request)   # every attempt counts, a refused one too
    if wait:
        return _limited(request, wait)
    try:
        appstruct, choices = validate_json(request, context, _body(request))
    except colander.Invalid as invalid:
        return json_error(request, 400, _("The subscription is not valid."),
                          errors_from_invalid(request, invalid))
    wait = request_subscription(request, context, appstruct, choices)
    if wait:
        return _limited(request, wait, "email")
    request.response.status = 202
    return {"message": request.localizer.translate(ACCEPTED)}


def confirm_json(context, request):
    body = _body(request)
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        return json_error(request, 400, _("A token is required."),
                          [{"field": "token", "message": _("Required"), "type": "invalid"}])
    try:
        subscriber = confirm(context, token, clock.now(), secret=secret_of(request))
    except TokenError as exc:
        return json_error(request, 400, TOKEN_MESSAGES[exc.reason],
                          [{"field": "token", "message": TOKEN_MESSAGES[exc.reason],
                            "type": exc.reason}])
    return {"message": request.localizer.translate(_("Your subscription is confirmed.")),
            "subscription": {**{k: (list(v) if isinstance(v, tuple) else v)
                                for k, v in subscriber.choice().items()},
                             "confirmed": subscriber.confirmed.isoformat()}}
