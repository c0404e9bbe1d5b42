"""Portals on FileStorage for the backup, restore and pack commands' tests: an ini file of
their settings, the demo content, the console script run in-process."""

import io

from webtest import TestApp

from statportal.testing import DEMO_PASSWORD, make_app, make_settings, open_portal


def write_ini(directory, settings):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "portal.ini"
    lines = "\n".join(f"{k} = {v}" for k, v in settings.items())
    path.write_text(f"[app:main]\nuse = egg:statportal\n{lines}\n")
    return str(path)


def portal_at(directory):
    """``(settings, ini)`` of a portal whose FileStorage and blobs are in ``directory``."""
    settings = make_settings(directory)
    return settings, write_ini(directory, settings)


def run(*argv):
    from statportal.scripts.cli import main

    out = io.StringIO()
    return main([str(a) for a in argv], out=out), out.getvalue()


def client(app):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en", "REMOTE_ADDR": "127.0.0.1"})


def with_demo(settings):
    from statportal.demo import add_demo_content

    app = make_app(settings)
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    return app


def requests_held(settings):
    """The names of the requests of the portal of ``settings``, each one's files read (a
    blob missing fails)."""
    from statportal.testing import close_app

    app = make_app(settings)
    try:
        with open_portal(app) as portal:
            for item in portal["requests"].values():
                for stored in item.files:
                    with stored.blob.open("r") as f:
                        assert f.read(), item.__name__
            return set(portal["requests"].keys())
    finally:
        close_app(app)


def files_of(directory):
    """Every file under ``directory`` (symlinks followed; lock files aside) with its bytes."""
    return sorted((str(p.relative_to(directory)), p.read_bytes())
                  for p in directory.rglob("*") if p.is_file() and p.suffix != ".lock")
