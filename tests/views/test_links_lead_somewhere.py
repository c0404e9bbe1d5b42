"""Issue 18, item 9: a person is shown no link to a page they may not open. For each staff
role, every page they may open (every page view the application registers, found by
``tests.helpers.staff_pages``) is read and every link on it to this site is followed: none
answers 403. The links of the layout (the user's menu, the tabs, the sections) and of
My work are among them."""

import pytest

from statportal.testing import login_html
from tests.helpers.placement import as_user, new_request, step
from tests.helpers.staff_pages import HTML, local_links, page_paths, reachable

ROLES = ("aigerim", "marat", "dana", "yerlan", "admin")
#: links that are no page of their own: the language switch (it sets a cookie and
#: returns), static files
SKIP = ("/@@set-language", "/static/", "/static-deform/")


@pytest.fixture
def pages(app, testapp, demo):
    """The paths of every page, with a request in the moderator's queue."""
    from statportal.testing import open_portal

    url = new_request(testapp)
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    as_user(testapp, None)
    with open_portal(app) as portal:
        return [*page_paths(app, portal), url, f"{url}/@@workflow"]


def crawl(client, paths):
    """``{link: (status, page it was on)}`` of every local link on the pages ``paths``."""
    found = {}
    for path in paths:
        page = client.get(path, headers=HTML)
        for link in local_links(page):
            if not link.startswith(SKIP) and link not in found:
                found[link] = path
    return {link: (client.get(link, headers=HTML, status="*").status_int, on)
            for link, on in found.items()}


@pytest.mark.parametrize("login", ROLES)
def test_no_link_leads_to_a_forbidden_page(app, testapp, pages, login):
    login_html(testapp, login)
    mine = reachable(testapp, pages)
    assert "/@@my-work" in mine and len(mine) > 10
    links = crawl(testapp, mine)
    assert len(links) > 20  # the crawl read links, not nothing
    forbidden = sorted((link, on) for link, (status, on) in links.items() if status == 403)
    assert forbidden == []


def test_the_executor_sees_no_queue_the_moderator_does(testapp, demo):
    login_html(testapp, "aigerim")
    executor = local_links(testapp.get("/my-work", headers=HTML))
    assert "/requests/@queue" not in executor
    assert "/requests/@@add?type=PlacementRequest" in executor
    testapp.get("/requests/@queue", headers=HTML, status=403)  # so it must not be shown
    testapp.reset()
    login_html(testapp, "yerlan")
    assert "/requests/@queue" in local_links(testapp.get("/my-work", headers=HTML))
