"""The security policy: who the request is, and what it may do here.

Identity comes from the session (HTML UI, after the login form) or from HTTP
Basic credentials (the JSON API, checked against the same users). Principals
are computed per context: the user and its groups, their global roles, and
the local roles granted on the context or any of its parents. Permissions
come from the ACLs of ``statportal.security.acl``; views never test roles.
"""

import base64

from pyramid.authorization import Authenticated, Everyone
from pyramid.interfaces import ISecurityPolicy
from zope.interface import implementer

from statportal import clock
from statportal.i18n import _
from statportal.interfaces import ICredentialCache, ILoginThrottle
from statportal.security.acl import permits
from statportal.security.localroles import local_roles_in
from statportal.security.principals import find_user, user_roles

SESSION_LOGIN = "statportal.login"
_UNKNOWN = object()
SESSION_AUTH_VERSION = "statportal.auth_version"
SESSION_SERIAL = "statportal.session_serial"
SESSION_STARTED = "statportal.session_started"


class AuthenticationRefused(Exception):
    """Credentials were given and refused; ``reason`` is 'invalid' or 'throttled'."""

    def __init__(self, reason, retry_after=0):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def client_address(request):
    """The peer's address. Behind a proxy, waitress's ``trusted_proxy`` settings put the
    client's address here; X-Forwarded-For from anyone else is not believed."""
    return request.remote_addr or "unknown"


def authenticate(request, login, password, cache=None):
    """Return the active user whose password matches, or raise AuthenticationRefused.

    With ``cache`` (a CredentialCache, for HTTP Basic) a recently verified
    password is not verified again.
    """
    from statportal.content.resources import get_portal

    throttle = request.registry.getUtility(ILoginThrottle)
    address = client_address(request)
    wait = throttle.retry_after(login, address)
    if wait:
        raise AuthenticationRefused("throttled", wait)
    user = find_user(get_portal(request), login)
    password = password or ""
    if user is not None and user.active and cache is not None and \
            cache.verified(login, password, user.password_hash):
        return user
    ok = user is not None and user.check_password(password, request.registry) and user.active
    if ok and cache is not None:
        cache.remember(login, password, user.password_hash)
    if user is None:
        from statportal.security.passwords import verify_password

        verify_password(None, password, request.registry)  # the same cost as a known login
    if not ok:
        throttle.failed(login, address)
        raise AuthenticationRefused("invalid")
    throttle.succeeded(login, address)
    return user


def session_in_lifetime(request, session):
    """Whether a session begun at login is still within its absolute lifetime
    (``statportal.session_absolute_max_age`` seconds), however active it has been."""
    from statportal.settings import as_int

    started = session.get(SESSION_STARTED)
    if not isinstance(started, (int, float)):
        return False  # a session from before lifetimes were recorded
    limit = as_int(request.registry.settings, "statportal.session_absolute_max_age")
    return clock.now().timestamp() - started < limit


def basic_credentials(request):
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        login, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
    except (ValueError, UnicodeError):  # binascii.Error; non-ASCII text in the header
        return ("", "")
    return login, password


@implementer(ISecurityPolicy)
class StatportalSecurityPolicy:
    def identity(self, request):
        user = getattr(request, "_statportal_identity", _UNKNOWN)
        if user is _UNKNOWN:
            user = request._statportal_identity = self._find_identity(request)
        return user

    def _find_identity(self, request):
        credentials = basic_credentials(request)
        if credentials is not None:
            # Refusals are answered by the basic-auth tween before views run.
            try:
                return authenticate(request, *credentials,
                                    cache=request.registry.getUtility(ICredentialCache))
            except AuthenticationRefused as refused:
                request._statportal_refused = refused
                return None
        return self._session_user(request)

    def _session_user(self, request):
        """The user of the request's session, if that session is still valid."""
        from statportal.content.resources import get_portal

        session = request.session
        login = session.get(SESSION_LOGIN)
        if not login:
            return None
        user = find_user(get_portal(request), login)
        if user is None or not user.active:
            return None
        if user.auth_version != session.get(SESSION_AUTH_VERSION):
            return None  # the password changed since this session began
        if user.session_serial != session.get(SESSION_SERIAL, 0):
            return None  # the user logged out since this session began
        if not session_in_lifetime(request, session):
            return None
        return user

    def authenticated_userid(self, request):
        user = self.identity(request)
        return user.login if user is not None else None

    def effective_principals(self, request, context):
        from statportal.content.resources import get_portal

        user = self.identity(request)
        if user is None:
            return [Everyone]
        cache = request.__dict__.setdefault("_statportal_principals", {})
        cached = cache.get(id(context))
        if cached is None or cached[0] is not context:  # ids are reused once freed
            ids = user.principal_ids()
            roles = user_roles(get_portal(request), user) | local_roles_in(context, ids)
            cached = cache[id(context)] = (context, [
                Everyone, Authenticated, *ids, *(f"role:{r}" for r in sorted(roles))])
        return cached[1]

    def roles_in(self, request, context):
        return sorted(p[5:] for p in self.effective_principals(request, context)
                      if p.startswith("role:"))

    def permits(self, request, context, permission):
        return permits(request.registry, context,
                       self.effective_principals(request, context), permission)

    def remember(self, request, userid, user=None, **kw):
        session = request.session
        session.invalidate()  # a new session on login: no fixation
        session[SESSION_LOGIN] = userid
        session[SESSION_AUTH_VERSION] = user.auth_version if user is not None else 0
        session[SESSION_SERIAL] = user.session_serial if user is not None else 0
        session[SESSION_STARTED] = clock.now().timestamp()
        request.__dict__.pop("_statportal_identity", None)
        request.__dict__.pop("_statportal_principals", None)
        return []

    def forget(self, request, **kw):
        """End the session, and every other session of its user: the counter on the user
        moves on, so a copy of this cookie (or one on another device) no longer counts."""
        # The session's own user, even when Basic credentials (perhaps another login's,
        # replayed by the browser) came with the request.
        user = self._session_user(request)
        if user is not None:
            user.end_sessions()
        request.session.invalidate()
        request._statportal_identity = None
        request.__dict__.pop("_statportal_principals", None)
        return []


def basic_auth_tween_factory(handler, registry):
    """Answer 401 at once when Basic credentials are given and wrong."""
    from statportal.api.errors import json_error

    def tween(request):
        credentials = basic_credentials(request)
        if credentials is not None:
            refused = getattr(request, "_statportal_refused", None)
            try:
                if refused is not None:  # already tried for this request: count once
                    raise refused
                user = authenticate(request, *credentials,
                                    cache=registry.getUtility(ICredentialCache))
            except AuthenticationRefused as refused:
                # Later asks for the identity (pyramid_tm's user annotation) must not
                # authenticate, and count a failure, again.
                request._statportal_refused = refused
                request._statportal_identity = None
                if refused.reason == "throttled":
                    response = json_error(request, 429, _(
                        "Too many failed logins; try again later."))
                    response.headers["Retry-After"] = str(refused.retry_after)
                else:
                    response = json_error(request, 401, _("Wrong login or password."))
                    response.headers["WWW-Authenticate"] = 'Basic realm="statportal"'
                return response
            request._statportal_identity = user
        return handler(request)

    return tween
