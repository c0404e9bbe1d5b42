"""HTML error pages: not found, an expired form."""

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPError
from pyramid.view import exception_view_config, notfound_view_config


@notfound_view_config(accept="text/html", renderer="statportal:templates/notfound.pt")
def notfound(exc, request):
    request.response.status = 404
    return {}


@exception_view_config(BadCSRFToken, accept="text/html",
                       renderer="statportal:templates/csrf.pt")
def bad_csrf(exc, request):
    request.response.status = 400
    return {}


@exception_view_config(HTTPError, accept="text/html", renderer="statportal:templates/error.pt")
def http_error(exc, request):
    request.response.status = exc.status
    return {"title": exc.title, "detail": exc.detail}
