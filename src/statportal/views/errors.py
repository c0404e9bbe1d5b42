"""HTML error pages: not found, an expired form."""

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPError
from pyramid.view import exception_view_config, notfound_view_config

from statportal.i18n import _


@notfound_view_config(accept="text/html", renderer="statportal:templates/notfound.pt")
def notfound(exc, request):
    request.response.status = 404
    return {}


@exception_view_config(BadCSRFToken, accept="text/html",
                       renderer="statportal:templates/csrf.pt")
def bad_csrf(exc, request):
    request.response.status = 400
    return {}


#: the heading of an error page in the reader's language (webob's titles are English)
TITLES = {
    400: _("Bad request"),
    403: _("Not allowed"),
    404: _("Page not found"),
    405: _("Not possible"),
    409: _("Conflict"),
    413: _("Too large"),
    429: _("Too many requests"),
}


def error_title(request, exc):
    title = TITLES.get(getattr(exc, "code", None))
    return request.localizer.translate(title) if title is not None else exc.title


@exception_view_config(HTTPError, accept="text/html", renderer="statportal:templates/error.pt")
def http_error(exc, request):
    request.response.status = exc.status
    return {"title": error_title(request, exc), "detail": exc.detail}


def undecodable_input(request):
    """Whether the query string or the form is not UTF-8 (webob decodes them lazily)."""
    from urllib.parse import unquote_to_bytes

    try:
        unquote_to_bytes(request.query_string.replace("+", " ")).decode("utf-8")
        if request.content_type == "application/x-www-form-urlencoded":
            unquote_to_bytes(request.body.decode("latin-1").replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@exception_view_config(UnicodeDecodeError)
def bad_encoding(exc, request):
    """An address or form that is not UTF-8 is the client's mistake: 400, not 500."""
    from pyramid.httpexceptions import HTTPBadRequest

    if not undecodable_input(request):
        raise exc
    message = _("The address or the form is not valid UTF-8.")
    if "application/json" in (request.accept.header_value or "") or \
            request.environ.get("statportal.api_prefix"):
        from statportal.api.errors import json_error

        return json_error(request, 400, message)
    return render_error(request, HTTPBadRequest(request.localizer.translate(message)))


def render_error(request, exc):
    from pyramid.renderers import render_to_response

    response = render_to_response("statportal:templates/error.pt",
                                  {"title": error_title(request, exc), "detail": exc.detail},
                                  request=request)
    response.status = exc.status
    return response
