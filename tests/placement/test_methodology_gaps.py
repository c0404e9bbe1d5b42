"""Issue 15, item 6: small gaps of the methodology.

The register's note (art. 12.5), the placement location step by step in the moderators'
PDF and the register's export (art. 8), the placed materials of an executor's unit
(art. 10.1), and texts given in three languages shown in the page's language.
"""

import csv
import io
import re

import pytest
from pypdf import PdfReader

from statportal.testing import last_transaction, login_html, open_portal
from tests.conftest import mail_settings
from tests.test_mail import deliver
from tests.test_placement import REQUESTS, as_user, b64, step
from tests.test_placement import new_request as _new_request

HTML = {"Accept": "text/html"}
CPI = "/official-statistics/economy/prices/cpi"


def new_request(client, **changes):
    """A request with a text document: no table, so no basis is needed to place it."""
    return _new_request(client, **{"files": [b64("report.docx")], **changes})


def submitted(client, **changes):
    url = new_request(client, **changes)
    step(client, "aigerim", url, "submit")
    step(client, "marat", url, "approve")
    return url


def register(client, url, body, status=200, login="dana"):
    as_user(client, login)
    return client.post_json(f"{url}/@workflow/register", body, status=status)


def patch(client, url, body, login, status=200):
    as_user(client, login)
    return client.patch_json(url, body, status=status)


def add_cpi_section(client):
    as_user(client, "admin")
    client.post_json("/++api++/official-statistics/economy/prices", {
        "@type": "Section", "id": "cpi",
        "title": {"kk": "Тұтыну бағаларының индекстері", "ru": "Индексы потребительских цен",
                  "en": "Consumer price indices"}}, status=201)


# -- 1. the register's note ---------------------------------------------------------------


class TestRegisterNote:
    def test_written_at_registration_and_later_apart_from_the_executors_note(
            self, testapp, demo):
        url = submitted(testapp, note="Ағылшын нұсқасы кейін")
        register(testapp, url, {"register_note": "Қағаз нұсқасы 28.11 алынды"})
        data = testapp.get(url).json
        assert data["review_state"] == "registered"
        assert data["register_note"] == "Қағаз нұсқасы 28.11 алынды"
        assert data["note"] == "Ағылшын нұсқасы кейін"
        # After registration the coordinator still writes it; nobody else does.
        patch(testapp, url, {"register_note": "Scan sent to the moderator"}, "dana")
        step(testapp, "yerlan", url, "place")
        patch(testapp, url, {"register_note": "Placed late: portal failure"}, "dana")
        for login in ("aigerim", "marat", "yerlan"):
            patch(testapp, url, {"register_note": "mine"}, login, status=403)
        # The executor cannot edit a placed request at all, the note included.
        patch(testapp, url, {"note": "x"}, "aigerim", status=403)
        as_user(testapp, "dana")
        data = testapp.get(url).json
        assert (data["register_note"], data["note"]) == ("Placed late: portal failure",
                                                         "Ағылшын нұсқасы кейін")
        row, = testapp.get(f"{REQUESTS}/@register").json["items"]
        assert row["register_note"] == "Placed late: portal failure"
        assert row["note"] == "Ағылшын нұсқасы кейін"
        # An empty text clears it.
        patch(testapp, url, {"register_note": ""}, "dana")
        assert testapp.get(url).json["register_note"] == ""
        # Every change is kept in the history, with who wrote it.
        notes = [(h["actor"], h["comment"]) for h in testapp.get(f"{url}/@workflow").json[
            "history"] if h["action"] == "register_note"]
        assert notes == [("dana", "Қағаз нұсқасы 28.11 алынды"),
                         ("dana", "Scan sent to the moderator"),
                         ("dana", "Placed late: portal failure"), ("dana", "")]

    def test_the_executor_may_send_it_back_unchanged_but_not_write_it(self, app, testapp,
                                                                       demo):
        url = new_request(testapp)
        as_user(testapp, "aigerim")
        whole = testapp.get(url).json
        assert whole["register_note"] == ""
        testapp.patch_json(url, {"register_note": "", "page_count": 4})
        before = last_transaction(app)
        response = testapp.patch_json(url, {"register_note": "I register myself",
                                            "page_count": 5}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before
        response = testapp.post_json(REQUESTS, {**_payload(), "register_note": "x"},
                                     status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before

    @pytest.mark.parametrize("value", [5, False, 0, [], ["a"], {"kk": "a"}])
    def test_not_a_string_is_refused_by_name(self, app, testapp, demo, value):
        url = submitted(testapp)
        register(testapp, url, {"register_note": "first"})
        before = last_transaction(app)
        response = patch(testapp, url, {"register_note": value}, "dana", status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before
        assert testapp.get(url).json["register_note"] == "first"

    def test_a_bad_note_in_the_transition_body_registers_nothing(self, app, testapp, demo):
        url = submitted(testapp)
        before = last_transaction(app)
        response = register(testapp, url, {"register_note": 12}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        response = register(testapp, url, {"register_note": "x" * 2001}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before
        data = testapp.get(url).json
        assert data["review_state"] == "submitted" and data["number"] is None
        # Another unit's coordinator may not register it, note or not.
        register(testapp, url, {"register_note": "x"}, status=403, login="aidos")
        assert last_transaction(app) == before

    def test_html_form_register_page_and_request_page(self, testapp, demo):
        api = submitted(testapp)
        register(testapp, api, {})
        url = api.replace("/++api++", "")
        testapp.authorization = None
        login_html(testapp, "dana")
        page = testapp.get("/requests/@register", headers=HTML)
        assert "Write a note" in page.text
        form = testapp.get(f"{url}/@@register-note", headers=HTML).forms["edit-form"]
        form["register_note"] = "Қағаз нұсқасы <b>алынды</b>"
        form.submit("submit").follow(headers=HTML)
        page = testapp.get("/requests/@register", headers=HTML)
        cell = page.html.select_one("td.register-note")
        assert "Қағаз нұсқасы <b>алынды</b>" in cell.text  # escaped, shown as typed
        assert "Edit note" in cell.text
        shown = testapp.get(url, headers=HTML).html.select_one("dd.register-note").text
        assert "Қағаз нұсқасы <b>алынды</b>" in shown
        # Emptied in the form, it is cleared.
        form = testapp.get(f"{url}/@@register-note", headers=HTML).forms["edit-form"]
        form["register_note"] = ""
        form.submit("submit")
        as_user(testapp, "dana")
        assert testapp.get(api).json["register_note"] == ""
        # The executor has no such form, and no such field on the edit form of a draft.
        testapp.reset()
        testapp.authorization = None
        login_html(testapp, "aigerim")
        testapp.get(f"{url}/@@register-note", headers=HTML, status=403)
        draft = new_request(testapp).replace("/++api++", "")
        testapp.authorization = None
        edit = testapp.get(f"{draft}/@@edit", headers=HTML)
        assert edit.forms["edit-form"]["register_note"].attrs.get("type") == "hidden"

    def test_without_csrf_nothing_is_written(self, app, testapp, demo):
        url = submitted(testapp).replace("/++api++", "")
        testapp.authorization = None
        login_html(testapp, "dana")
        before = last_transaction(app)
        testapp.post(f"{url}/@@register-note", {"register_note": "x", "submit": "submit"},
                     headers=HTML, status=400)
        assert last_transaction(app) == before


def _payload(**changes):
    from tests.test_placement import payload

    return payload(**changes)


# -- 2. the location, step by step ---------------------------------------------------------


def flat(text):
    return re.sub(r"\s+", " ", text)


class TestLocation:
    def test_register_exports_read_back(self, testapp, demo):
        from openpyxl import load_workbook

        add_cpi_section(testapp)
        url = submitted(testapp, section=CPI, note="=1+1")
        register(testapp, url, {"register_note": "Скан отправлен модератору"})
        as_user(testapp, "dana")
        body = testapp.get(f"{REQUESTS}/@register?format=xlsx",
                           headers={"Accept-Language": "ru"}).body
        sheet = load_workbook(io.BytesIO(body)).active
        header = [cell.value for cell in sheet[1]]
        values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
        assert values["Примечание"] == "=1+1" and sheet["K2"].data_type == "s"
        location = "Официальная статистика → Экономика → Цены → Индексы потребительских цен"
        assert sheet.cell(row=2, column=12).value == location
        assert sheet.cell(row=2, column=13).value == "Скан отправлен модератору"
        response = testapp.get(f"{REQUESTS}/@register?format=csv",
                               headers={"Accept-Language": "en"})
        assert response.content_type == "text/csv"
        text = response.body.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 2
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["Location on the portal"] == (
            "Official statistics → Economy → Prices → Consumer price indices")
        assert row["Register note"] == "Скан отправлен модератору"
        assert row["Note"] == "'=1+1"  # not a formula in a spreadsheet
        page = testapp.get("/requests/@register", headers={**HTML, "Accept-Language": "kk"})
        assert "Экономика → Бағалар → Тұтыну бағаларының индекстері" in page.text

    def test_a_title_missing_in_the_language_falls_back(self, testapp, demo):
        from statportal.placement.annex import location

        add_cpi_section(testapp)
        as_user(testapp, "admin")
        testapp.post_json(f"/++api++{CPI}", {"@type": "Section", "id": "monthly",
                                              "title": {"ru": "Ежемесячно"}}, status=201)
        app = testapp.app
        with open_portal(app) as portal:
            assert location(portal, CPI + "/monthly", "en") == (
                "Official statistics → Economy → Prices → Consumer price indices → "
                "Ежемесячно")
            assert location(portal, "/official-statistics/gone", "en") == (
                "Official statistics → gone")


@pytest.fixture
def mail_app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port, **{
        "mail.default_sender": "portal@stat.example.kz",
        "statportal.mail.deliver_in_process": "false"})


class TestPdf:
    @pytest.fixture
    def app_settings(self, mail_app_settings):
        return mail_app_settings

    @pytest.mark.parametrize(("languages", "title", "expected"), [
        (["ru"], {"ru": "ИПЦ, ноябрь 2026"},
         ("Место размещения на интернет-ресурсе (раздел → подраздел)",
          "Официальная статистика → Экономика → Цены → Индексы потребительских цен",
          "Примечание в реестре", "Скан отправлен")),
        (["kk", "ru"], {"kk": "ТБИ, қараша 2026"},
         ("Интернет-ресурстағы орны (бөлім → ішкі бөлік)",
          "Ресми статистика → Экономика → Бағалар → Тұтыну бағаларының индекстері",
          "Тізілімдегі ескертпе", "Скан отправлен")),
    ])
    def test_the_form_names_the_location_step_by_step(self, app, testapp, demo, smtp,
                                                      languages, title, expected):
        add_cpi_section(testapp)
        url = submitted(testapp, section=CPI, languages=languages, title=title)
        register(testapp, url, {"register_note": "Скан отправлен"})
        assert deliver(app) == (1, 0)
        (_recipients, message), = smtp.messages
        pdf, = message.iter_attachments()
        text = flat(PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0]
                    .extract_text())
        for words in expected:
            assert words in text, (words, text)
        # The mail itself states the location too (art. 8, when sent by e-mail).
        body = message.get_body(("plain",)).get_content()
        assert expected[1] in body, body


# -- 3. the placed materials of the executor's unit (art. 10.1) -----------------------------


def placed(client, **changes):
    url = submitted(client, **changes)
    register(client, url, {})
    step(client, "yerlan", url, "place")
    as_user(client, "aigerim")
    return client.get(url).json


class TestPlacedMaterials:
    def test_the_executor_sees_what_was_placed_from_the_units_requests(self, testapp, demo):
        first = placed(testapp, title={"ru": "Промышленное производство, октябрь 2026"},
                       languages=["ru"])
        material = first["material"]
        revised = placed(testapp, placement_type="replace", replaces=material, languages=["en"],
               title={"en": "Industrial production, October 2026 (revised)"},
               files=[{**b64("report.docx"), "language": "en"}])
        other = placed(testapp, title={"kk": "Өнеркәсіп, қараша 2026"}, languages=["kk"])
        testapp.authorization = None
        login_html(testapp, "aigerim")
        page = testapp.get("/my-work", headers={**HTML, "Accept-Language": "en"})
        rows = page.html.select("#placed-materials tbody tr")
        # One row per material, the latest placement first; the replaced one once.
        assert len(rows) == 2
        links = [row.select_one("a") for row in rows]
        assert links[0]["href"] == f"http://localhost{other['material']}"
        assert links[0].text == "Өнеркәсіп, қараша 2026" and links[0]["lang"] == "kk"
        assert links[1]["href"] == f"http://localhost{material}"
        assert links[1].text == "Industrial production, October 2026 (revised)"
        assert links[1]["lang"] == "en"
        assert rows[1].select_one("time")["datetime"] == revised["executed_at"]
        assert rows[1].select_one("a[href*='/" + revised["id"] + "']").text == \
            revised["number"]
        assert "Published" in rows[0].text
        # The public link is the public page.
        testapp.reset()
        testapp.authorization = None
        testapp.get(material, headers=HTML, status=200)

    def test_other_units_and_the_office_do_not_get_the_list(self, testapp, demo):
        placed(testapp)
        as_user(testapp, "admin")
        testapp.post_json("/++api++/principals/users", {
            "@type": "User", "id": "saule", "fullname": "Сәуле", "email": "saule@stat.kz",
            "org_unit": "/orgunits/labour-statistics", "password": "a long password"})
        testapp.post_json("/++api++/orgunits/labour-statistics/@sharing",
                          {"principal": "user:saule", "grant": ["Executor"]})
        for login, password in (("saule", "a long password"), ("zhanar", None)):
            testapp.reset()
            testapp.authorization = None
            login_html(testapp, login, *([password] if password else []))
            page = testapp.get("/my-work", headers=HTML)
            assert page.html.select_one("#placed-materials") is None, login


# -- 4. texts given in three languages, in the page's language --------------------------------

REASON = {"kk": "Екі облыстың есептері кешікті", "ru": "Отчёты двух областей опоздали",
          "en": "Returns from two regions were late"}


def postponed(client, reason):
    from tests.test_calendar_api import add

    url = add(client).json["@id"].replace("http://localhost", "")
    client.patch_json(url, {"release_at": "2026-12-15T10:00:00+05:00", "reason": reason})
    return url


def page_of(client, url, lang):
    client.authorization = None
    return client.get(url.replace("/++api++", ""),
                      headers={**HTML, "Accept-Language": lang}).html


class TestReasons:
    def test_a_reason_in_three_languages_is_shown_in_the_pages(self, testapp, demo, frozen):
        url = postponed(testapp, REASON)
        public = as_user(testapp, None).get(url).json
        assert public["changes"][0]["reason"] == REASON  # JSON keeps all three
        for lang in ("kk", "ru", "en"):
            others = [text for other, text in REASON.items() if other != lang]
            for html in (page_of(testapp, url, lang), page_of(testapp, "/calendar", lang)):
                reasons = [s for s in html.select("span[lang]") if s.text in REASON.values()]
                assert [(s.text, s["lang"]) for s in reasons] == [(REASON[lang], lang)]
                assert not any(text in html.text for text in others)
        feed = testapp.get("/calendar/@ical?lang=ru").text.replace("\r\n ", "")
        assert REASON["ru"] in feed and REASON["kk"] not in feed and REASON["en"] not in feed

    def test_a_missing_language_falls_back_and_says_which(self, testapp, demo, frozen):
        url = postponed(testapp, {"ru": REASON["ru"], "en": ""})
        assert as_user(testapp, None).get(url).json["changes"][0]["reason"] == {
            "ru": REASON["ru"]}
        reason, = [s for s in page_of(testapp, url, "en").select("span[lang]")
                   if s.text == REASON["ru"]]
        assert reason["lang"] == "ru"
        # One text whose language was not said is shown as it is, without a claim.
        other = postponed(testapp, "Late returns")
        html = page_of(testapp, other, "kk")
        assert "Late returns" in html.text
        assert not [s for s in html.select("span[lang]") if s.text == "Late returns"]

    def test_the_entrys_description_and_notice_say_their_language(self, testapp, demo,
                                                                  frozen):
        from tests.test_calendar_api import add

        url = add(testapp, description={"en": "The monthly index."}).json["@id"].replace(
            "http://localhost", "")
        testapp.patch_json(url, {"status": "cancelled",
                                 "cancel_notice": {"ru": "Объединено с бюллетенем."}})
        html = page_of(testapp, url, "kk")
        lead = html.select_one("p.lead")
        assert (lead.text, lead["lang"]) == ("The monthly index.", "en")
        notices = html.select("[lang]")
        assert [(n.name, n["lang"]) for n in notices
                if n.text.strip() == "Объединено с бюллетенем."] == [("p", "ru"), ("span", "ru")]
        cancelled = page_of(testapp, "/calendar?view=cancelled", "en")
        notice = cancelled.select_one("p.notice")
        assert (notice.text, notice["lang"]) == ("Объединено с бюллетенем.", "ru")

    @pytest.mark.parametrize(("reason", "field"), [
        (5, "reason"), (["a"], "reason"), ({"de": "Verspätung"}, "reason"),
        ({"kk": 5}, "reason.kk"), ({"kk": " ", "ru": ""}, "reason"), ({"ru": "x" * 1001},
                                                                      "reason.ru")])
    def test_bad_reasons_are_refused_by_name(self, app, testapp, demo, frozen, reason, field):
        from tests.test_calendar_api import add

        url = add(testapp).json["@id"].replace("http://localhost", "")
        before = last_transaction(app)
        response = testapp.patch_json(url, {"release_at": "2026-12-15T10:00:00+05:00",
                                            "reason": reason}, status=400)
        assert field in [e["field"] for e in response.json["errors"]], response.json
        assert last_transaction(app) == before

    def test_the_edit_form_takes_a_reason_per_language(self, testapp, demo, frozen):
        from tests.test_calendar_api import add

        url = add(testapp).json["@id"].replace("http://localhost", "").replace("/++api++", "")
        testapp.authorization = None
        login_html(testapp, "dana")
        form = testapp.get(f"{url}/@@edit", headers=HTML).forms["edit-form"]
        form["release_at"] = "2026-12-15T10:00:00+05:00"
        texts = [f for f in form.field_order if f[0] in ("kk", "ru", "en")]
        # title (kk ru en), description (kk ru en), reason (kk ru en), cancel_notice …
        reason_fields = [f for name, f in texts if f.tag == "textarea"][3:6]
        for field, lang in zip(reason_fields, ("kk", "ru", "en"), strict=True):
            field.value = REASON[lang]
        form.submit("submit")
        as_user(testapp, "dana")
        data = testapp.get(f"/++api++{url}").json
        assert data["changes"][0]["reason"] == REASON


KEYWORDS = {"kk": ["өнеркәсіп", "индекс"], "ru": ["промышленность", "индекс"],
            "en": ["industry", "index"]}


def material_with(client, keywords):
    """A published material (a Russian text document: no table to check) with these
    keywords."""
    from tests.test_materials import add, publish, upload
    from tests.test_placement import SAMPLES

    files = [upload("report.docx", SAMPLES["report.docx"], "ru")]
    url = add(client, keywords=keywords, files=files, languages=["ru"])
    publish(client, url)
    return url


class TestKeywords:
    def keywords_on(self, client, url, lang):
        client.authorization = None
        html = client.get(url, headers={**HTML, "Accept-Language": lang}).html
        shown = html.select_one("dd.keywords")
        return shown.text.strip(), shown.get("lang")

    def test_keywords_by_language_are_shown_in_the_pages_language(self, testapp, demo):
        url = material_with(testapp, KEYWORDS)
        as_user(testapp, None)
        assert testapp.get(f"/++api++{url}").json["keywords"] == KEYWORDS
        assert self.keywords_on(testapp, url, "kk") == ("өнеркәсіп, индекс", "kk")
        assert self.keywords_on(testapp, url, "ru") == ("промышленность, индекс", "ru")
        assert self.keywords_on(testapp, url, "en") == ("industry, index", "en")
        # Every language's keywords find it.
        for word in ("промышленность", "industry", "өнеркәсіп"):
            found = testapp.get("/@search", {"SearchableText": word}).json
            assert url in [item["@id"].replace("http://localhost", "")
                           for item in found["items"]], word

    def test_a_missing_language_falls_back_and_a_plain_list_stays_as_it_is(self, testapp,
                                                                           demo):
        url = material_with(testapp, {"ru": "промышленность, индекс"})
        assert self.keywords_on(testapp, url, "en") == ("промышленность, индекс", "ru")
        plain = material_with(testapp, ["өнеркәсіп", "industry"])
        as_user(testapp, None)
        assert testapp.get(f"/++api++{plain}").json["keywords"] == ["өнеркәсіп", "industry"]
        assert self.keywords_on(testapp, plain, "ru") == ("өнеркәсіп, industry", None)

    def test_the_form_writes_them_by_language_and_keeps_them(self, testapp, demo):
        url = material_with(testapp, KEYWORDS)
        testapp.authorization = None
        login_html(testapp, "yerlan")
        form = testapp.get(f"{url}/@@edit", headers=HTML).forms["edit-form"]
        assert form["keywords"].value == (
            "kk: өнеркәсіп, индекс; ru: промышленность, индекс; en: industry, index")
        form.submit("submit")
        as_user(testapp, None)
        assert testapp.get(f"/++api++{url}").json["keywords"] == KEYWORDS
        testapp.authorization = None
        form = testapp.get(f"{url}/@@edit", headers=HTML).forms["edit-form"]
        form["keywords"] = "ru: цены ; en: prices, CPI"
        form.submit("submit")
        as_user(testapp, None)
        assert testapp.get(f"/++api++{url}").json["keywords"] == {
            "ru": ["цены"], "en": ["prices", "CPI"]}

    @pytest.mark.parametrize("keywords", [
        {"de": ["Industrie"]}, {"kk": 5}, {"ru": [1]}, "kk: a; kk: b", "kk: a; b", 7,
        {"en": ["x" * 81]}])
    def test_bad_keywords_are_refused_by_name(self, app, testapp, demo, keywords):
        url = material_with(testapp, KEYWORDS)
        before = last_transaction(app)
        as_user(testapp, "yerlan")
        response = testapp.patch_json(f"/++api++{url}", {"keywords": keywords}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["keywords"]
        assert last_transaction(app) == before


def test_the_openapi_document_says_what_the_fields_take(testapp):
    schemas = testapp.get("/@openapi.json").json["components"]["schemas"]
    keywords = schemas["Material"]["properties"]["keywords"]["oneOf"]
    assert [k["type"] for k in keywords] == ["string", "array", "object"]
    assert set(keywords[2]["properties"]) == {"kk", "ru", "en"}
    reason = schemas["ReleaseEntry"]["properties"]["reason"]
    assert [r["type"] for r in reason["oneOf"]] == ["string", "object"]
    assert reason["writeOnly"] is True
    assert schemas["PlacementRequest"]["properties"]["register_note"]["type"] == "string"
