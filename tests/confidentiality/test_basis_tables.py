"""A basis names the tables it covers (by its name, or an explicit ``tables`` list);
Generate puts the protected table in the place of exactly those, refuses when one is gone
or ambiguous, and offers art. 22's other methods (collapse, transfer, combine). Through the
JSON API and the HTML forms, on FileStorage with blobs."""

import io

import pytest
from openpyxl import load_workbook
from pyramid.traversal import find_resource

from statportal.testing import last_transaction, login_html, open_portal
from tests.helpers import samples
from tests.helpers.basis_tables import basis, field_of, generate, material_with
from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
from tests.helpers.materials import add, as_user, publish, upload

HTML = {"Accept": "text/html", "Accept-Language": "en"}


def stored(app, url):
    """``[(filename, language, bytes)]`` of the material's files, in order, and its bases."""
    with open_portal(app) as portal:
        obj = find_resource(portal, url)
        return ([(f.filename, f.language, f.read()) for f in obj.files],
                [(b.filename, tuple(getattr(b, "tables", ()) or ()),
                  tuple(getattr(b, "methods", ()) or ())) for b in obj.bases])


def cells(data):
    """Every non-empty cell of the first sheet, as text."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [str(v) for row in book.worksheets[0].iter_rows(values_only=True)
                for v in row if v is not None]
    finally:
        book.close()


# -- the basis names its tables --------------------------------------------------------------
class TestTablesOfABasis:
    def test_tables_are_stored_and_shown_with_what_they_cover(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en"),
             upload("summary-kk.xlsx", published_xlsx(language="kk"), "kk")],
            [basis(tables=["wages-en.xlsx", "summary-kk.xlsx"])]))
        _files, bases = stored(testapp.app, url)
        assert bases == [("wages.basis.xlsx", ("wages-en.xlsx", "summary-kk.xlsx"), ())]
        as_user(testapp, "yerlan")
        assert testapp.get(f"/++api++{url}").json["bases"][0]["tables"] == [
            "wages-en.xlsx", "summary-kk.xlsx"]
        as_user(testapp, "dana")
        data = testapp.get(f"/++api++{url}/@disclosure").json
        assert data["tables"] == [{"file": "wages-en.xlsx", "basis": "wages.basis.xlsx"},
                                  {"file": "summary-kk.xlsx", "basis": "wages.basis.xlsx"}]
        assert data["bases"][0]["tables"] == ["wages-en.xlsx", "summary-kk.xlsx"]
        assert data["bases"][0]["covers"] == ["wages-en.xlsx", "summary-kk.xlsx"]
        assert data["bases"][0]["missing"] == []

    def test_an_explicit_list_replaces_the_default_by_name(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en"),
             upload("wages-kk.xlsx", published_xlsx(language="kk"), "kk")],
            [basis(tables=["wages-en.xlsx"])]))
        as_user(testapp, "dana")
        data = testapp.get(f"/++api++{url}/@disclosure").json
        assert data["tables"] == [{"file": "wages-en.xlsx", "basis": "wages.basis.xlsx"},
                                  {"file": "wages-kk.xlsx", "basis": None}]
        assert "missing_basis" in {f["type"] for f in data["findings"]}

    @pytest.mark.parametrize(("tables", "named"), [
        (["ghost.xlsx"], "ghost.xlsx"),
        (["wages-en.xlsx", "ghost.xlsx"], "ghost.xlsx"),
        (["note.pdf"], "note.pdf"),
    ])
    def test_a_file_the_material_does_not_have_is_a_400(self, testapp, demo, tables, named):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en"),
             upload("note.pdf", samples.pdf(), "en")], [basis()]))
        before = last_transaction(testapp.app)
        files_before, bases_before = stored(testapp.app, url)
        as_user(testapp, "yerlan")
        response = testapp.patch_json(f"/++api++{url}", {"bases": [basis(tables=tables)]},
                                      status=400)
        (error,) = response.json["errors"]
        assert error["field"] == "bases.0.tables"
        assert named in error["message"] and "tables" in error["message"]
        assert last_transaction(testapp.app) == before
        assert stored(testapp.app, url) == (files_before, bases_before)

    def test_names_are_checked_against_the_files_sent_with_them(self, testapp, demo):
        response = add(testapp, status=400, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en")],
            [basis(tables=["wages-kk.xlsx"])]))
        assert field_of(response) == ["bases.0.tables"]
        assert "wages-kk.xlsx" in response.json["errors"][0]["message"]
        # the same name, with the file sent beside it, is accepted
        add(testapp, **material_with(
            [upload("wages-kk.xlsx", published_xlsx(language="kk"), "kk")],
            [basis(tables=["wages-kk.xlsx"])]))

    def test_names_follow_the_files_kept_and_removed_in_the_same_body(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en"),
             upload("wages-kk.xlsx", published_xlsx(language="kk"), "kk")], [basis()]))
        as_user(testapp, "yerlan")
        change = [{"filename": "wages-en.xlsx"}, {"filename": "wages-kk.xlsx", "remove": True}]
        before = last_transaction(testapp.app)
        response = testapp.patch_json(f"/++api++{url}", {
            "files": change, "bases": [basis(tables=["wages-kk.xlsx"])]}, status=400)
        assert field_of(response) == ["bases.0.tables"]
        assert last_transaction(testapp.app) == before
        testapp.patch_json(f"/++api++{url}", {
            "files": change, "bases": [basis(tables=["wages-en.xlsx"])]})
        files, bases = stored(testapp.app, url)
        assert [n for n, _lang, _d in files] == ["wages-en.xlsx"]
        assert bases == [("wages.basis.xlsx", ("wages-en.xlsx",), ())]

    @pytest.mark.parametrize("tables", [5, "", [3], {"a": 1}])
    def test_tables_must_be_a_list_of_names(self, testapp, demo, tables):
        if tables == "":
            # an empty text is "not given": the default by name
            add(testapp, **material_with([upload("wages-en.xlsx", published_xlsx(), "en")],
                                         [basis(tables=tables)]))
            return
        response = add(testapp, status=400, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en")], [basis(tables=tables)]))
        assert field_of(response) == ["bases.0.tables"]

    def test_a_table_listed_by_two_bases_is_a_400(self, testapp, demo):
        response = add(testapp, status=400, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en")],
            [basis(tables=["wages-en.xlsx"]),
             basis("pay.basis.xlsx", tables=["wages-en.xlsx"])]))
        assert field_of(response) == ["bases.1.tables"]
        assert "two bases" in response.json["errors"][0]["message"]

    def test_the_edit_form_offers_the_tables_and_refuses_a_missing_one(self, testapp, demo):
        from webtest import Upload

        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en"),
             upload("wages-kk.xlsx", published_xlsx(language="kk"), "kk"),
             upload("note.pdf", samples.pdf(), "en")], [basis()]))
        as_user(testapp, None)
        login_html(testapp, "yerlan")
        page = testapp.get(f"{url}/@@edit", headers=HTML)
        form = page.forms["edit-form"]
        select = form.get("table", index=0)
        assert [value for value, _sel, _text in select.options] == [
            "wages-en.xlsx", "wages-kk.xlsx"]  # tables only, not note.pdf
        uploads = [f for f in form.fields["upload"]]
        uploads[-1].value = Upload("wages.basis.xlsx", basis_xlsx())
        select.force_value(["ghost.xlsx"])
        before = last_transaction(testapp.app)
        response = form.submit("submit", headers=HTML)
        assert "Errors have been highlighted" in response.text
        assert "tables: the material has no file ghost.xlsx." in response.text
        assert last_transaction(testapp.app) == before

        # the basis chosen is kept for the corrected form: only the tables change
        form = response.forms["edit-form"]
        assert form.get("table", index=0).value is None
        form.get("table", index=0).value = ["wages-kk.xlsx"]
        response = form.submit("submit", headers=HTML)
        assert response.status_int == 302, response.text[-3000:]
        _files, bases = stored(testapp.app, url)
        assert bases == [("wages.basis.xlsx", ("wages-kk.xlsx",), ())]


# -- Generate replaces what the basis covers -----------------------------------------------------
class TestGenerateReplaces:
    def test_each_covered_table_in_its_language_and_nothing_else(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-kk.xlsx", published_xlsx(status={}, language="kk"), "kk"),
             upload("prices-en.xlsx", published_xlsx(status={}), "en"),
             upload("note.pdf", samples.pdf(), "en"),
             upload("wages-en.xlsx", published_xlsx(status={}), "en")],
            [basis(), basis("prices.basis.xlsx")]))
        before, _bases = stored(testapp.app, url)
        data = generate(testapp, url, basis="wages.basis.xlsx", rows="region",
                        cols="activity").json
        assert data["generated"] == ["wages-kk.xlsx", "wages-en.xlsx"]
        after, bases = stored(testapp.app, url)
        # the same names, languages and places; only the covered two changed
        assert [(n, lang) for n, lang, _d in after] == [(n, lang) for n, lang, _d in before]
        assert after[1] == before[1] and after[2] == before[2]
        assert after[0][2] != before[0][2] and after[3][2] != before[3][2]
        kk, en = cells(after[0][2]), cells(after[3][2])
        assert "Семей" in kk and "Semey" not in kk and "X" in kk
        assert "Semey" in en and "X" in en
        assert "412.5" not in en and "412.5" not in kk
        assert bases[0][2] == ()  # suppression alone: no method recorded
        # the check judges the generated tables, not the old ones
        assert not [f for f in data["findings"] if f["location"] and
                    f["location"].get("file", "").startswith("wages")]

    def test_a_table_of_another_format_becomes_xlsx_in_its_place(self, testapp, demo):
        xls = samples.xls_table([("", "Mining"), ("Semey", 412.5)], empty_sheets=())
        url = add(testapp, **material_with(
            [upload("wages.xls", xls, "en"), upload("note.pdf", samples.pdf(), "en")],
            [basis()], languages=("en",)))
        assert generate(testapp, url, rows="region", cols="activity").json["generated"] == \
            ["wages.xlsx"]
        after, _bases = stored(testapp.app, url)
        assert [(n, lang) for n, lang, _d in after] == [("wages.xlsx", "en"),
                                                        ("note.pdf", "en")]
        publish(testapp, url)

    def test_a_basis_that_covers_no_table_makes_one_per_language(self, testapp, demo):
        url = add(testapp, **material_with([upload("note.pdf", samples.pdf(), "en")],
                                           [basis()]))
        names = generate(testapp, url, rows="region", cols="activity").json["generated"]
        assert names == ["wages-kk.xlsx", "wages-en.xlsx"]
        after, _bases = stored(testapp.app, url)
        assert [(n, lang) for n, lang, _d in after] == [
            ("note.pdf", "en"), ("wages-kk.xlsx", "kk"), ("wages-en.xlsx", "en")]

    def test_two_tables_of_one_language_by_name_are_ambiguous(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages.xlsx", published_xlsx(status={}), "en"),
             upload("wages-2025.xlsx", published_xlsx(status={}), "en")], [basis()]))
        before = last_transaction(testapp.app)
        response = generate(testapp, url, status=409, rows="region", cols="activity")
        (error,) = response.json["errors"]
        assert error["field"] == "tables" and error["type"] == "tables_ambiguous"
        assert "wages.xlsx, wages-2025.xlsx" in error["message"]
        assert last_transaction(testapp.app) == before
        # listing one of them settles it: that one is replaced, the other kept
        as_user(testapp, "yerlan")
        testapp.patch_json(f"/++api++{url}", {"bases": [basis(tables=["wages.xlsx"])]})
        files_before, _b = stored(testapp.app, url)
        generate(testapp, url, rows="region", cols="activity")
        after, _b = stored(testapp.app, url)
        assert after[1] == files_before[1] and after[0][2] != files_before[0][2]

    def test_a_listed_table_that_is_gone_is_refused(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(status={}), "en")],
            [basis(tables=["wages-en.xlsx"])], languages=("en",)))
        as_user(testapp, "yerlan")
        testapp.patch_json(f"/++api++{url}", {"files": [
            upload("earnings-en.xlsx", published_xlsx(status={}), "en")]})
        as_user(testapp, "dana")
        data = testapp.get(f"/++api++{url}/@disclosure").json
        assert data["bases"][0]["missing"] == ["wages-en.xlsx"]
        before = last_transaction(testapp.app)
        response = generate(testapp, url, status=409, rows="region", cols="activity")
        (error,) = response.json["errors"]
        assert error["field"] == "tables" and error["type"] == "table_missing"
        assert "wages-en.xlsx" in error["message"]
        assert last_transaction(testapp.app) == before

    def test_the_generated_name_must_not_clash_with_a_kept_file(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages.xls", samples.xls_table([("", "Mining"), ("Semey", "X")],
                                                   empty_sheets=()), "en"),
             upload("wages.xlsx", published_xlsx(status={}), "en")],
            [basis(tables=["wages.xls"])], languages=("en",)))
        response = generate(testapp, url, status=409, rows="region", cols="activity")
        assert field_of(response) == ["tables"] and "wages.xlsx" in response.text

    def test_several_bases_need_the_one_to_use(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(status={}), "en")],
            [basis(), basis("prices.basis.xlsx")]))
        response = generate(testapp, url, status=400, rows="region", cols="activity")
        assert field_of(response) == ["basis"]
        assert "wages.basis.xlsx, prices.basis.xlsx" in response.json["errors"][0]["message"]
        response = generate(testapp, url, status=400, basis="nope.basis.xlsx",
                            rows="region", cols="activity")
        assert field_of(response) == ["basis"]

    def test_only_editors_generate(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(status={}), "en")], [basis()]))
        as_user(testapp, None)
        testapp.post_json(f"/++api++{url}/@generate", {"rows": "region", "cols": "activity"},
                          status=(401, 403, 404))
        as_user(testapp, "dana")  # a Coordinator sees the check but does not edit files
        testapp.post_json(f"/++api++{url}/@generate", {"rows": "region", "cols": "activity"},
                          status=(403, 404))

    def test_an_engine_refusal_is_a_409_not_a_traceback(self, testapp, demo, monkeypatch):
        from statportal.disclosure import protect
        from statportal.disclosure.errors import InputError

        def refuse(*args, **kw):
            raise InputError("the published cells contradict each other (region KZ)")

        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(status={}), "en")], [basis()]))
        monkeypatch.setattr(protect, "protect", refuse)
        before = last_transaction(testapp.app)
        response = generate(testapp, url, status=409, rows="region", cols="activity")
        assert "region KZ" in response.json["message"]
        assert last_transaction(testapp.app) == before

    def test_the_page_refuses_with_the_reason_and_generates(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages.xlsx", published_xlsx(status={}), "en"),
             upload("wages-2025.xlsx", published_xlsx(status={}), "en")], [basis()]))
        as_user(testapp, None)
        login_html(testapp, "yerlan")
        page = testapp.get(f"{url}/@@disclosure", headers=HTML)
        form = page.forms["generate-form"]
        form["rows"], form["cols"] = "region", "activity"
        before = last_transaction(testapp.app)
        response = form.submit("generate", headers=HTML, status=409)
        assert "wages.xlsx, wages-2025.xlsx" in response.text
        assert 'role="alert"' in response.text
        assert last_transaction(testapp.app) == before


# -- art. 22's other methods ------------------------------------------------------------------
class TestMethods:
    @pytest.fixture
    def url(self, testapp, demo):
        return add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(status={}), "en"),
             upload("note.pdf", samples.pdf(), "en")], [basis()], languages=("en",)))

    def test_collapse_publishes_the_oblasts_only_and_passes_the_check(self, testapp, url):
        data = generate(testapp, url, rows="region", cols="activity", method="collapse",
                        dim="region", depth=1).json
        files, bases = stored(testapp.app, url)
        shown = cells(files[0][2])
        assert "Abai region" in shown and "Akmola region" in shown
        assert "Semey" not in shown and "Kurchatov" not in shown
        assert bases[0][2] == ({"method": "collapse", "dim": "region", "depth": 1},)
        assert data["bases"][0]["methods"] == [{"method": "collapse", "dim": "region",
                                                "depth": 1}]
        assert data["findings"] == []
        publish(testapp, url)
        as_user(testapp, "dana")
        page = testapp.get(f"{url}/@@disclosure", headers=HTML)
        assert "region collapsed to level 1" in page.text

    def test_combine_publishes_one_element_and_passes_the_check(self, testapp, url):
        data = generate(testapp, url, rows="region", cols="activity", method="combine",
                        dim="activity", codes=["B", "C"], new_code="BC",
                        label="Mining and manufacturing").json
        assert data["findings"] == []
        shown = cells(stored(testapp.app, url)[0][0][2])
        assert "Mining and manufacturing" in shown and "Mining" not in shown
        publish(testapp, url)

    def test_transfer_publishes_a_cell_under_another_and_passes_the_check(self, testapp,
                                                                           url):
        data = generate(testapp, url, rows="region", cols="activity", method="transfer",
                        dim="region", code="ABAI-1", to="ABAI-2",
                        where={"activity": "B"}).json
        assert data["findings"] == []
        shown = cells(stored(testapp.app, url)[0][0][2])
        assert "532.5" in shown  # Kurchatov × Mining: 120 + Semey's 412.5
        publish(testapp, url)

    def test_a_published_material_is_checked_again_and_stays_published(self, testapp, demo):
        url = add(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en")], [basis()], languages=("en",)))
        publish(testapp, url)
        data = generate(testapp, url, rows="region", cols="activity", method="collapse",
                        dim="region", depth=1).json
        assert data["findings"] == [] and data["generated"] == ["wages-en.xlsx"]
        as_user(testapp, None)
        public = testapp.get(f"/++api++{url}").json
        assert public["review_state"] == "published"
        download = public["files"][0]["@id"].replace("http://localhost", "")
        assert "Semey" not in cells(testapp.get(download).body)

    def test_suppress_after_a_method_forgets_the_method(self, testapp, url):
        generate(testapp, url, rows="region", cols="activity", method="collapse",
                 dim="region", depth=1)
        generate(testapp, url, rows="region", cols="activity", method="suppress")
        files, bases = stored(testapp.app, url)
        assert bases[0][2] == () and "Semey" in cells(files[0][0 + 2])

    @pytest.mark.parametrize(("body", "field"), [
        ({"method": "blur"}, "method"),
        ({"method": 3}, "method"),
        ({"method": "collapse", "depth": 1}, "dim"),
        ({"method": "collapse", "dim": "sector", "depth": 1}, "dim"),
        ({"method": "collapse", "dim": "region"}, "depth"),
        ({"method": "collapse", "dim": "region", "depth": "one"}, "depth"),
        ({"method": "collapse", "dim": "region", "depth": 5}, "depth"),
        ({"method": "collapse", "dim": "region", "depth": True}, "depth"),
        ({"method": "transfer", "dim": "region", "to": "ABAI-2"}, "code"),
        ({"method": "transfer", "dim": "region", "code": "NOPE", "to": "ABAI-2"}, "code"),
        ({"method": "transfer", "dim": "region", "code": "ABAI-1", "to": "ABAI"}, "to"),
        ({"method": "transfer", "dim": "region", "code": "ABAI-1", "to": "ABAI-1"}, "to"),
        ({"method": "transfer", "dim": "region", "code": "ABAI-1", "to": "ABAI-2",
          "where": {"activity": "Z"}}, "where"),
        ({"method": "transfer", "dim": "region", "code": "ABAI-1", "to": "ABAI-2",
          "where": "activity"}, "where"),
        ({"method": "combine", "dim": "activity", "codes": ["B"], "new_code": "X1"}, "codes"),
        ({"method": "combine", "dim": "activity", "codes": ["B", "ABAI"], "new_code": "X1"},
         "codes"),
        ({"method": "combine", "dim": "activity", "codes": ["B", "C"]}, "new_code"),
        ({"method": "combine", "dim": "activity", "codes": ["B", "C"], "new_code": "D"},
         "new_code"),
        ({"method": "combine", "dim": "activity", "codes": ["B", "C"], "new_code": "BC",
          "label": 7}, "label"),
        ({"rows": "region", "cols": "region"}, "cols"),
        ({"rows": "sector"}, "rows"),
        ({"colour": "red"}, "colour"),
    ])
    def test_bad_parameters_are_400_naming_the_field(self, testapp, url, body, field):
        before = last_transaction(testapp.app)
        files_before = stored(testapp.app, url)
        response = generate(testapp, url, status=400,
                            **{"rows": "region", "cols": "activity", **body})
        assert field_of(response) == [field]
        message = response.json["errors"][0]["message"]
        if field not in ("cols", "rows", "colour"):
            assert message.startswith(f"{field}: ") and len(message) > len(field) + 10
        assert last_transaction(testapp.app) == before
        assert stored(testapp.app, url) == files_before

    def test_the_form_chooses_a_method(self, testapp, url):
        as_user(testapp, None)
        login_html(testapp, "yerlan")
        page = testapp.get(f"{url}/@@disclosure", headers=HTML)
        form = page.forms["generate-form"]
        assert [v for v, _s, _t in form["method"].options] == [
            "suppress", "collapse", "transfer", "combine"]
        form["rows"], form["cols"] = "region", "activity"
        form["method"], form["dim"], form["depth"] = "collapse", "region", "7"
        before = last_transaction(testapp.app)
        response = form.submit("generate", headers=HTML, status=400)
        assert "depth" in response.text and 'role="alert"' in response.text
        assert last_transaction(testapp.app) == before
        form = response.forms["generate-form"]  # what was chosen is kept
        assert form["method"].value == "collapse" and form["depth"].value == "7"
        form["depth"] = "1"
        response = form.submit("generate", headers=HTML, status=302)
        page = response.follow(headers=HTML)
        assert "took the place of the tables the basis covers" in page.text
        assert "region collapsed to level 1" in page.text
        form = page.forms["generate-form"]
        form["rows"], form["cols"] = "region", "activity"
        form["method"], form["dim"] = "combine", "activity"
        form["codes"], form["new_code"] = "B, C", "BC"
        form.submit("generate", headers=HTML, status=302)
        shown = cells(stored(testapp.app, url)[0][0][2])
        assert "Mining, Manufacturing" in shown


# -- a placement request: the same rules, and the basis follows it to the material ------------
def test_a_request_lists_its_tables_generates_and_places(testapp, demo):
    from tests.helpers.placement import REQUESTS, payload, run_chain

    changes = {"files": [upload("wages-en.xlsx", published_xlsx(status={}), "en"),
                         upload("wages-kk.xlsx", published_xlsx(status={}, language="kk"),
                                "kk")],
               "languages": ["kk", "en"], "primary_data": True, "primary_data_reason": ""}
    as_user(testapp, "aigerim")
    before = last_transaction(testapp.app)
    response = testapp.post_json(REQUESTS, payload(
        **changes, bases=[basis(tables=["wages-ru.xlsx"])]), status=400)
    assert field_of(response) == ["bases.0.tables"]
    assert "wages-ru.xlsx" in response.json["errors"][0]["message"]
    assert last_transaction(testapp.app) == before

    url = testapp.post_json(REQUESTS, payload(
        **changes, bases=[basis(tables=["wages-en.xlsx", "wages-kk.xlsx"])]),
        status=201).json["@id"].replace("http://localhost", "")
    path = url.replace("/++api++", "")
    files_before, _b = stored(testapp.app, path)
    data = testapp.post_json(f"{url}/@generate", {"rows": "region", "cols": "activity",
                                                  "method": "collapse", "dim": "region",
                                                  "depth": 1}).json
    assert data["generated"] == ["wages-en.xlsx", "wages-kk.xlsx"]
    assert data["findings"] == []
    files_after, _b = stored(testapp.app, path)
    assert [(n, lang) for n, lang, _d in files_after] == \
        [(n, lang) for n, lang, _d in files_before]
    assert "Semey" not in cells(files_after[0][2])
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    assert testapp.get(f"/++api++{material}").json["review_state"] == "published"
    _files, bases = stored(testapp.app, material)
    assert bases == [("wages.basis.xlsx", ("wages-en.xlsx", "wages-kk.xlsx"),
                      ({"method": "collapse", "dim": "region", "depth": 1},))]
