"""Mail of the request workflow, through a real SMTP server; the annex PDF read back."""

import io

import pytest
from pypdf import PdfReader

from statportal.testing import make_settings
from tests.helpers.mail import deliver
from tests.helpers.placement import REQUESTS, as_user, payload, step


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return make_settings(tmp_path, **{
        "mail.host": "127.0.0.1", "mail.port": str(smtp_port),
        "mail.default_sender": "portal@stat.example.kz",
        "statportal.mail.deliver_in_process": "false"})


def registered(client, **changes):
    as_user(client, "aigerim")
    url = client.post_json(REQUESTS, payload(**changes), status=201).json["@id"].replace(
        "http://localhost", "")
    step(client, "aigerim", url, "submit")
    step(client, "marat", url, "approve")
    step(client, "dana", url, "register")
    return url


def test_moderators_get_the_form_as_pdf_in_kazakh(app, testapp, demo, smtp):
    url = registered(testapp)
    number = testapp.get(url).json["number"]
    assert deliver(app) == (1, 0)
    (recipients, message), = smtp.messages
    assert recipients == ["yerlan@stat.example.kz"]
    assert message["Subject"] == f"Орналастыруға өтінім {number} тіркелді"
    pdf, = message.iter_attachments()
    assert pdf.get_filename() == f"request-{number}.pdf"
    text = PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0].extract_text()
    for expected in ("Интернет-ресурста ақпараттық материалды орналастыруға өтінім", number,
                     "Өнеркәсіп өндірісі, қазан 2026", "Өнеркәсіп статистикасы басқармасы",
                     "report.xlsx", "05-12/345", "Әйгерім Сейітова", "Жаңа"):
        assert expected in text, expected


def test_russian_request_gets_a_russian_form(app, testapp, demo, smtp):
    registered(testapp, languages=["ru"], title={"ru": "Промышленное производство"})
    deliver(app)
    (_recipients, message), = smtp.messages
    pdf, = message.iter_attachments()
    text = PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0].extract_text()
    assert "Заявка на размещение информационного материала" in text
    assert "Управление статистики промышленности" in text


def test_executor_hears_of_return_and_placement(app, testapp, demo, smtp):
    url = registered(testapp)
    step(testapp, "yerlan", url, "return", comment="Орыс тіліндегі файл жоқ ${number}")
    deliver(app)
    returned = [m for r, m in smtp.messages if r == ["aigerim@stat.example.kz"]]
    assert len(returned) == 1
    body = returned[0].get_body(("plain",)).get_content()
    assert "Орыс тіліндегі файл жоқ ${number}" in body  # the reason, never substituted
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    step(testapp, "yerlan", url, "place")
    deliver(app)
    placed = [m for r, m in smtp.messages if r == ["aigerim@stat.example.kz"]][-1]
    assert placed["Subject"].startswith("Материал орналастырылды")
    assert "/official-statistics/economy/industry/" in placed.get_body(("plain",)).get_content()
