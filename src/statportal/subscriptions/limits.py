"""How many subscription attempts one client address (``statportal.subscriptions.
per_address_per_hour``, every attempt, a refused one too) and one e-mail address
(``per_email_per_hour``, each accepted request: so nobody floods a stranger's mailbox
with confirmations) may make, counted in the process by the one limiter
(``statportal.security.ratelimit``). The client address is the connection's
(``REMOTE_ADDR``), never a header the client writes. The answer to a limited e-mail is the
same whether or not the address is subscribed."""

from zope.interface import Interface

from statportal.i18n import _
from statportal.security.ratelimit import RateLimit, take_once
from statportal.subscriptions.resources import normal_key

COUNTED = "statportal.subscription_counted"   # a retried request's environ: counted once


class ISubscriptionLimits(Interface):
    """The registry's ``SubscriptionLimits``."""


class SubscriptionLimits:
    def __init__(self, per_address_per_hour, per_email_per_hour):
        self.by_address = RateLimit(per_address_per_hour, 3600)
        self.by_email = RateLimit(per_email_per_hour, 3600)

    @classmethod
    def from_settings(cls, settings):
        from statportal.settings import as_int

        return cls(as_int(settings, "statportal.subscriptions.per_address_per_hour"),
                   as_int(settings, "statportal.subscriptions.per_email_per_hour"))

    def address(self, request):
        """0 (counted), or the seconds this client address must wait."""
        return take_once(self.by_address, request, COUNTED)

    def email(self, email):
        """0 (counted), or the seconds to wait before one more mail to ``email``."""
        return self.by_email.take(normal_key(email))


def get_limits(request):
    return request.registry.getUtility(ISubscriptionLimits)


def too_many(wait):
    return _("Too many subscription requests: try again in ${minutes} minutes.",
             mapping={"minutes": -(-wait // 60)})
