"""Security review of issue 15's additions: each test failed before its fix."""

import pytest

from statportal.testing import last_transaction
from tests.test_questions import (
    app_settings,  # noqa: F401 (the fixture: mail settings and the EDMS address)
    stored_questions,
)
from tests.test_questions_review2 import post_unread


# -- the body limit: every spelling of the limited paths --------------------------------
@pytest.mark.parametrize("where", ["/questions//@@ask", "/questions/./ask", "/questions/@@ask/x",
                                   "/questions/x/../@@ask", "/questions/@@",
                                   "/++api++/questions/@@", "/++api++//questions"])
def test_no_spelling_of_the_path_escapes_the_body_limit(app, testapp, demo, frozen, where):
    before = last_transaction(app)
    form = "ask" in where
    headers = {"Content-Type": "multipart/form-data; boundary=x"} if form else {
        "Content-Type": "application/json", "Accept": "application/json"}
    post_unread(testapp, where, remote="203.0.113.90", **headers)
    assert last_transaction(app) == before and stored_questions(app) == []


@pytest.mark.parametrize("length", ["-1", "abc", "1e9", " 12x", "²"])
def test_a_length_that_is_no_number_is_an_unknown_length(length):
    from statportal.security.bodylimit import BodyLimits

    limits = BodyLimits()
    limits.add("questions", ("/questions", "/questions/@@ask"), 1000, methods=("POST",))
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/questions/@@ask",
               "CONTENT_LENGTH": length}
    assert limits.for_environ(environ).name == "questions"
    assert limits.for_environ({**environ, "CONTENT_LENGTH": "1000"}) is None
    assert limits.for_environ({**environ, "CONTENT_LENGTH": "1001"}).name == "questions"
    assert limits.for_environ({**environ, "CONTENT_LENGTH": "",
                               "HTTP_TRANSFER_ENCODING": "gzip, chunked"}).name == "questions"
    # Another resource under the folder, or another view, is not the folder's limit.
    assert limits.for_environ({**environ, "PATH_INFO": "/questions/q1/@@edit",
                               "CONTENT_LENGTH": "5000"}) is None


# -- fail closed: a table under another name, a category changed after publishing ---------
from tests.disclosure_samples import published_xlsx  # noqa: E402
from tests.test_fail_closed import add, errors  # noqa: E402
from tests.test_materials import publish, upload  # noqa: E402

CSV_AS_TEXT = "Аймақ;Жалақы 2026\nАбай;412,5\nАқмола;398,1\nАлматы;501\n".encode()
TSV_AS_TEXT = b"Region\tWages\nAbai\t412.5\nAkmola\t398.1\n"
HTML_TABLE_AS_TEXT = b"<table><tr><th>Abai</th><td>412.5</td></tr></table>\n"
PROSE = (b"Wages rose in 2026, as the tables show.\nIn Abai, Akmola and Almaty, "
         b"by 4 %, 3 % and 5 %.\nSee the methodology, section 2.\n")


@pytest.mark.parametrize("data", [CSV_AS_TEXT, TSV_AS_TEXT, HTML_TABLE_AS_TEXT])
def test_a_table_in_a_text_file_is_presumed(testapp, demo, data):
    """.csv is the same format as .txt to the upload check: a table named .txt is a table."""
    url = add(testapp, files=[upload("wages.txt", data, "en")], languages=["en"])
    assert errors(publish(testapp, url, status=409)) == [("missing_basis", "bases",
                                                          "wages.txt")]
    assert testapp.get(f"/++api++{url}").json["review_state"] == "private"


def test_a_text_that_is_no_table_publishes(testapp, demo):
    url = add(testapp, files=[upload("note.txt", PROSE, "en")], languages=["en"],
              title={"en": "A note"})
    publish(testapp, url)
    assert testapp.get(f"/++api++{url}").json["review_state"] == "published"


class TestCategoryAfterPublishing:
    @pytest.fixture
    def app_settings(self, tmp_path):
        from statportal.testing import make_settings

        return make_settings(tmp_path, **{
            "statportal.disclosure.presumed_categories": "latest_data, press_release"})

    def test_a_category_changed_after_publishing_is_checked(self, app, testapp, demo):
        url = add(testapp, category="bulletin", languages=["en"],
                  files=[upload("wages.xlsx", published_xlsx(), "en")])
        publish(testapp, url)
        response = testapp.patch_json(f"/++api++{url}", {"category": "latest_data"},
                                      status=409)
        assert errors(response) == [("missing_basis", "bases", "wages.xlsx")]
        assert testapp.get(f"/++api++{url}").json["category"] == "bulletin"


# -- Generate: parameters of any JSON type are a 400 naming the field -----------------------
from tests.test_basis_tables import basis, field_of, generate, material_with  # noqa: E402
from tests.test_materials import add as add_material  # noqa: E402
from tests.test_materials import as_user  # noqa: E402


@pytest.mark.parametrize("body, field", [
    ({"method": ["collapse"]}, "method"),
    ({"method": {"collapse": 1}}, "method"),
    ({"rows": ["region"]}, "rows"),
    ({"rows": {"region": 1}}, "rows"),
    ({"cols": None}, "cols"),
    ({"basis": ["wages.basis.xlsx"]}, "basis"),
    ({"basis": {"a": 1}}, "basis"),
    ({"method": "collapse", "dim": ["region"], "depth": 1}, "dim"),
    ({"method": "collapse", "dim": "region", "depth": -1}, "depth"),
    ({"method": "collapse", "dim": "region", "depth": 10**30}, "depth"),
    ({"method": "collapse", "dim": "region", "depth": 1.5}, "depth"),
    ({"method": "transfer", "dim": "region", "code": ["ABAI-1"], "to": "ABAI-2"}, "code"),
    ({"method": "transfer", "dim": "region", "code": "ABAI-1", "to": "ABAI-2",
      "where": {"region": ["x"]}}, "where"),
    ({"method": "combine", "dim": "activity", "codes": [["B"], ["C"]], "new_code": "X"},
     "codes"),
    ({"method": "combine", "dim": "activity", "codes": "B,C", "new_code": {"x": 1}},
     "new_code"),
])
def test_generate_refuses_parameters_of_any_type(testapp, demo, body, field):
    url = add_material(testapp, **material_with(
        [upload("wages-en.xlsx", published_xlsx(status={}), "en")], [basis()],
        languages=("en",)))
    before = last_transaction(testapp.app)
    response = generate(testapp, url, status=400,
                        **{"rows": "region", "cols": "activity", **body})
    assert field_of(response) == [field]
    assert last_transaction(testapp.app) == before


# -- the register's CSV: no cell a spreadsheet runs as a formula --------------------------
def test_the_register_csv_neutralises_every_formula_start(testapp, demo):
    import csv
    import io

    from tests.test_methodology_gaps import register, submitted
    from tests.test_placement import REQUESTS, as_user

    url = submitted(testapp, note="\t=1+1")
    register(testapp, url, {"register_note": "\r=HYPERLINK(\"http://x.example\",\"y\")"})
    as_user(testapp, "dana")
    text = testapp.get(f"{REQUESTS}/@register?format=csv",
                       headers={"Accept-Language": "en"}).body.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    values = dict(zip(header, row, strict=True))
    assert values["Note"].startswith("'") and values["Register note"].startswith("'")
    for value in row:
        assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), value


# -- a GET writes nothing ------------------------------------------------------------------
@pytest.mark.parametrize("older", [False, True])
def test_the_disclosure_pages_write_nothing(app, testapp, demo, older):
    """The disclosure page and its JSON read the tables and bases (their digests key the
    cache) but store nothing."""
    from tests.disclosure_samples import basis_xlsx

    url = add_material(testapp, **material_with(
        [upload("wages-en.xlsx", published_xlsx(), "en")],
        [upload("wages.basis.xlsx", basis_xlsx())], languages=("en",)))
    if older:  # files stored before their digest was kept with them
        from pyramid.traversal import find_resource

        from statportal.testing import open_portal

        with open_portal(app) as portal:
            material = find_resource(portal, url)
            for stored in [*material.files, *material.bases]:
                del stored.sha256
    as_user(testapp, "dana")
    testapp.get("/++api++/")           # a user's first request keeps when they were seen
    before = last_transaction(app)
    testapp.get(f"/++api++{url}/@disclosure")
    testapp.get(f"{url}/@@disclosure", headers={"Accept": "text/html"})
    testapp.get(f"/++api++{url}")
    assert last_transaction(app) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_another_method_escapes_neither_the_limit_nor_the_csrf_check(app, testapp, demo,
                                                                     frozen, method):
    """The ask page answers only GET and POST: a form body PUT to it is neither read
    unlimited nor taken as a question without the CSRF token."""
    from webtest import TestRequest

    before = last_transaction(app)
    request = TestRequest.blank("/questions/@@ask", method=method, headers={
        "Accept-Language": "en", "Content-Type": "multipart/form-data; boundary=x"})
    from tests.test_questions_review2 import Unreadable

    request.environ.update({"REMOTE_ADDR": "203.0.113.91", "wsgi.input": Unreadable(),
                            "CONTENT_LENGTH": str(20 * 1024 * 1024)})
    response = testapp.do_request(request, status="*", expect_errors=True)
    assert response.status_int in (404, 405, 413)
    assert last_transaction(app) == before and stored_questions(app) == []
    small = testapp.request("/questions/@@ask", method=method, body=b"submit=submit",
                            headers={"Accept": "text/html",
                                     "Content-Type": "application/x-www-form-urlencoded"},
                            expect_errors=True)
    assert small.status_int in (404, 405)


def test_reading_a_text_for_a_table_takes_no_time_whatever_its_cells():
    import time

    from statportal.confidentiality.material import _text_is_table

    hostile = ("1" + " " * 60000 + "x;y\n").encode() * 2
    started = time.monotonic()
    assert _text_is_table(hostile) is False
    assert time.monotonic() - started < 1


# -- kept uploads go when their time is up, without waiting for another form's error -----
class TestKeptUploadsSwept:
    @pytest.fixture
    def app_settings(self, tmp_path):
        from statportal.testing import make_settings

        return make_settings(tmp_path, **{"statportal.upload_dir": str(tmp_path / "kept")})

    def test_the_worker_sweeps_kept_uploads_past_their_time(self, app, demo):
        import os
        import time

        from statportal.files.kept import get_kept_uploads
        from statportal.releases.worker import run_pass

        store = get_kept_uploads(app.registry)
        assert store.put("\0owner", "uid", "wages.basis.xlsx", "", b"respondents")
        assert store.put("\0other", "uid", "fresh.pdf", "", b"fresh")
        old = time.time() - store.max_age - 60
        fresh = {e.path for e in os.scandir(store.directory) if e.name.startswith(
            store._owner_mark("\0other"))}
        for entry in os.scandir(store.directory):
            if entry.path not in fresh:
                os.utime(entry.path, (old, old))
        run_pass(app.registry)
        assert {e.path for e in os.scandir(store.directory)} == fresh

    def test_the_start_sweeps_what_an_earlier_run_left(self, app_settings):  # noqa: F811
        import os
        import time

        from pyramid.config import Configurator

        from statportal.files.kept import kept_uploads_from_settings

        store = kept_uploads_from_settings(app_settings)
        assert store.put("\0owner", "uid", "question.pdf", "", b"an asker's file")
        old = time.time() - store.max_age - 60
        for entry in os.scandir(store.directory):
            os.utime(entry.path, (old, old))
        Configurator(settings=dict(app_settings)).include("statportal.files.kept")
        assert os.listdir(store.directory) == []


# -- the 413 counts, but another site cannot spend a visitor's allowance --------------------
def test_another_site_cannot_use_up_a_visitors_allowance(app, testapp, demo, frozen):
    """A page elsewhere may make its visitors' browsers send large bodies to the ask form
    (a no-cors fetch needs no preflight): such a refusal, which says where it came from,
    does not count against the visitor's address; one from the portal's own pages does."""
    from tests.test_questions import ask

    form = {"Content-Type": "multipart/form-data; boundary=x"}
    for _ in range(12):
        post_unread(testapp, "/questions/@@ask", remote="203.0.113.92",
                    Origin="https://evil.example", **form)
        post_unread(testapp, "/questions/@@ask", remote="203.0.113.92", Origin="null",
                    **form)
    ask(testapp, status=201, remote="203.0.113.92")
    for _ in range(10):
        post_unread(testapp, "/questions/@@ask", remote="203.0.113.93",
                    Origin="http://localhost", **form)
    ask(testapp, status=429, remote="203.0.113.93")


def test_the_new_staff_pages_write_nothing(app, testapp, demo):
    """My work with placed materials, the register (page, .xlsx, .csv) and the note's form
    are GETs: nothing is stored."""
    from statportal.testing import login_html
    from tests.test_methodology_gaps import placed

    first = placed(testapp)
    for login in ("aigerim", "dana"):
        testapp.authorization = None
        testapp.reset()
        login_html(testapp, login)
        testapp.get("/my-work", headers={"Accept": "text/html"})
    before = last_transaction(app)
    testapp.get("/my-work", headers={"Accept": "text/html"})
    testapp.get("/requests/@register", headers={"Accept": "text/html"})
    testapp.get("/requests/@register?format=xlsx", headers={"Accept": "text/html"})
    testapp.get("/requests/@register?format=csv", headers={"Accept": "text/html"})
    request_url = first["@id"].replace("http://localhost", "").replace("/++api++", "")
    testapp.get(f"{request_url}/@@register-note", headers={"Accept": "text/html"})
    testapp.get("/@@primary-data", status="*", headers={"Accept": "text/html"})
    assert last_transaction(app) == before


# -- the question's page and PATCH: VIEW lets one see, the field's rule decides the change -
def test_who_only_sees_a_question_changes_nothing(app, testapp, demo, frozen):
    """A published question is public: neither the public (with a valid CSRF token) nor
    staff without the edit right change its published wording or the asker's flag."""
    from tests.test_questions_review2 import published_question, stored

    url = published_question(testapp)
    page_url = url.replace("/++api++", "")
    before = stored(app, url)
    testapp.authorization = None
    testapp.reset()
    page = testapp.get(page_url, headers={"Accept": "text/html"})
    token = page.html.find("input", attrs={"name": "csrf_token"})
    token = token["value"] if token is not None else testapp.get(
        "/questions/@@ask", headers={"Accept": "text/html"}).html.find(
        "input", attrs={"name": "csrf_token"})["value"]
    testapp.post(page_url, {"csrf_token": token, "public_text": "Changed by the public",
                            "international-shown": "1", "international": "on"},
                 headers={"Accept": "text/html"}, status="*")
    as_user(testapp, "aigerim")          # the executor who answered: sees, may not edit
    testapp.patch_json(url, {"public_text": "Changed by the executor"}, status=403)
    testapp.patch_json(url, {"international": True}, status=409)
    assert stored(app, url) == before


# -- a refusal at the release time keeps no confidential value in the history --------------
from tests.test_fail_closed import scheduled  # noqa: E402, F401 (the fixture)


def test_a_release_refusal_records_no_value_of_the_basis(app, testapp, scheduled,  # noqa: F811
                                                         frozen):
    """The material's history is shown to every member of the staff who sees the material
    (once published, all of them); the values of its basis are the coordinators' and
    moderators' only (the disclosure page). A refusal at the release time names the file
    and the check there, never a value."""
    from datetime import timedelta

    from persistent.list import PersistentList
    from pyramid.traversal import find_resource

    from statportal.files import StoredFile
    from statportal.releases.worker import run_pass
    from statportal.testing import open_portal
    from tests.disclosure_samples import basis_xlsx
    from tests.test_embargo import RELEASE

    material, entry = scheduled
    shown = published_xlsx(status={}, change={("ABAI-1", "B"): 400.0})
    with open_portal(app) as portal:
        obj = find_resource(portal, material)
        obj.files = PersistentList([StoredFile("wages.xlsx", shown, language="en")])
        obj.bases = PersistentList([StoredFile("wages.basis.xlsx", basis_xlsx())])
        obj.primary_data, obj.primary_data_reason = True, ""
    frozen.set(RELEASE + timedelta(seconds=1))
    assert run_pass(app.registry).released == []
    with open_portal(app) as portal:
        obj = find_resource(portal, material)
        refused = [h for h in obj.__workflow_history__ if h["action"] == "release_refused"]
        notes = list(find_resource(portal, entry).notes)
    assert len(refused) == 1
    comment = refused[0]["comment"]
    assert "wages.xlsx" in comment and "confidentiality check" in comment
    for value in ("412.5", "412,5", "400"):
        assert value not in comment and not any(value in note for note in notes), value
