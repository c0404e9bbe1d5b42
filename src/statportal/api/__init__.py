"""The JSON API: content negotiation, the ``/++api++`` prefix, JSON errors, OpenAPI."""

from pyramid.events import NewRequest, NewResponse
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPError, HTTPForbidden, HTTPNotFound
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from statportal.api.errors import json_error
from statportal.i18n import _
from statportal.security.staff import is_staff

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


VARY = ("Accept", "Accept-Language", "Cookie")


def vary_on_accept(event):
    """Caches must key on what chose the answer.

    HTML and JSON share URLs (plone.rest#73), and the language comes from the
    ``_LOCALE_`` cookie or Accept-Language. Answers to a logged-in user (a
    session cookie or credentials) are private.
    """
    response, request = event.response, event.request
    vary = [v for v in (response.vary or ()) if v not in VARY]
    response.vary = (*vary, *VARY)
    if request.authorization is not None or "statportal_session" in request.cookies:
        response.cache_control.private = True
        response.cache_control.no_store = True


@forbidden_view_config(accept=JSON)
def forbidden_json(exc, request):
    from statportal.content.concealment import concealed

    if not is_staff(request) and concealed(request.context):
        return notfound_json(exc, request)  # the embargo: as if it did not exist
    if request.authenticated_userid is None:
        response = json_error(request, 401, _("Log in to do this."))
        if request.authorization is not None:
            # Only to clients that use HTTP auth: a browser would otherwise show its
            # login prompt and then replay the credentials to every site's requests.
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
    return json_error(request, exc.code, exc.detail or exc.title)


def includeme(config):
    config.add_subscriber(api_prefix, NewRequest)
    config.add_subscriber(vary_on_accept, NewResponse)
    config.scan("statportal.api")
