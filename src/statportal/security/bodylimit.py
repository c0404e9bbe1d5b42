"""An early limit on request bodies, per path: one job, configured by the features.

    config.include("statportal.security.bodylimit")
    config.add_body_limit("questions", paths=("/questions", "/questions/@@ask"),
                          max_bytes=14 * 1024 * 1024, refuse=too_large)

A body longer than its path allows (by its ``Content-Length``, or of unknown length) is
refused with 413 before anything reads it:

* pyramid_retry copies every request's body to make it seekable *before* any tween or view
  runs (``request.make_body_seekable()`` in its execution policy). Its ``activate_hook``
  is consulted first: for a body that will be refused it answers one attempt, so nothing
  is copied. A hook set before (``retry.activate_hook``) still decides for the others.
* a tween over Pyramid's main handler answers the refusal, before traversal, the CSRF check
  (which parses a form) and the view: ``refuse(request, limit)`` returns the response (the
  feature words it, and may count the attempt), or None for a plain 413.

``paths`` are paths as traversal reads them: empty and ``.`` segments and ``..`` are
resolved, ``@@name`` and ``name`` are one view, and a path that names a view
(``/questions/@@ask``) covers that view with any subpath (``/questions/ask/x``); the JSON
API's ``/++api++`` prefix is matched too. A body of unknown length (chunked, or a
``Content-Length`` that is no number) sent to a limited path is refused. The registered
limits are a registry utility (``IBodyLimits``), listed in the introspector.

Every other path has the portal's default limit (``statportal.body_limit_kb``, 1 MB): no
public page needs more, so a large body sent to ``/login`` (or anywhere) is refused before
authentication, parsing or the retry policy's copy. A request that is signed in (a session
signed by the portal's secret that holds a login, or HTTP Basic credentials, which the
basic-auth tween checks before any view) may send up to ``4 × statportal.file_max_mb``:
the staff's uploads (content with files in JSON, the add and edit forms, ``@generate``, the
plan's import) keep the limits their own validators apply to each file.
"""

from typing import NamedTuple

from pyramid.exceptions import ConfigurationError
from pyramid.interfaces import PHASE1_CONFIG

from statportal.directives import check_name, resolve

API_PREFIX = "/++api++"
REFUSED = "statportal.body_refused"   # the environ key: the name of the limit that refused


class BodyLimit(NamedTuple):
    name: str
    paths: frozenset                # of (segments, names a view)
    max_bytes: int
    methods: tuple
    refuse: object = None
    signed_in_max_bytes: int = None  # a signed-in request's larger limit, if any


class BodyLimits:
    """The limits by name; ``refusing`` says which one refuses a request, if any."""

    def __init__(self):
        self.limits = {}
        self.default = None             # the limit of every other path: a BodyLimit
        self.signed_in_max_bytes = None  # …raised for a signed-in request

    def set_default(self, max_bytes, signed_in_max_bytes, refuse=None):
        self.default = BodyLimit("default", frozenset(), int(max_bytes), (), refuse)
        self.signed_in_max_bytes = int(signed_in_max_bytes)

    def add(self, name, paths, max_bytes, methods=("POST", "PUT", "PATCH"), refuse=None,
            signed_in_max_bytes=None):
        self.limits[name] = BodyLimit(name, frozenset(_traversed(p) for p in paths),
                                      int(max_bytes), tuple(m.upper() for m in methods),
                                      refuse, None if signed_in_max_bytes is None
                                      else max(int(max_bytes), int(signed_in_max_bytes)))

    def refusing(self, method, path, length, chunked=False):
        """The limit that refuses a body of ``length`` bytes (None: unknown; refused only
        when the body is chunked) sent to ``path``; else None."""
        if length is None and not chunked:
            return None
        limit = self.governing(method, path)
        if limit is not None and (length is None or length > limit.max_bytes):
            return limit
        return None

    def governing(self, method, path):
        """The registered limit that governs a body sent with ``method`` to ``path``."""
        segments, view = _traversed(path, api=True)
        for limit in self.limits.values():
            if method in limit.methods and _covers(limit.paths, segments, view):
                return limit
        return None

    def for_environ(self, environ):
        return self.refusing(*_sized(environ))

    def for_request(self, request):
        """The limit that refuses this request's body, the default one included; None
        when it may be read."""
        method, path, length, chunked = _sized(request.environ)
        if length is None and not chunked:
            return None                                 # no body
        limit = self.governing(method, path)
        if limit is not None:                           # the path's own limit, and no other
            if length is not None and length <= limit.max_bytes:
                return None
            if limit.signed_in_max_bytes is not None and signed_in(request):
                if length is not None and length <= limit.signed_in_max_bytes:
                    return None
                return limit._replace(max_bytes=limit.signed_in_max_bytes)
            return limit
        default = self.default
        if default is None or (length is not None and length <= default.max_bytes):
            return None
        if signed_in(request):
            if length is not None and length <= self.signed_in_max_bytes:
                return None
            return default._replace(max_bytes=self.signed_in_max_bytes)
        return default


def _sized(environ):
    """``(method, path, length, chunked)``: a length that is no number is a body of unknown
    length, refused like a chunked one."""
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    length = int(raw) if raw.isdigit() and raw.isascii() else None
    return (environ.get("REQUEST_METHOD", "GET").upper(), environ.get("PATH_INFO", "/"),
            length, chunked or (bool(raw) and length is None))


def signed_in(request):
    """Whether the request carries a signed-in session or Basic credentials — without
    reading the database or hashing a password: the session's signature (the portal's
    secret) is checked, the Basic password is checked by the basic-auth tween, before
    any view reads the body."""
    from statportal.security.policy import SESSION_LOGIN, session_in_lifetime

    if request.environ.get("HTTP_AUTHORIZATION", "")[:6].lower() == "basic ":
        return True
    try:
        session = request.session
        # A session past its absolute lifetime is no longer signed in (a logged-out one
        # is known only from the database, read later by the security policy).
        return bool(session.get(SESSION_LOGIN)) and session_in_lifetime(request, session)
    except Exception:                                   # no session factory, a bad cookie
        return False


def _traversed(path, api=False):
    """``(segments, names a view)`` as traversal reads ``path``: a ``@@name`` segment is
    the view (what follows it is its subpath, dropped); ``@@`` alone is the default view."""
    from pyramid.traversal import split_path_info

    segments = list(split_path_info(path or "/"))
    if api and segments[:1] == [API_PREFIX.strip("/")]:
        segments = segments[1:]
    for i, segment in enumerate(segments):
        if segment.startswith("@@"):
            return tuple(segments[:i]) + ((segment[2:],) if segment[2:] else ()), True
    return tuple(segments), False


def _covers(paths, segments, view):
    """Whether a request to ``segments`` reaches one of ``paths``: the same resource or
    view, or a limited view (configured as ``@@name``) with a subpath. A ``**`` segment
    stands for one or more segments (``/data/**/@import``: that view of any object
    somewhere under ``/data``)."""
    for limited, limited_view in paths:
        if "**" in limited:
            if _globbed(limited, segments):
                return True
            continue
        if segments == limited:
            return True
        if limited_view and segments[:len(limited)] == limited:
            return True
    return False


def _globbed(limited, segments):
    at = limited.index("**")
    head, tail = limited[:at], limited[at + 1:]
    return len(segments) > len(head) + len(tail) and segments[:len(head)] == head and \
        segments[len(segments) - len(tail):] == tail


def get_body_limits(registry):
    from statportal.interfaces import IBodyLimits

    return registry.queryUtility(IBodyLimits)


def add_body_limit(config, name, paths, max_bytes, methods=("POST", "PUT", "PATCH"),
                   refuse=None, signed_in_max_bytes=None):
    """Refuse bodies over ``max_bytes`` sent with ``methods`` to ``paths`` (413), unread.

    Discriminator ``('statportal-body-limit', name)``; ``refuse`` is a dotted name or a
    callable ``refuse(request, limit) -> Response | None``; ``signed_in_max_bytes``, if
    given, is the limit of a signed-in request (see ``signed_in``) on these paths."""
    check_name("add_body_limit", name)
    if not paths or isinstance(paths, str) or isinstance(methods, str) or \
            not isinstance(max_bytes, int) or max_bytes < 0:
        raise ConfigurationError(f"add_body_limit {name!r}: paths and methods (sequences "
                                 "of strings) and max_bytes >= 0 needed")
    if signed_in_max_bytes is not None and (
            isinstance(signed_in_max_bytes, bool) or not isinstance(signed_in_max_bytes, int)
            or signed_in_max_bytes < 0):
        raise ConfigurationError(f"add_body_limit {name!r}: signed_in_max_bytes is a whole "
                                 f"number >= 0 or None, not {signed_in_max_bytes!r}")
    if refuse is not None:
        refuse = resolve(config, "add_body_limit", name, refuse, "refuse")
    limits = get_body_limits(config.registry)
    intr = config.introspectable("statportal body limits", name, name, "statportal body limit")
    intr.update(paths=tuple(paths), max_bytes=max_bytes, methods=tuple(methods),
                signed_in_max_bytes=signed_in_max_bytes)
    config.action(("statportal-body-limit", name),
                  lambda: limits.add(name, paths, max_bytes, methods, refuse,
                                     signed_in_max_bytes),
                  introspectables=(intr,))


def body_limit_tween_factory(handler, registry):
    """Answer 413 for a body over its path's limit, before anything reads it."""
    limits = get_body_limits(registry)

    def tween(request):
        limit = limits.for_request(request)
        if limit is None:
            return handler(request)
        request.environ[REFUSED] = limit.name
        response = limit.refuse(request, limit) if limit.refuse is not None else None
        if response is None:
            from pyramid.httpexceptions import HTTPRequestEntityTooLarge

            response = HTTPRequestEntityTooLarge()
        response.status = 413
        # The body stays unread by the application; closing the connection is the
        # server's business (waitress has read the body already): a WSGI application may
        # not set the hop-by-hop Connection header (PEP 3333; waitress answers it a 500).
        return response

    return tween


def activate_hook(previous=None):
    """pyramid_retry's hook: one attempt (no copy of the body) for a body to be refused;
    otherwise what ``previous`` (an earlier hook) says, or the default (None)."""

    def hook(request):
        limits = get_body_limits(request.registry)
        if limits is not None and limits.for_request(request) is not None:
            return 1
        return previous(request) if previous is not None else None

    hook.statportal_body_limit = True
    return hook


def includeme(config):
    from pyramid.tweens import MAIN

    from statportal.interfaces import IBodyLimits

    if config.registry.queryUtility(IBodyLimits) is not None:
        return                                      # included once is enough
    limits = BodyLimits()
    settings = config.registry.settings
    try:
        default_kb = int(settings.get("statportal.body_limit_kb", 1024))
        file_max_mb = float(settings.get("statportal.file_max_mb", 50))
    except (TypeError, ValueError):
        raise ConfigurationError("statportal.body_limit_kb (a whole number of KB) and "
                                 "statportal.file_max_mb (MB) must be numbers") from None
    if default_kb <= 0:
        raise ConfigurationError("statportal.body_limit_kb must be above 0")
    limits.set_default(default_kb * 1024,
                       max(default_kb * 1024, int(4 * file_max_mb * 1024 * 1024)),
                       refuse=config.maybe_dotted(
                           "statportal.security.malformed.refuse_too_large"))
    config.registry.registerUtility(limits, IBodyLimits)
    config.add_directive("add_body_limit", add_body_limit)
    config.add_tween("statportal.security.bodylimit.body_limit_tween_factory", over=MAIN)

    def hook_into_retry():
        # Before pyramid_retry's own PHASE1 action reads the setting (both are deferred,
        # so an integrator's hook set after this include is still chained).
        previous = config.maybe_dotted(settings.get("retry.activate_hook"))
        if not getattr(previous, "statportal_body_limit", False):
            settings["retry.activate_hook"] = activate_hook(previous)

    config.action(None, hook_into_retry, order=PHASE1_CONFIG - 1)
