"""The staff page of a question says its language (in the page's language); the public
Q&A list tags each question with its language's own name, marked with ``lang``."""

from tests.helpers.placement import as_user, step
from tests.helpers.questions import UNIT, ask, path


def _published(testapp, language, text):
    url = path(ask(testapp, language=language, text=text, email=f"{language}@x.kz",
                   remote=f"203.0.113.{ord(language[0])}").json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    as_user(testapp, "aigerim").patch_json(url, {"answer": f"Answer {language}"})
    step(testapp, "aigerim", url, "answer")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "publish")
    return url.replace("/++api++", "")


def test_the_staff_page_shows_the_language(app, testapp, demo, frozen):
    url = path(ask(testapp, language="ru").json).replace("/++api++", "")
    as_user(testapp, "dana")
    for accept, words in (("en", "Russian"), ("ru", "Русский"), ("kk", "Орыс")):
        page = testapp.get(url, headers={"Accept": "text/html", "Accept-Language": accept})
        shown = page.html.find("dd", class_="question-language").text
        assert words.casefold() in shown.casefold(), (accept, shown)
    assert page.html.find("blockquote", class_="question")["lang"] == "ru"


def test_the_public_list_tags_each_questions_language(app, testapp, demo, frozen):
    _published(testapp, "kk", "Жалақы туралы сұрақ")
    _published(testapp, "ru", "Вопрос о зарплате")
    page = as_user(testapp, None).get("/questions", headers={"Accept": "text/html",
                                                              "Accept-Language": "en"})
    tags = [(tag["lang"], tag.text) for tag in page.html.select("article.qa .lang-tag")]
    assert sorted(tags) == [("kk", "Қазақша"), ("ru", "Русский")]
    for article in page.html.select("article.qa"):
        language = article.select_one(".lang-tag")["lang"]
        assert article.select_one("blockquote.question")["lang"] == language
        assert article.select_one(".answer")["lang"] == language
        assert article.get("lang") is None       # the topic and date are the page's
