"""Mail is written by gettext in its reader's language: ``translate_for(registry, message,
language, mapping)`` reads the registry's catalogs; the asker's mail in the question's
language, the office's notices in each recipient's language."""

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from pyramid.i18n import TranslationString
from pyramid.interfaces import ILocalizer, ITranslationDirectories

from statportal.i18n import _, in_every_language, translate_for
from tests.helpers.mail import deliver
from tests.helpers.questions import ask
from tests.helpers.smtp import mail_settings

RECEIVED = "Your question has been received: No. ${number}"
TEST_TEXTS = {"kk": "Сынақ: сұрақ № ${number} қабылданды",
              "ru": "Тест: вопрос № ${number} принят"}


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)


def test_translate_for_reads_the_catalogs_of_the_language(app):
    registry = app.registry
    assert [translate_for(registry, _("Due"), lang) for lang in ("kk", "ru", "en")] == [
        "Мерзімі", "Срок", "Due"]
    assert translate_for(registry, _("Due"), "de") == "Мерзімі"   # not ours: Kazakh
    assert in_every_language(registry, _("Reported")) == "Хабарланды / Сообщено / Reported"
    # The mapping fills the text once: what a user wrote is never read as a placeholder.
    message = _("Reason: ${comment}\n${url}")
    assert translate_for(registry, message, "en", {"comment": "${url}", "url": "U"}) == \
        "Reason: ${url}\nU"


def test_every_mail_text_is_a_message_of_the_catalog():
    from statportal.incidents import rules
    from statportal.placement import notify
    from statportal.questions import messages
    from statportal.releases import currency

    texts = [*notify.SUBJECTS.values(), *notify.BODIES.values(), *messages.OFFICE.values(),
             messages.DIGEST, *currency.SUBJECTS.values(), *currency.BODIES.values(),
             *rules.SUBJECTS.values(),
             *(text for kind in messages.ASKER.values() for text in kind.values())]
    assert len(texts) == 24
    assert all(isinstance(t, TranslationString) and t.domain == "statportal" for t in texts)
    assert not any("\u0400" <= ch <= "\u04ff" for t in texts for ch in t)  # English ids


def _catalog(tmp_path):
    """A catalog directory translating the asker's subject for the test."""
    for lang, text in TEST_TEXTS.items():
        catalog = Catalog(locale=lang, domain="statportal")
        catalog.add(RECEIVED, text)
        folder = tmp_path / "locale" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "statportal.mo", "wb") as out:
            write_mo(out, catalog)
    return str(tmp_path / "locale")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_askers_mail_is_in_the_questions_language(app, testapp, demo, frozen, smtp,
                                                      tmp_path, language):
    # Another catalog directory, read after statportal's (as an add-on's with
    # add_translation_dirs(..., override=True)); no localizer made before it is kept.
    app.registry.getUtility(ITranslationDirectories).append(_catalog(tmp_path))
    for lang in ("kk", "ru", "en"):
        app.registry.unregisterUtility(provided=ILocalizer, name=lang)
    ask(testapp, language=language)
    deliver(app)
    (_to, message), = smtp.messages
    expected = TEST_TEXTS.get(language, RECEIVED).replace("${number}", "2026-000001")
    assert message["Subject"] == expected


def test_the_office_notices_are_in_one_language_each(app, testapp, demo, frozen, smtp):
    """Issue 18: the office's notices are written in the recipient's language (they were
    kk / ru / en run together); tests/mail/test_staff_languages.py sends them."""
    from statportal.questions.messages import OFFICE, office_message, office_subject

    for lang in ("kk", "ru", "en"):
        subject = office_subject(app.registry, "routed", "2026-000001", lang)
        assert subject == translate_for(app.registry, OFFICE["routed"], lang) + \
            ": № 2026-000001"
        assert " / " not in subject
        assert office_message(app.registry, "routed", "2026-000001", "L", lang) == (
            subject, f"{subject}\n\nL\n")
