"""A malformed body is the client's mistake: 400 with a message, never 500.

A tween under the body limit (so only a body of an accepted size is looked at), over
Pyramid's main handler (so before the CSRF check and the views, which read ``request.POST``
or ``request.json_body``), refuses:

* a ``Content-Encoding`` other than ``identity`` (the portal reads bodies as sent);
* a ``charset`` other than UTF-8 for a form or JSON (webob refuses others with an
  exception, or cannot look the name up);
* a form (``multipart/form-data``, ``application/x-www-form-urlencoded``) that webob cannot
  parse: a multipart type without its boundary, a truncated part, a name or value that is
  not UTF-8. The parsed form is kept on the request: the CSRF check and the view read it
  without parsing again.

* a JSON body (``application/json``) that is not JSON, up to the portal's default body
  limit (every public request's body). A larger one (signed-in staff's uploads) is left to
  the views, which answer it in their own words without parsing it twice (the JSON API's
  ``PayloadError``: "The body is not valid JSON.").
"""

from statportal.i18n import _

FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
TEXTS = FORMS + ("application/json",)


def body_problem(request):
    """The message for a malformed body, or None."""
    environ = request.environ
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    if raw in ("", "0") and "HTTP_TRANSFER_ENCODING" not in environ:
        # no body; but a multipart type without its boundary fails webob even so (the CSRF
        # check reads request.POST): a 500 before this
        return _form_problem(request) if request.content_type.lower() == FORMS[0] else None
    encoding = environ.get("HTTP_CONTENT_ENCODING", "").strip().lower()
    if encoding not in ("", "identity"):
        return _("The body's Content-Encoding is not supported: send it unencoded.")
    content_type = request.content_type.lower()
    charset = (request.headers.get("Content-Type", "").lower().partition("charset=")[2]
               .split(";")[0].strip().strip('"'))
    if content_type in TEXTS and charset and charset.replace("-", "") != "utf8":
        return _("The body must be UTF-8.")
    if content_type == "application/json":
        return json_problem(request)
    if content_type not in FORMS:
        return None
    return _form_problem(request)


def _form_problem(request):
    content_type = request.content_type.lower()
    try:
        if content_type == FORMS[1]:                    # webob decodes its values lazily
            from urllib.parse import unquote_to_bytes

            unquote_to_bytes(request.body.decode("latin-1").replace("+", " ")).decode()
        request.POST                                    # noqa: B018 (parsed, and kept)
    except UnicodeDecodeError:
        return _("The address or the form is not valid UTF-8.")
    except Exception:                                   # webob/cgi's parse errors vary
        return _("The form is malformed: it cannot be read as ${type}.",
                 mapping={"type": content_type})
    return None


def json_problem(request):
    import json

    from statportal.security.bodylimit import get_body_limits

    limits = get_body_limits(request.registry)
    default = limits.default if limits is not None else None
    length = request.content_length
    if default is not None and (length is None or length > default.max_bytes):
        return None                                     # the view's own check
    try:
        json.loads(request.body.decode("utf-8"))
    except ValueError:                                  # UnicodeDecodeError included
        return _("The body is not valid JSON.")
    return None


def wants_json(request):
    path = request.environ.get("PATH_INFO", "")
    return path.startswith("/++api++") or "application/json" in (
        request.environ.get("HTTP_ACCEPT", "")) or request.content_type == "application/json"


def client_error(request, exc, message):
    """``exc`` (an HTTPError) with ``message``: the JSON API's envelope, or the error page."""
    if wants_json(request):
        from statportal.api.errors import json_error

        return json_error(request, exc.code, message)
    from statportal.views.errors import render_error

    exc.detail = request.localizer.translate(message)
    return render_error(request, exc)


def refuse_too_large(request, limit):
    """The default body limit's 413, in the portal's words (``bodylimit``)."""
    from pyramid.httpexceptions import HTTPRequestEntityTooLarge

    size = limit.max_bytes
    size = f"{size // 1048576} MB" if size % 1048576 == 0 else f"{-(-size // 1024)} KB"
    return client_error(request, HTTPRequestEntityTooLarge(), _(
        "The request is too large: at most ${size} may be sent here.",
        mapping={"size": size}))


def malformed_body_tween_factory(handler, registry):
    def tween(request):
        message = body_problem(request)
        if message is None:
            return handler(request)
        from pyramid.httpexceptions import HTTPBadRequest

        # No Connection header: a hop-by-hop header is the server's (PEP 3333); waitress
        # answers a WSGI application that sets one with a 500.
        return client_error(request, HTTPBadRequest(), message)

    return tween


def includeme(config):
    from pyramid.tweens import MAIN

    config.add_tween("statportal.security.malformed.malformed_body_tween_factory",
                     under="statportal.security.bodylimit.body_limit_tween_factory",
                     over=MAIN)
