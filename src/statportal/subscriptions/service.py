"""A subscription request as the form and the JSON make it: validated against the
choices of the moment, limited, recorded to be confirmed, and its confirmation mailed.
The answer does not depend on whether the address was known."""

import colander

from statportal import clock
from statportal.i18n import _
from statportal.subscriptions.choices import Choices
from statportal.subscriptions.limits import get_limits
from statportal.subscriptions.messages import queue_confirmation
from statportal.subscriptions.resources import subscribe
from statportal.subscriptions.schemas import cleaned, subscription_schema
from statportal.subscriptions.tokens import CONFIRM_HOURS

#: The one answer to an accepted request, known address or not.
ACCEPTED = _("Thank you. If the address can receive our mail, a message is on its way to "
             "it: the subscription starts when you confirm it with the link in that "
             "message. Nothing else is sent until then.")
#: What a token that cannot be honoured says, by ``TokenError.reason``.
TOKEN_MESSAGES = {
    "forged": _("This link is not valid: open the link from the message exactly as it is."),
    "expired": _("This link has expired: subscribe again to receive a new one."),
    "used": _("This link has already been used or replaced by a newer one."),
}


def confirm_hours(settings):
    try:
        return max(1, int(settings.get("statportal.subscriptions.confirm_hours",
                                       CONFIRM_HOURS)))
    except (TypeError, ValueError):
        return CONFIRM_HOURS


def secret_of(request):
    return request.registry.settings["statportal.secret"]


def bound(schema, request, portal, choices=None):
    return schema.bind(request=request, choices=choices or Choices(request, portal))


def validate_json(request, portal, body):
    """The appstruct of a JSON body, or colander.Invalid."""
    if not isinstance(body, dict):
        raise colander.Invalid(subscription_schema(), _("The body must be a JSON object."))
    schema = bound(subscription_schema(), request, portal)
    return schema.deserialize(body), schema.bindings["choices"]


def request_subscription(request, portal, appstruct, choices):
    """Record and mail; 0, or the seconds to wait (the address asked too often)."""
    data = cleaned(appstruct)
    wait = get_limits(request).email(data["email"])
    if wait:
        return wait
    hours = confirm_hours(request.registry.settings)
    subscriber, token = subscribe(portal, data, clock.now(), secret=secret_of(request),
                                  hours=hours)
    queue_confirmation(request, subscriber, subscriber.pending or subscriber.choice(), token,
                       choices, hours)
    return 0
