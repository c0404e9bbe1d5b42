"""The placement location step by step (art. 8): in the register's exports and the moderators'
PDF, falling back when a title is missing in the language."""

import csv
import io
import re

import pytest
from pypdf import PdfReader

from statportal.testing import open_portal
from tests.helpers.mail import deliver
from tests.helpers.placement import REQUESTS, as_user
from tests.helpers.register import register, submitted
from tests.helpers.smtp import mail_settings

HTML = {"Accept": "text/html"}


CPI = "/official-statistics/economy/prices/cpi"


def add_cpi_section(client):
    as_user(client, "admin")
    client.post_json("/++api++/official-statistics/economy/prices", {
        "@type": "Section", "id": "cpi",
        "title": {"kk": "Тұтыну бағаларының индекстері", "ru": "Индексы потребительских цен",
                  "en": "Consumer price indices"}}, status=201)


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

    KK_LOCATION = "Ресми статистика → Экономика → Бағалар → Тұтыну бағаларының индекстері"

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
        # The mail itself states the location too (art. 8, when sent by e-mail), in its
        # reader's language (issue 18: the moderator's, kk by default), whatever the
        # request's; the form attached stays in the request's.
        body = message.get_body(("plain",)).get_content()
        assert self.KK_LOCATION in body, body
