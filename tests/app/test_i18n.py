"""Every UI string is translated into Kazakh and Russian, and the compiled catalogs are current."""

import io
import re

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from statportal.scripts import catalogs

PLACEHOLDER = re.compile(r"\$\{[a-z_]+\}")


def _po(lang, domain="statportal"):
    with open(catalogs.LOCALE / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages the code and templates use now (extracted afresh with lingva)."""
    pot = catalogs.extract(tmp_path_factory.mktemp("pot") / "statportal.pot")
    with open(pot, "rb") as f:
        return [m.id for m in read_po(f) if m.id]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_translated(extracted, lang):
    catalog = _po(lang)
    missing = [msgid for msgid in extracted
               if catalog.get(msgid) is None or not _complete(catalog.get(msgid).string)
               or catalog.get(msgid).fuzzy]
    assert missing == [], f"untranslated in {lang}: {missing}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_placeholders_kept(lang):
    for message in _po(lang):
        if not (message.id and message.string):
            continue
        # a plural's every form keeps the placeholders of the singular (they are the same
        # in the plural by the extraction's own check)
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert sorted(PLACEHOLDER.findall(source)) == \
                sorted(PLACEHOLDER.findall(string)), message.id


def _complete(string):
    """A translation with every form filled (a plural has one per form of the language)."""
    if isinstance(string, tuple):
        return bool(string) and all(string)
    return bool(string)


@pytest.mark.parametrize("po_path", sorted(catalogs.LOCALE.glob("*/LC_MESSAGES/*.po")),
                         ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_compiled_catalogs_current(po_path):
    with open(po_path, "rb") as f:
        catalog = read_po(f, locale=po_path.parts[-3])
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    assert po_path.with_suffix(".mo").read_bytes() == buffer.getvalue(), \
        "run `make catalogs` and commit the .mo files"


def test_colander_messages_in_kazakh(testapp, demo):
    """Validation messages of colander itself come in Kazakh too."""
    from statportal.testing import basic_auth

    testapp.authorization = basic_auth("admin")
    response = testapp.post_json("/++api++/principals/users", {
        "@type": "User", "id": "x", "email": "x@stat.kz", "password": "a long password"},
        headers={"Accept-Language": "kk"}, status=400)
    assert response.json["errors"][0]["field"] == "fullname"
    assert response.json["errors"][0]["message"] == _po("kk", "colander").get("Required").string


def test_dates_localised():
    from datetime import UTC, datetime

    from pyramid import testing

    from statportal.i18n import format_date, format_datetime

    moment = datetime(2026, 11, 27, 5, 30, tzinfo=UTC)
    expected = {"kk": "27 қараша 2026", "ru": "27 ноября 2026", "en": "27 November 2026"}
    for lang, text in expected.items():
        request = testing.DummyRequest()
        request.locale_name = lang
        request.registry.settings = {"statportal.timezone": "Asia/Almaty"}
        assert format_date(request, moment) == text
        assert format_datetime(request, moment).endswith("10:30")  # Asia/Almaty is UTC+5
