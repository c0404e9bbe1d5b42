"""The executor's notices (returned, rejected, placed) are in her own language (her
account's preference), whatever the request's language: one language, never three.
A real SMTP server."""

import pytest

from statportal.i18n import translate_for
from statportal.placement.notify import BODIES, SUBJECTS
from statportal.testing import make_settings
from tests.helpers.mail import deliver
from tests.helpers.placement import REQUESTS, as_user, payload, step

OTHERS = {"kk": ("ru", "en"), "ru": ("kk", "en"), "en": ("kk", "ru")}


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return make_settings(tmp_path, **{
        "mail.host": "127.0.0.1", "mail.port": str(smtp_port),
        "mail.default_sender": "portal@stat.example.kz",
        "statportal.mail.deliver_in_process": "false"})


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_executor_reads_her_notices_in_her_language(app, testapp, demo, smtp, language):
    as_user(testapp, "aigerim").patch_json("/++api++/@preferences", {"language": language})
    # A Kazakh-only request: the notices still follow the reader, not the request.
    url = testapp.post_json(REQUESTS, payload(languages=["kk"], title={
        "kk": "Өнеркәсіп өндірісі", "ru": "Промышленное производство",
        "en": "Industrial production"}), status=201).json["@id"].replace(
        "http://localhost", "")
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    deliver(app)
    smtp.messages.clear()
    step(testapp, "yerlan", url, "return", comment="Файл жоқ")
    deliver(app)
    (to, message), = smtp.messages
    assert to == ["aigerim@stat.example.kz"]
    titles = {"kk": "Өнеркәсіп өндірісі", "ru": "Промышленное производство",
              "en": "Industrial production"}
    assert message["Subject"] == translate_for(app.registry, SUBJECTS["return"], language,
                                               {"title": titles[language]})
    body = message.get_body(("plain",)).get_content()

    def first_line(lang):
        return translate_for(app.registry, BODIES["return"], lang, {
            "comment": "", "url": ""}).splitlines()[0]

    assert first_line(language) in body and "Файл жоқ" in body
    assert not any(first_line(other) in body for other in OTHERS[language])
    assert not any(titles[other] in message["Subject"] for other in OTHERS[language])
