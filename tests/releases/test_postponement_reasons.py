"""A release entry's reasons, description and notice given in three languages are shown in the
page's language, falling back and saying which when one is missing."""

import pytest

from statportal.testing import last_transaction, login_html
from tests.helpers.placement import as_user

HTML = {"Accept": "text/html"}


REASON = {"kk": "Екі облыстың есептері кешікті", "ru": "Отчёты двух областей опоздали",
          "en": "Returns from two regions were late"}


def postponed(client, reason):
    from tests.helpers.calendar import add

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
        from tests.helpers.calendar import add

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
        from tests.helpers.calendar import add

        url = add(testapp).json["@id"].replace("http://localhost", "")
        before = last_transaction(app)
        response = testapp.patch_json(url, {"release_at": "2026-12-15T10:00:00+05:00",
                                            "reason": reason}, status=400)
        assert field in [e["field"] for e in response.json["errors"]], response.json
        assert last_transaction(app) == before

    def test_the_edit_form_takes_a_reason_per_language(self, testapp, demo, frozen):
        from tests.helpers.calendar import add

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
