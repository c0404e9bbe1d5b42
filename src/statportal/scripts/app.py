"""What the commands of ``statportal`` share: the app of CONFIG opened for a command
(``open_app``: no worker thread, a held FileStorage or a wrong setting told in one line),
the portal in one transaction (``portal_transaction``), the database read-only beside a
running portal (``open_read_only``). Features' commands (entry points of the group
``statportal.commands``) import these; this module imports no feature.
"""

import os
import re
from contextlib import contextmanager

from pyramid.paster import bootstrap, setup_logging

from statportal.content.resources import ZODB_ROOT_KEY, get_portal
from statportal.interfaces import IMailSender, IWorker


class CommandError(Exception):
    pass


@contextmanager
def environment(forced):
    """The environment variables ``forced`` set for the block, restored after it (the
    settings a command forces on the app it opens: no worker thread, …)."""
    saved = {name: os.environ.get(name) for name in forced}
    os.environ.update(forced)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def open_app(config_uri, instead="do this in the web interface while the portal runs",
             mail=False):
    """``bootstrap(CONFIG)`` for a command, which is not the web process: no release worker
    thread of its own, and no mail sender unless ``mail`` (``statportal worker``: it sends
    what its passes queue) — a sender's delivery round would write beside the command.
    A FileStorage that a running portal (or another command) holds is a
    :class:`CommandError` saying what to do ``instead``, not a ``LockError`` traceback; so
    is a wrong setting (a ``ConfigurationError``).

    A database with evolve steps pending is opened (``statportal evolve`` is one of the
    commands) with a warning on stderr; the commands that write refuse it
    (``refuse_if_pending``: ``portal_transaction`` and ``statportal worker``).

    Logging is set up after the app is made, so the command does not repeat the web
    process's start-up lines (such as where the release worker runs)."""
    from pyramid.exceptions import ConfigurationError
    from zc.lockfile import LockError

    from statportal.settings import env_name

    forced = {env_name("statportal.worker.in_process"): "false",
              env_name("statportal.evolve.pending"): "serve"}
    if not mail:
        forced[env_name("statportal.mail.deliver_in_process")] = "false"
    try:
        with environment(forced):
            env = bootstrap(config_uri)
    except LockError as exc:
        locked = re.search(r"'([^']+?)(?:\.lock)?'$", str(exc))  # Couldn't lock '….lock'
        path = getattr(exc, "path", None) or (locked.group(1) if locked else None)
        raise CommandError(  # (storage_check.StorageInUse has the path)
            f"{path or 'the database'} is in use by the running "
            "portal (or another statportal command): stop it (Ctrl-C where `make serve` or "
            f"`pserve` runs) and run this command again, or {instead}; to run commands "
            "beside a running portal, serve it from ZEO (docs/administrators.md, "
            "Storage).") from None
    except ConfigurationError as exc:  # a wrong setting: one line, not a traceback
        raise CommandError(f"{config_uri}: {exc}") from None
    except OSError as exc:  # no such ini file, or a storage path that cannot be opened
        raise CommandError(f"{config_uri}: {exc.strerror or exc}"
                           + (f": {exc.filename}" if exc.filename else "")) from None
    setup_logging(config_uri)
    return env


def refuse_if_pending(env):
    """A :class:`CommandError` when the database of ``env`` (``open_app``'s) has evolve
    steps pending: such a command would write beside the old shape."""
    from statportal.evolve import pending_steps

    pending = pending_steps(get_portal(env["request"])._p_jar.root(), env["registry"])
    if pending:
        raise CommandError(
            f"the database needs {len(pending)} evolve step(s) ("
            f"{', '.join(f'{s.package} {s.version}' for s in pending)}): run `statportal "
            "evolve CONFIG` first")


@contextmanager
def portal_transaction(config_uri, instead=None):
    """The portal of CONFIG inside one transaction, committed when the block succeeds."""
    env = open_app(config_uri, *([instead] if instead else []))
    sender = env["registry"].queryUtility(IMailSender)
    if sender is not None:  # a command does its work and exits: no mail thread for it
        sender.stop()
    request = env["request"]
    # Messages in the terminal's language (LANG=kk_KZ.UTF-8, ru_RU…), else English.
    lang = os.environ.get("LANG", "")[:2]
    request.headers["Accept-Language"] = lang if lang in ("kk", "ru") else "en"
    tm = request.tm  # the root factory began its transaction (see root_factory)
    try:
        try:
            refuse_if_pending(env)  # it would write beside the old shape
            yield request, get_portal(request)
        except BaseException:
            tm.abort()
            raise
        tm.commit()
    finally:
        env["closer"]()
        close_databases(env["registry"])


def close_databases(registry):
    """Close the app's databases, releasing FileStorage's lock for the next process."""
    stop_threads(registry)
    for db in (getattr(registry, "_zodb_databases", None) or {}).values():
        db.close()


def stop_threads(registry):
    """Stop the app's mail sender and worker, if they run: a command writes alone."""
    for iface in (IMailSender, IWorker):
        thread = registry.queryUtility(iface)
        if thread is not None:
            thread.stop()


def open_read_only(config_uri):
    """The portal of CONFIG from its database opened read-only (a running server keeps
    FileStorage's lock; a reader needs none). Returns ``(portal, close)``."""
    from pyramid.paster import get_appsettings

    from statportal.settings import apply_environment
    from statportal.storage_check import WAIT_DEFAULT, WAIT_SETTING, open_database

    settings = apply_environment(dict(get_appsettings(config_uri)))
    uri = settings["zodbconn.uri"]
    if uri.startswith(("file://", "zeo://")):
        uri += ("&" if "?" in uri else "?") + "read_only=1"
    # bounded, and one line when it cannot be opened (StorageUnavailable), like open_app
    db = open_database(uri, "", {}, int(settings.get(WAIT_SETTING) or WAIT_DEFAULT))
    conn = db.open()

    def close():
        conn.close()
        db.close()

    return conn.root()[ZODB_ROOT_KEY], close


def configured_registry(config_uri):
    """The registry of CONFIG's application (workflows, ACL maps, message catalogs,
    features' registrations), made over a throw-away memory database: for a command that
    reads the portal's own database with ``open_read_only`` beside a running portal that
    holds it. No worker, no mail sender."""
    from pyramid.paster import get_app

    from statportal.settings import env_name

    forced = {env_name("zodbconn.uri"): "memory://",
              env_name("statportal.worker.in_process"): "false",
              env_name("statportal.mail.deliver_in_process"): "false",
              env_name("statportal.evolve.pending"): "serve"}
    with environment(forced):
        registry = get_app(config_uri).registry
    close_databases(registry)
    return registry
