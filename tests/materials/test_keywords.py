"""A material's keywords by language are shown in the page's language; the form writes them by
language; bad keywords are refused by name."""

import pytest

from statportal.testing import last_transaction, login_html
from tests.helpers.placement import as_user

HTML = {"Accept": "text/html"}


CPI = "/official-statistics/economy/prices/cpi"


KEYWORDS = {"kk": ["өнеркәсіп", "индекс"], "ru": ["промышленность", "индекс"],
            "en": ["industry", "index"]}


def material_with(client, keywords):
    """A published material (a Russian text document: no table to check) with these
    keywords."""
    from tests.helpers.files import SAMPLES
    from tests.helpers.materials import add, publish, upload

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
