"""503 with ``Retry-After`` when the database stays contended: never a 500, nothing half-done.

A write that conflicts with a concurrent one (``ZODB.POSException.ConflictError``, its
``ReadConflictError``, RelStorage's and ZEO's conflicts: all ``TransientError``) is
retried by pyramid_retry (``retry.attempts``, a jittered pause ``statportal.retry_pause_ms``
before each). The exception view below answers the attempt that raised it; on every
attempt but the last pyramid_retry throws that answer away and runs the request again
(it checks ``request.exception``, which an exception view sets), so nothing is swallowed
before the retries are spent. RelStorage's lock timeouts (``UnableToAcquireLockError``:
its commit lock's, a pack's; its row locks' are ``ConflictError``s already) are answered
the same way at once, not retried: the commit lock's is not a ``TransientError``, and each
attempt would wait ``commit-lock-timeout`` again, holding a web thread that long each time.
On the last attempt the answer stands: 503 and
``Retry-After``, a JSON error for the API, a plain page for a browser. The transaction was
aborted (pyramid_tm aborts when an exception view answered, and a failed commit wrote
nothing), so nothing of the request is stored.

The page reads nothing from the database: after a failed commit there is no transaction
to read in, and an overloaded database is the last thing to ask for a layout.

Each retry is logged (``statportal.retry``, INFO, by ``statportal._pause_before_retry``:
the conflict's message names the class and oid of the object); the retries exhausted
are a WARNING here, naming the object too (``describe``).
"""

import logging
from html import escape

from pyramid.response import Response
from pyramid.view import exception_view_config
from transaction.interfaces import TransientError

from statportal.content.numbering import TurnTimeout
from statportal.i18n import _

try:  # RelStorage is an optional extra
    from relstorage.adapters.interfaces import UnableToAcquireLockError
except ImportError:  # pragma: no cover
    class UnableToAcquireLockError(Exception):
        """Never raised without RelStorage."""

log = logging.getLogger("statportal.retry")

#: seconds a client waits before trying again (the header and the page say it)
RETRY_AFTER = 2

TITLE = _("The portal is busy")
#: a change (the usual case: concurrent saves), and a read (a ZEO server out of reach,
#: ``ClientDisconnected``, is a ``TransientError`` too)
MESSAGE = _("Your change could not be saved at this moment, and nothing was changed. "
            "Try again in a few seconds.")
READ_MESSAGE = _("The page could not be read at this moment. Try again in a few seconds.")


def describe(exc):
    """``ConflictError on statportal.content.numbering.YearCounter oid 0x2a`` (a conflict
    names the class and the oid of the object it is about; other errors their type)."""
    text = type(exc).__name__
    name = getattr(exc, "class_name", None)
    oid = getattr(exc, "oid", None)
    if name:
        text += f" on {name}"
    if oid:
        from ZODB.utils import oid_repr

        text += f" oid {oid_repr(oid)}"
    return text


def wants_json(request):
    if request.environ.get("statportal.api_prefix"):
        return True
    offers = request.accept.acceptable_offers(("text/html", "application/json"))
    return bool(offers) and offers[0][0] == "application/json"  # a tie is the page


@exception_view_config(TransientError)  # exception views take no permission (Pyramid)
@exception_view_config(TurnTimeout)      # the numbering's wait ran out: not retried
@exception_view_config(UnableToAcquireLockError)  # RelStorage's lock timeouts: not retried
def overloaded(exc, request):
    """503 and ``Retry-After`` (pyramid_retry discards it unless this is the last attempt
    or the error is not retried)."""
    from pyramid_retry import is_error_retryable

    if not is_error_retryable(request, exc):
        log.warning("retries exhausted: 503 for %s %s after %s", request.method,
                    request.path_info, describe(exc))
    translate = request.localizer.translate
    message = READ_MESSAGE if request.method in ("GET", "HEAD") else MESSAGE
    if wants_json(request):
        from statportal.api.errors import json_error

        response = json_error(request, 503, message, [
            {"field": None, "message": message, "type": "busy"}])
    else:
        response = Response(page(request, translate(TITLE), translate(message)),
                            status=503, content_type="text/html", charset="utf-8")
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.cache_control.no_store = True
    return response


def page(request, title, message):
    """A page of its own (no layout: it would read the database)."""
    lang = escape(request.locale_name or "en")
    home = escape(request.application_url + "/")
    css = escape(request.static_url("statportal:static/portal.css"))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="{css}"></head>'
            f'<body><div class="page"><main id="main"><h1>{escape(title)}</h1>'
            f'<p>{escape(message)}</p><p><a href="{home}">'
            f'{escape(request.localizer.translate(_("Go to the home page")))}</a></p>'
            '</main></div></body></html>')
