"""The JSON API: content negotiation, the ``/++api++`` prefix, JSON errors, OpenAPI."""

from pyramid.events import NewRequest, NewResponse
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPError, HTTPForbidden, HTTPNotFound
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from statportal.api.errors import json_error
from statportal.i18n import _

API_PREFIX = "/++api++"
JSON = "application/json"


def api_prefix(event):
    """``/++api++/a/b`` is ``/a/b`` answered in JSON, whatever the Accept header says."""
    request = event.request
    path = request.path_info
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        request.path_info = path[len(API_PREFIX):] or "/"
        request.script_name = request.script_name + API_PREFIX
        request.headers["Accept"] = JSON
        request.environ["statportal.api_prefix"] = True


def vary_on_accept(event):
    """HTML and JSON share URLs: caches must key on Accept (plone.rest#73)."""
    response = event.response
    vary = [v for v in (response.vary or ()) if v.lower() != "accept"]
    response.vary = (*vary, "Accept")


@forbidden_view_config(accept=JSON)
def forbidden_json(exc, request):
    if request.authenticated_userid is None:
        response = json_error(request, 401, _("Log in to do this."))
        response.headers["WWW-Authenticate"] = 'Basic realm="statportal"'
        return response
    return json_error(request, 403, _("You may not do this here."))


@notfound_view_config(accept=JSON)
def notfound_json(exc, request):
    return json_error(request, 404, _("Not found."))


@exception_view_config(BadCSRFToken, accept=JSON)
def csrf_json(exc, request):
    return json_error(request, 400, _(
        "The CSRF token is missing or wrong: send X-CSRF-Token, or use Basic auth "
        "with a JSON body."))


@exception_view_config(HTTPError, accept=JSON)
def http_error_json(exc, request):
    if isinstance(exc, HTTPForbidden | HTTPNotFound):
        return forbidden_json(exc, request) if isinstance(exc, HTTPForbidden) else \
            notfound_json(exc, request)
    return json_error(request, exc.code, exc.title)


def includeme(config):
    config.add_subscriber(api_prefix, NewRequest)
    config.add_subscriber(vary_on_accept, NewResponse)
    config.scan("statportal.api")
