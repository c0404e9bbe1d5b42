"""The data API's refusals in the asker's words (R1 findings 11, 12, 13): a valid ``lang``
(``@data?lang=``, a POST body's ``lang``, ``/api/v2``'s ``lang``) chooses the language of
the error messages, else the request's own language; a selection that keeps no code names
the variable; counts take their plural form. A stand-in Russian catalog (the lead
translates at the end) tells the languages apart."""

import pytest
from webtest import TestApp

from tests.helpers.taldau_pxweb import pxweb_app

pytestmark = pytest.mark.filterwarnings(
    "ignore:Shouldn't use this function:DeprecationWarning")

DATA = "/data/labour/wages/@data"
PX = "/api/v2/tables/wages/data"
RUSSIAN = {"Unknown code: ${code}.": "Неизвестный код: ${code}.",
           "Not found.": "Не найдено.",
           "The language must be one of: ${languages}.": "Язык — один из: ${languages}.",
           "Too many requests: at most ${count} a minute. Try again in ${seconds} s.":
           "Слишком много запросов: не более ${count} в минуту."}
RUSSIAN_PLURALS = {"There is ${n} page.": ("Всего ${n} страница.", "Всего ${n} страницы",
                                            "Всего ${n} страниц.")}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with pxweb_app(tmp_path_factory.mktemp("api-errors"), **{
            "statportal.data.requests_per_minute": "100000",
            "statportal.data.max_cells": "40"}) as wsgi:
        yield wsgi


@pytest.fixture
def russian(monkeypatch):
    """A stand-in catalog: the ru localizer knows a few messages (and one plural)."""
    from pyramid.i18n import Localizer

    translate, pluralize = Localizer.translate, Localizer.pluralize

    def fake_translate(self, message, *args, **kwargs):
        if self.locale_name == "ru" and message in RUSSIAN:
            mapping = kwargs.get("mapping") or getattr(message, "mapping", None)
            return type(message)(RUSSIAN[message], mapping=mapping).interpolate()
        return translate(self, message, *args, **kwargs)

    def fake_pluralize(self, singular, plural, n, domain=None, mapping=None):
        if self.locale_name == "ru" and singular in RUSSIAN_PLURALS:
            from translationstring import TranslationString

            forms = RUSSIAN_PLURALS[singular]
            form = forms[0] if n % 10 == 1 and n % 100 != 11 else \
                forms[1] if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else forms[2]
            return TranslationString(form, mapping=mapping).interpolate()
        return pluralize(self, singular, plural, n, domain=domain, mapping=mapping)

    monkeypatch.setattr(Localizer, "translate", fake_translate)
    monkeypatch.setattr(Localizer, "pluralize", fake_pluralize)


def client(app, language="en"):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": language,
                                       "REMOTE_ADDR": "127.0.0.1"})


# -- finding 12: lang chooses the errors' language -----------------------------------------
def test_the_errors_follow_lang_in_the_query_the_body_and_pxweb(app, russian):
    english = client(app, "en")
    unknown = {"valuecodes[region]": "XX"}
    answer = english.get(DATA, {**unknown, "lang": "ru"}, status=400).json
    assert answer["message"] == "Неизвестный код: XX."
    assert answer["errors"] == [{"field": "valuecodes[region]", "type": "invalid",
                                 "message": "Неизвестный код: XX."}]
    body = {"lang": "ru", "valuecodes": {"region": "XX"}}
    assert english.post_json(DATA, body, status=400).json["message"] == \
        "Неизвестный код: XX."
    problem = english.get(PX, {**unknown, "lang": "ru"}, status=400).json
    assert problem["detail"] == "Неизвестный код: XX."
    # without lang: the request's language, as before
    assert english.get(DATA, unknown, status=400).json["message"] == "Unknown code: XX."
    assert client(app, "ru").get(DATA, unknown, status=400).json["message"] == \
        "Неизвестный код: XX."


def test_english_asked_of_a_russian_request_stays_english(app, russian):
    """An English message is its own msgid: translated once, into lang, not again into
    the request's language."""
    answer = client(app, "ru").get(DATA, {"valuecodes[region]": "XX", "lang": "en"},
                                   status=400).json
    assert answer["message"] == "Unknown code: XX."
    answer = client(app, "ru").post_json(DATA, {"lang": "en", "valuecodes": {
        "region": "XX"}}, status=400).json
    assert answer["message"] == "Unknown code: XX."
    secret = "/data/secret/@metadata"  # only an embargoed vintage: 404 to the public
    assert client(app, "ru").get(secret, {"lang": "en"}, status=404).json[
        "message"] == "Not found."
    assert client(app, "en").get(secret, {"lang": "ru"}, status=404).json[
        "message"] == "Не найдено."


def test_a_language_not_offered_is_refused_in_the_requests_language(app, russian):
    answer = client(app, "ru").get(DATA, {"lang": "de"}, status=400).json
    assert answer["errors"][0]["field"] == "lang"
    assert answer["message"] == "Язык — один из: kk, ru, en."
    assert client(app, "en").get(DATA, {"lang": "de"}, status=400).json[
        "message"].startswith("The language must be one of")


def test_the_rate_limit_speaks_lang(tmp_path, russian):
    with pxweb_app(tmp_path, **{"statportal.data.requests_per_minute": "1"}) as wsgi:
        api = client(wsgi, "en")
        api.get("/data/@tables")
        refused = api.get(DATA, {"lang": "ru"}, status=429)
        assert refused.json["message"].startswith("Слишком много запросов")
        assert refused.headers["Retry-After"]
        problem = api.get(PX, {"lang": "ru"}, status=429).json
        assert problem["detail"].startswith("Слишком много запросов")
        assert api.get(DATA, status=429).json["message"].startswith("Too many requests")


# -- finding 13: an empty selection names its variable --------------------------------------
@pytest.mark.parametrize(("body", "words"), [
    ({"selection": [{"variableCode": "region", "valueCodes": []}]},
     "No code of region was selected: valueCodes is empty."),
    ({"selection": [{"variableCode": "region", "valueCodes": ["KZ-Q*"]}]},
     "No code of region was selected: KZ-Q* matches none of its codes."),
])
def test_pxweb_says_which_variable_kept_no_code(app, body, words):
    problem = client(app).post_json(PX, body, status=400).json
    assert problem["detail"] == words
    assert "valuecodes[region]" in str(problem)


def test_an_empty_wildcard_by_get_and_an_empty_native_list_name_the_variable(app):
    api = client(app)
    problem = api.get(PX, {"valuecodes[sex]": "Q*"}, status=400).json
    assert problem["detail"] == "No code of sex was selected: Q* matches none of its codes."
    answer = api.post_json(DATA, {"valuecodes": {"sex": []}}, status=400).json
    assert answer["errors"] == [{"field": "valuecodes[sex]", "type": "invalid", "message":
                                 "No code of sex was selected: the list is empty."}]
    answer = api.get(DATA, {"valuecodes[period]": "from(2030-01)"}, status=400).json
    assert answer["errors"][0]["message"] == (
        "No code of period was selected: the selection matches none of its codes.")


# -- finding 11: plurals ---------------------------------------------------------------------
def test_counts_take_their_plural_form(app, russian):
    api = client(app)
    one = api.get("/api/v2/tables", {"pageNumber": "2"}, status=404).json
    assert one["detail"] == "There is 1 page."
    assert api.get("/api/v2/tables", {"pageNumber": "9", "pageSize": "1"},
                   status=404).json["detail"] == "There are 2 pages."  # the public sees two tables
    assert api.get("/api/v2/tables", {"pageNumber": "9", "pageSize": "1", "lang": "ru"},
                   status=404).json["detail"] == "Всего 2 страницы"
    too_many = api.get(DATA, status=400).json  # 4 x 3 x 4 cells, at most 40
    assert too_many["message"].startswith("The selection has 48 cells; at most 40")
