"""statportal: forming and disseminating official statistics with Pyramid and ZODB.

``main()`` is the WSGI application factory of the ini files; ``includeme``
is the application: it wires the library into a Configurator and registers
what starts with it (the portal, the mail sender, the worker thread), so an
application of an integrator can ``config.include('statportal')`` and then
its own packages.
"""

import logging
import random
import time

# Pyramid is imported where it is used, so that the parts that do not need it
# (``statportal.disclosure``) can be imported without it.


def main(global_config=None, **settings):
    """The WSGI application: statportal and the add-ons named in ``statportal.includes``.

    Only the Configurator: what the running portal needs (the portal object, the mail
    sender, the worker) starts from ``includeme``'s ``ApplicationCreated`` subscribers, so
    an integrator's own ``main()`` gets all of it."""
    from pyramid.config import Configurator

    from statportal.settings import apply_environment, as_list

    settings = apply_environment(settings)
    public_url = settings.get("statportal.public_url") or ""
    if "%(" in public_url:  # make serve's: the port pserve was given (statportal.server)
        from statportal.server import listen_address

        settings["statportal.public_url"] = listen_address(public_url, global_config or {})
    with Configurator(settings=settings) as config:
        config.include("statportal")
        # Commit the core first: an add-on included afterwards may then
        # override a core registration (a content type, a role, a view)
        # instead of conflicting with it.
        config.commit()
        for package in as_list(settings, "statportal.includes"):
            config.include(package)
            config.commit()
    return config.make_wsgi_app()


def includeme(config):
    from statportal.settings import apply_environment

    settings = config.registry.settings
    for name, value in apply_environment({}, environ={}).items():
        settings.setdefault(name, value)
    if not settings.get("zodbconn.uri"):
        from pyramid.exceptions import ConfigurationError

        raise ConfigurationError("The setting 'zodbconn.uri' is required.")
    from statportal.security import checked_secret

    checked_secret(settings)  # a known or short secret: refused before any storage opens
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    config.include("statportal.content.numbering")  # registrations of a process take turns
    config.include("statportal.security.bodylimit")   # before anything reads a body
    config.include("statportal.security.malformed")   # a malformed body: 400
    config.include("statportal.storage_check")  # pyramid_zodbconn: storage opened, or one line
    config.include("statportal.syntax_trees")  # template compiles one at a time (3.11)
    config.include("pyramid_chameleon")
    config.add_subscriber(_pause_before_retry, "pyramid_retry.IBeforeRetry")
    # The portal exists before anything else starts (the subscribers run in this order).
    config.add_subscriber(_ensure_portal, "pyramid.interfaces.IApplicationCreated")
    config.include("statportal.evolve")   # before any package registers a step
    config.add_evolve_step("statportal", "statportal.content.resources.upgrade_fixed_places",
                           1)
    config.include("statportal.api.openapi")  # add_openapi_operation, for the features
    config.include("statportal.views.feeds")  # add_alternate_links, for the features
    config.include("statportal.views.tabs")   # add_object_tab, for the features
    config.include("statportal.mail")     # its sender starts before the worker queues mail
    config.include("statportal.worker")   # add_worker_task; its thread starts last

    config.include("statportal.content")
    config.include("statportal.workflow")
    config.include("statportal.security")
    config.include("statportal.files.kept")
    config.include("statportal.materials")
    config.include("statportal.placement")
    config.include("statportal.releases")
    config.include("statportal.incidents")
    config.include("statportal.questions")
    config.include("statportal.taldau")
    config.include("statportal.subscriptions")
    config.include("statportal.bundle")   # the offline copy: the Moderator's job (issue 21)
    config.include("statportal.confidentiality")
    config.include("statportal.views")
    config.include("statportal.api")
    config.set_root_factory("statportal.content.resources.root_factory")


def _pause_before_retry(event):
    """A random pause of 0–N ms × 2^(attempt-1) (up to 64 N) before a retry, so writers
    spread out: a pause growing only by N per attempt let several web processes on one
    ZEO server collide attempt after attempt (a small catalog's indexes are one BTree
    bucket, where no two concurrent changes resolve) until a user got the ConflictError."""
    from statportal.settings import as_int

    request = event.request
    pause_ms = as_int(request.registry.settings, "statportal.retry_pause_ms")
    attempt = request.environ.get("retry.attempt", 0) + 1
    # One line per retry, so that operators (and bench/load.py) can count conflicts.
    logging.getLogger("statportal.retry").info(
        "Retry %d of %s %s after %s: %.200s", attempt, request.method, request.path,
        type(event.exception).__name__, (str(event.exception).splitlines() or [""])[0])
    ceiling = pause_ms * 2 ** min(attempt - 1, 6)
    time.sleep(random.uniform(0, ceiling) / 1000)  # noqa: S311  # nosec B311 # a retry's jitter, no secret


def _ensure_portal(event):
    """``ApplicationCreated``: the portal is created in a new database (marked at the
    latest schema versions); an older one with evolve steps pending stops the start
    (``statportal.evolve.pending``), its storage closed first."""
    from pyramid.exceptions import ConfigurationError

    from statportal.content.resources import ensure_portal

    registry = event.app.registry
    databases = getattr(registry, "_zodb_databases", None) or {}
    if databases.get("") is None:
        return
    try:
        ensure_portal(databases[""], registry)
    except ConfigurationError:
        for db in databases.values():  # FileStorage's lock is released for the command
            db.close()
        raise

