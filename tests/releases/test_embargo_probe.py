"""``statportal embargo-probe`` against a real HTTP server: quiet under the embargo, exit 1
when a scheduled material leaks, and the worker's command line."""

import json
from datetime import timedelta

import pytest

from statportal.testing import open_portal
from tests.helpers.embargo import RELEASE
from tests.helpers.embargo_probe import run, serve, write_ini


@pytest.fixture
def server(app):
    yield from serve(app)


@pytest.fixture
def ini(tmp_path):
    return write_ini(tmp_path)


def test_probe_is_quiet_under_the_embargo(app, server, ini, scheduled, capsys):  # noqa: F811
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 0, out
    checked = int(out.split()[-4])
    # 5 addresses; 6 listings: the section (page and JSON), search, the sitemap, the home
    # page and the category's page of the menu (issue 18); 18 feeds (issue 21): the
    # section's and the category page's RSS and Atom in kk, ru and en, and the Atom of
    # each of the two sections above it in the three languages
    assert checked == 11 + 18 and out.strip().endswith("0 leaks")
    assert "[1/1]" in capsys.readouterr().err        # progress


def test_probe_finds_a_leak(app, server, ini, scheduled):  # noqa: F811
    material, _entry = scheduled
    with open_portal(app) as portal:
        from statportal.content.paths import find_by_path

        # A bug publishes the material early, behind the calendar's back: written past the
        # state API on purpose, as a defect would.
        find_by_path(portal, material).__workflow_state__["material"] = "published"
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 1
    assert f"LEAK {material}: answered 200" in out


def test_probe_finds_a_leak_on_the_category_page(app, server, ini, scheduled):  # noqa: F811
    material, _entry = scheduled
    with open_portal(app) as portal:
        from statportal.content.paths import find_by_path
        from statportal.materials.catalog import get_catalog

        # The same defect, and the catalog told of it: the listings then name the material.
        obj = find_by_path(portal, material)
        obj.__workflow_state__["material"] = "published"
        obj.published_at = obj.modified
        get_catalog(portal).index(obj)
    code, out = run("embargo-probe", ini, "--url", server.application_url)
    assert code == 1
    assert "LEAK /express-information: shows " in out, out
    assert "LEAK /: shows " in out, out  # the home page's newest materials
    section = material.rsplit("/", 1)[0]
    for feed in (f"{section}/@rss?lang=kk", f"{section}/@atom?lang=en",
                 "/official-statistics/@atom?lang=ru", "/express-information/@rss?lang=ru"):
        assert f"LEAK {feed}: shows {material}" in out, out


def test_probe_reports_an_unreachable_portal(app, ini, scheduled, capsys):  # noqa: F811
    code, _out = run("embargo-probe", ini, "--url", "http://127.0.0.1:9")
    assert code == 2 and "error" in capsys.readouterr().err


def test_worker_once_publishes_what_is_due(app, ini, scheduled, frozen):  # noqa: F811
    from statportal.testing import close_app

    material, entry = scheduled
    close_app(app)                  # the worker's process opens the FileStorage itself
    frozen.set(RELEASE + timedelta(seconds=30))
    code, out = run("worker", ini, "--once")
    assert code == 0
    assert json.loads(out)["released"] == [entry]
    code, out = run("worker", ini, "--once")
    assert json.loads(out)["released"] == []
