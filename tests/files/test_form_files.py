"""Files are never lost by a form (issue 15, item 5).

Through the HTML forms (WebTest on the real app, FileStorage with blobs under tmp_path):
the edit form lists the current files with keep / replace / remove; replacing one keeps the
others, removing one removes only it, a new file is appended; uploads survive a validation
error (kept server-side, shown by name, saved by the corrected submit) and nobody else can
claim them. The JSON API keeps its shape of ``files`` and gains references to current files.
"""

import os
import re
import time

import pytest
import webtest.forms
from webtest import TestApp, Upload

from statportal.testing import (
    basic_auth,
    last_transaction,
    login_html,
    make_settings,
    open_portal,
)
from tests.helpers.files import SAMPLES
from tests.helpers.form_files import (
    EN,
    HTML,
    KK,
    REQUESTS,
    RU,
    SECTION,
    action_fields,
    add_form,
    request_payload,
    stored,
)
from tests.helpers.materials import upload

CORRECTED = ("esep-corrected.docx", SAMPLES["report.docx"])  # a new name


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path, **{"statportal.upload_dir": str(tmp_path / "uploads")})


def kept_files(tmp_path):
    return sorted(name for name in os.listdir(tmp_path / "uploads") if name.endswith(".data"))


@pytest.fixture
def three_files(testapp, demo):
    """A draft request with a kk, a ru and an en file, made through the API."""
    testapp.authorization = basic_auth("aigerim")
    url = testapp.post_json(REQUESTS, request_payload(), status=201).json["@id"]
    testapp.authorization = None
    return url.replace("http://localhost/++api++", "")


def edit_form(testapp, path, login="aigerim"):
    if login:
        login_html(testapp, login)
    return testapp.get(f"{path}/@@edit", headers=HTML).forms["edit-form"]


# -- the edit form ----------------------------------------------------------------------

def test_the_edit_form_lists_the_current_files(testapp, three_files):
    login_html(testapp, "aigerim")
    page = testapp.get(f"{three_files}/@@edit", headers=HTML)
    rows = page.html.select("fieldset.current-file")
    assert [row.select_one("legend .filename").text for row in rows] == \
        ["esep-kaz.docx", "otchet-rus.pdf", "report-eng.txt"]
    facts = [" ".join(row.select_one("legend .file-facts").text.split()) for row in rows]
    assert facts[0].startswith("Kazakh, ") and facts[1].startswith("Russian, ")
    assert facts[2] == "English, 36 bytes"
    form = page.forms["edit-form"]
    assert [radio.value for radio in action_fields(form)] == ["keep", "keep", "keep"]
    # every control has a label: the rows' radios, the replacement and the new file
    for control in page.html.select("fieldset.file-slots input[type=file], "
                                    "fieldset.file-slots input[type=radio]"):
        assert page.html.select_one(f"label[for='{control['id']}']") is not None
    assert len(page.html.select("fieldset.file-slots input[type=file]")) == 4  # 3 + 1 new


def test_saving_unchanged_keeps_every_file(app, testapp, three_files):
    before = stored(app, three_files)
    form = edit_form(testapp, three_files)
    form["note"] = "nothing else changes"
    assert form.submit("submit").status_int == 302
    assert stored(app, three_files) == before


def test_a_file_chosen_in_the_first_row_replaces_only_it(app, testapp, three_files,
                                                         tmp_path):
    """The issue's path: a corrected file in the first slot, the rows left on "keep"."""
    form = edit_form(testapp, three_files)
    form.set("upload", Upload(*CORRECTED), index=0)
    response = form.submit("submit")
    assert response.status_int == 302, response.text[-2000:]
    assert [(name, lang) for name, lang, _data in stored(app, three_files)] == [
        ("esep-corrected.docx", "kk"), ("otchet-rus.pdf", "ru"), ("report-eng.txt", "en")]
    assert kept_files(tmp_path) == []  # an accepted form never wrote its file aside


def test_replace_remove_and_append_in_one_edit(app, testapp, three_files):
    form = edit_form(testapp, three_files)
    keep_kk, replace_ru, remove_en = action_fields(form)
    replace_ru.value = "replace"
    remove_en.value = "remove"
    form.set("upload", Upload("otchet-2.pdf", SAMPLES["table.pdf"]), index=1)
    form.set("upload", Upload("chart.png", SAMPLES["chart.png"]), index=3)  # the new slot
    form.set("language", "en", index=0)
    response = form.submit("submit")
    assert response.status_int == 302, response.text[-2000:]
    assert [(name, lang) for name, lang, _data in stored(app, three_files)] == [
        ("esep-kaz.docx", "kk"), ("otchet-2.pdf", "ru"), ("chart.png", "en")]
    assert stored(app, three_files)[2][2] == SAMPLES["chart.png"]


def test_removing_one_file_removes_only_it(app, testapp, three_files):
    form = edit_form(testapp, three_files)
    action_fields(form)[0].value = "remove"
    assert form.submit("submit").status_int == 302
    assert [name for name, _l, _d in stored(app, three_files)] == \
        ["otchet-rus.pdf", "report-eng.txt"]


def test_a_request_keeps_at_least_one_file(app, testapp, three_files):
    form = edit_form(testapp, three_files)
    for radio in action_fields(form):
        radio.value = "remove"
    before = last_transaction(app)
    refused = form.submit("submit")
    assert refused.status_int == 200 and "Attach at least one file." in refused.text
    assert last_transaction(app) == before
    assert len(stored(app, three_files)) == 3


def test_replace_without_a_file_is_refused_at_its_row(app, testapp, three_files):
    form = edit_form(testapp, three_files)
    action_fields(form)[1].value = "replace"
    refused = form.submit("submit")
    assert "Choose the file that replaces otchet-rus.pdf." in refused.text
    row = refused.html.select("li.file-slot")[1]
    assert "has-error" in row["class"]
    assert len(stored(app, three_files)) == 3


def test_a_row_changed_by_someone_else_meanwhile_is_named(app, testapp, three_files):
    form = edit_form(testapp, three_files)
    form.set("upload", Upload(*CORRECTED), index=0)
    other = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
    other.authorization = basic_auth("aigerim")
    other.patch_json(f"/++api++{three_files}", {"files": [upload(*RU)]})
    refused = form.submit("submit")
    assert "no longer among the files" in refused.text
    assert [name for name, _l, _d in stored(app, three_files)] == ["otchet-rus.pdf"]


def test_a_tampered_row_is_refused_and_cannot_reach_another_objects_file(app, testapp,
                                                                          three_files):
    """The row's action is one of three; its reference finds only this object's files (a
    file of another request, named by its id, is not taken)."""
    testapp.authorization = basic_auth("aigerim")
    other = testapp.post_json(REQUESTS, request_payload(files=[upload("secret.txt", b"x")]),
                              status=201).json["@id"].replace("http://localhost/++api++", "")
    testapp.authorization = None
    other_ref = edit_form(testapp, other).get("current", index=0).value
    form = edit_form(testapp, three_files, login=None)
    action_fields(form)[0].force_value("destroy")
    refused = form.submit("submit")
    assert "Keep, replace or remove esep-kaz.docx." in refused.text
    form = edit_form(testapp, three_files, login=None)
    form.get("current", index=2).force_value(other_ref)
    refused = form.submit("submit")
    assert "no longer among the files" in refused.text
    assert [name for name, _l, _d in stored(app, three_files)] == \
        ["esep-kaz.docx", "otchet-rus.pdf", "report-eng.txt"]


# -- uploads survive a validation error -------------------------------------------------


def test_an_add_form_with_an_error_keeps_the_chosen_files(app, testapp, demo, tmp_path):
    form = add_form(testapp)
    form["executor_email"] = "not an address"
    form.set("upload", Upload(*KK), index=0)
    form.set("upload", Upload(*RU), index=1)
    form.set("language", "ru", index=1)
    before = last_transaction(app)
    refused = form.submit("submit")
    assert refused.status_int == 200 and "Invalid email address" in refused.text
    assert last_transaction(app) == before  # nothing stored in the database
    kept = [" ".join(p.text.split()) for p in refused.html.select("p.kept-upload")]
    assert kept == ["Send the file chosen before: esep-kaz.docx (258 bytes)",
                    "Send the file chosen before: otchet-rus.pdf (21 bytes)"]
    assert len(kept_files(tmp_path)) == 2
    form = refused.forms["edit-form"]
    assert form.get("language", index=1).value == "ru"
    form["executor_email"] = "aigerim@stat.example.kz"
    done = form.submit("submit")  # nothing chosen again
    assert done.status_int == 302, done.text[-2000:]
    path = done.location.replace("http://localhost", "")
    assert stored(app, path) == [("esep-kaz.docx", "kk", KK[1]),
                                 ("otchet-rus.pdf", "ru", RU[1])]
    assert kept_files(tmp_path) == []  # an accepted form takes its uploads with it


def test_an_edit_with_an_error_keeps_the_replacement(app, testapp, three_files, tmp_path):
    form = edit_form(testapp, three_files)
    form.set("upload", Upload(*CORRECTED), index=0)
    form.set("upload", Upload("chart.png", SAMPLES["chart.png"]), index=3)
    form["executor"] = ""
    refused = form.submit("submit")
    assert "Required" in refused.text
    form = refused.forms["edit-form"]
    assert [radio.value for radio in action_fields(form)] == ["replace", "keep", "keep"]
    assert [" ".join(p.text.split()) for p in refused.html.select("p.kept-upload")] == [
        "Send the file chosen before: esep-corrected.docx (258 bytes)",
        "Send the file chosen before: chart.png (67 bytes)"]
    form["executor"] = "Әйгерім Сейітова"
    assert form.submit("submit").status_int == 302
    assert [(name, lang) for name, lang, _d in stored(app, three_files)] == [
        ("esep-corrected.docx", "kk"), ("otchet-rus.pdf", "ru"), ("report-eng.txt", "en"),
        ("chart.png", "kk")]
    assert kept_files(tmp_path) == []


def test_a_kept_file_unticked_is_not_sent(app, testapp, demo):
    form = add_form(testapp)
    form["executor_email"] = "bad"
    form.set("upload", Upload(*KK), index=0)
    form.set("upload", Upload(*RU), index=1)
    form = form.submit("submit").forms["edit-form"]
    form["executor_email"] = "aigerim@stat.example.kz"
    form.get("uid", index=0).checked = False
    done = form.submit("submit")
    assert done.status_int == 302
    assert [name for name, _l, _d in stored(app, done.location[len("http://localhost"):])] \
        == ["otchet-rus.pdf"]


def test_a_refused_file_is_not_kept(app, testapp, demo):
    """The format policy applies as before: a png named .pdf is refused at its slot, and
    the re-rendered form does not offer to send it again."""
    form = add_form(testapp)
    form["executor_email"] = "aigerim@stat.example.kz"
    form.set("upload", Upload("table.pdf", SAMPLES["chart.png"]), index=0)
    form.set("upload", Upload(*RU), index=1)
    refused = form.submit("submit")
    assert "(it looks like .png)" in refused.text
    assert [p.select_one("strong").text for p in refused.html.select("p.kept-upload")] == \
        ["otchet-rus.pdf"]
    done = refused.forms["edit-form"].submit("submit")
    assert done.status_int == 302
    assert [name for name, _l, _d in stored(app, done.location[len("http://localhost"):])] \
        == ["otchet-rus.pdf"]


def test_another_person_cannot_claim_a_kept_upload(app, testapp, demo, tmp_path):
    form = add_form(testapp)
    form["executor_email"] = "bad"
    form.set("upload", Upload(*KK), index=0)
    refused = form.submit("submit")
    uid = refused.forms["edit-form"].get("uid", index=0).value
    assert len(uid) >= 32  # not guessable

    def claim(client, login):
        form = add_form(client, login)
        form["executor_email"] = "x@stat.example.kz"
        field = webtest.forms.Checkbox(form, "input", "uid", 0, value=uid, checked="checked")
        position = next(i for i, (name, _f) in enumerate(form.field_order)
                        if name == "language")
        form.field_order.insert(position, ("uid", field))
        form.fields.setdefault("uid", []).append(field)
        return form.submit("submit")

    # the same person in another browser session, and a colleague of the same unit
    for login in ("aigerim", "serik"):
        client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
        before = last_transaction(app)
        answer = claim(client, login)
        if login == "serik" and answer.status_int == 403:
            continue
        assert answer.status_int == 200, (login, answer.status)
        assert "Attach at least one file." in answer.text
        assert "esep-kaz.docx" not in answer.text
        assert last_transaction(app) == before
    # the upload is still its owner's
    form = refused.forms["edit-form"]
    form["executor_email"] = "aigerim@stat.example.kz"
    done = form.submit("submit")
    assert done.status_int == 302
    assert stored(app, done.location[len("http://localhost"):])[0][0] == "esep-kaz.docx"


# -- materials --------------------------------------------------------------------------

def test_a_material_edit_keeps_replaces_removes_and_appends(app, testapp, demo, tmp_path):
    testapp.authorization = basic_auth("yerlan")
    url = testapp.post_json(f"/++api++{SECTION}", {
        "@type": "Material", "title": {"kk": "Индекс", "ru": "Индекс", "en": "Index"},
        "category": "press_release", "files": [upload(*KK), upload(*RU), upload(*EN)]},
        status=201).json["@id"].replace("http://localhost/++api++", "")
    testapp.authorization = None
    form = edit_form(testapp, url, "yerlan")
    rows = action_fields(form)
    assert len(rows) == 3
    rows[2].value = "remove"
    form.set("upload", Upload("otchet-2.pdf", SAMPLES["table.pdf"]), index=1)  # replaces ru
    form.set("upload", Upload("scan.bmp", SAMPLES["scan.bmp"]), index=3)
    form.set("language", "en", index=0)
    form.set("date", "2026-10-31", index=0)
    form.set("date", "2026-10-01", index=1)  # the period ends before it starts: refused
    refused = form.submit("submit")
    assert "The period ends before it starts." in refused.text
    assert [p.select_one("strong").text for p in refused.html.select("p.kept-upload")] == \
        ["otchet-2.pdf", "scan.bmp"]
    form = refused.forms["edit-form"]
    assert [radio.value for radio in action_fields(form)] == ["keep", "replace", "remove"]
    form.set("date", "2026-10-31", index=1)
    assert form.submit("submit").status_int == 302
    assert [(name, lang) for name, lang, _d in stored(app, url)] == [
        ("esep-kaz.docx", "kk"), ("otchet-2.pdf", "ru"), ("scan.bmp", "en")]
    assert kept_files(tmp_path) == []


def test_a_material_add_form_error_keeps_the_files(app, testapp, demo):
    login_html(testapp, "yerlan")
    form = testapp.get(f"{SECTION}/@@add?type=Material", headers=HTML).forms["edit-form"]
    form.set("en", "Index", index=0)
    form["category"] = "press_release"
    form.set("upload", Upload(*KK), index=0)
    form.set("date", "2026-10-31", index=0)
    form.set("date", "2026-10-01", index=1)
    refused = form.submit("submit")
    assert "The period ends before it starts." in refused.text
    assert [p.select_one("strong").text for p in refused.html.select("p.kept-upload")] == \
        ["esep-kaz.docx"]
    form = refused.forms["edit-form"]
    form.set("date", "2026-10-31", index=1)
    done = form.submit("submit")
    assert done.status_int == 302, done.text[-2000:]
    assert stored(app, done.location[len("http://localhost"):])[0][0] == "esep-kaz.docx"


def test_a_basis_survives_a_validation_error(app, testapp, demo):
    """The basis field (the confidentiality package's widget) keeps its upload too."""
    from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx

    login_html(testapp, "yerlan")
    form = testapp.get(f"{SECTION}/@@add?type=Material", headers=HTML).forms["edit-form"]
    form.set("en", "Wages", index=0)
    form["category"] = "press_release"
    form.set("upload", Upload("wages.xlsx", published_xlsx()), index=0)
    form.set("upload", Upload("wages.basis.xlsx", basis_xlsx()), index=3)  # the basis slot
    form.set("date", "2026-10-31", index=0)
    form.set("date", "2026-10-01", index=1)
    refused = form.submit("submit")
    assert "The period ends before it starts." in refused.text
    form = refused.forms["edit-form"]
    assert len([f for f in form.fields.get("uid", ()) if f.value]) == 2
    form.set("date", "2026-10-31", index=1)
    done = form.submit("submit")
    assert done.status_int == 302, done.text[-2000:]
    with open_portal(app) as portal:
        obj = portal
        for name in done.location[len("http://localhost"):].strip("/").split("/"):
            obj = obj[name]
        assert [f.filename for f in obj.files] == ["wages.xlsx"]
        assert [b.filename for b in obj.bases] == ["wages.basis.xlsx"]


def test_a_kept_basis_is_shown_by_name_and_may_be_dropped(app, testapp, demo):
    """After a validation error the basis is named like the other kept files (not only
    kept unseen), and unticking it sends the form without it."""
    from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx

    login_html(testapp, "yerlan")
    form = testapp.get(f"{SECTION}/@@add?type=Material", headers=HTML).forms["edit-form"]
    form.set("en", "Wages", index=0)
    form["category"] = "press_release"
    form.set("upload", Upload("wages.xlsx", published_xlsx()), index=0)
    form.set("upload", Upload("wages.basis.xlsx", basis_xlsx()), index=3)  # the basis slot
    form.set("date", "2026-10-31", index=0)
    form.set("date", "2026-10-01", index=1)
    refused = form.submit("submit")
    assert "The period ends before it starts." in refused.text
    basis_slot = refused.html.select_one(".item-basis")
    assert [" ".join(p.text.split()) for p in basis_slot.select("p.kept-upload")] == \
        ["Send the file chosen before: wages.basis.xlsx"]
    form = refused.forms["edit-form"]
    basis_uid = basis_slot.select_one("p.kept-upload input[name=uid]")["value"]
    uids = form.fields["uid"]
    next(f for f in uids if f._value == basis_uid or f.value == basis_uid).checked = False
    form.set("date", "2026-10-31", index=1)
    done = form.submit("submit")
    assert done.status_int == 302, done.text[-2000:]
    with open_portal(app) as portal:
        obj = portal
        for name in done.location[len("http://localhost"):].strip("/").split("/"):
            obj = obj[name]
        assert [f.filename for f in obj.files] == ["wages.xlsx"]
        assert list(obj.bases or ()) == []


# -- the question's attachment (deform's own upload widget, the portal's store) ---------

def test_a_question_form_with_an_error_keeps_the_attachment(app, testapp, demo):
    testapp.authorization = None
    form = testapp.get("/questions/@@ask", headers=HTML).forms["edit-form"]
    for key, value in {"name": "Daniyar Abenov", "email": "not an address",
                       "topic": "labour", "language": "en",
                       "text": "Where can I find the unemployment rate by region?"}.items():
        form[key] = value
    form["upload"] = Upload(*RU)
    refused = form.submit("submit", status=400)
    assert [p.select_one("strong").text for p in refused.html.select("p.kept-upload")] == \
        ["otchet-rus.pdf"]
    form = refused.forms["edit-form"]
    form["email"] = "daniyar@uni.example.kz"
    done = form.submit("submit", status=302)
    assert "@@status" in done.location
    with open_portal(app) as portal:
        (question,) = portal["questions"].values()
        assert question.attachment.filename == "otchet-rus.pdf"
        assert question.attachment.read() == RU[1]


# -- the JSON API -----------------------------------------------------------------------

def test_json_files_old_shape_and_references(app, testapp, three_files):
    api = f"/++api++{three_files}"
    testapp.authorization = basic_auth("aigerim")
    got = testapp.get(api).json["files"]
    # a PATCH of what a GET returned changes nothing
    testapp.patch_json(api, {"files": got})
    assert [f["filename"] for f in testapp.get(api).json["files"]] == \
        ["esep-kaz.docx", "otchet-rus.pdf", "report-eng.txt"]
    # [] keeps the files, as before
    testapp.patch_json(api, {"files": []})
    assert len(testapp.get(api).json["files"]) == 3
    # references keep, a new file is appended, "replaces" takes a file's place and language
    testapp.patch_json(api, {"files": [
        upload("esep-new.docx", KK[1], replaces="esep-kaz.docx"), {"filename": "otchet-rus.pdf"},
        {"filename": "report-eng.txt", "remove": True}, upload("scan.bmp", SAMPLES["scan.bmp"],
                                                            language="en")]})
    assert [(f["filename"], f["language"]) for f in testapp.get(api).json["files"]] == [
        ("esep-new.docx", "kk"), ("otchet-rus.pdf", "ru"), ("scan.bmp", "en")]
    # only new files: they replace all the files, as before
    testapp.patch_json(api, {"files": [upload(*EN)]})
    assert [f["filename"] for f in testapp.get(api).json["files"]] == ["report-eng.txt"]
    # bad references are 400s naming the item, and change nothing
    before = last_transaction(app)
    for files, words in (([{"filename": "missing.pdf"}], "missing.pdf: no current file"),
                         ([{"filename": "report-eng.txt", "remove": "yes"}], '"remove"'),
                         ([{"filename": "report-eng.txt"}, {"filename": "report-eng.txt"}],
                          "named twice"),
                         ([{"filename": "report-eng.txt", "remove": True}],
                          "Attach at least one file."),
                         ([upload(*KK, replaces="nope.txt")], "nope.txt")):
        errors = testapp.patch_json(api, {"files": files}, status=400).json["errors"]
        assert errors[0]["field"].startswith("files"), errors
        assert words in errors[0]["message"], errors
    assert last_transaction(app) == before


# -- the store --------------------------------------------------------------------------

def test_the_store_binds_uploads_to_their_owner_and_bounds_them(tmp_path):
    from statportal.files.kept import KeptUploads

    store = KeptUploads(str(tmp_path / "kept"), "secret", max_age=60,
                        max_owner_bytes=100, max_total_bytes=150)
    assert store.put("alice", "u1", "a.pdf", "application/pdf", b"a" * 40)
    assert store.get("alice", "u1")["data"] == b"a" * 40
    assert store.get("bob", "u1") is None  # another owner reaches nothing
    assert store.put("bob", "u1", "b.pdf", "application/pdf", b"b" * 10)
    assert store.get("alice", "u1")["data"] == b"a" * 40  # nor overwrites it
    assert not store.put("alice", "big", "big.pdf", "", b"x" * 101)  # too large to keep
    assert store.put("alice", "u2", "c.pdf", "", b"c" * 40)
    assert store.put("alice", "u3", "d.pdf", "", b"d" * 40)  # 120 > 100: the oldest goes
    assert store.get("alice", "u1") is None and store.get("alice", "u3") is not None
    assert store.put("carol", "u1", "e.pdf", "", b"e" * 70)  # 160 > 150 in all
    assert store.get("bob", "u1") is None and store.get("carol", "u1") is not None
    store.sweep(now=time.time() + 61)
    assert os.listdir(tmp_path / "kept") == []
    # the form's id never reaches the file system as a path
    assert store.get("alice", "../../etc/passwd") is None
    assert all(re.fullmatch(r"[0-9a-f]{32}-[0-9a-f]{64}\.(json|data)", name)
               for name in os.listdir(tmp_path / "kept"))


def test_the_store_refuses_a_directory_others_may_write(tmp_path):
    from pyramid.exceptions import ConfigurationError

    from statportal.files.kept import KeptUploads

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(ConfigurationError, match="may be written by other users"):
        KeptUploads(str(shared), "secret")


def test_the_store_settings_are_checked_at_start_up(tmp_path):
    """``includeme`` builds the store from the settings; a bad one stops the start."""
    from pyramid.exceptions import ConfigurationError

    from statportal.files.kept import kept_uploads_from_settings

    settings = make_settings(tmp_path, **{"statportal.upload_dir": str(tmp_path / "u")})
    store = kept_uploads_from_settings({**settings, "statportal.upload_keep_minutes": "5"})
    assert store.max_age == 300 and store.directory == str(tmp_path / "u")
    for name, value in (("statportal.upload_keep_minutes", "0"),
                        ("statportal.upload_keep_mb", "many")):
        with pytest.raises(ConfigurationError, match=name):
            kept_uploads_from_settings({**settings, name: value})
