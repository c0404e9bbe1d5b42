"""Confidentiality in the CMS: a material whose table shows a confidential cell, or hides
it without enough complementary cells, cannot be published through the UI or the API."""

import pytest

from statportal.testing import open_portal
from tests.helpers import samples
from tests.helpers.disclosure_samples import basis_table, basis_xlsx, published_xlsx
from tests.helpers.materials import add, as_user, publish, upload

SOLE = ("ABAI-1", "B")  # Semey × Mining: one respondent


def with_table(table_bytes, basis=True, primary_data=True, name="wages.xlsx"):
    changes = {"files": [upload(name, table_bytes, "en")], "languages": ["en"],
               "title": {"en": "Wages by region and activity"}, "description": {},
               "primary_data": primary_data}
    if primary_data is False:
        changes["primary_data_reason"] = "Administrative data of the Ministry of Finance"
    if basis:
        changes["bases"] = [upload("wages.basis.xlsx", basis_xlsx())]
    return changes


def errors_of(response):
    return response.json["errors"]


class TestPublishing:
    def test_a_protected_table_is_published(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx()))
        publish(testapp, url)
        as_user(testapp, None)
        assert testapp.get(f"/++api++{url}").json["review_state"] == "published"

    def test_a_shown_confidential_cell_is_refused_with_its_cell(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(status={})))
        response = publish(testapp, url, status=409)
        shown = [e for e in errors_of(response) if e["type"] == "confidential_shown"]
        assert len(shown) == 1
        cell = shown[0]["location"]["cell"]
        assert [(c["dimension"], c["code"], c["label"]) for c in cell] == [
            ("region", "ABAI-1", "Semey"), ("activity", "B", "Mining")]
        assert shown[0]["location"]["rule"] == ["frequency"]
        assert "Semey (ABAI-1) × Mining (B)" in shown[0]["message"]
        assert testapp.get(f"/++api++{url}").json["review_state"] == "private"

    def test_a_single_x_in_a_row_is_exposed(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(status={SOLE: "primary"})))
        response = publish(testapp, url, status=409)
        exposed = [e for e in errors_of(response) if e["type"] == "exposed"]
        assert [c["code"] for c in exposed[0]["location"]["cell"]] == list(SOLE)
        assert exposed[0]["location"]["low"] == pytest.approx(412.5)
        assert exposed[0]["location"]["high"] == pytest.approx(412.5)

    def test_a_published_value_that_disagrees_with_the_basis(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(change={("AKM-1", "C"): 700.0})))
        response = publish(testapp, url, status=409)
        assert "differs_from_basis" in {e["type"] for e in errors_of(response)}

    def test_primary_data_without_a_basis_is_refused(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(), basis=False))
        response = publish(testapp, url, status=409)
        assert [e["type"] for e in errors_of(response)] == ["missing_basis"]

    def test_tables_not_from_primary_data_need_no_basis(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(), basis=False, primary_data=False))
        publish(testapp, url)

    def test_a_basis_among_the_public_files_is_refused(self, testapp, demo):
        changes = with_table(published_xlsx(), primary_data=False, basis=False)
        changes["files"].append(upload("wages-data.xlsx", basis_xlsx(), "en"))
        url = add(testapp, **changes)
        response = publish(testapp, url, status=409)
        assert "basis_in_public_files" in {e["type"] for e in errors_of(response)}

    def test_the_html_workflow_page_names_the_cell(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(status={})))
        as_user(testapp, "yerlan")
        page = testapp.get(f"{url}/@@workflow", headers={"Accept-Language": "en"})
        form = page.forms["workflow-form"]
        response = form.submit("transition", value="publish", status=409,
                               headers={"Accept-Language": "en"})
        assert "Semey (ABAI-1) × Mining (B)" in response.text
        assert "confidential" in response.text


class TestTheBasis:
    def test_a_bad_basis_is_a_400_naming_file_sheet_line_and_column(self, testapp, demo, app):
        from tests.helpers.materials import blob_files

        changes = with_table(published_xlsx())
        changes["bases"] = [upload("wages.basis.xlsx", basis_xlsx(drop_column="respondents"))]
        before = len(blob_files(app.registry.settings))
        response = add(testapp, status=400, **changes)
        message = " ".join(e["message"] for e in response.json["errors"])
        assert "wages.basis.xlsx, sheet basis" in message and "'respondents'" in message
        assert len(blob_files(app.registry.settings)) == before

    def test_a_basis_is_renamed_after_its_table_and_never_public(self, testapp, demo):
        changes = with_table(published_xlsx())
        basis = basis_xlsx()
        changes["bases"] = [upload("wages.xlsx", basis)]
        url = add(testapp, **changes)
        publish(testapp, url)
        as_user(testapp, "dana")  # a Coordinator
        data = testapp.get(f"/++api++{url}/@disclosure").json
        assert data["tables"] == [{"file": "wages.xlsx", "basis": "wages.basis.xlsx"}]
        basis_url = data["bases"][0]["@id"].replace("http://localhost", "")
        assert testapp.get(basis_url).body == basis
        as_user(testapp, None)
        testapp.get(basis_url, status=(401, 403, 404))
        testapp.get(f"/++api++{url}/@disclosure", status=(401, 403, 404))
        public = testapp.get(f"/++api++{url}").json
        assert "bases" not in public
        assert "basis" not in testapp.get(url).text.lower()

    def test_a_csv_basis_reads_the_portal_classifications(self, tmp_path):
        from statportal.confidentiality.basis import read_basis
        from statportal.disclosure.errors import InputError

        text = "region,activity,value,respondents\nR1,B,5,1\n"
        with pytest.raises(InputError, match="no hierarchy for the dimension 'region'"):
            read_basis("x.basis.csv", text.encode())
        table = basis_table()
        found = read_basis("x.basis.csv", b"region,activity,value,respondents\n"
                           b"ABAI-1,B,5,1\n", table.hierarchies)
        assert found.cells[("KZ", "T")].value == 5


class TestFindingsAndOverride:
    def test_a_coordinator_sees_the_findings(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(status={})))
        as_user(testapp, "dana")
        data = testapp.get(f"/++api++{url}/@disclosure").json
        assert data["blocks_publishing"] and data["findings"][0]["type"] == "confidential_shown"
        page = testapp.get(f"{url}/@@disclosure", headers={"Accept-Language": "en"})
        assert "ABAI-1" in page.text and "Semey" in page.text
        assert "override-form" not in page.text  # not a Manager, and not allowed

    def test_no_override_unless_the_setting_allows_it(self, testapp, demo):
        url = add(testapp, **with_table(published_xlsx(status={})))
        as_user(testapp, "admin")
        response = testapp.post_json(f"/++api++{url}/@disclosure",
                                     {"reason": "Published by court order no. 5"}, status=409)
        assert "allow_override" in response.json["message"]


@pytest.fixture
def override_app(tmp_path):
    from webtest import TestApp

    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings

    app = make_app(make_settings(tmp_path, **{"statportal.disclosure.allow_override": "true"}))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    yield TestApp(app)
    close_app(app)


def test_an_override_needs_a_manager_and_a_reason_and_is_in_the_history(override_app):
    client = override_app
    url = add(client, **with_table(published_xlsx(status={})))
    as_user(client, "dana")
    client.post_json(f"/++api++{url}/@disclosure", {"reason": "Because I say so, really"},
                     status=403)
    as_user(client, "admin")
    assert client.post_json(f"/++api++{url}/@disclosure", {"reason": "short"},
                            status=400).json["errors"][0]["field"] == "reason"
    publish(client, url, status=409)
    reason = "The respondent consented in letter 12-3/456 of 20 November 2026"
    as_user(client, "admin")
    data = client.post_json(f"/++api++{url}/@disclosure", {"reason": reason}).json
    assert data["override"]["reason"] == reason and not data["blocks_publishing"]
    assert data["findings"]  # still shown
    publish(client, url)
    history = client.get(f"/++api++{url}/@workflow").json["history"]
    assert any(h["action"] == "disclosure_override" and h["comment"] == reason
               and h["actor"] == "admin" for h in history)


def test_an_override_does_not_survive_new_files(override_app):
    client = override_app
    url = add(client, **with_table(published_xlsx(status={})))
    as_user(client, "admin")
    client.post_json(f"/++api++{url}/@disclosure",
                     {"reason": "The respondent consented in letter 12-3/456"})
    as_user(client, "yerlan")
    client.patch_json(f"/++api++{url}", {"files": [
        upload("wages.xlsx", published_xlsx(status={SOLE: "primary"}), "en")]})
    response = publish(client, url, status=409)
    assert "exposed" in {e["type"] for e in errors_of(response)}


def test_generate_the_protected_table_from_the_basis(testapp, demo):
    changes = with_table(published_xlsx())
    changes["files"] = [upload("note.pdf", samples.pdf(), "en")]
    url = add(testapp, **changes)
    as_user(testapp, "yerlan")
    page = testapp.get(f"{url}/@@disclosure", headers={"Accept-Language": "en"})
    form = page.forms["generate-form"]
    form["rows"], form["cols"] = "region", "activity"
    form.submit("generate", status=302)
    data = testapp.get(f"/++api++{url}").json
    assert "wages-en.xlsx" in [f["filename"] for f in data["files"]]
    publish(testapp, url)


def test_a_custom_disclosure_validator_and_name_conflicts(tmp_path):
    from pyramid.config import Configurator
    from pyramid.exceptions import ConfigurationConflictError

    from statportal.confidentiality.checks import add_disclosure_validator

    def rounding(settings):
        return lambda check: []

    config = Configurator(settings={})
    config.add_directive("add_disclosure_validator", add_disclosure_validator)
    config.add_disclosure_validator(rounding, name="rounding")
    config.add_disclosure_validator(rounding, name="rounding")
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_an_integrators_validator_blocks_publishing(tmp_path, monkeypatch):
    from pathlib import Path

    from webtest import TestApp

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "pkgs"))

    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings

    app = make_app(make_settings(tmp_path, **{"statportal.includes": "disclosure_ext",
                                              "disclosure_ext.ceiling": "2000"}))
    try:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        client = TestApp(app)
        url = add(client, **with_table(published_xlsx()))
        errors = errors_of(publish(client, url, status=409))
        assert {e["type"] for e in errors} == {"above_ceiling"}
        # the grand total and the big totals only
        assert all(e["location"]["cell"][0]["code"] in ("KZ", "ABAI", "AKM") for e in errors)
    finally:
        close_app(app)


class TestPlacement:
    """The moderator's placement runs the same checks on the request's files and bases."""

    def request(self, client, table, basis=True):
        from tests.helpers.placement import new_request

        changes = {"files": [upload("wages.xlsx", table, "en")], "languages": ["en"],
                   "title": {"en": "Wages by region and activity"}, "primary_data": True}
        if basis:
            changes["bases"] = [upload("wages.basis.xlsx", basis_xlsx())]
        return new_request(client, **changes)

    def test_an_unprotected_table_cannot_be_placed(self, testapp, demo):
        from tests.helpers.placement import step

        url = self.request(testapp, published_xlsx(status={SOLE: "primary"}))
        step(testapp, "aigerim", url, "submit")
        step(testapp, "marat", url, "approve")
        step(testapp, "dana", url, "register")
        as_user(testapp, "dana")
        findings = testapp.get(f"{url}/@disclosure").json["findings"]
        assert [f["type"] for f in findings] == ["exposed"]
        response = step(testapp, "yerlan", url, "place", status=409)
        assert "exposed" in {e["type"] for e in errors_of(response)}
        assert testapp.get(url).json["review_state"] == "registered"

    def test_a_protected_table_is_placed_with_its_basis(self, testapp, demo):
        from tests.helpers.placement import run_chain

        url = self.request(testapp, published_xlsx())
        run_chain(testapp, url)
        material = testapp.get(url).json["material"]
        as_user(testapp, "dana")
        data = testapp.get(f"/++api++{material}/@disclosure").json
        assert data["primary_data"] and data["bases"][0]["filename"] == "wages.basis.xlsx"
        assert data["findings"] == []


class TestReadingPublishedTables:
    """What a published file shows, read back against the basis, in its forms."""

    def test_a_pivot_in_kazakh_labels(self):
        from statportal.confidentiality.published import read_shown

        table = basis_table()
        shown = read_shown("wages-kk.xlsx", published_xlsx(status={SOLE: "primary"},
                                                            language="kk"), table)
        assert shown.cells[SOLE] == "X" and shown.cells[("KZ", "T")] == pytest.approx(3870.5)
        assert len(shown.cells) == len(table.cells) and shown.unknown == []

    def test_the_long_form_as_csv(self):
        from statportal.confidentiality.published import read_shown
        from statportal.disclosure.output import long_rows

        table = basis_table()
        rows = long_rows(table, {SOLE: "primary", ("ABAI-2", "B"): "secondary"})
        text = "region,activity,shown,status\n" + "".join(
            f"{r['region']},{r['activity']},{r['shown']},{r['status']}\n" for r in rows)
        shown = read_shown("wages.csv", text.encode(), table)
        assert shown.layout == "long form" and shown.cells[("ABAI-2", "B")] == "X"
        assert shown.cells[("AKM-1", "C")] == 640.0

    def test_an_xls_pivot_and_a_row_not_in_the_basis(self):
        import io

        import xlwt

        from statportal.confidentiality.published import read_shown

        book = xlwt.Workbook()
        sheet = book.add_sheet("t")
        for c, label in enumerate(["", "Total", "Mining", "Manufacturing"]):
            sheet.write(0, c, label)
        sheet.write(1, 0, "Semey")
        sheet.write(1, 1, 1702.5)
        sheet.write(1, 2, "X")
        sheet.write(1, 3, 980)
        sheet.write(2, 0, "Pavlodar")  # not in the basis
        sheet.write(2, 1, 50)
        sheet.write(4, 0, "X – confidential data")
        stream = io.BytesIO()
        book.save(stream)
        shown = read_shown("wages.xls", stream.getvalue(), basis_table())
        assert shown.cells == {("ABAI-1", "T"): 1702.5, SOLE: "X", ("ABAI-1", "C"): 980.0}
        assert shown.unknown == [("t!A3", "Pavlodar")] and shown.problems == []

    def test_a_row_not_in_the_basis_is_a_finding(self, testapp, demo):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(published_xlsx()))
        book.active.append(["Pavlodar", 1, 2, 3, 4])
        stream = io.BytesIO()
        book.save(stream)
        url = add(testapp, **with_table(stream.getvalue()))
        errors = errors_of(publish(testapp, url, status=409))
        assert [e["type"] for e in errors] == ["not_in_basis"]
        assert "Pavlodar" in errors[0]["message"]


# -- regressions from the review: ways an unsafe table got through ---------------------

def rows_of_xlsx(data):
    import io

    from openpyxl import load_workbook

    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def xlsx_of(rows, extra_sheets=()):
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for title, more in extra_sheets:
        sheet = book.create_sheet(title)
        for row in more:
            sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def refused_types(client, files, languages=("en",)):
    changes = {**with_table(published_xlsx()), "files": files, "languages": list(languages),
               "title": {lang: "Wages" for lang in languages}}
    url = add(client, **changes)
    return {e["type"] for e in errors_of(publish(client, url, status=409))}


def edited(rows_change):
    rows = rows_of_xlsx(published_xlsx())
    rows_change(rows)
    return xlsx_of(rows)


@pytest.mark.parametrize("change, expected", [
    # a column whose header is no label of the basis, holding the confidential value
    (lambda rows: (rows[0].__setitem__(2, "Mining, mln tenge"), rows[3].__setitem__(2, 412.5)),
     "unreadable_cell"),
    # a revealing row before the protected one with the same label
    (lambda rows: rows.insert(1, ["Semey", 1702.5, 412.5, 980, 310]), "confidential_shown"),
    # a number with a footnote mark: not a number, not skipped
    (lambda rows: rows[3].__setitem__(2, "412,5¹"), "unreadable_cell"),
    # a formula where a number stands (openpyxl writes no cached value)
    (lambda rows: rows[3].__setitem__(2, "=B4-D4-E4"), "unreadable_cell"),
])
def test_what_cannot_be_read_is_refused(testapp, demo, change, expected):
    files = [upload("wages.xlsx", edited(change), "en")]
    assert expected in refused_types(testapp, files)


def test_every_sheet_is_read(testapp, demo):
    raw = rows_of_xlsx(published_xlsx(status={}))
    data = xlsx_of(rows_of_xlsx(published_xlsx()), [("raw", raw)])
    assert "confidential_shown" in refused_types(testapp, [upload("wages.xlsx", data, "en")])


def test_a_document_may_not_write_a_confidential_value(testapp, demo):
    raw = rows_of_xlsx(published_xlsx(status={}))
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in raw)
    files = [upload("wages.xlsx", published_xlsx(), "en"),
             upload("wages-raw.txt", text.encode(), "en")]
    assert "confidential_shown" in refused_types(testapp, files)
    note = "Semey produced 1 702,5 million tenge; manufacturing gave 980 of it."
    files = [upload("wages.xlsx", published_xlsx(), "en"),
             upload("note.txt", note.encode(), "en")]
    url = add(testapp, **{**with_table(published_xlsx()), "files": files})
    publish(testapp, url)  # the note writes only published figures


def test_two_tables_that_are_safe_alone_are_audited_together(testapp, demo):
    en = published_xlsx()   # hides Semey: Mining and Electricity (and Kurchatov's)
    kk = published_xlsx(status={SOLE: "primary", ("ABAI-1", "C"): "secondary",
                                ("ABAI-2", "B"): "secondary", ("ABAI-2", "C"): "secondary"},
                        language="kk")
    for data, lang in ((en, "en"), (kk, "kk")):
        url = add(testapp, **{**with_table(data), "languages": [lang],
                              "title": {lang: f"Wages {lang}"},
                              "files": [upload(f"wages-{lang}.xlsx", data, lang)]})
        publish(testapp, url)
    # Semey total − Manufacturing (en shows it) − Electricity (kk shows it) = Mining
    types = refused_types(testapp, [upload("wages-en.xlsx", en, "en"),
                                    upload("wages-kk.xlsx", kk, "kk")], ("en", "kk"))
    assert types == {"exposed"}


def test_a_published_material_cannot_be_changed_into_an_unsafe_one(testapp, demo):
    url = add(testapp, **with_table(published_xlsx()))
    publish(testapp, url)
    as_user(testapp, "yerlan")
    response = testapp.patch_json(f"/++api++{url}", {"files": [
        upload("wages.xlsx", published_xlsx(status={}), "en")]}, status=409)
    assert "confidential_shown" in {e["type"] for e in response.json["errors"]}
    as_user(testapp, None)
    download = testapp.get(f"/++api++{url}").json["files"][0]["@id"]
    body = testapp.get(download.replace("http://localhost", "")).body
    assert 412.5 not in [v for row in rows_of_xlsx(body) for v in row]


def test_switching_primary_data_is_in_the_history(testapp, demo):
    url = add(testapp, **with_table(published_xlsx(), basis=False))
    as_user(testapp, "yerlan")
    testapp.patch_json(f"/++api++{url}", {"primary_data": False,
                                          "primary_data_reason": "Ministry of Finance"})
    history = testapp.get(f"/++api++{url}/@workflow").json["history"]
    assert any(h["action"] == "primary_data" and
               h["comment"] == "not derived from primary data: Ministry of Finance" and
               h["actor"] == "yerlan" for h in history)


def test_with_several_bases_every_table_needs_its_own(testapp, demo):
    changes = with_table(published_xlsx(), primary_data=False)
    changes["bases"].append(upload("costs.basis.xlsx", basis_xlsx()))
    changes["files"].append(upload("salaries.xlsx", published_xlsx(status={}), "en"))
    url = add(testapp, **changes)
    errors = errors_of(publish(testapp, url, status=409))
    assert [(e["type"], e["location"]["file"]) for e in errors] == [
        ("missing_basis", "salaries.xlsx")]


def test_a_long_basis_name_keeps_its_basis_suffix(testapp, demo):
    name = "Среднемесячная номинальная заработная плата " * 4 + ".xlsx"
    changes = with_table(published_xlsx())
    changes["bases"] = [upload(name, basis_xlsx())]
    url = add(testapp, **changes)
    as_user(testapp, "dana")
    (basis,) = testapp.get(f"/++api++{url}/@disclosure").json["bases"]
    assert basis["filename"].endswith(".basis.xlsx") and len(basis["filename"]) <= 150


def test_values_beyond_the_range_are_a_400(testapp, demo):
    from tests.helpers.disclosure_samples import CELLS

    cells = {**CELLS, ("ABAI-1", "C"): (1.5e308, 6)}
    changes = with_table(published_xlsx())
    changes["bases"] = [upload("wages.basis.xlsx", basis_xlsx(cells))]
    response = add(testapp, status=400, **changes)
    assert "largest value" in response.json["errors"][0]["message"]


def test_an_override_never_publishes_a_basis(override_app):
    client = override_app
    changes = with_table(published_xlsx(status={}))
    changes["files"].append(upload("wages-data.xlsx", basis_xlsx(), "en"))
    url = add(client, **changes)
    as_user(client, "admin")
    client.post_json(f"/++api++{url}/@disclosure",
                     {"reason": "The respondent consented in letter 12-3/456"})
    errors = errors_of(publish(client, url, status=409))
    assert [e["type"] for e in errors] == ["basis_in_public_files"]


class TestTheAuditLikeProtect:
    """The CMS judges a pattern as ``protect`` makes one: protection levels of the rules,
    sole respondents who know their own value."""

    HIERARCHIES = ("code,parent,label\nKZ,,KZ\nA,KZ,A\nA1,A,A1\nA2,A,A2\n",
                   "code,parent,label\nT,,T\nB,T,B\nC,T,C\nD,T,D\n")
    HIDDEN = frozenset({("A1", "B"), ("A1", "D"), ("A2", "B"), ("A2", "D")})

    def table(self, text):
        from statportal.confidentiality.basis import read_basis
        from statportal.disclosure import Hierarchy

        regions, activity = self.HIERARCHIES
        return read_basis("a.basis.csv", text.encode(), {
            "region": Hierarchy.from_csv("region", regions),
            "activity": Hierarchy.from_csv("activity", activity)})

    def test_the_p_percent_level_is_required(self):
        from statportal.disclosure import MinimumFrequency, PPercent
        from statportal.disclosure.protect import audit_pattern

        table = self.table("region,activity,value,respondents,top1,top2\n"
                           "A1,B,412.5,5,400,10\nA1,C,980,6,300,200\nA1,D,310,3,150,100\n"
                           "A2,B,2,3,1,0.5\nA2,C,260,5,100,80\nA2,D,1,3,0.5,0.3\n")
        plain = audit_pattern(table, self.HIDDEN, [MinimumFrequency()])
        assert plain == []  # not exactly known…
        found = audit_pattern(table, self.HIDDEN, [MinimumFrequency(), PPercent(p=10)])
        assert [f["key"] for f in found] == [("A1", "B")]  # …but within 3 of 412.5

    def test_a_sole_respondent_may_not_learn_another(self):
        from statportal.disclosure import MinimumFrequency
        from statportal.disclosure.protect import audit_pattern

        table = self.table("region,activity,value,respondents\nA1,B,412.5,1\nA1,C,980,6\n"
                           "A1,D,310,1\nA2,B,120,4\nA2,C,260,5\nA2,D,95,3\n")
        found = audit_pattern(table, self.HIDDEN, [MinimumFrequency()])
        assert {(f["key"], f["by"]) for f in found} == {
            (("A1", "B"), "sole respondent"), (("A1", "D"), "sole respondent")}
        from statportal.disclosure.protect import protect

        made = protect(table, [MinimumFrequency()]).status
        assert audit_pattern(table, frozenset(made), [MinimumFrequency()]) == []


def test_two_primaries_with_too_few_respondents_together():
    """Threshold 5: cells of 2 and 2 respondents are confidential, and so is their sum;
    hiding just the two in one row gives the sum away."""
    from statportal.disclosure import MinimumFrequency
    from statportal.disclosure.protect import audit_pattern, protect
    from tests.helpers.disclosure_samples import CELLS

    table = basis_table({**CELLS, ("ABAI-1", "B"): (412.5, 2), ("ABAI-1", "D"): (310.0, 2)})
    rules = [MinimumFrequency(threshold=5)]
    pair = (("ABAI-1", "B"), ("ABAI-1", "D"))
    # a rectangle hides each cell from outsiders, but the row gives the pair's sum
    rectangle = frozenset({*pair, ("ABAI-2", "B"), ("ABAI-2", "D"), ("ABAI-2", "C"),
                           ("AKM-1", "B"), ("AKM-2", "B"), ("AKM-2", "C"),
                           ("AKM-1", "D"), ("AKM-2", "D"), ("AKM-1", "C")})
    found = [f["key"] for f in audit_pattern(table, rectangle, rules)]
    assert pair in found
    made = protect(table, rules).status
    assert audit_pattern(table, frozenset(made), rules) == []
