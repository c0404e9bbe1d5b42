"""Settings: defaults, environment overrides and typed accessors.

Every setting can be overridden for a deployment by an environment variable
``STATPORTAL_<NAME>``, where NAME is the setting's name upper-cased with dots
and dashes written as underscores: ``zodbconn.uri`` is
``STATPORTAL_ZODBCONN_URI``, ``retry.attempts`` is ``STATPORTAL_RETRY_ATTEMPTS``.
"""

import os
import re

from pyramid.exceptions import ConfigurationError
from pyramid.settings import asbool

ENV_PREFIX = "STATPORTAL_"

DEFAULTS = {
    "retry.attempts": "10",
    "tm.manager_hook": "pyramid_tm.explicit_manager",
    "statportal.default_locale": "kk",
    "statportal.available_languages": "kk ru en",
    "statportal.timezone": "Asia/Almaty",
    "statportal.cookie_secure": "false",
    "statportal.session_max_age": "28800",
    "statportal.session_absolute_max_age": "43200",
    "statportal.development": "false",
    "statportal.login_max_failures": "5",
    "statportal.login_window_seconds": "900",
    "statportal.login_lockout_seconds": "900",
    "statportal.ip_max_failures": "30",
    "statportal.trusted_proxies": "",
    "statportal.login_trust_days": "30",
    "statportal.batch_size": "25",
    "statportal.batch_max": "200",
    "statportal.retry_pause_ms": "20",
    "statportal.includes": "",
    "statportal.argon2_profile": "RFC_9106_LOW_MEMORY",
    "statportal.basic_auth_cache_seconds": "300",
    "statportal.opening_time": "09:00",
    "statportal.closing_time": "18:00",
    "statportal.next_day_due_time": "10:00",
    "statportal.placement_minutes": "30",
    "statportal.mail.deliver_in_process": "auto",
    "statportal.mail.poll_seconds": "30",
    "statportal.releases.punctual_minutes": "1",
    "statportal.worker.in_process": "auto",
    "statportal.worker.interval_seconds": "20",
    "statportal.worker.lease_seconds": "60",
    "statportal.evolve.pending": "refuse",
    "statportal.currency.auto_notice": "false",
    "statportal.incidents.escalate_hours": "24",
    "statportal.questions.answer_days": "3",
    "statportal.questions.agreed_answer_days": "5",
    "statportal.questions.max_chars": "5000",
    "statportal.questions.attachment_max_mb": "10",
    "statportal.questions.anonymous_attachment_max_mb": "2",
    "statportal.questions.anonymous_attachment_max_unpacked_mb": "5",
    "statportal.questions.per_address_per_hour": "10",
    "statportal.questions.per_email_per_day": "5",
    "statportal.questions.edms_address": "",
    # e-mail subscriptions (docs/dissemination.md)
    "statportal.subscriptions.confirm_hours": "48",
    "statportal.subscriptions.per_address_per_hour": "20",
    "statportal.subscriptions.per_email_per_hour": "3",
    # the data API (statportal.taldau): the largest selection, the public's pace
    "statportal.data.max_cells": "200000",
    "statportal.data.requests_per_minute": "120",
    "statportal.data.import_max_mb": "100",   # the largest file an import takes
    "statportal.data.cached_cubes": "8",   # indicators' cubes kept per process (an LRU)
    "statportal.body_limit_kb": "1024",
    "statportal.upload_dir": "",
    "statportal.upload_keep_minutes": "120",
    "statportal.upload_keep_mb": "300",
    "statportal.upload_keep_total_mb": "2000",
    "mail.delivery": "smtp",   # or maildir (statportal.mail.maildir): make serve's
    "mail.maildir": "",
    "mail.host": "localhost",
    "mail.port": "25",
    "mail.default_sender": "statportal@localhost",
}

# Settings without a default that deployments commonly override.
KNOWN = (
    "zodbconn.uri",
    "statportal.secret",
    "pyramid.reload_templates",
    "pyramid.debug_authorization",
    "pyramid.default_locale_name",
    # Disclosure control (statportal.confidentiality): no default here, the package's own.
    "statportal.disclosure.threshold",
    "statportal.disclosure.dominance",
    "statportal.disclosure.p_percent",
    "statportal.disclosure.protection",
    "statportal.disclosure.allow_override",
    "statportal.disclosure.presumed_categories",
)


def env_name(setting):
    """``zodbconn.uri`` -> ``STATPORTAL_ZODBCONN_URI``."""
    return ENV_PREFIX + re.sub(r"[.\-]", "_", setting).upper()


def apply_environment(settings, environ=None):
    """Return ``settings`` with defaults filled in and environment overrides applied.

    Overrides apply to every known setting (those given and the defaults). A
    variable naming a setting that is not known is applied too when its name
    maps back unambiguously, e.g. ``STATPORTAL_ZODBCONN_URI``.
    """
    environ = os.environ if environ is None else environ
    merged = dict(DEFAULTS)
    merged.update(settings)
    names = (*KNOWN, *merged)
    # statportal's own settings may drop their prefix (STATPORTAL_WORKER_IN_PROCESS is
    # statportal.worker.in_process); a full name wins where both would map.
    by_env = {env_name(name[len("statportal."):]): name for name in names
              if name.startswith("statportal.")}
    by_env.update({env_name(name): name for name in names})
    for var, value in environ.items():
        if not var.startswith(ENV_PREFIX):
            continue
        name = by_env.get(var)
        if name is None:
            # statportal.* settings not yet known: STATPORTAL_SECRET -> statportal.secret
            name = "statportal." + var[len(ENV_PREFIX) :].lower()
        merged[name] = value
    return merged


def require(settings, name):
    value = settings.get(name)
    if not value:
        raise ConfigurationError(
            f"The setting {name!r} is required (or the environment variable {env_name(name)})."
        )
    return value


def as_int(settings, name):
    try:
        return int(settings[name])
    except (KeyError, ValueError) as exc:
        raise ConfigurationError(f"The setting {name!r} must be an integer.") from exc


def as_bool(settings, name):
    return asbool(settings.get(name))


def as_list(settings, name):
    return [part for part in re.split(r"[\s,]+", settings.get(name) or "") if part]
