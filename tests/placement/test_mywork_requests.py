""""My requests" in My work, and a returned request (issue 18, item 1): the executor
follows every request she made, sees a return with its reason, who and when, and the
history keeps the real times of the submission, the return and the resubmission."""

from statportal.testing import login_html, open_portal
from tests.helpers.placement import REQUESTS, as_user, new_request, payload, run_chain, step

HTML = {"Accept": "text/html"}
REASON = "Кестеде 2025 жылдың деректері жоқ / the 2025 column is missing"


def titled(english):
    return {"kk": f"{english} (kk)", "ru": f"{english} (ru)", "en": english}


def page_as(testapp, login, url):
    """The HTML page at ``url`` (an API address is turned into the page's) as ``login``."""
    testapp.reset()
    testapp.authorization = None
    login_html(testapp, login)
    return testapp.get(url.replace("/++api++", ""), headers=HTML)


def my_requests_rows(page):
    """``[(number cell, title, state cell text)]`` of the "My requests" table."""
    table = page.html.find("table", id="my-requests")
    assert table is not None, page.text
    return [[" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
            for tr in table.find("tbody").find_all("tr")]


def test_a_return_and_the_resubmission_keep_their_true_times(testapp, demo, frozen):
    start = frozen.now()
    url = new_request(testapp)
    frozen.advance(minutes=5)
    step(testapp, "aigerim", url, "submit")
    first = {"time": frozen.now().isoformat()}
    frozen.advance(minutes=5)
    step(testapp, "marat", url, "approve")
    approved = frozen.now().isoformat()
    frozen.advance(minutes=10)
    step(testapp, "dana", url, "return", comment=REASON)

    # Returned: the JSON says so (who, when, why); submitted_at is still the submission's.
    data = as_user(testapp, "aigerim").get(url).json
    assert data["review_state"] == "draft"
    returned = data["returned"]
    assert returned["by"] == "dana" and returned["comment"] == REASON
    assert returned["from"] == "submitted" and returned["at"] == frozen.now().isoformat()
    assert data["submitted_at"] == data["first_submitted_at"] == first["time"]
    assert data["resubmitted_at"] is None
    # what a GET returned is accepted back by a PATCH (the new keys are read-only)
    patched = testapp.patch_json(url, {**data, "note": "2025 added"}).json
    assert patched["note"] == "2025 added" and patched["returned"] == returned

    # The request's page: "Returned" (not "Draft"), the banner with reason, who, when.
    page = page_as(testapp, "aigerim", url)
    assert page.html.select_one("p.state strong").get_text() == "Returned"
    banner = page.html.find(id="returned")
    assert banner is not None
    text = " ".join(banner.get_text(" ").split())
    assert REASON in text and "Дана Ахметова" in text
    assert banner.find("time")["datetime"] == returned["at"]
    # and My work: "Returned" with the reason, in her requests and in what waits for her
    work = page_as(testapp, "aigerim", "/my-work")
    (row,) = my_requests_rows(work)
    assert row[2].startswith("Returned") and REASON in row[2] and "Дана Ахметова" in row[2]
    waiting = work.html.find("table", class_="listing")
    assert "Returned" in waiting.get_text() and REASON in waiting.get_text()

    # She resubmits: the banner goes, the times are the resubmission's.
    frozen.advance(hours=1)
    step(testapp, "aigerim", url, "submit")
    again = {"time": frozen.now().isoformat()}
    data = testapp.get(url).json
    assert data["returned"] is None and data["review_state"] == "awaiting_approval"
    assert data["submitted_at"] == data["resubmitted_at"] == again["time"]
    assert data["first_submitted_at"] == first["time"] != again["time"]
    # the history (notes such as the declaration left out): each step at its real time
    history = sorted((h["time"], h["action"], h.get("comment") or "")
                     for h in testapp.get(f"{url}/@workflow").json["history"]
                     if h["action"] in ("create", "submit", "approve", "return"))
    assert history == [(start.isoformat(), "create", ""), (first["time"], "submit", ""),
                       (approved, "approve", ""), (returned["at"], "return", REASON),
                       (again["time"], "submit", "")]
    assert len({t for t, _a, _c in history}) == 5
    page = page_as(testapp, "aigerim", url)
    assert page.html.find(id="returned") is None
    assert page.html.select_one("p.state strong").get_text() == "Awaiting approval"
    note = page.html.select_one("p.resubmitted")
    assert [t["datetime"] for t in note.find_all("time")] == [again["time"], returned["at"]]
    work = page_as(testapp, "aigerim", "/my-work")
    (row,) = my_requests_rows(work)
    assert row[2] == "Awaiting approval"
    # the head of unit sees it is a resubmission too
    assert page_as(testapp, "marat", url).html.select_one("p.resubmitted") is not None
    assert start.isoformat() < first["time"]


def test_my_requests_lists_hers_in_every_state_newest_first(testapp, demo, frozen):
    placed = new_request(testapp, title=titled("Placed one"))
    run_chain(testapp, placed)
    frozen.advance(minutes=1)
    rejected = new_request(testapp, title=titled("Rejected one"))
    step(testapp, "aigerim", rejected, "submit")
    step(testapp, "marat", rejected, "approve")
    step(testapp, "dana", rejected, "reject", comment="Not a statistical material")
    frozen.advance(minutes=1)
    registered = new_request(testapp, title=titled("Registered one"))
    step(testapp, "aigerim", registered, "submit")
    step(testapp, "marat", registered, "approve")
    step(testapp, "dana", registered, "register")
    frozen.advance(minutes=1)
    new_request(testapp, title=titled("Draft one"))
    # a request of her unit that somebody else made: she may see it, but it is not hers
    as_user(testapp, "admin").post_json(REQUESTS, payload(title=titled("Made by the Manager")),
                                        status=201)
    work = page_as(testapp, "aigerim", "/my-work")
    rows = my_requests_rows(work)
    assert [r[1] for r in rows] == ["Draft one", "Registered one", "Rejected one",
                                    "Placed one"]
    assert [r[2] for r in rows] == ["Draft", "Registered", "Rejected", "Placed"]
    assert "-000002" in rows[1][0] and "min left" in rows[1][3]  # the deadline, time left
    assert rows[0][3] == "—" and rows[2][3] == "—"
    # once placed, the public link to the material
    material = as_user(testapp, "aigerim").get(placed).json["material"]
    table = work.html.find("table", id="my-requests")
    links = [a["href"] for a in table.find_all("a") if a["href"].endswith(material)]
    assert links == ["http://localhost" + material]
    assert rows[3][4] == "Placed one"  # the material named by its title, not its path
    assert testapp.get(material).status_code == 200
    # batched: two on a page, the next page has the rest; a bad page number is named
    testapp.authorization = None  # her session, from the login above
    first = testapp.get("/my-work", {"b_size": "2"}, headers=HTML)
    assert [r[1] for r in my_requests_rows(first)] == ["Draft one", "Registered one"]
    nxt = first.html.select_one("nav.batching a[rel=next]")["href"]
    second = testapp.get("/my-work" + nxt, headers=HTML)
    assert [r[1] for r in my_requests_rows(second)] == ["Rejected one", "Placed one"]
    bad = testapp.get("/my-work", {"b_start": "x"}, headers=HTML, status=400)
    assert "b_start" in bad.html.select_one("p.message.error").get_text()
    # others have made none: no such table for them
    assert page_as(testapp, "marat", "/my-work").html.find(id="my-requests") is None


def test_my_requests_come_from_the_catalog_not_a_walk(testapp, demo, monkeypatch):
    from statportal.placement.resources import Requests

    for _ in range(3):
        new_request(testapp)
    testapp.authorization = None
    login_html(testapp, "aigerim")

    def walked(*args, **kw):
        raise AssertionError("My work walked the requests")

    for method in ("values", "items", "keys", "__iter__"):
        monkeypatch.setattr(Requests, method, walked)
    page = testapp.get("/my-work", {"b_size": "2"}, headers=HTML)
    assert len(my_requests_rows(page)) == 2
    assert "Items 1–2 of 3" in " ".join(page.html.select_one("nav.batching").get_text().split())


def test_the_evolve_step_fills_the_new_indexes_of_an_old_catalog(app, testapp, demo):
    from statportal.placement.catalog import evolve_indexes, get_catalog, has_index

    url = new_request(testapp)
    with open_portal(app) as portal:  # a catalog as stored before the indexes existed
        catalog = get_catalog(portal["requests"])
        del catalog.catalog["creator"], catalog.catalog["created"]
    testapp.authorization = None
    login_html(testapp, "aigerim")
    assert testapp.get("/my-work", headers=HTML).html.find(id="my-requests") is None
    with open_portal(app) as portal:
        assert not has_index(portal["requests"], "creator")
        evolve_indexes(portal, app.registry)
        assert has_index(portal["requests"], "creator")
        evolve_indexes(portal, app.registry)  # once: nothing missing the second time
    rows = my_requests_rows(testapp.get("/my-work", headers=HTML))
    assert len(rows) == 1 and rows[0][1] == "Industrial production, October 2026"
    assert testapp.get("/my-work", headers=HTML).html.select_one(
        "#my-requests a")["href"].rstrip("/") == "http://localhost" + url.replace("/++api++", "")
