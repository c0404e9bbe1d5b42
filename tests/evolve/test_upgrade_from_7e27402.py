"""A database written by the previous release (commit 7e27402: tests/evolve/data) is
refused by the portal until `statportal evolve` has run; evolved, every object reads back
(its JSON and its page as a Manager, every file's bytes), and the catalogs answer for what
the tree holds."""

import io
import os
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from pyramid.exceptions import ConfigurationError
from webtest import TestApp

from statportal.content.folder import Folder
from statportal.evolve import VERSIONS_KEY, get_evolve_steps
from statportal.testing import (
    TEST_SECRET,
    basic_auth,
    close_app,
    make_app,
    make_settings,
    open_portal,
)

FIXTURE = Path(__file__).parent / "data" / "statportal-7e27402.tar.gz"
EMBARGOED = "/official-statistics/economy/industry/industrial-production-october-2026"


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """The fixture unpacked, refused as it is, then `statportal evolve CONFIG`; returns
    ``(settings, what the command printed)``."""
    from statportal.scripts.cli import main

    root = tmp_path_factory.mktemp("upgrade")
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(root / "var", filter="data")
    settings = make_settings(root / "var")
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in [name for name in os.environ if name.startswith("STATPORTAL_")]:
            monkeypatch.delenv(name)
        with pytest.raises(ConfigurationError, match=r"run `statportal evolve CONFIG`"):
            make_app(settings)                        # the old shape is not served
        ini = root / "portal.ini"
        ini.write_text(f"[app:main]\nuse = egg:statportal\n"
                       f"zodbconn.uri = {settings['zodbconn.uri']}\n"
                       f"statportal.secret = {TEST_SECRET}\n"
                       "statportal.mail.deliver_in_process = false\n")
        out = io.StringIO()
        assert main(["evolve", str(ini)], out=out) == 0
        again = io.StringIO()
        assert main(["evolve", str(ini)], out=again) == 0
    assert again.getvalue().startswith("Nothing to evolve: the database is at statportal 1")
    return settings, out.getvalue()


@pytest.fixture(scope="module")
def app(upgraded):
    settings, _out = upgraded
    wsgi = make_app(settings)
    yield wsgi
    close_app(wsgi)


@pytest.fixture(scope="module")
def tree(app):
    """``[(path, type name, files)]`` of every object under the portal, the portal too."""
    found = []

    def walk(obj, path):
        files = [(f.filename, f.read()) for f in getattr(obj, "files", None) or ()]
        found.append((path or "/", obj.__content_type__, files))
        if isinstance(obj, Folder):
            for name, child in obj.items():
                walk(child, f"{path}/{name}")

    with open_portal(app) as portal:
        walk(portal, "")
    return found


def client(app, login=None):
    testapp = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                          "REMOTE_ADDR": "127.0.0.1"})
    testapp.authorization = basic_auth(login) if login else None
    return testapp


def test_evolve_printed_every_step_and_stored_the_latest_versions(app, upgraded):
    _settings, out = upgraded
    steps = get_evolve_steps(app.registry)
    pending = steps.pending({})
    assert out.splitlines() == [*(step.title for step in pending),
                                f"{len(pending)} step(s) applied; the database is at "
                                + ", ".join(f"{p} {v}" for p, v in sorted(
                                    steps.latest().items())) + "."]
    assert out.splitlines()[0].startswith("statportal 1: Every fixed place present")
    with open_portal(app) as portal:
        assert dict(portal._p_jar.root()[VERSIONS_KEY]) == steps.latest()


def test_the_tree_is_the_one_the_old_code_wrote(tree):
    kinds = {}
    for _path, kind, _files in tree:
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {
        "Portal": 1, "Section": 18, "OrgUnits": 1, "OrgUnit": 9, "Principals": 1, "Users": 1,
        "User": 8, "Groups": 1, "Requests": 1, "PlacementRequest": 3, "ReleaseCalendar": 1,
        "CalendarYear": 2, "ReleaseEntry": 7, "WorkPlan": 1, "PlanYear": 1,
        "WorkPlanItem": 2, "Questions": 1, "Question": 7, "Incidents": 1, "Incident": 1,
        "Material": 7,
        "DataRoot": 1}  # /data, added by the evolve step statportal.taldau 1 (issue 20)


def test_every_object_reads_back_as_json_and_page(app, tree):
    manager = client(app, "admin")
    for path, kind, files in tree:
        url = quote(path)
        data = manager.get("/++api++" + (url if path != "/" else "/")).json
        assert data["@type"] == kind, path
        assert data["@id"].rstrip("/") == ("http://localhost/++api++" + url).rstrip("/")
        assert [f["filename"] for f in data.get("files", ())] == [n for n, _b in files], path
        assert [f["size"] for f in data.get("files", ())] == [len(b) for _n, b in files]
        page = manager.get(url, headers={"Accept": "text/html"})
        assert page.content_type == "text/html", path


def test_every_file_downloads_as_stored(app, tree):
    manager, downloads = client(app, "admin"), 0
    for path, kind, files in tree:
        if kind != "Material":
            continue
        for number, (filename, data) in enumerate(files):
            assert data, (path, filename)              # the blob is there
            body = manager.get(f"{quote(path)}/@@download/{number}/{quote(filename)}").body
            assert body == data
            downloads += 1
    assert downloads >= 7


def test_the_catalogs_answer_for_the_tree(app, tree):
    manager, anonymous = client(app, "admin"), client(app)
    states = {path: manager.get("/++api++" + quote(path)).json["review_state"]
              for path, kind, _files in tree if kind == "Material"}
    published = {path for path, state in states.items() if state == "published"}
    assert states[EMBARGOED] == "scheduled" and len(published) == 6
    found = anonymous.get("/++api++/@search").json
    assert {i["@id"].replace("http://localhost/++api++", "") for i in found["items"]} \
        == published and found["items_total"] == 6
    word = manager.get("/++api++" + EMBARGOED).json["title"]["en"].split()[0]
    assert EMBARGOED not in anonymous.get("/++api++/@search", {"SearchableText": word}).text
    anonymous.get("/++api++" + EMBARGOED, status=404)      # still under embargo
    releases = anonymous.get("/++api++/calendar/@releases").json["items"]
    assert ("http://localhost/++api++/calendar/2027/consumer-price-index-november-2026",
            "confirmed") in [(i["@id"], i["status"]) for i in releases]
    registered = client(app, "dana").get("/++api++/requests/@register").json
    assert registered["items_total"] == 2                  # placed; the third is waiting
    assert len(manager.get("/++api++/@outbox").json["items"]) == 7
    assert manager.get("/++api++/@currency").json["items_total"] == 1


def test_my_requests_are_found_in_the_evolved_catalog(app):
    """The statportal.placement step indexed who made each old request: the executor's
    "My requests" lists her three (two placed, one awaiting approval), newest first."""
    page = client(app, "aigerim").get("/my-work", headers={"Accept": "text/html"})
    rows = page.html.find("table", id="my-requests").find("tbody").find_all("tr")
    states = [tr.find_all("td")[2].get_text(" ", strip=True) for tr in rows]
    assert sorted(states) == ["Awaiting approval", "Placed", "Placed"]
    assert [tr.find_all("td")[0].get_text(strip=True) for tr in rows][0] == "—"
