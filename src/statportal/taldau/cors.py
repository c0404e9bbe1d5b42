"""CORS for the public data API, so that a web page of another site (a browser-based
PxWeb client, a newsroom's chart) reads the figures: ``Access-Control-Allow-Origin: *`` on
``/data/@tables``, ``/data/<id>/@metadata``, ``/data/<id>/@data`` and every ``/api/v2``
path, refusals included, and their preflight (``OPTIONS``) approved for GET and POST with
``Content-Type`` (a JSON body).

Why this is safe: these answers are the public's (the embargo decides what the public
sees), ``*`` comes without ``Access-Control-Allow-Credentials``, so a browser never lets
another site read an answer made with the visitor's cookie or credentials, and a request
that carries credentials gets no CORS header at all. The preflight is approved on these
paths only: everywhere else (``@import``, ``@consistency``, the content API) no preflight
is approved, which is what lets a JSON POST go without the CSRF token
(``statportal.security.csrf_applies``).
"""

from pyramid.events import NewResponse
from pyramid.response import Response

from statportal.security.permissions import VIEW
from statportal.taldau.resources import DataRoot, Indicator

#: the native API's public views and the type of their context
PUBLIC_VIEWS = {"@tables": DataRoot, "@metadata": Indicator, "@data": Indicator}
ROUTE_PREFIX = "pxweb."  # every route of /api/v2 (statportal.taldau.pxweb)
SESSION_COOKIE = "statportal_session"
EXPOSED = "ETag, Retry-After, Content-Disposition"  # Last-Modified is exposed anyway
MAX_AGE = "86400"


def is_public_api(request):
    """The request asks the public data API (a view of ``PUBLIC_VIEWS`` on its type of
    context, or a route of ``/api/v2``)."""
    route = getattr(request, "matched_route", None)
    if route is not None:
        return route.name.startswith(ROUTE_PREFIX)
    expected = PUBLIC_VIEWS.get(getattr(request, "view_name", None))
    return expected is not None and isinstance(getattr(request, "context", None), expected)


def with_credentials(request):
    return request.authorization is not None or SESSION_COOKIE in request.cookies


def add_headers(event):
    """``NewResponse``: the CORS headers on the public data API's answers to requests
    without credentials."""
    request = event.request
    if not is_public_api(request) or with_credentials(request):
        return
    headers = event.response.headers
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = EXPOSED


def preflight(context, request):
    """``OPTIONS``: a browser asks before a POST with a JSON body (not counted against
    the pace: it reads nothing)."""
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = MAX_AGE
    return response


def includeme(config):
    config.add_subscriber(add_headers, NewResponse)
    for name, kind in PUBLIC_VIEWS.items():
        config.add_view(preflight, context=kind, name=name, request_method="OPTIONS",
                        permission=VIEW, openapi=False)


def add_route_preflights(config, route_names):
    """The preflight of ``/api/v2``'s routes (``pxweb.includeme`` calls it)."""
    for name in route_names:
        config.add_view(preflight, route_name=name, request_method="OPTIONS",
                        permission=VIEW, openapi=False)
