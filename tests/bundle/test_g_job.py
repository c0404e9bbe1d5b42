"""The Moderator's offline copy in the CMS (issue 21, item 4): a job started on the
section's page (CSRF), built by the worker's task, shown with its progress and downloaded as
a zip that holds only public material; Executors and the public get nothing; the last three
copies are kept; a release's second comes before a copy."""

import io
import zipfile
from datetime import timedelta

import pytest
from webtest import TestApp

from statportal import clock
from statportal.bundle.job import get_jobs
from statportal.testing import basic_auth, close_app, last_transaction, make_app, make_settings
from statportal.worker import run_pass
from tests.helpers.calendar import add as add_entry
from tests.helpers.clock import NOW
from tests.helpers.embargo import RELEASE
from tests.helpers.placement import new_request, run_chain

ECONOMY = "/official-statistics/economy"
SCHEDULED_TITLE = "Secret figures before their release"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One app for the module: the demo, a material placed at once and one scheduled for
    the release of 14 December, in the economy's industry section."""
    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, open_portal

    app = make_app(make_settings(tmp_path_factory.mktemp("bundle-job")))
    with clock.frozen(NOW) as frozen:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                             "REMOTE_ADDR": "127.0.0.1"})
        url = new_request(client)
        run_chain(client, url)
        published = client.get(url).json["material"]
        entry = add_entry(client, section=f"{ECONOMY}/industry").json
        entry_path = entry["@id"].replace("http://localhost/++api++", "")
        url = new_request(client, release=entry_path, title={
            "kk": SCHEDULED_TITLE, "ru": SCHEDULED_TITLE, "en": SCHEDULED_TITLE})
        run_chain(client, url)
        scheduled = client.get(url).json["material"]
        frozen.advance(minutes=5)
        yield {"app": app, "published": published, "scheduled": scheduled,
               "frozen": frozen}
    close_app(app)


def client_of(site, login):
    client = TestApp(site["app"], extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                                 "REMOTE_ADDR": "127.0.0.1"})
    client.authorization = basic_auth(login) if login else None
    return client


def work(site):
    """The worker's pass, the bundle task only (as the worker thread runs it)."""
    return run_pass(site["app"].registry, clock.now(), only={"bundle_jobs"})


def start(client, **fields):
    form = client.get(f"{ECONOMY}/@@bundle").forms["bundle-form"]
    for name, value in fields.items():
        if name == "languages":
            for box in form.fields["languages"]:
                box.checked = box._value in value
        else:
            form[name] = value
    return form.submit(status="*")


def jobs(site):
    from statportal.testing import open_portal

    with open_portal(site["app"]) as portal:
        store = get_jobs(portal)
        return sorted((job.id, job.state, job.section_path)
                      for job in store.jobs.values()) if store is not None else []


def test_a_moderator_makes_a_copy_the_worker_builds_it_and_it_downloads(site):
    moderator = client_of(site, "yerlan")
    section = moderator.get(ECONOMY)
    assert f"{ECONOMY}/@@bundle" in section.text       # the tab on the section's page
    page = moderator.get(f"{ECONOMY}/@@bundle")
    assert "No copy has been made yet." in page.text
    answer = start(moderator, languages=("kk", "ru", "en"))
    assert answer.status_int == 303
    listed = moderator.get(f"{ECONOMY}/@bundle-jobs").json["items"]
    assert [item["state"] for item in listed] == ["queued"]
    assert listed[0]["requested_by"] == "yerlan" and listed[0]["download"] is None
    waiting = moderator.get(f"{ECONOMY}/@@bundle")
    assert "Waiting for the worker." in waiting.text
    assert not waiting.html.select("#bundle-form button[type=submit]")
    # asked again while it waits (a second tab): refused, nothing added
    assert start(moderator).status_int == 409
    assert len(jobs(site)) == 1

    result = work(site)
    assert result.counts.get("bundles") == 1, result.as_dict()
    item = moderator.get(f"{ECONOMY}/@bundle-jobs").json["items"][0]
    assert item["state"] == "done" and item["done"] == item["total"] > 0
    page = moderator.get(f"{ECONOMY}/@@bundle")
    link = page.html.select_one("a[download]")["href"]
    download = moderator.get(link)
    assert download.content_type == "application/zip"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(download.body))
    names = archive.namelist()
    assert any(name.endswith("index.html") for name in names), names
    everything = b"".join(archive.read(name) for name in names)
    assert site["published"].rsplit("/", 1)[-1].encode() in everything
    assert site["scheduled"].rsplit("/", 1)[-1].encode() not in everything
    assert SCHEDULED_TITLE.encode() not in everything
    # another section's page does not hand this section's copy out
    moderator.get(link.replace(ECONOMY, "/official-statistics"), status=404)


def test_executor_and_public_get_nothing(site):
    executor = client_of(site, "aigerim")   # an Executor of the industry section
    for path in (f"{ECONOMY}/industry/@@bundle", f"{ECONOMY}/@@bundle",
                 f"{ECONOMY}/@bundle-jobs", f"{ECONOMY}/@@bundle-download?job=x"):
        executor.get(path, status=403)
    assert f"{ECONOMY}/@@bundle" not in executor.get(ECONOMY).text
    before = last_transaction(site["app"])
    executor.post(f"{ECONOMY}/@@bundle", {"languages": "ru"}, status=403)
    public = client_of(site, None)   # sent to log in, shown nothing
    for path in (f"{ECONOMY}/@@bundle", f"{ECONOMY}/@@bundle-download?job=x"):
        answer = public.get(path, status=302)
        assert answer.location.startswith("http://localhost/login?came_from=")
    assert public.get(f"{ECONOMY}/@bundle-jobs", headers={"Accept": "application/json"},
                      status="*").status_int in (401, 403)
    public.post(f"{ECONOMY}/@@bundle", {"languages": "ru"}, status=302)
    assert last_transaction(site["app"]) == before


def test_csrf_and_bad_input_change_nothing(site):
    moderator = client_of(site, "yerlan")
    before = last_transaction(site["app"])
    moderator.post(f"{ECONOMY}/industry/@@bundle", {"languages": "ru"}, status=400)
    refused = start(moderator, languages=())
    assert refused.status_int == 400
    assert "Choose at least one of the portal's languages." in refused.text
    refused = start(moderator, since="14.12.2026")
    assert refused.status_int == 400 and "YYYY-MM-DD" in refused.text
    token = moderator.get(f"{ECONOMY}/@@bundle").forms["bundle-form"]["csrf_token"].value
    refused = moderator.post(f"{ECONOMY}/@@bundle", {"csrf_token": token, "languages": "de"},
                             status=400)
    assert "Choose at least one of the portal's languages." in refused.text
    assert last_transaction(site["app"]) == before


def test_the_last_three_copies_are_kept(site):
    moderator = client_of(site, "yerlan")
    path = f"{ECONOMY}/industry"
    for _n in range(4):
        form = moderator.get(f"{path}/@@bundle").forms["bundle-form"]
        form["since"] = "2026-01-01"
        assert form.submit().status_int == 303
        site["frozen"].advance(minutes=1)
        work(site)
    items = moderator.get(f"{path}/@bundle-jobs").json["items"]
    assert [item["state"] for item in items] == ["done"] * 3
    assert all(item["since"] == "2026-01-01" for item in items)
    assert len([job for job in jobs(site) if job[2] == path]) == 3


def test_a_release_second_comes_before_a_copy(site):
    moderator = client_of(site, "yerlan")
    path = "/official-statistics"
    form = moderator.get(f"{path}/@@bundle").forms["bundle-form"]
    assert form.submit().status_int == 303
    saved = clock.now()
    site["frozen"].set(RELEASE - timedelta(seconds=40))
    try:
        work(site)
        assert [item["state"] for item in moderator.get(f"{path}/@bundle-jobs").json[
            "items"]] == ["queued"]
    finally:
        site["frozen"].set(saved)
    work(site)
    assert [item["state"] for item in moderator.get(f"{path}/@bundle-jobs").json[
        "items"]] == ["done"]


def test_a_copy_being_made_stops_before_a_release_second(site, monkeypatch):
    """A build that runs into the 30 s before a release goes back to the queue."""
    from statportal.bundle import job as job_module

    real = job_module.build

    def slow(request, section, out, languages, since, progress):
        def later(done, total, *what):
            site["frozen"].advance(seconds=45)   # this build takes its time
            progress(done, total, *what)
        real(request, section, out, languages, since, later)

    monkeypatch.setattr(job_module, "build", slow)
    moderator = client_of(site, "yerlan")
    path = f"{ECONOMY}/prices"
    assert moderator.get(f"{path}/@@bundle").forms["bundle-form"].submit().status_int == 303
    saved = clock.now()
    site["frozen"].set(RELEASE - timedelta(seconds=70))
    try:
        assert work(site).counts == {"bundles_postponed": 1}
        items = moderator.get(f"{path}/@bundle-jobs").json["items"]
        assert [(item["state"], item["done"]) for item in items] == [("queued", 0)]
    finally:
        site["frozen"].set(saved)
    monkeypatch.setattr(job_module, "build", real)
    assert work(site).counts == {"bundles": 1}     # made at the next pass after it
