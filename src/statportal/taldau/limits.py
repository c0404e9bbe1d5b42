"""The public's pace on the data API: at most ``statportal.data.requests_per_minute``
requests (120 by default) from one client address per minute, then 429 with
``Retry-After`` and the API's JSON error.

Counted by the one limiter (``statportal.security.ratelimit``, a sliding window), in the
process, per connection address (``REMOTE_ADDR``, which waitress sets from a trusted
proxy; never a header the client writes). The office's staff are not limited (decided by
permission, ``statportal.security.staff``). ``/data/…/@tables|@metadata|@data`` and PxWeb's
``/api/v2`` share the count: one client, one allowance."""

from statportal.i18n import _
from statportal.security.ratelimit import RateLimit, take_once

#: Marks a request already counted: a retry after a write conflict reuses its environ.
COUNTED = "statportal.data_counted"
WINDOW = 60


class DataLimits:
    def __init__(self, per_minute):
        self.per_minute = per_minute
        self.by_address = RateLimit(per_minute, WINDOW)

    @classmethod
    def from_settings(cls, settings):
        from statportal.settings import as_int

        return cls(as_int(settings, "statportal.data.requests_per_minute"))


def get_limits(registry):
    """The registry's ``IDataLimits`` (made from the settings the first time it is
    asked for, e.g. by an application that did not include ``statportal.taldau.limits``)."""
    from statportal.directives import utility
    from statportal.interfaces import IDataLimits

    return utility(registry, IDataLimits, lambda: DataLimits.from_settings(registry.settings))


def wait(request):
    """0 when this request may be served (counted), else the seconds to wait (not
    counted). Staff: always 0, uncounted."""
    from statportal.security.staff import is_staff

    if request.environ.get(COUNTED) or is_staff(request):
        return 0
    return take_once(get_limits(request.registry).by_address, request, COUNTED)


def refuse(request, lang=None):
    """None when the request may go on, else the 429 answer (JSON, ``Retry-After``; in
    ``lang``, the asker's ``lang`` parameter, when given)."""
    seconds = wait(request)
    if not seconds:
        return None
    from statportal.api.errors import json_error

    per_minute = get_limits(request.registry).per_minute
    message = _("Too many requests: at most ${count} a minute. Try again in ${seconds} s.",
                mapping={"count": per_minute, "seconds": seconds})
    response = json_error(request, 429, message, [
        {"field": None, "message": message, "type": "throttled"}], lang=lang)
    response.headers["Retry-After"] = str(seconds)
    return response


def includeme(config):
    from statportal.interfaces import IDataLimits

    config.registry.registerUtility(DataLimits.from_settings(config.registry.settings),
                                    IDataLimits)
