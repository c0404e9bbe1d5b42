"""'My work': each person lands on what waits for them."""

import re

from statportal.testing import login_html
from tests.helpers.placement import new_request, step

HTML = {"Accept": "text/html"}


def test_each_person_sees_what_waits_for_them(testapp, demo):
    url = new_request(testapp)
    testapp.authorization = None
    response = login_html(testapp, "aigerim")
    assert response.headers["Location"] == "http://localhost/my-work"
    page = response.follow(headers=HTML)
    assert "Industrial production, October 2026" in page.text
    assert "Submit for approval" in page.text
    step(testapp, "aigerim", url, "submit")
    testapp.authorization = None
    assert "Nothing waits for you now." in testapp.get("/my-work", headers=HTML).text
    testapp.reset()
    login_html(testapp, "marat")
    page = testapp.get("/my-work", headers=HTML)
    assert "Approve" in page.text and "Awaiting approval" in page.text
    testapp.reset()
    login_html(testapp, "zhanar")
    assert "Nothing waits for you now." in testapp.get("/my-work", headers=HTML).text


def test_registered_requests_wait_for_the_moderator_with_time_left(testapp, demo):
    url = new_request(testapp)
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    testapp.authorization = None
    login_html(testapp, "yerlan")
    page = testapp.get("/my-work", headers=HTML)
    assert "Place" in page.text
    # time left in working time, whatever the hour the test runs at: "2 h 15 min left",
    # "45 min left", or past the office's hours "1 working day left"
    assert re.search(r"\b\d+ (working days?|h|min)( \d+ (h|min))? left", page.text), \
        page.html.select_one("table").get_text(" ", strip=True)
    assert "-000001" in page.text
