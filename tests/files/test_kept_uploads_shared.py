"""Kept uploads beyond one web process: a form refused by one process and corrected in
another (two processes on one ZEO server) finds the kept file when both have the same
``statportal.upload_dir``; the default (this host's temporary directory) is named in a
start-up line of the log when the database is shared with other processes. And a 50 MB upload
kept after a validation error is stored whole by the corrected submit, in bounded memory."""

import logging
import os
import tempfile
import tracemalloc

import pytest
from webtest import TestApp, Upload

from statportal.testing import close_app, make_app, make_settings, open_portal
from tests.helpers.form_files import add_form, stored

MB = 2**20
BIG = (b"Industrial production, October 2026: a line of a long text report\n" *
       (50 * MB // 64))[:50 * MB]


@pytest.fixture
def zeo(tmp_path):
    import ZEO

    address, stop = ZEO.server(path=str(tmp_path / "zeo.fs"), blob_dir=str(tmp_path / "blobs"))
    host, port = address
    yield f"zeo://{host}:{port}?blob_dir={tmp_path}/blobs&shared_blob_dir=true"
    stop()


@pytest.fixture
def two_processes(tmp_path, zeo, monkeypatch, request):
    """``(app A, app B)`` on one ZEO server, each with a temporary directory of its own
    (another host, or systemd's PrivateTmp); ``upload_dir`` shared when the test's param
    says so."""
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD

    shared = {"statportal.upload_dir": str(tmp_path / "shared-uploads")} \
        if request.param else {}
    apps = []
    for name in ("a", "b"):
        (tmp_path / f"tmp-{name}").mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / f"tmp-{name}"))
        apps.append(make_app(make_settings(tmp_path / name, **{"zodbconn.uri": zeo,
                                                               **shared})))
    with open_portal(apps[0]) as portal:
        add_demo_content(apps[0].registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    yield apps
    for app in apps:
        close_app(app)


def refused_by_a_corrected_in_b(apps):
    client = TestApp(apps[0], extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
    form = add_form(client)
    form["executor_email"] = "not an address"
    form.set("upload", Upload("report.txt", b"Industrial production\n" * 1000), index=0)
    refused = form.submit("submit")
    assert refused.status_int == 200 and "Invalid email address" in refused.text
    form = refused.forms["edit-form"]
    form["executor_email"] = "aigerim@stat.example.kz"
    client.app = apps[1]  # the corrected form reaches the other process (same cookies)
    return form.submit("submit")


@pytest.mark.parametrize("two_processes", [True], indirect=True)
def test_a_form_refused_by_one_process_is_saved_by_another(two_processes, caplog):
    done = refused_by_a_corrected_in_b(two_processes)
    assert done.status_int == 302, done.text[-1500:]
    path = done.location.replace("http://localhost", "")
    assert stored(two_processes[1], path) == [
        ("report.txt", "kk", b"Industrial production\n" * 1000)]


@pytest.mark.parametrize("two_processes", [False], indirect=True)
def test_each_process_own_temporary_directory_loses_the_file(two_processes,
                                                                           caplog):
    """What the start-up line is about: without the shared setting the other process finds
    nothing kept (its form asks for the file again; nothing is stored)."""
    done = refused_by_a_corrected_in_b(two_processes)
    assert done.status_int == 200 and "Attach at least one file." in done.text


def test_the_default_directory_on_a_shared_database_is_named_at_start_up(tmp_path, zeo,
                                                                          caplog):
    caplog.set_level(logging.INFO, logger="statportal.files.kept")
    for name, settings in (("zeo", {"zodbconn.uri": zeo}),
                           ("zeo-shared", {"zodbconn.uri": zeo,
                                           "statportal.upload_dir": str(tmp_path / "up")}),
                           ("file", {})):
        caplog.clear()
        (tmp_path / name).mkdir()
        close_app(make_app(make_settings(tmp_path / name, **settings)))
        said = [r.getMessage() for r in caplog.records if r.name == "statportal.files.kept"]
        if name == "zeo":
            (line,) = said
            assert line.startswith(f"Uploads kept for forms wait in {tempfile.gettempdir()}"
                                   "/statportal-uploads-")
            assert "(ClientStorage " in line and \
                "Set statportal.upload_dir to one directory that every web process " \
                "shares." in line
        else:
            assert said == [], name


def test_a_50_mb_upload_is_kept_and_saved_whole_in_bounded_memory(app, testapp, demo,
                                                                 tmp_path):
    upload_dir = app.registry.settings.get("statportal.upload_dir")
    form = add_form(testapp)
    form["executor_email"] = "not an address"
    form.set("upload", Upload("report.txt", BIG), index=0)
    tracemalloc.start()
    try:
        refused = form.submit("submit")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.status_int == 200
    # the request body WebTest builds (50 MB), the parsed upload and the copy kept aside
    assert peak < 4 * len(BIG), peak // MB
    kept = [" ".join(p.text.split()) for p in refused.html.select("p.kept-upload")]
    assert kept == ["Send the file chosen before: report.txt (50 MB)"]
    assert len(refused.body) < 100_000  # the page names the file; it does not carry it
    form = refused.forms["edit-form"]
    form["executor_email"] = "aigerim@stat.example.kz"
    done = form.submit("submit")
    assert done.status_int == 302
    ((name, _language, data),) = stored(app, done.location.replace("http://localhost", ""))
    assert name == "report.txt" and data == BIG
    if upload_dir:
        assert [n for n in os.listdir(upload_dir) if n.endswith(".data")] == []


def test_three_large_files_kept_replaced_and_removed_after_an_error(app, testapp, demo):
    """A request with three 16 MB files: keep the first, replace the second (a 40 MB file
    chosen in a form that comes back with an error), remove the third. No 500; the
    corrected submit stores exactly that; memory stays within a few times the upload."""
    from statportal.testing import basic_auth, login_html
    from tests.helpers.form_files import HTML, REQUESTS, action_fields, request_payload
    from tests.helpers.materials import upload

    parts = [BIG[n * 16 * MB:(n + 1) * 16 * MB] for n in range(3)]
    testapp.authorization = basic_auth("aigerim")
    files = [upload(f"part{n}.txt", data, language)
             for n, (data, language) in enumerate(zip(parts, ("kk", "ru", "en"), strict=True))]
    url = testapp.post_json(REQUESTS, request_payload(files=files), status=201).json[
        "@id"].replace("http://localhost/++api++", "")
    testapp.authorization = None
    login_html(testapp, "aigerim")
    form = testapp.get(f"{url}/@@edit", headers=HTML).forms["edit-form"]
    keep, replace, remove = action_fields(form)
    replace.value, remove.value = "replace", "remove"
    replacement = BIG[:40 * MB]
    form.set("upload", Upload("replacement.txt", replacement), index=1)
    form["executor"] = ""
    tracemalloc.start()
    try:
        refused = form.submit("submit")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.status_int == 200 and "Required" in refused.text
    assert peak < 4 * len(replacement), peak // MB  # the current files are not read
    form = refused.forms["edit-form"]
    assert [radio.value for radio in action_fields(form)] == ["keep", "replace", "remove"]
    form["executor"] = "Әйгерім Сейітова"
    assert form.submit("submit").status_int == 302
    assert stored(app, url) == [("part0.txt", "kk", parts[0]),
                                ("replacement.txt", "ru", replacement)]


def test_a_command_on_the_shared_database_does_not_print_it(tmp_path, zeo):
    """`statportal worker CONFIG --once` beside the web processes: its output is its
    pass, not the web process's start-up lines."""
    import subprocess
    import sys

    from statportal.testing import TEST_SECRET

    ini = tmp_path / "worker.ini"
    ini.write_text(f"[app:main]\nuse = egg:statportal\nzodbconn.uri = {zeo}\n"
                   f"statportal.secret = {TEST_SECRET}\n"
                   "statportal.mail.deliver_in_process = false\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("STATPORTAL_")}
    done = subprocess.run(  # noqa: S603 (our own console script)
        [sys.executable, "-m", "statportal.scripts.cli", "worker", str(ini), "--once"],
        capture_output=True, text=True, env=environ, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Uploads kept" not in done.stdout + done.stderr
