"""The demo's published questions are listed once each in the public JSON listing, and a
withdrawn one leaves it (issue 17 review): the demo fires publish (which keeps the question
in the public order at the fire's moment) and then back-dates its publication; it added a
second key instead of moving the first, so each question was listed twice and a withdrawn
one stayed listed to the public."""

from statportal.content.paths import path_of
from statportal.demo import add_demo_content
from statportal.testing import DEMO_PASSWORD, basic_auth, open_portal
from statportal.workflow import state_of


def public_listing(testapp):
    testapp.authorization = None
    data = testapp.get("/++api++/questions", params={"b_size": 50}).json
    return [item["id"] for item in data["items"]], data["items_total"]


def test_each_published_question_once_and_a_withdrawn_one_leaves(app, testapp):
    with open_portal(app) as portal:  # the whole demo, as `statportal init --demo` makes it
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
    with open_portal(app) as portal:
        published = sorted(name for name, question in portal["questions"].items()
                           if state_of(question) == "published")
        url = path_of(portal["questions"][published[0]])
    assert len(published) >= 2
    ids, total = public_listing(testapp)
    assert sorted(ids) == published and total == len(published)
    testapp.authorization = basic_auth("dana")
    testapp.post_json(f"/++api++{url}/@workflow/withdraw", {"comment": "wrong answer"})
    ids, total = public_listing(testapp)
    assert sorted(ids) == published[1:] and total == len(published) - 1
    assert testapp.get(url, status="*").status_int != 200  # nor may the public open it
