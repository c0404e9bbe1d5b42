"""Translation, language negotiation and localised formatting.

Every UI string goes through ``_`` (domain ``statportal``); catalogs for kk, ru
and en live in ``statportal/locale``. The language is chosen by the
``_LOCALE_`` cookie (set by the language switch), then Accept-Language, then
the ``statportal.default_locale`` setting (kk).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal
from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("statportal")

LANGUAGES = ("kk", "ru", "en")
LOCALE_COOKIE = "_LOCALE_"

# The names of the languages in themselves, for the language switch.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# The names of the languages in the page's language, for messages and forms.
LANGUAGE_TITLES = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}

DATE_FORMAT = "d MMMM y"
DATETIME_FORMAT = "d MMMM y, HH:mm"


def available_languages(request):
    from statportal.settings import as_list

    configured = as_list(request.registry.settings, "statportal.available_languages")
    return tuple(lang for lang in configured if lang in LANGUAGES) or LANGUAGES


def negotiate_locale(request):
    """Pyramid locale negotiator: cookie, then Accept-Language, then the default."""
    languages = available_languages(request)
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in languages:
        return cookie
    if request.accept_language:
        best = request.accept_language.lookup(languages, default="")
        if best in languages:
            return best
    return request.registry.settings.get("statportal.default_locale", LANGUAGES[0])


DEFAULT_TIMEZONE = "Asia/Almaty"


def timezone(source=None):
    """The zone every time is shown in and every local day is counted in: the
    ``statportal.timezone`` setting (Asia/Almaty by default) of a request, a registry or
    a settings mapping -- the current registry's when ``source`` is None. The one place
    that reads the setting."""
    if source is None:
        from pyramid.threadlocal import get_current_registry

        source = get_current_registry()
    if hasattr(source, "registry"):
        source = source.registry
    settings = getattr(source, "settings", source)
    return ZoneInfo((settings or {}).get("statportal.timezone") or DEFAULT_TIMEZONE)


def timezone_name(source=None):
    """The zone's IANA name (``X-WR-TIMEZONE``, notes beside times)."""
    return timezone(source).key


def format_date(request, value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(request, value).date()
    return babel_format_date(value, DATE_FORMAT, locale=request.locale_name)


def format_datetime(request, value):
    if value is None:
        return ""
    return babel_format_datetime(
        to_local(request, value), DATETIME_FORMAT, tzinfo=timezone(request),
        locale=request.locale_name,
    )


def format_number(request, value, decimals=None):
    """A number in the request's language; ``decimals`` fixes the digits after the mark
    (data tables write each value with their data's decimals: 12,50 not 12,5)."""
    if decimals is None:
        return format_decimal(value, locale=request.locale_name)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=request.locale_name,
                          decimal_quantization=True)


def format_size(request, size, translate=None):
    """A file's size in the request's language: ``12 bytes``, ``3.4 KB``, ``1.2 MB``.
    ``translate`` is a deform field's where there is no localizer to use."""
    translate = translate or request.localizer.translate
    locale = getattr(request, "locale_name", None) or "en"
    if size < 1024:
        return translate(_("${n} bytes", mapping={"n": size}))
    if size < 1024 * 1024:
        return translate(_("${n} KB", mapping={
            "n": format_decimal(round(size / 1024, 1), locale=locale)}))
    return translate(_("${n} MB", mapping={
        "n": format_decimal(round(size / (1024 * 1024), 1), locale=locale)}))


def interpolate(message):
    """A translation string's default text with its mapping (no catalog); other values
    as text."""
    return message.interpolate() if hasattr(message, "interpolate") else str(message)


def to_local(request, value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(timezone(request))


def pick(request, value, fallback=True):
    """The text of a multilingual value in the request's language.

    Returns ``(text, lang)``; with ``fallback`` the first language that has a
    text is used when the request's language has none, and ``lang`` tells
    which one it was so the page can say so honestly.
    """
    return pick_in(value, request.locale_name, fallback)


def pick_in(value, lang, fallback=True):
    """``pick`` in ``lang`` rather than the request's: for what is written in a language
    of its own (a feed's ``?lang=``, an offline copy's pages)."""
    value = value or {}
    if value.get(lang):
        return value[lang], lang
    if fallback:
        for other in LANGUAGES:
            if value.get(other):
                return value[other], other
    return "", lang


class Plural:
    """A message with plural forms (``ngettext``), translated by ``translate`` or
    ``translate_for`` with the catalog's plural rule (kk and ru have their own)."""

    domain = "statportal"

    def __init__(self, singular, plural, n, mapping=None):
        self.singular, self.plural, self.n = singular, plural, n
        self.mapping = {"n": n, **(mapping or {})}

    def translate(self, localizer):
        return localizer.pluralize(self.singular, self.plural, self.n, domain=self.domain,
                                   mapping=self.mapping)

    def interpolate(self):
        """The English text, without a catalog."""
        from translationstring import TranslationString

        text = self.singular if self.n == 1 else self.plural
        return TranslationString(text, mapping=self.mapping).interpolate()


def ngettext(singular, plural, n, mapping=None):
    """A message whose words follow the number ``n`` (``${n}`` in the texts): "1 working
    day", "3 working days". The catalogs extract it with its plural (``ngettext``)."""
    return Plural(singular, plural, n, mapping)


def translate(request, message):
    """``message`` (a ``_()`` text or an ``ngettext`` plural) in the request's language."""
    if isinstance(message, Plural):
        return message.translate(request.localizer)
    return request.localizer.translate(message)


def localizer_for(registry, language):
    """The registry's Localizer for ``language``: the one Pyramid makes for a request in
    that language (an ``ILocalizer`` utility named after it), made here when no request
    has asked for it yet."""
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ILocalizer, ITranslationDirectories

    localizer = registry.queryUtility(ILocalizer, name=language)
    if localizer is None:
        localizer = make_localizer(language, registry.queryUtility(ITranslationDirectories,
                                                                   default=[]))
        registry.registerUtility(localizer, ILocalizer, name=language)
    return localizer


def translate_for(registry, message, language, mapping=None):
    """``message`` (a ``_()`` translation string) in ``language``, from the registry's
    catalogs: how a mail is written in its recipient's language, whatever the language of
    the request that sends it. ``mapping`` fills the placeholders in one pass, so text a
    user wrote (a title, a reason) is never read as a placeholder."""
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    if isinstance(message, Plural):
        return message.translate(localizer_for(registry, language))
    return localizer_for(registry, language).translate(message, mapping=mapping)


def in_every_language(registry, message, mapping=None, separator=" / "):
    """``message`` in kk, ru and en, one after the other: for notices that go to the office
    (whose staff read all three) rather than to one person in one language."""
    return separator.join(translate_for(registry, message, language, mapping)
                          for language in LANGUAGES)


def label(request, value, fallback=""):
    """Words for a title given either as a kk/ru/en dict or as a translation string."""
    if isinstance(value, dict):
        return pick(request, value)[0] or fallback
    return request.localizer.translate(value) if value else fallback
