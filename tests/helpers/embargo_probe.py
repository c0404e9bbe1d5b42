"""Running the statportal console script, and the setup the embargo-probe tests share:
a real ini file, a real HTTP server, a release and vintages bound to it."""

import io

import numpy as np
from webtest.http import StopableWSGIServer

from statportal.scripts.cli import main
from statportal.testing import TEST_SECRET, open_portal


def run(*argv):
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def write_ini(tmp_path, name="probe.ini", extra=""):
    """An ini file of a FileStorage under ``tmp_path``; ``extra``: more settings lines."""
    path = tmp_path / name
    path.write_text(f"""
[app:main]
use = egg:statportal
zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs
statportal.secret = {TEST_SECRET}
{extra}""")
    return str(path)


def serve(app):
    """For a fixture: ``yield from serve(app)`` gives a real HTTP server of ``app``."""
    server = StopableWSGIServer.create(app)
    yield server
    server.shutdown()


def add_release(testapp):
    """A calendar entry of the economy section; its path."""
    from tests.helpers.calendar import add as add_entry

    return add_entry(testapp, section="/official-statistics/economy").json["@id"].replace(
        "http://localhost/++api++", "")


def bound(app, path, release, values, periods):
    """A vintage of ``values`` bound to ``release``, as the import stores it."""
    from pyramid.scripting import prepare

    from statportal import clock
    from statportal.content.paths import find_by_path
    from statportal.taldau import embargo
    from statportal.taldau.store import add_vintage
    from tests.helpers.taldau import columns_for

    with open_portal(app) as portal:
        env = prepare(registry=app.registry)
        try:
            indicator = find_by_path(portal, path)
            entry = embargo.binding(env["request"], indicator, release)
            vintage = add_vintage(indicator, columns_for(indicator, np.array(values, float),
                                                         periods),
                                  filename="x.csv", release=release, actor="aigerim",
                                  now=clock.now(), embargoed=True)
            embargo.bind(env["request"], indicator, vintage, entry)
        finally:
            env["closer"]()
