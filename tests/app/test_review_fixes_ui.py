"""Review of issue 18's UI, fixes checked over the real WSGI app (WebTest)."""

import re

from statportal.testing import last_transaction, login_html
from tests.helpers.placement import new_request

HTML = {"Accept": "text/html"}


def test_a_missing_title_names_the_languages_not_their_codes(app, testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/official-statistics/@@contents", headers=HTML)
    form = page.click(href=re.escape("@@add?type=Section")).forms["edit-form"]
    before = last_transaction(app)
    page = form.submit("submit")
    assert "Give it in at least one language: Қазақша, Русский, English." in page.text
    assert "kk, ru or en" not in page.text
    assert last_transaction(app) == before



def test_my_work_links_a_request_without_a_number_by_its_title_only(testapp, demo):
    draft = new_request(testapp, title={"kk": "Нөмірсіз", "ru": "Без номера",
                                        "en": "No number yet"})
    url = "http://localhost" + draft.replace("/++api++", "")
    testapp.reset()
    testapp.authorization = None
    login_html(testapp, "aigerim")
    work = testapp.get("/my-work", headers=HTML)
    tables = [work.html.find("table", id="my-requests"),
              work.html.find("caption", string=re.compile("waiting for you")).parent]
    for table in tables:
        row = next(tr for tr in table.find("tbody").find_all("tr")
                   if "No number yet" in tr.get_text())
        number, title = row.find_all("td")[:2]
        assert number.get_text(strip=True) == "—" and number.find("a") is None
        assert [a["href"].rstrip("/") for a in title.find_all("a")] == [url.rstrip("/")]
