"""Materials: the type, its workflow and validators, versions, downloads, search, reports."""

from types import SimpleNamespace

import pytest

from statportal.testing import open_portal
from tests.helpers import samples
from tests.helpers.materials import SECTION, add, as_user, blob_files, material, publish, upload


class TestTheType:
    def test_files_read_back_with_language_and_removed_sheets(self, testapp, demo):
        url = add(testapp)
        data = testapp.get(f"/++api++{url}").json
        assert data["review_state"] == "private" and data["version"] == 1
        assert [f["language"] for f in data["files"]] == ["kk", "ru", "en"]
        first = data["files"][0]
        assert first["@id"] == f"http://localhost/++api++{url}/@@download/0/kesto_kaz.xlsx"
        assert first["filename"] == "kesto_kaz.xlsx" and first["removed_sheets"] == ["Бос парақ"]
        assert first["content-type"].endswith("spreadsheetml.sheet") and first["size"] > 0
        assert data["keywords"] == ["өнеркәсіп", "индекс"]
        assert data["period_start"] == "2026-01-01" and data["next_update"] == "2026-12-15"

    def test_cleaned_file_is_what_is_stored(self, testapp, demo):
        import io

        from openpyxl import load_workbook

        url = add(testapp)
        body = testapp.get(f"{url}/@@download/0/kesto_kaz.xlsx").body
        assert load_workbook(io.BytesIO(body)).sheetnames == ["Кесте 1"]

    def test_uploader_told_and_history_records_the_removed_sheets(self, testapp, demo):
        url = add(testapp)
        history = testapp.get(f"/++api++{url}/@workflow").json["history"]
        assert any("Бос парақ" in entry["comment"] for entry in history)

    def test_period_must_not_end_before_it_starts(self, testapp, demo):
        response = add(testapp, status=400, period_start="2026-10-01", period_end="2026-01-01")
        assert response.json["errors"][0]["field"] == "period_end"

    def test_only_moderators_add_and_publish(self, testapp, demo):
        as_user(testapp, "aigerim")
        testapp.post_json(f"/++api++{SECTION}", material(), status=403)
        url = add(testapp)
        as_user(testapp, "dana")
        testapp.post_json(f"/++api++{url}/@workflow/publish", {}, status=403)
        publish(testapp, url)


class TestBadFiles:
    @pytest.mark.parametrize(("name", "data", "reason"), [
        ("virus.xls", b"MZ\x90\x00" + b"\0" * 200, "not a .xls"),
        ("cut.xlsx", samples.xlsx_table(samples.TABLE)[:300], "cut.xlsx"),
        ("script.html", b"<html><body><script>alert(1)</script></body></html>", "script"),
        ("empty.pdf", b"", "empty"),
        ("../../etc/passwd.txt\x00.pdf", samples.pdf(1), "passwd"),
    ])
    def test_refused_by_name_and_nothing_stored(self, app_settings, testapp, demo, name, data,
                                                reason):
        before = blob_files(app_settings)
        with open_portal(testapp.app) as portal:
            count = len(portal["official-statistics"]["economy"]["industry"])
        response = add(testapp, status=400, files=[upload(name, data)])
        message = response.json["errors"][0]["message"]
        assert reason.lower() in message.lower(), message
        assert blob_files(app_settings) == before
        with open_portal(testapp.app) as portal:
            assert len(portal["official-statistics"]["economy"]["industry"]) == count


class TestValidators:
    def test_declared_language_without_title_refuses_publishing(self, testapp, demo):
        url = add(testapp, title={"kk": "Индекс", "ru": "Индекс"})
        errors = publish(testapp, url, 409).json["errors"]
        assert [e["field"] for e in errors] == ["title"]
        assert "English" in errors[0]["message"]
        as_user(testapp, "yerlan").patch_json(f"/++api++{url}", {"title": {"en": "Index"}})
        publish(testapp, url)

    def test_x_without_footnote_refuses_publishing(self, testapp, demo):
        rows = samples.TABLE[:-1]  # the footnote row left out
        url = add(testapp, files=[upload("t.xlsx", samples.xlsx_table(rows), "kk")])
        errors = publish(testapp, url, 409).json["errors"]
        assert errors[0]["field"] == "files" and "t.xlsx" in errors[0]["message"]

    def test_a_registered_validator_blocks(self, testapp, demo):
        from statportal.materials.validators import get_validators
        from statportal.workflow import Finding

        get_validators(testapp.app.registry).add(
            "confidentiality", lambda candidate, request: [Finding("cell B3 is exposed",
                                                                   field="files")])
        url = add(testapp)
        assert publish(testapp, url, 409).json["errors"][0]["message"] == "cell B3 is exposed"

    def test_add_material_validator_directive(self, tmp_path):
        from pyramid.config import Configurator

        from statportal.materials.validators import add_material_validator, get_validators

        config = Configurator()
        config.add_directive("add_material_validator", add_material_validator)
        config.add_material_validator("always", lambda candidate, request: [])
        config.commit()
        assert list(get_validators(config.registry).validators) == ["always"]


class TestPublicPages:
    def test_anonymous_reads_only_published(self, testapp, demo):
        url = add(testapp)
        as_user(testapp, None)
        # A material that is not public does not exist for the public (the embargo).
        testapp.get(url, status=404)
        testapp.get(f"/++api++{url}", status=404)
        testapp.get(f"{url}/@@download/0/kesto_kaz.xlsx", status=404)
        publish(testapp, url)
        as_user(testapp, None)
        page = testapp.get(url, headers={"Accept-Language": "en"})
        assert "Industrial production index" in page.text
        assert '<th scope="col"' in page.text and 'class="confidential"' in page.text
        assert "1,234.5" in page.text  # the English page formats numbers in English
        page = testapp.get(url, headers={"Accept-Language": "ru"})
        assert "1\u00a0234,5" in page.text

    def test_language_fallback_is_honest(self, testapp, demo):
        url = add(testapp, title={"kk": "Индекс", "ru": "Индекс"}, languages=["kk", "ru"],
                  files=[upload("a_kaz.xlsx", samples.xlsx_table(samples.TABLE))])
        publish(testapp, url)
        as_user(testapp, None)
        page = testapp.get(url, headers={"Accept-Language": "en"})
        assert "not available in English" in page.text
        assert "set-language?lang=kk" in page.text

    def test_download_headers_ranges_and_etags(self, testapp, demo):
        url = add(testapp, files=[upload("Есеп 2026.pdf", samples.pdf(2), "kk")],
                  title={"kk": "Есеп", "ru": "Отчёт", "en": "Report"})
        publish(testapp, url)
        as_user(testapp, None)
        link = testapp.get(f"/++api++{url}").json["files"][0]["@id"]
        response = testapp.get(link)
        assert response.content_type == "application/pdf"
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=\"____ 2026.pdf\"; "
            "filename*=UTF-8''%D0%95%D1%81%D0%B5%D0%BF%202026.pdf")
        assert response.body.startswith(b"%PDF") and response.etag
        assert response.last_modified is not None
        partial = testapp.get(link, headers={"Range": "bytes=0-3"}, status=206)
        assert partial.body == b"%PDF"
        assert partial.headers["Content-Range"].startswith("bytes 0-3/")
        testapp.get(link, headers={"If-None-Match": f'"{response.etag}"'}, status=304)
        testapp.get(f"{url}/@@download/7/x.pdf", status=404)
        testapp.get(f"{url}/@@download/v9/0/x.pdf", status=404)

    def test_section_lists_newest_first_with_batching(self, testapp, demo):
        urls = []
        for n in range(3):
            url = add(testapp, title={"kk": f"Материал {n}", "ru": f"Материал {n}",
                                      "en": f"Material {n}"})
            publish(testapp, url)
            urls.append(url)
        as_user(testapp, None)
        page = testapp.get("/official-statistics/economy?b_size=2",
                           headers={"Accept-Language": "en"})
        assert page.text.index("Material 2") < page.text.index("Material 1")
        assert "Material 0" not in page.text and "b_start=2" in page.text

    def test_home_shows_newest_per_category(self, testapp, demo):
        url = add(testapp, category="press_release",
                  title={"kk": "Баспасөз", "ru": "Пресс-релиз", "en": "Press note"})
        publish(testapp, url)
        as_user(testapp, None)
        page = testapp.get("/", headers={"Accept-Language": "en"})
        assert "Press note" in page.text and "Press release" in page.text


class TestSearch:
    @pytest.fixture
    def published(self, testapp, demo):
        first = add(testapp)
        publish(testapp, first)
        second = add(testapp, section="/official-statistics/social/labour", category="bulletin",
                     title={"kk": "Жұмыссыздық", "ru": "Безработица", "en": "Unemployment"},
                     period_start="2024-01-01", period_end="2024-12-31",
                     keywords=["жұмыссыздық"])
        publish(testapp, second)
        private = add(testapp, title={"kk": "Индекс жасырын", "ru": "Индекс скрытый",
                                      "en": "Index hidden"})
        return first, second, private

    def test_full_text_by_prefix_and_only_published(self, testapp, published):
        as_user(testapp, None)
        data = testapp.get("/@search", {"SearchableText": "индекс"}).json
        assert [i["@id"] for i in data["items"]] == [f"http://localhost{published[0]}"]
        assert data["items_total"] == 1
        assert testapp.get("/@search", {"SearchableText": "безработ"}).json["items_total"] == 1

    def test_facets(self, testapp, published):
        as_user(testapp, None)
        data = testapp.get("/@search").json
        assert data["items_total"] == 2
        categories = {f["value"]: f["count"] for f in data["facets"]["category"]}
        assert categories == {"express_information": 1, "bulletin": 1}
        assert testapp.get("/@search?category=bulletin").json["items_total"] == 1
        assert testapp.get("/@search?section=/official-statistics/economy").json[
            "items_total"] == 1
        assert testapp.get("/@search?year=2024").json["items"][0]["title"]["en"] == \
            "Unemployment"
        assert testapp.get("/@search?year=2025").json["items_total"] == 0

    def test_bad_parameters_name_the_field(self, testapp, published):
        assert testapp.get("/@search?year=20x4", status=400).json["errors"][0][
            "field"] == "year"
        assert testapp.get("/@search?category=nope", status=400).json["errors"][0][
            "field"] == "category"
        assert testapp.get("/@search?SearchableText=(((", status=200).json["items_total"] == 2

    def test_search_page(self, testapp, published):
        as_user(testapp, None)
        page = testapp.get("/@@search?SearchableText=Unemployment",
                           headers={"Accept-Language": "en"})
        assert "Unemployment" in page.text and "Bulletin" in page.text

    def test_removed_and_renamed_follow_the_catalog(self, testapp, published):
        as_user(testapp, "admin")
        testapp.delete(f"/++api++{published[1]}", status=204)
        assert testapp.get("/@search?SearchableText=Unemployment").json["items_total"] == 0
        with open_portal(testapp.app) as portal:
            from statportal.materials.catalog import get_catalog

            assert len(get_catalog(portal)) == 2


class TestVersions:
    def test_replace_keeps_versions_and_the_report_shows_old_translations(self, testapp,
                                                                           demo):
        from tests.helpers.placement import new_request, run_chain

        url = add(testapp)
        publish(testapp, url)
        request_url = new_request(testapp, placement_type="replace", replaces=url,
                                  files=[upload("new_kaz.xlsx",
                                                samples.xlsx_table(samples.TABLE), "kk")])
        run_chain(testapp, request_url)
        data = as_user(testapp, "yerlan").get(f"/++api++{url}").json
        assert data["version"] == 2
        assert [(f["filename"], f["version"]) for f in data["files"]] == [
            ("new_kaz.xlsx", 2), ("table_rus.xlsx", 1), ("table.xlsx", 1)]
        assert data["versions"][0]["review_state"] == "superseded"
        old = data["versions"][0]["files"][0]["@id"]
        assert "/@@download/v1/0/" in old
        assert testapp.get(old).body.startswith(b"PK")
        report = testapp.get("/++api++/@translations").json["items"]
        problems = {(p["language"], p["problem"]) for p in report[0]["problems"]}
        assert problems == {("ru", "outdated"), ("en", "outdated")}
        page = testapp.get(f"{url}/@@history")
        assert "new_kaz.xlsx" in page.text and "kesto_kaz.xlsx" in page.text
        as_user(testapp, None)
        testapp.get(f"{url}/@@history", status=404)
        testapp.get(old, status=404)
        assert "versions" not in testapp.get(f"/++api++{url}").json
        as_user(testapp, "aigerim")
        testapp.get("/++api++/@translations", status=403)


def test_public_versions_setting(tmp_path):
    from webtest import TestApp

    from statportal.testing import close_app, make_app, make_settings

    settings = make_settings(tmp_path, **{"statportal.public_versions": "true"})
    app = make_app(settings)
    try:
        client = TestApp(app)
        from statportal.demo import add_demo_content
        from statportal.testing import DEMO_PASSWORD

        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        url = add(client)
        publish(client, url)
        as_user(client, None)
        assert client.get(f"/++api++{url}").json["versions"] == []
        assert "no earlier versions" in client.get(f"{url}/@@history",
                                                   headers={"Accept-Language": "en"}).text
    finally:
        close_app(app)


def test_material_through_the_html_form(app, testapp, demo):
    """A moderator adds a material with a file per language; the page tells which empty
    sheets were removed; the preview is there before publishing."""
    from webtest import Upload

    from statportal.testing import login_html

    login_html(testapp, "yerlan")
    page = testapp.get(f"{SECTION}/@@add?type=Material",
                       headers={"Accept": "text/html", "Accept-Language": "en"})
    form = page.forms["edit-form"]
    form.set("kk", "Өнеркәсіп индексі", index=0)
    form.set("ru", "Индекс промышленности", index=0)
    form.set("en", "Industry index", index=0)
    form["category"] = "express_information"
    form.set("upload", Upload("kesto.xlsx", samples.xlsx_table(samples.TABLE)), index=0)
    form.set("language", "ru", index=0)
    response = form.submit("submit")
    assert response.status_int == 302, response.text[-2000:]
    page = response.follow(headers={"Accept-Language": "en"})
    assert "Sheets without data were removed: kesto.xlsx: Бос парақ" in page.text
    assert 'class="confidential"' in page.text and "Publish" in page.text
    with open_portal(app) as portal:
        (obj,) = [m for m in portal["official-statistics"]["economy"]["industry"].values()]
        assert [(f.filename, f.language) for f in obj.files] == [("kesto.xlsx", "ru")]


def test_demo_materials_pass_their_own_validators(app, testapp):
    """The demo reads like an office's: published materials in three languages whose
    tables carry X with its footnote, one replaced once, one missing its English file."""
    from statportal.demo import add_demo_content
    from statportal.materials.catalog import get_catalog
    from statportal.materials.validators import get_validators
    from statportal.testing import DEMO_PASSWORD

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    with open_portal(app) as portal:
        materials = list(get_catalog(portal).objects.values())
        assert len(materials) == 5
        for obj in materials:
            checked = get_validators(app.registry).check(obj, SimpleNamespace(
                registry=app.registry))
            assert checked == [], obj.title["en"]
            assert all(not f.removed_sheets or f.preview for f in obj.files)
        industry = next(m for m in materials if m.category == "express_information")
        assert industry.files[0].preview["has_x"] and industry.files[0].removed_sheets
        output = next(m for m in materials if m.primary_data)
        assert [b.filename for b in output.bases] == ["output_2026_10.basis.xlsx"]
        assert all(f.preview["has_x"] for f in output.files)
    as_user(testapp, None)
    data = testapp.get("/@search").json
    assert data["items_total"] == 5
    assert {f["value"] for f in data["facets"]["category"]} == {
        "express_information", "latest_data", "press_release", "bulletin"}
    as_user(testapp, "dana")
    report = testapp.get("/++api++/@translations").json["items"]
    assert [(p["language"], p["problem"]) for p in report[0]["problems"]] == [
        ("en", "missing_file")]


ALL_FORMATS = "doc rtf txt jpg jpeg gif png bmp xls pdf ppt html docx xlsx pptx csv"


class TestEveryFormat:
    @pytest.fixture
    def app_settings(self, tmp_path):
        """The default formats and csv, which a setting adds."""
        from statportal.testing import make_settings

        return make_settings(tmp_path, **{"statportal.file_formats": ALL_FORMATS})

    @pytest.mark.parametrize("filename", sorted(samples.every_format()))
    def test_from_upload_to_download(self, testapp, demo, filename):
        """Upload → preview → publish → public page → download, through the API, for a real
        file of each allowed format."""
        data = samples.every_format()[filename]
        url = add(testapp, files=[upload(filename, data, "kk")])
        publish(testapp, url)
        as_user(testapp, None)
        described = testapp.get(f"/++api++{url}").json["files"][0]
        page = testapp.get(url, headers={"Accept-Language": "kk"})
        assert filename in page.text
        body = testapp.get(described["@id"]).body
        assert len(body) == described["size"]
        extension = filename.rsplit(".", 1)[1]
        if extension in ("xls", "xlsx"):
            assert described["removed_sheets"] == (["Sheet2"] if extension == "xls"
                                                   else ["Бос парақ"])
        else:
            assert body == data and described["removed_sheets"] == []
        kind = {"xlsx": "table", "xls": "table", "csv": "table", "html": "table", "pdf": "pdf",
                "png": "image", "jpg": "image", "jpeg": "image", "gif": "image", "bmp": "image"}
        with open_portal(testapp.app) as portal:
            from statportal.content.paths import find_by_path

            stored = find_by_path(portal, url).files[0]
            assert (stored.preview or {}).get("kind") == kind.get(extension)
        if kind.get(extension) == "table":
            assert 'class="confidential"' in page.text


def test_search_cache_is_not_kept_across_a_rollback(testapp, demo):
    """A connection that changed the catalog, searched and rolled back must not answer
    later from what it saw, even when another commit brings the counter to that value."""
    import transaction
    from pyramid.threadlocal import manager

    from statportal.content.resources import ZODB_ROOT_KEY
    from statportal.materials.catalog import get_catalog

    for title in ("Alpha", "Beta"):
        publish(testapp, add(testapp, title={"kk": title, "ru": title, "en": title}))
    db = testapp.app.registry._zodb_databases[""]
    tm1, tm2 = (transaction.TransactionManager(explicit=True) for _ in range(2))
    c1, c2 = db.open(transaction_manager=tm1), db.open(transaction_manager=tm2)
    manager.push({"registry": testapp.app.registry, "request": None})
    try:
        tm1.begin()
        catalog = get_catalog(c1.root()[ZODB_ROOT_KEY])
        alpha = next(m for m in catalog.objects.values() if m.title["en"] == "Alpha")
        catalog.unindex(alpha)
        assert catalog.search(text="alpha")[1] == 0
        tm1.abort()
        tm2.begin()
        other = get_catalog(c2.root()[ZODB_ROOT_KEY])
        beta = next(m for m in other.objects.values() if m.title["en"] == "Beta")
        beta.title = {"kk": "Gamma", "ru": "Gamma", "en": "Gamma"}
        other.index(beta)
        tm2.commit()
        tm1.begin()
        catalog = get_catalog(c1.root()[ZODB_ROOT_KEY])
        assert catalog.search(text="alpha")[1] == 1
        assert catalog.search(text="gamma")[1] == 1
        assert catalog.search(text="beta")[1] == 0
        tm1.abort()
    finally:
        c1.close()
        c2.close()
        manager.pop()


@pytest.mark.parametrize("query", ["SearchableText=%ff", "section=%ff", "b_start=%ff",
                                   "year=2%C2%B2", "year=1899", "b_size=100000",
                                   "language=xx", "b_start=-1"])
def test_bad_search_parameters_are_400(testapp, demo, query):
    as_user(testapp, None)
    testapp.get(f"/@search?{query}", status=400)
    testapp.get(f"/@@search?{query}", headers={"Accept": "text/html"}, status=400)


def test_download_url_names_the_file(testapp, demo):
    url = add(testapp)
    publish(testapp, url)
    as_user(testapp, None)
    testapp.get(f"{url}/@@download/1/table_rus.xlsx", status=200)
    testapp.get(f"{url}/@@download/1/evil.exe", status=404)
    testapp.get(f"{url}/@@download/1", status=404)


def test_history_and_logins_are_for_staff(testapp, demo):
    url = add(testapp)
    publish(testapp, url)
    as_user(testapp, None)
    testapp.get(f"/++api++{url}/@workflow", status=404)
    testapp.get(f"{url}/@@workflow", status=404)
    assert testapp.get(f"/++api++{url}").json["creator"] is None
    as_user(testapp, "dana")
    assert testapp.get(f"/++api++{url}/@workflow").json["history"]
    assert testapp.get(f"/++api++{url}").json["creator"] == "yerlan"


def test_staff_listing_totals_match_its_pages(testapp, demo):
    publish(testapp, add(testapp, title={"kk": "A", "ru": "A", "en": "A"}))
    add(testapp, title={"kk": "B", "ru": "B", "en": "B"})  # private
    as_user(testapp, "serik")  # Support: not a moderator here
    page = testapp.get(f"{SECTION}?b_size=1", headers={"Accept-Language": "en"})
    assert "Items 1–1 of 1" not in page.text and ">A<" in page.text
    assert "b_start=1" not in page.text
    as_user(testapp, "yerlan")  # the moderator lists the private one too
    page = testapp.get(f"{SECTION}?b_size=1&b_start=1", headers={"Accept-Language": "en"})
    assert ">A<" in page.text or ">B<" in page.text


def test_replace_is_checked_as_the_material_it_makes(testapp, demo):
    """A Replace whose table shows X without its footnote is not placed; one that brings
    only an English title is, the other titles staying."""
    from tests.helpers.placement import new_request, run_chain, step

    url = add(testapp)
    publish(testapp, url)
    rows = samples.TABLE[:-1]
    bad = new_request(testapp, placement_type="replace", replaces=url, languages=["en"],
                      title={"en": "Revised"},
                      files=[upload("t_en.xlsx", samples.xlsx_table(rows), "en")])
    step(testapp, "aigerim", bad, "submit")
    step(testapp, "marat", bad, "approve")
    step(testapp, "dana", bad, "register")
    errors = step(testapp, "yerlan", bad, "place", 409).json["errors"]
    assert [e["type"] for e in errors] == ["x_unexplained"]
    step(testapp, "yerlan", bad, "return", comment="The X in the table needs its footnote.")
    good = new_request(testapp, placement_type="replace", replaces=url, languages=["en"],
                       title={"en": "Revised"},
                       files=[upload("t_en.xlsx", samples.xlsx_table(samples.TABLE), "en")])
    run_chain(testapp, good)
    data = as_user(testapp, "yerlan").get(f"/++api++{url}").json
    assert data["title"]["en"] == "Revised" and data["title"]["kk"].startswith("Өнеркәсіп")
    history = testapp.get(f"/++api++{url}/@workflow").json["history"]
    assert "sheets without data removed: t_en.xlsx: Бос парақ" in history[-1]["comment"]
    assert "(Replace)" in history[-1]["comment"]  # the placement type in words, not "replace"
    # stored as a message (its words translated where the page is read), the sheet names
    # and the request's number as they are, the placement type as its code
    message = history[-1]["comment_message"]
    assert message["msgid"] == "${placement}; sheets without data removed: ${sheets}"
    assert message["mapping"]["sheets"] == "t_en.xlsx: Бос парақ"
    assert message["mapping"]["placement"]["mapping"]["kind"]["code"] == "replace"
    kk = testapp.get(f"/++api++{url}/@workflow", headers={"Accept-Language": "kk"}).json
    assert "(Ауыстыру)" in kk["history"][-1]["comment"]
    assert "t_en.xlsx: Бос парақ" in kk["history"][-1]["comment"]
