"""Fail closed (issue 15, item 1): a table of a statistical material is presumed derived
from primary data. Publishing it — the ``publish`` transition, a placement's Place, the
release worker — is refused with one finding per table that has no basis, unless the
material declares ``primary_data: false`` with ``primary_data_reason``. The declaration is
in the history with who made it, on the staff pages and the queue, and in a report."""

import io
import zipfile

import pytest

from statportal.testing import login_html, make_settings, open_portal
from tests.helpers import samples
from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
from tests.helpers.fail_closed import add, errors
from tests.helpers.materials import SECTION, as_user, publish, upload
from tests.helpers.placement import REQUESTS, payload, run_chain, step

REASON = "Administrative data of the Ministry of Finance"
FORMATS = "doc rtf txt jpg jpeg gif png bmp xls pdf ppt html htm docx xlsx pptx csv ods"
HTML_WITH_TABLE = (b"<!DOCTYPE html><html lang=\"en\"><body><p>Wages</p><TABLE border=1>"
                   b"<tr><th>Region</th><td>412.5</td></tr></TABLE></body></html>")
HTML_WITHOUT_TABLE = (b"<!DOCTYPE html><html lang=\"en\"><body><p>Wages rose by 4% "
                      b"(see the tables).</p></body></html>")


def ods():
    """A real (minimal) OpenDocument spreadsheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            'spreadsheet"/></manifest:manifest>'))
        archive.writestr("content.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
            '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:'
            'tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
            'xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="T">'
            '<table:table-row><table:table-cell><text:p>Region</text:p></table:table-cell>'
            '</table:table-row></table:table></office:spreadsheet></office:body>'
            '</office:document-content>'))
    return buffer.getvalue()


@pytest.fixture
def app_settings(tmp_path):
    """Every format a setting may add, so that .csv, .ods and .htm tables can be tried."""
    return make_settings(tmp_path, **{"statportal.file_formats": FORMATS})


def stored(app, url):
    with open_portal(app) as portal:
        obj = portal
        for name in url.strip("/").split("/"):
            obj = obj[name]
        return {"primary_data": obj.primary_data,
                "primary_data_reason": obj.primary_data_reason,
                "history": [dict(h) for h in obj.__workflow_history__],
                "files": [f.filename for f in obj.files]}


class TestThePresumption:
    def test_a_table_without_a_basis_is_refused_naming_each_file(self, testapp, demo):
        url = add(testapp, languages=["kk", "en"], files=[
            upload("wages-kk.xlsx", published_xlsx(language="kk"), "kk"),
            upload("wages-en.xlsx", published_xlsx(), "en")])
        response = publish(testapp, url, status=409)
        assert errors(response) == [("missing_basis", "bases", "wages-kk.xlsx"),
                                    ("missing_basis", "bases", "wages-en.xlsx")]
        assert "presumed derived from primary data" in response.json["errors"][0]["message"]
        assert testapp.get(f"/++api++{url}").json["review_state"] == "private"

    @pytest.mark.parametrize("name, data", [
        ("table.csv", b"Region;2026\nAbai;412.5\n"),
        ("wages.html", HTML_WITH_TABLE),
        ("wages.htm", HTML_WITH_TABLE),
        ("wages.ods", ods()),
        ("table.xls", samples.xls_table(samples.TABLE)),
    ])
    def test_every_kind_of_table_is_presumed(self, testapp, demo, name, data):
        url = add(testapp, files=[upload(name, data, "en")], languages=["en"])
        assert errors(publish(testapp, url, status=409)) == [("missing_basis", "bases", name)]

    def test_a_web_page_without_a_table_is_no_table(self, testapp, demo):
        url = add(testapp, files=[upload("note.html", HTML_WITHOUT_TABLE, "en"),
                                  upload("report.pdf", samples.pdf(1), "en")],
                  languages=["en"], title={"en": "A note"})
        publish(testapp, url)
        assert testapp.get(f"/++api++{url}").json["review_state"] == "published"

    def test_a_basis_for_every_table_publishes(self, testapp, demo):
        url = add(testapp, files=[upload("wages.xlsx", published_xlsx(), "en")],
                  languages=["en"], bases=[upload("wages.basis.xlsx", basis_xlsx())])
        publish(testapp, url)
        data = testapp.get(f"/++api++{url}").json
        assert data["review_state"] == "published" and data["primary_data"] is None

    def test_a_declared_reason_publishes_and_is_in_the_history(self, app, testapp, demo):
        url = add(testapp, files=[upload("wages.xlsx", published_xlsx(status={}), "en")],
                  languages=["en"], primary_data=False, primary_data_reason=f"  {REASON} ")
        publish(testapp, url)
        found = stored(app, url)
        assert found["primary_data"] is False and found["primary_data_reason"] == REASON
        entry = next(h for h in found["history"] if h["action"] == "primary_data")
        assert entry["actor"] == "yerlan"
        assert entry["comment"] == f"not derived from primary data: {REASON}"
        assert [h["action"] for h in found["history"]] == ["create", "primary_data", "publish"]

    def test_declared_true_without_a_basis_names_the_file(self, testapp, demo):
        url = add(testapp, files=[upload("wages.xlsx", published_xlsx(), "en")],
                  languages=["en"], primary_data=True)
        response = publish(testapp, url, status=409)
        assert errors(response) == [("missing_basis", "bases", "wages.xlsx")]
        assert "presumed" not in response.json["errors"][0]["message"]

    def test_an_older_unticked_box_declares_nothing(self, app, testapp, demo):
        """A ``False`` stored by the old checkbox, without a reason, is no declaration:
        the table is presumed, and the JSON says null (a PATCH of it goes through)."""
        url = add(testapp, files=[upload("wages.xlsx", published_xlsx(), "en")],
                  languages=["en"])
        with open_portal(app) as portal:
            material = portal
            for name in url.strip("/").split("/"):
                material = material[name]
            material.primary_data = False
        data = testapp.get(f"/++api++{url}").json
        assert data["primary_data"] is None and data["primary_data_reason"] == ""
        # sent back as it is stored, the old false is no new declaration: not refused
        testapp.patch_json(f"/++api++{url}", {"primary_data": False,
                                              "primary_data_reason": ""})
        assert errors(publish(testapp, url, status=409)) == [
            ("missing_basis", "bases", "wages.xlsx")]
        testapp.patch_json(f"/++api++{url}", {"primary_data": data["primary_data"],
                                              "primary_data_reason": ""})
        assert errors(publish(testapp, url, status=409)) == [
            ("missing_basis", "bases", "wages.xlsx")]


class TestBadInput:
    @pytest.mark.parametrize("body", [
        {"primary_data": False},
        {"primary_data": False, "primary_data_reason": "   \t  "},
        {"primary_data": False, "primary_data_reason": None},
    ])
    def test_false_without_a_reason_is_a_400_naming_the_field(self, app, testapp, demo,
                                                               body):
        url = add(testapp, files=[upload("wages.xlsx", published_xlsx(), "en")],
                  languages=["en"])
        before = stored(app, url)
        response = testapp.patch_json(f"/++api++{url}", body, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["primary_data_reason"]
        assert "Ministry of Finance" in response.json["errors"][0]["message"]
        assert stored(app, url) == before

    def test_false_without_a_reason_is_refused_when_adding(self, testapp, demo):
        response = add(testapp, status=400, primary_data=False, primary_data_reason=" ")
        assert [e["field"] for e in response.json["errors"]] == ["primary_data_reason"]

    def test_emptying_the_reason_of_a_declaration_is_refused(self, app, testapp, demo):
        url = add(testapp, primary_data=False, primary_data_reason=REASON)
        before = stored(app, url)
        response = testapp.patch_json(f"/++api++{url}", {"primary_data_reason": " "},
                                      status=400)
        assert [e["field"] for e in response.json["errors"]] == ["primary_data_reason"]
        assert stored(app, url) == before

    @pytest.mark.parametrize("value", ["no", 0, 1, "yes", [], {}])
    def test_only_true_false_or_null(self, testapp, demo, value):
        url = add(testapp)
        response = testapp.patch_json(f"/++api++{url}", {"primary_data": value}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["primary_data"]

    def test_a_get_patched_back_succeeds(self, testapp, demo):
        url = add(testapp, primary_data=False, primary_data_reason=REASON)
        data = testapp.get(f"/++api++{url}").json
        assert (data["primary_data"], data["primary_data_reason"]) == (False, REASON)
        testapp.patch_json(f"/++api++{url}", {k: data[k] for k in (
            "primary_data", "primary_data_reason", "title", "category")})

    def test_a_setting_naming_an_unknown_category_stops_the_start(self):
        from statportal.confidentiality.checks import DisclosureSettings

        with pytest.raises(ValueError, match="presumed_categories.*rumour"):
            DisclosureSettings.from_settings(
                {"statportal.disclosure.presumed_categories": "bulletin rumour"})


class TestNotStatistical:
    @pytest.fixture
    def app_settings(self, tmp_path):
        return make_settings(tmp_path, **{
            "statportal.disclosure.presumed_categories": "latest_data, press_release"})

    def test_a_category_not_presumed_publishes_its_table(self, testapp, demo):
        url = add(testapp, category="bulletin", languages=["en"],
                  files=[upload("wages.xlsx", published_xlsx(), "en")])
        publish(testapp, url)
        other = add(testapp, category="latest_data", languages=["en"],
                    title={"en": "Latest"},
                    files=[upload("wages.xlsx", published_xlsx(), "en")])
        assert errors(publish(testapp, other, status=409)) == [
            ("missing_basis", "bases", "wages.xlsx")]

    def test_a_category_outside_the_vocabulary_is_not_presumed(self):
        from types import SimpleNamespace

        from statportal.confidentiality.checks import DisclosureSettings
        from statportal.confidentiality.material import derived_from_primary, presumed

        table = SimpleNamespace(filename="t.csv", extension="csv")
        settings = DisclosureSettings()
        for category, expected in (("methodology", False), ("compilation", True)):
            candidate = SimpleNamespace(category=category, files=[table], bases=())
            assert presumed(candidate, settings) is expected
            assert derived_from_primary(candidate, settings) is expected


def declaration_radio(form):
    """deform names a radio group by its field's oid: the one offering "false"."""
    return next(field for fields in form.fields.values() for field in fields
                if type(field).__name__ == "Radio" and
                any(value == "false" for value, *_rest in field.options))


class TestTheHtmlForms:
    def _add_form(self, testapp):
        login_html(testapp, "yerlan")
        page = testapp.get(f"{SECTION}/@@add?type=Material", headers={"Accept": "text/html"})
        form = page.forms["edit-form"]
        form.set("kk", "Жалақы (форма)", index=0)
        form.set("ru", "Заработная плата (форма)", index=0)
        form.set("en", "Wages (form)", index=0)
        form["category"] = "latest_data"
        form.get("upload", index=0).value = ("wages.xlsx", published_xlsx())
        return form

    def test_false_without_a_reason_shows_the_error_and_keeps_nothing(self, app, testapp,
                                                                       demo):
        form = self._add_form(testapp)
        declaration_radio(form).value = "false"
        form["primary_data_reason"] = "   "
        response = form.submit("submit", status=200)
        assert "Say why the tables are not derived from primary data" in response.text
        with open_portal(app) as portal:
            names = list(portal["official-statistics"]["economy"]["industry"].keys())
        assert not any(name.startswith("wages") for name in names)

    def test_nothing_declared_is_refused_at_publish_then_a_reason_publishes(self, app,
                                                                              testapp, demo):
        form = self._add_form(testapp)
        # presumed, unless the editor says otherwise
        assert declaration_radio(form).value == ""
        url = form.submit("submit", status=302).location.replace("http://localhost", "")
        page = testapp.get(f"{url}/@@workflow", headers={"Accept": "text/html"})
        response = page.forms["workflow-form"].submit("transition", value="publish",
                                                      status=409)
        assert "wages.xlsx has no basis" in response.text
        edit = testapp.get(f"{url}/@@edit", headers={"Accept": "text/html"}).forms["edit-form"]
        declaration_radio(edit).value = "false"
        edit["primary_data_reason"] = REASON
        edit.submit("submit", status=302)
        page = testapp.get(f"{url}/@@workflow", headers={"Accept": "text/html"})
        page.forms["workflow-form"].submit("transition", value="publish", status=302)
        assert stored(app, url)["primary_data_reason"] == REASON
        shown = testapp.get(url, headers={"Accept": "text/html"})
        assert REASON in shown.text and 'id="primary-data"' in shown.text


def test_the_declaration_is_for_staff_on_the_pages(testapp, demo):
    url = add(testapp, files=[upload("wages.xlsx", published_xlsx(), "en")],
              languages=["en"], primary_data=False, primary_data_reason=REASON)
    publish(testapp, url)
    as_user(testapp, "dana")  # a Coordinator
    assert REASON in testapp.get(url, headers={"Accept": "text/html"}).text
    disclosure = testapp.get(f"{url}/@@disclosure", headers={"Accept": "text/html"})
    assert "Declared not derived from primary data" in disclosure.text
    assert REASON in disclosure.text
    data = testapp.get(f"/++api++{url}/@disclosure").json
    assert (data["primary_data"], data["primary_data_reason"], data["presumed"],
            data["derived"]) == (False, REASON, False, False)
    as_user(testapp, None)
    page = testapp.get(url, headers={"Accept": "text/html"})
    assert REASON not in page.text and 'id="primary-data"' not in page.text
    public = testapp.get(f"/++api++{url}").json
    assert "primary_data" not in public and "primary_data_reason" not in public


def test_the_disclosure_page_says_the_tables_are_presumed(testapp, demo):
    url = add(testapp, files=[upload("wages.xlsx", published_xlsx(), "en")],
              languages=["en"])
    as_user(testapp, "dana")
    data = testapp.get(f"/++api++{url}/@disclosure").json
    assert data["presumed"] and data["derived"] and data["primary_data"] is None
    assert data["blocks_publishing"]
    page = testapp.get(f"{url}/@@disclosure", headers={"Accept": "text/html"})
    assert "presumed derived from primary data" in page.text


class TestTheReport:
    def test_lists_the_declarations_with_who_and_when(self, testapp, demo):
        url = add(testapp, files=[upload("wages.xlsx", published_xlsx(), "en")],
                  languages=["en"], primary_data=False, primary_data_reason=REASON)
        add(testapp, files=[upload("costs.xlsx", published_xlsx(), "en")],
            languages=["en"], title={"en": "Costs"}, primary_data=True)
        as_user(testapp, "dana")
        report = testapp.get("/++api++/@primary-data").json
        mine = [item for item in report["items"] if item["@id"].endswith(url)]
        assert len(mine) == 1
        assert mine[0]["primary_data_reason"] == REASON
        assert mine[0]["declared_by"] == "yerlan" and mine[0]["declared_at"]
        assert mine[0]["review_state"] == "private"
        assert report["items_total"] == 1  # the material declared true is not listed
        assert all(item["primary_data"] is False for item in report["items"])
        page = testapp.get("/@@primary-data", headers={"Accept": "text/html"})
        assert REASON in page.text and "Wages by region" not in page.text

    @pytest.mark.parametrize("login", [None, "aigerim"])
    def test_staff_only(self, testapp, demo, login):
        as_user(testapp, login)
        testapp.get("/++api++/@primary-data", status=(401, 403))

    def test_a_bad_batch_is_a_400_naming_it(self, testapp, demo):
        as_user(testapp, "dana")
        response = testapp.get("/++api++/@primary-data?b_size=0", status=400)
        assert [e["field"] for e in response.json["errors"]] == ["b_size"]


class TestPlacement:
    def test_place_is_refused_for_a_table_without_basis(self, app, testapp, demo):
        as_user(testapp, "aigerim")
        url = testapp.post_json(REQUESTS, payload(primary_data=None, primary_data_reason=""),
                                status=201).json["@id"].replace("http://localhost", "")
        step(testapp, "aigerim", url, "submit")
        step(testapp, "marat", url, "approve")
        step(testapp, "dana", url, "register")
        response = step(testapp, "yerlan", url, "place", status=409)
        assert errors(response) == [("missing_basis", "bases", "report.xlsx")]
        as_user(testapp, "yerlan")
        queue = testapp.get("/requests/@queue", headers={"Accept": "application/json"}).json
        row = next(item for item in queue["items"]
                   if item["@id"].endswith(url.rsplit("/", 1)[1]))
        assert row["presumed"] and row["primary_data"] is None
        # a request whose executor declared the reason: Place goes through
        as_user(testapp, "aigerim")
        title = {"kk": "Мәлімделген", "ru": "Заявленный", "en": "Declared"}
        declared = testapp.post_json(REQUESTS, payload(title=title), status=201).json[
            "@id"].replace("http://localhost", "")
        step(testapp, "aigerim", declared, "submit")
        step(testapp, "marat", declared, "approve")
        step(testapp, "dana", declared, "register")
        as_user(testapp, "yerlan")
        queue = testapp.get("/requests/@queue", headers={"Accept": "text/html"})
        assert REASON in queue.text and "presumed derived" in queue.text
        step(testapp, "yerlan", declared, "place", comment="the first one waits for a basis")
        material = testapp.get(declared).json["material"]
        history = testapp.get(f"{declared}/@workflow").json["history"]
        assert [(h["actor"], h["comment"]) for h in history if h["action"] == "primary_data"
                ] == [("aigerim", f"not derived from primary data: {REASON}")]
        found = stored(app, material)
        assert (found["primary_data"], found["primary_data_reason"]) == (False, REASON)
        assert any(h["action"] == "primary_data" and REASON in h["comment"]
                   for h in found["history"])

    def test_the_request_refuses_false_without_a_reason(self, testapp, demo):
        as_user(testapp, "aigerim")
        response = testapp.post_json(REQUESTS, payload(primary_data=False,
                                                       primary_data_reason="  "), status=400)
        assert [e["field"] for e in response.json["errors"]] == ["primary_data_reason"]

    def test_a_replace_takes_the_requests_declaration(self, app, testapp, demo):
        as_user(testapp, "aigerim")
        first = testapp.post_json(REQUESTS, payload(), status=201).json["@id"].replace(
            "http://localhost", "")
        run_chain(testapp, first)
        material = testapp.get(first).json["material"]
        as_user(testapp, "aigerim")
        replacement = testapp.post_json(REQUESTS, payload(
            placement_type="replace", replaces=material, primary_data=True,
            primary_data_reason=""), status=201).json["@id"].replace("http://localhost", "")
        response = run_chain_status(testapp, replacement, 409)
        assert errors(response) == [("missing_basis", "bases", "report.xlsx")]
        assert stored(app, material)["primary_data"] is False


def run_chain_status(client, url, status):
    step(client, "aigerim", url, "submit")
    step(client, "marat", url, "approve")
    step(client, "dana", url, "register")
    return step(client, "yerlan", url, "place", status=status)


def test_the_demo_follows_the_rule(app, testapp):
    """Every demo material with a table has a basis or a declared reason: the checks of
    publishing pass on every one of them, and the report lists the declared ones."""
    from types import SimpleNamespace

    from statportal.confidentiality.material import declared, is_table
    from statportal.demo import add_demo_content
    from statportal.materials.catalog import get_catalog
    from statportal.materials.validators import get_validators
    from statportal.testing import DEMO_PASSWORD

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    request = SimpleNamespace(registry=app.registry, locale_name="en")
    with open_portal(app) as portal:
        materials = list(get_catalog(portal).objects.values())
        with_tables = [m for m in materials if any(is_table(f) for f in m.files)]
        assert len(with_tables) == 4
        for material in materials:
            assert get_validators(app.registry).check(material, request) == [], \
                material.title["en"]
        assert sorted(bool(m.bases) for m in with_tables) == [False, False, False, True]
        assert all(m.bases or declared(m) is False for m in with_tables)
    as_user(testapp, "dana")
    report = testapp.get("/++api++/@primary-data").json
    assert report["items_total"] == 3
    assert {item["declared_by"] for item in report["items"]} == {"yerlan"}
    assert all(item["primary_data_reason"] and item["declared_at"]
               for item in report["items"])




class TestTheEmbargo:
    """A material scheduled for a release was checked at Place; a change while it waits is
    checked as publishing checks it, and the worker checks again at the release time."""

    def test_a_change_while_scheduled_is_checked(self, app, testapp, scheduled):
        material, _entry = scheduled
        before = stored(app, material)
        as_user(testapp, "yerlan")
        response = testapp.patch_json(f"/++api++{material}", {"primary_data": None},
                                      status=409)
        assert errors(response) == [("missing_basis", "bases", "report.xlsx")]
        assert "waits for its release" in response.json["message"]
        assert stored(app, material) == before

    def test_the_worker_refuses_what_the_checks_refuse(self, app, testapp, scheduled, frozen):
        from datetime import timedelta

        from statportal.releases.worker import run_pass
        from tests.helpers.embargo import RELEASE

        material, entry = scheduled
        with open_portal(app) as portal:  # as an older portal stored it: nothing declared
            obj = portal
            for name in material.strip("/").split("/"):
                obj = obj[name]
            obj.primary_data_reason = ""
        frozen.set(RELEASE + timedelta(seconds=1))
        assert run_pass(app.registry).released == []
        as_user(testapp, "yerlan")
        assert testapp.get(f"/++api++{material}").json["review_state"] == "scheduled"
        found = stored(app, material)
        refused = [h for h in found["history"] if h["action"] == "release_refused"]
        assert len(refused) == 1 and "report.xlsx has no basis" in refused[0]["comment"]
        as_user(testapp, "dana")
        data = testapp.get(f"/++api++{entry}").json
        assert data["bundle"][0]["skipped"] == "refused by the checks of publishing"
        assert any("report.xlsx has no basis" in note for note in data["notes"])
        as_user(testapp, None)
        testapp.get(f"/++api++{material}", status=404)


def test_the_staff_pages_write_nothing(app, testapp, demo):
    """Showing the declaration (a web-page table is found by reading it) stores nothing:
    the material's page, the report and the queue are GETs."""
    from statportal.testing import last_transaction

    url = add(testapp, files=[upload("wages.html", HTML_WITH_TABLE, "en")],
              languages=["en"])
    for login in ("yerlan", "dana"):  # a user's first request keeps when they were seen
        as_user(testapp, login)
        testapp.get("/++api++/")
    before = last_transaction(app)
    page = testapp.get(url, headers={"Accept": "text/html"})
    assert "Presumed derived from primary data" in page.text
    testapp.get("/++api++/@primary-data")
    testapp.get("/@@primary-data", headers={"Accept": "text/html"})
    as_user(testapp, "yerlan")
    testapp.get("/requests/@queue", headers={"Accept": "application/json"})
    testapp.get("/requests/@queue", headers={"Accept": "text/html"})
    assert last_transaction(app) == before


def test_publish_now_is_checked_too(app, testapp, scheduled, frozen):
    """Two people releasing early cannot publish what the checks refuse: 409 with the
    findings (JSON), and the page lists them."""
    from statportal.security.principals import find_user

    material, _entry = scheduled
    name = material.rsplit("/", 1)[1]
    with open_portal(app) as portal:
        obj = portal
        for part in material.strip("/").split("/"):
            obj = obj[part]
        obj.primary_data_reason = ""  # an older portal's unticked box: nothing declared
        portal["principals"]["users"]["aidos"].roles = ("Moderator",)
        assert find_user(portal, "aidos") is not None
    as_user(testapp, "yerlan")
    testapp.post_json(f"/++api++{material}/@publish-now",
                      {"confirm": name, "reason": "Minister's request"})
    response = as_user(testapp, "aidos").post_json(f"/++api++{material}/@publish-now",
                                                   {"confirm": name}, status=409)
    assert errors(response) == [("missing_basis", "bases", "report.xlsx")]
    testapp.authorization = None
    login_html(testapp, "aidos")
    form = testapp.get(f"{material}/@@publish-now",
                       headers={"Accept": "text/html"}).forms["publish-now-form"]
    form["confirm"] = name
    page = form.submit(status=409)
    assert "Publishing is refused" in page.text and "report.xlsx has no basis" in page.text
    as_user(testapp, "aidos")
    assert testapp.get(f"/++api++{material}").json["review_state"] == "scheduled"
