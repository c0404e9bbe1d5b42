"""Review of issue 18's UI, fixes checked over the real WSGI app (WebTest)."""

import re

from statportal.testing import last_transaction, login_html

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

