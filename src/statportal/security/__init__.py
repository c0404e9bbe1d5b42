"""Security: principals, roles and local roles, ACLs derived from data, login."""

from statportal.i18n import _
from statportal.security.permissions import (
    ADD,
    DELETE,
    EDIT,
    MANAGE,
    MANAGE_ORGUNITS,
    MANAGE_PRINCIPALS,
    SHARE,
    VIEW,
)
from statportal.security.roles import STAFF

PRINCIPAL_ADMIN = {VIEW: ("Manager",), MANAGE: ("Manager",), ADD: ("Manager",),
                   EDIT: ("Manager",), DELETE: ("Manager",), MANAGE_PRINCIPALS: ("Manager",)}
# Features grant their own permissions on org units (config.add_permission_grant).
ORGUNIT_ADMIN = {VIEW: STAFF, MANAGE: STAFF, ADD: ("Manager",), EDIT: ("Manager",),
                 DELETE: ("Manager",), SHARE: ("Manager",), MANAGE_ORGUNITS: ("Manager",)}


def includeme(config):
    from pyramid.exceptions import ConfigurationError

    from statportal.interfaces import (
        ICredentialCache,
        IEvolveSteps,
        ILoginThrottle,
        IPasswordHashing,
    )
    from statportal.security import grants, roles, schemas
    from statportal.security.orgunits import OrgUnit, OrgUnits
    from statportal.security.passwords import PasswordHashing
    from statportal.security.policy import StatportalSecurityPolicy
    from statportal.security.principals import Group, Groups, Principals, User, Users
    from statportal.security.session import session_factory
    from statportal.security.throttle import CredentialCache, LoginThrottle
    from statportal.settings import as_bool, as_int

    settings = config.registry.settings
    config.include(roles)
    config.include(grants)
    if config.registry.queryUtility(IEvolveSteps) is not None:  # statportal.evolve included
        config.add_evolve_step("statportal.catalog",
                               "statportal.content.catalog.evolve_security_indexes", 1)
    try:  # this application's cost profile (no process global: hashing_for(registry))
        hashing = PasswordHashing(settings["statportal.argon2_profile"])
    except ValueError as exc:
        raise ConfigurationError(f"statportal.argon2_profile: {exc}") from None
    config.registry.registerUtility(hashing, IPasswordHashing)
    as_int(settings, "statportal.session_absolute_max_age")  # a wrong value fails at start
    config.set_session_factory(session_factory(
        checked_secret(settings),
        cookie_name="statportal_session",
        secure=as_bool(settings, "statportal.cookie_secure"),
        httponly=True,
        samesite="Lax",
        timeout=as_int(settings, "statportal.session_max_age"),
        max_age=None,
    ))
    config.set_security_policy(StatportalSecurityPolicy())
    config.set_default_csrf_options(require_csrf=True, callback=csrf_applies)
    config.registry.registerUtility(LoginThrottle(
        max_failures=as_int(settings, "statportal.login_max_failures"),
        window=as_int(settings, "statportal.login_window_seconds"),
        max_delay=as_int(settings, "statportal.login_lockout_seconds"),
        ip_max_failures=as_int(settings, "statportal.ip_max_failures"),
        trust=as_int(settings, "statportal.login_trust_days") * 86400,
        clock=_seconds,
    ), ILoginThrottle)
    config.registry.registerUtility(
        CredentialCache(as_int(settings, "statportal.basic_auth_cache_seconds")), ICredentialCache)
    config.add_tween("statportal.security.policy.basic_auth_tween_factory",
                     under="pyramid_tm.tm_tween_factory")
    config.include("statportal.security.edge")

    from statportal.content.events import ObjectRemoved

    config.add_subscriber(_forget_removed_principal, ObjectRemoved)
    config.add_content_type("Principals", Principals, _container_schema,
                            title=_("Users and groups"), permissions=PRINCIPAL_ADMIN,
                            inherit=False)
    config.add_content_type("Users", Users, _container_schema, title=_("Users"))
    config.add_content_type("Groups", Groups, _container_schema, title=_("Groups"))
    config.add_content_type("User", User, schemas.user_schema, title=_("User"),
                            add_permission=MANAGE_PRINCIPALS, addable_to=("Users",),
                            id_title=_("Login"), id_required=True)
    config.add_content_type("Group", Group, schemas.group_schema, title=_("Group"),
                            add_permission=MANAGE_PRINCIPALS, addable_to=("Groups",),
                            id_title=_("Group id"), id_required=True)
    config.add_content_type("OrgUnits", OrgUnits, _container_schema, title=_("Org units"),
                            permissions=ORGUNIT_ADMIN, inherit=False)
    config.add_content_type("OrgUnit", OrgUnit, schemas.orgunit_schema, title=_("Org unit"),
                            add_permission=MANAGE_ORGUNITS, addable_to=("OrgUnits", "OrgUnit"))


DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105  # nosec B105 # published on purpose: refused outside development
MIN_SECRET_LENGTH = 32


def checked_secret(settings):
    """``statportal.secret``, refused at start-up when it is short or the published
    development one (anyone could sign a session cookie with it). The development secret
    is accepted only where ``statportal.development = true`` (etc/development.ini)."""
    from pyramid.exceptions import ConfigurationError

    from statportal.settings import as_bool, env_name, require

    secret = require(settings, "statportal.secret")
    hint = (f"set {env_name('statportal.secret')} to at least {MIN_SECRET_LENGTH} random "
            "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if secret.strip() == DEVELOPMENT_SECRET and not as_bool(settings, "statportal.development"):
        raise ConfigurationError(
            f"The setting 'statportal.secret' is the published development secret, which "
            f"forges sessions anywhere: {hint}.")
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"The setting 'statportal.secret' has {len(secret)} characters, fewer than "
            f"{MIN_SECRET_LENGTH}: {hint}.")
    return secret


def _seconds():
    from statportal import clock

    return clock.now().timestamp()


def _forget_removed_principal(event):
    from statportal.security.localroles import forget_principal
    from statportal.security.principals import Group, User, group_principal, user_principal

    obj = event.object
    if isinstance(obj, User):
        principal = user_principal(event.name)
    elif isinstance(obj, Group):
        principal = group_principal(event.name)
    else:
        return
    from pyramid.threadlocal import get_current_registry

    from statportal.content.events import ObjectModified

    root = event.parent
    while root.__parent__ is not None:
        root = root.__parent__
    registry = get_current_registry()
    forget_principal(root, principal,
                     lambda obj: registry.notify(ObjectModified(obj, ("__local_roles__",))))


def _container_schema():
    from statportal.content.schemas import container_schema

    return container_schema()


def csrf_applies(request):
    """Which unsafe requests must carry the CSRF token.

    Another site can make a browser send only GET and POST (a form) without a
    CORS preflight, and a form's body is never ``application/json``; this
    application approves no preflight but the public data service's (anonymous
    reads of its own paths, never with credentials). So every POST needs the token unless
    its body is JSON, whatever credentials it carries (browsers replay
    remembered Basic credentials cross-site too), and PATCH and DELETE, which
    no form can send, do not.
    """
    return request.method == "POST" and request.content_type != "application/json"

