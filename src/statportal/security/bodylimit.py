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
"""

from typing import NamedTuple

from pyramid.exceptions import ConfigurationError
from pyramid.interfaces import PHASE1_CONFIG

API_PREFIX = "/++api++"
REFUSED = "statportal.body_refused"   # the environ key: the name of the limit that refused


class BodyLimit(NamedTuple):
    name: str
    paths: frozenset                # of (segments, names a view)
    max_bytes: int
    methods: tuple
    refuse: object = None


class BodyLimits:
    """The limits by name; ``refusing`` says which one refuses a request, if any."""

    def __init__(self):
        self.limits = {}

    def add(self, name, paths, max_bytes, methods=("POST", "PUT", "PATCH"), refuse=None):
        self.limits[name] = BodyLimit(name, frozenset(_traversed(p) for p in paths),
                                      int(max_bytes), tuple(m.upper() for m in methods),
                                      refuse)

    def refusing(self, method, path, length, chunked=False):
        """The limit that refuses a body of ``length`` bytes (None: unknown; refused only
        when the body is chunked) sent to ``path``; else None."""
        if length is None and not chunked:
            return None
        segments, view = _traversed(path, api=True)
        for limit in self.limits.values():
            if method in limit.methods and _covers(limit.paths, segments, view) and (
                    length is None or length > limit.max_bytes):
                return limit
        return None

    def for_environ(self, environ):
        raw = str(environ.get("CONTENT_LENGTH") or "").strip()
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = int(raw) if raw.isdigit() and raw.isascii() else None
        # A length that is no number is a body of unknown length: refused like a chunked one.
        return self.refusing(environ.get("REQUEST_METHOD", "GET").upper(),
                             environ.get("PATH_INFO", "/"), length,
                             chunked or (bool(raw) and length is None))


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
    view, or a limited view (configured as ``@@name``) with a subpath."""
    for limited, limited_view in paths:
        if segments == limited:
            return True
        if limited_view and segments[:len(limited)] == limited:
            return True
    return False


def get_body_limits(registry):
    from statportal.interfaces import IBodyLimits

    return registry.queryUtility(IBodyLimits)


def add_body_limit(config, name, paths, max_bytes, methods=("POST", "PUT", "PATCH"),
                   refuse=None):
    """Refuse bodies over ``max_bytes`` sent with ``methods`` to ``paths`` (413), unread.

    Discriminator ``('statportal-body-limit', name)``; ``refuse`` is a dotted name or a
    callable ``refuse(request, limit) -> Response | None``."""
    if not paths or isinstance(paths, str) or isinstance(methods, str) or \
            not isinstance(max_bytes, int) or max_bytes < 0:
        raise ConfigurationError(f"add_body_limit {name!r}: paths and methods (sequences "
                                 "of strings) and max_bytes >= 0 needed")
    refuse = config.maybe_dotted(refuse)
    limits = get_body_limits(config.registry)
    intr = config.introspectable("statportal body limits", name, name, "statportal body limit")
    intr.update(paths=tuple(paths), max_bytes=max_bytes, methods=tuple(methods))
    config.action(("statportal-body-limit", name),
                  lambda: limits.add(name, paths, max_bytes, methods, refuse),
                  introspectables=(intr,))


def body_limit_tween_factory(handler, registry):
    """Answer 413 for a body over its path's limit, before anything reads it."""
    limits = get_body_limits(registry)

    def tween(request):
        limit = limits.for_environ(request.environ)
        if limit is None:
            return handler(request)
        request.environ[REFUSED] = limit.name
        response = limit.refuse(request, limit) if limit.refuse is not None else None
        if response is None:
            from pyramid.httpexceptions import HTTPRequestEntityTooLarge

            response = HTTPRequestEntityTooLarge()
        response.status = 413
        # The client's body stays unread: the connection cannot be reused for another
        # request after it.
        response.headers["Connection"] = "close"
        return response

    return tween


def activate_hook(previous=None):
    """pyramid_retry's hook: one attempt (no copy of the body) for a body to be refused;
    otherwise what ``previous`` (an earlier hook) says, or the default (None)."""

    def hook(request):
        limits = get_body_limits(request.registry)
        if limits is not None and limits.for_environ(request.environ) is not None:
            return 1
        return previous(request) if previous is not None else None

    hook.statportal_body_limit = True
    return hook


def includeme(config):
    from pyramid.tweens import MAIN

    from statportal.interfaces import IBodyLimits

    if config.registry.queryUtility(IBodyLimits) is not None:
        return                                      # included once is enough
    config.registry.registerUtility(BodyLimits(), IBodyLimits)
    config.add_directive("add_body_limit", add_body_limit)
    config.add_tween("statportal.security.bodylimit.body_limit_tween_factory", over=MAIN)
    settings = config.registry.settings

    def hook_into_retry():
        # Before pyramid_retry's own PHASE1 action reads the setting (both are deferred,
        # so an integrator's hook set after this include is still chained).
        previous = config.maybe_dotted(settings.get("retry.activate_hook"))
        if not getattr(previous, "statportal_body_limit", False):
            settings["retry.activate_hook"] = activate_hook(previous)

    config.action(None, hook_into_retry, order=PHASE1_CONFIG - 1)
