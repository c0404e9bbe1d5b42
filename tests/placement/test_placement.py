"""Placement requests through the JSON API: the chain, who may act, numbers, bad input."""

import io
import threading

import pytest
from pyramid.threadlocal import get_current_request
from webtest import TestApp

from statportal.testing import basic_auth, last_transaction, open_portal
from tests.helpers.files import SAMPLES
from tests.helpers.placement import REQUESTS, as_user, b64, new_request, payload, run_chain, step


@pytest.fixture
def draft(testapp, demo):
    as_user(testapp, "aigerim")
    response = testapp.post_json(REQUESTS, payload(), status=201)
    return response.json["@id"].replace("http://localhost", "")


def test_created_as_draft(testapp, draft):
    data = testapp.get(draft).json
    assert data["review_state"] == "draft" and data["id"].startswith("r")
    assert data["files"] == [{"filename": "report.xlsx", "extension": "xlsx",
                              "size": len(SAMPLES["report.xlsx"]), "content-type":
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              "language": "kk", "removed_sheets": []}]
    assert data["number"] is None and data["languages"] == ["en", "kk", "ru"]
    assert data["paper_date"] == "2026-11-26"


def test_the_chain_and_who_is_refused(testapp, draft):
    step(testapp, "marat", draft, "submit", 403)
    step(testapp, "aigerim", draft, "submit")
    step(testapp, "aigerim", draft, "approve", 403)
    step(testapp, "dana", draft, "approve", 403)
    step(testapp, "marat", draft, "approve")
    step(testapp, "yerlan", draft, "register", 403)
    step(testapp, "aidos", draft, "register", 403)  # Almaty's coordinator: not his unit
    data = step(testapp, "dana", draft, "register").json
    assert data["state"]["id"] == "registered"
    request = testapp.get(draft).json
    assert request["number"].endswith("-000001") and request["due"]
    step(testapp, "dana", draft, "place", 403)
    step(testapp, "yerlan", draft, "place")
    placed = testapp.get(draft).json
    assert placed["review_state"] == "placed" and placed["executed_at"]
    step(testapp, "yerlan", draft, "place", 409)  # not twice
    as_user(testapp, "serik")
    testapp.get(draft, status=403)  # Support has no business with requests


def test_return_needs_reason_and_keeps_the_number(testapp, draft):
    step(testapp, "aigerim", draft, "submit")
    step(testapp, "marat", draft, "approve")
    step(testapp, "dana", draft, "register")
    number = testapp.get(draft).json["number"]
    step(testapp, "yerlan", draft, "return", 400)
    step(testapp, "yerlan", draft, "return", comment="The Russian file is missing")
    as_user(testapp, "aigerim")
    testapp.patch_json(draft, {"files": [b64("report.xlsx"), b64("report.docx")]})
    step(testapp, "aigerim", draft, "submit")
    step(testapp, "marat", draft, "approve")
    step(testapp, "dana", draft, "register")
    assert testapp.get(draft).json["number"] == number


def test_territorial_coordinator_registers_own_body(app, testapp, demo):
    as_user(testapp, "admin")
    testapp.post_json("/++api++/principals/users", {
        "@type": "User", "id": "saule", "fullname": "Сәуле", "email": "saule@stat.kz",
        "org_unit": "/orgunits/almaty-city/industry", "password": "a long password"})
    testapp.post_json("/++api++/orgunits/almaty-city/industry/@sharing",
                      {"principal": "user:saule", "grant": ["Executor", "HeadOfUnit"]})
    testapp.authorization = basic_auth("saule", "a long password")
    url = testapp.post_json(REQUESTS, payload(unit="/orgunits/almaty-city/industry"),
                            status=201).json["@id"].replace("http://localhost", "")
    testapp.post_json(f"{url}/@workflow/submit")
    testapp.post_json(f"{url}/@workflow/approve")
    step(testapp, "aidos", url, "register")


@pytest.mark.parametrize(("changes", "field"), [
    ({"files": []}, "files"),
    ({"files": [{**b64("report.xlsx"), "filename": "report.pdf"}]}, "files.0"),
    ({"files": [{"data": "!!!", "filename": "a.pdf"}]}, "files.0"),
    ({"placement_type": "replace"}, "replaces"),
    ({"section": "/official-statistics/nowhere"}, "section"),
    ({"section": "/principals"}, "section"),
    ({"languages": ["kk", "de"]}, "languages"),
    ({"languages": []}, "languages"),
    ({"unit": "/orgunits/labour-statistics"}, "unit"),
    ({"category": "rumour"}, "category"),
    ({"executor_email": "not-an-address"}, "executor_email"),
    ({"number": "2026-999999", "flavour": 1}, "flavour"),
])
def test_bad_input_stores_nothing(app, testapp, demo, changes, field):
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    response = testapp.post_json(REQUESTS, payload(**changes), status=400)
    assert field in [error["field"] for error in response.json["errors"]], response.json
    assert last_transaction(app) == before


def test_listing_shows_only_requests_one_may_see(testapp, draft):
    as_user(testapp, "zhanar")
    assert testapp.get(REQUESTS).json["items_total"] == 0
    as_user(testapp, "marat")
    assert testapp.get(REQUESTS).json["items_total"] == 1


def test_concurrent_registrations_get_gapless_unique_numbers(app, testapp, demo):
    urls = []
    for _n in range(2):
        as_user(testapp, "aigerim")
        url = testapp.post_json(REQUESTS, payload(), status=201).json["@id"].replace(
            "http://localhost", "")
        step(testapp, "aigerim", url, "submit")
        step(testapp, "marat", url, "approve")
        urls.append(url)
    results = register_at_once(app, urls)
    assert results == [200, 200]
    with open_portal(app) as portal:
        numbers = sorted(r.number for r in portal["requests"].values())
    assert [n[-6:] for n in numbers] == ["000001", "000002"]


class TestPlacing:
    def test_new_publishes_a_material(self, app, testapp, draft):
        run_chain(testapp, draft)
        material = testapp.get(draft).json["material"]
        assert material == \
            "/official-statistics/economy/industry/industrial-production-october-2026"
        as_user(testapp, None)
        data = testapp.get(f"/++api++{material}").json
        assert data["review_state"] == "published"
        assert data["title"]["en"] == "Industrial production, October 2026"
        assert data["category"] == "express_information"
        assert testapp.get("/++api++/official-statistics/economy/industry").json[
            "items"][0]["@type"] == "Material"

    def test_replace_keeps_the_earlier_version(self, app, testapp, draft):
        run_chain(testapp, draft)
        material = testapp.get(draft).json["material"]
        replacement = new_request(testapp, placement_type="replace", replaces=material,
                                  title={"en": "Industrial production, October 2026 (revised)"},
                                  languages=["en"],
                                  files=[{**b64("report.docx"), "language": "en"}])
        run_chain(testapp, replacement)
        with open_portal(app) as portal:
            obj = portal["official-statistics"]["economy"]["industry"][material.rsplit("/")[-1]]
            # The new English title; the others, not replaced, stay (older translations).
            assert obj.title == {"kk": "Өнеркәсіп өндірісі, қазан 2026",
                                 "ru": "Промышленное производство",
                                 "en": "Industrial production, October 2026 (revised)"}
            # The English file is new; the Kazakh one, not replaced, stays (as an older
            # translation, for the translation report).
            assert [(f.filename, f.language, f.version) for f in obj.files] == [
                ("report.docx", "en", 2), ("report.xlsx", "kk", 1)]
            assert [f.filename for f in obj.versions[0]["files"]] == ["report.xlsx"]
            assert obj.versions[0]["by_request"].endswith("-000002")
            # created private with the request's declaration, placed published, replaced
            # (still published)
            assert [e["action"] for e in obj.__workflow_history__] == [
                "create", "primary_data", "place", "place"]

    def test_delete_withdraws_and_keeps(self, app, testapp, draft):
        run_chain(testapp, draft)
        material = testapp.get(draft).json["material"]
        removal = new_request(testapp, placement_type="delete", replaces=material)
        run_chain(testapp, removal)
        as_user(testapp, None)
        testapp.get(f"/++api++{material}", status=404)  # gone from public view
        as_user(testapp, "yerlan")
        assert testapp.get(f"/++api++{material}").json["review_state"] == "withdrawn"

    def test_place_refused_when_the_section_is_gone(self, app, testapp, draft):
        step(testapp, "aigerim", draft, "submit")
        step(testapp, "marat", draft, "approve")
        step(testapp, "dana", draft, "register")
        as_user(testapp, "admin")
        testapp.delete("/++api++/official-statistics/economy/industry", status=204)
        before = last_transaction(app)
        response = step(testapp, "yerlan", draft, "place", 409)
        assert response.json["errors"][0]["field"] == "section"
        assert last_transaction(app) == before

    def test_replace_needs_an_existing_material(self, app, testapp, demo):
        as_user(testapp, "aigerim")
        response = testapp.post_json(REQUESTS, payload(
            placement_type="replace", replaces="/official-statistics/economy"), status=400)
        assert response.json["errors"][0]["field"] == "replaces"


class TestQueue:
    def _registered(self, client, category, title):
        url = new_request(client, category=category, title={"en": title},
                                  languages=["en"])
        step(client, "aigerim", url, "submit")
        step(client, "marat", url, "approve")
        step(client, "dana", url, "register")
        return url

    def test_order_and_out_of_order_comment(self, app, testapp, demo):
        compilation = self._registered(testapp, "compilation", "Yearbook")
        express = self._registered(testapp, "express_information", "Express")
        latest = self._registered(testapp, "latest_data", "Latest")
        bulletin = self._registered(testapp, "bulletin", "Bulletin")
        as_user(testapp, "yerlan")
        queue = testapp.get(f"{REQUESTS}/@queue").json
        assert [item["title"]["en"] for item in queue["items"]] == \
            ["Latest", "Express", "Bulletin", "Yearbook"]
        first = queue["items"][0]
        assert first["position"] == 1 and not first["overdue"] and first["seconds_left"] > 0
        before = last_transaction(app)
        response = step(testapp, "yerlan", compilation, "place", 409)
        assert response.json["errors"][0]["type"] == "out_of_order"
        assert last_transaction(app) == before
        step(testapp, "yerlan", compilation, "place", comment="The yearbook launch is today")
        step(testapp, "yerlan", latest, "place")
        assert [item["title"]["en"] for item in testapp.get(f"{REQUESTS}/@queue").json[
            "items"]] == ["Express", "Bulletin"]
        step(testapp, "dana", bulletin, "return", comment="wrong file")
        assert [item["title"]["en"] for item in testapp.get(f"{REQUESTS}/@queue").json[
            "items"]] == ["Express"]
        assert express

    def test_overdue_marked_and_page(self, app, testapp, demo):
        from datetime import timedelta

        from statportal.content.base import utcnow

        url = self._registered(testapp, "press_release", "Release")
        with open_portal(app) as portal:
            obj = portal["requests"][url.rsplit("/", 1)[1]]
            obj.due = utcnow() - timedelta(hours=1)
        as_user(testapp, "yerlan")
        item = testapp.get(f"{REQUESTS}/@queue").json["items"][0]
        assert item["overdue"] and item["time_left"].startswith("overdue by")
        page = testapp.get("/requests/@queue", headers={"Accept": "text/html"})
        assert "Placement queue" in page.text and "overdue by" in page.text

    def test_only_moderators_and_coordinators(self, testapp, demo):
        as_user(testapp, "aigerim")
        testapp.get(f"{REQUESTS}/@queue", status=403)
        as_user(testapp, "dana")
        testapp.get(f"{REQUESTS}/@queue", status=200)


class TestRegister:
    def _several(self, client):
        urls = {}
        for category, title in (("bulletin", "B"), ("latest_data", "L"), ("compilation", "C")):
            urls[title] = new_request(client, category=category, title={"en": title},
                                      languages=["en"])
            step(client, "aigerim", urls[title], "submit")
            step(client, "marat", urls[title], "approve")
        step(client, "dana", urls["L"], "register")
        step(client, "dana", urls["B"], "register")
        return urls

    def test_filters_sorting_batching(self, app, testapp, demo):
        from datetime import timedelta

        from statportal.content.base import utcnow

        urls = self._several(testapp)
        as_user(testapp, "dana")
        data = testapp.get(f"{REQUESTS}/@register?sort=number").json
        assert data["items_total"] == 3
        assert data["items"][0]["number"] is None  # the unregistered one sorts first
        registered = testapp.get(f"{REQUESTS}/@register?state=registered&sort=number").json
        assert [r["title"]["en"] for r in registered["items"]] == ["L", "B"]
        desc = testapp.get(f"{REQUESTS}/@register?state=registered&sort=number&order=desc").json
        assert [r["title"]["en"] for r in desc["items"]] == ["B", "L"]
        page = testapp.get(f"{REQUESTS}/@register?sort=number&b_size=1&b_start=1").json
        assert len(page["items"]) == 1 and page["items_total"] == 3
        by_category = testapp.get(f"{REQUESTS}/@register?category=compilation").json
        assert [r["title"]["en"] for r in by_category["items"]] == ["C"]
        assert testapp.get(f"{REQUESTS}/@register?year=1999").json["items_total"] == 0
        with open_portal(app) as portal:
            obj = portal["requests"][urls["B"].rsplit("/", 1)[1]]
            obj.due = utcnow() - timedelta(hours=1)
            from statportal.placement.catalog import get_catalog

            get_catalog(portal["requests"]).index(obj)
        overdue = testapp.get(f"{REQUESTS}/@register?overdue=1").json
        assert [r["title"]["en"] for r in overdue["items"]] == ["B"]
        assert overdue["items"][0]["overdue"] is True

    @pytest.mark.parametrize("query", ["year=twenty", "state=lost", "category=x", "sort=colour"])
    def test_bad_filters(self, testapp, demo, query):
        as_user(testapp, "dana")
        response = testapp.get(f"{REQUESTS}/@register?{query}", status=400)
        assert response.json["errors"][0]["field"] == query.split("=")[0]

    def test_territorial_coordinator_sees_own_body_only(self, testapp, demo):
        self._several(testapp)
        as_user(testapp, "aidos")
        assert testapp.get(f"{REQUESTS}/@register").json["items_total"] == 0
        as_user(testapp, "marat")
        assert testapp.get(f"{REQUESTS}/@register").json["items_total"] == 3

    def test_xlsx_export_and_page(self, testapp, demo):
        from openpyxl import load_workbook

        self._several(testapp)
        as_user(testapp, "dana")
        response = testapp.get(f"{REQUESTS}/@register?state=registered&sort=number&format=xlsx",
                               headers={"Accept-Language": "ru"})
        assert response.content_type.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(response.body)).active
        assert sheet["A1"].value == "Номер" and sheet.max_row == 3
        assert sheet["B2"].value == "L"
        page = testapp.get("/requests/@register?state=registered",
                           headers={"Accept": "text/html"})
        assert "Register of requests" in page.text and "Export to .xlsx" in page.text

    def test_removed_requests_leave_the_catalog(self, app, testapp, demo):
        url = new_request(testapp)
        as_user(testapp, "admin")
        testapp.delete(url, status=204)
        assert testapp.get(f"{REQUESTS}/@register").json["items_total"] == 0


def test_request_through_the_html_form(app, testapp, demo):
    """An executor fills the annex form in the browser's way: selects and file slots."""
    from webtest import Upload

    from statportal.testing import login_html
    from tests.helpers.files import SAMPLES

    login_html(testapp, "aigerim")
    page = testapp.get("/requests/@@add?type=PlacementRequest", headers={"Accept": "text/html"})
    form = page.forms["edit-form"]
    assert "id" not in form.fields  # requests get their ids (and numbers) from the portal
    units = [value for value, _selected, _text in form["unit"].options]
    assert units == ["/orgunits/industry-statistics"]  # only where she is an executor
    form.set("kk", "Өнеркәсіп өндірісі", index=0)
    form["category"] = "express_information"
    form["section"] = "/official-statistics/economy/industry"
    radio = next(field for fields in form.fields.values() for field in fields
                 if type(field).__name__ == "Radio")
    radio.value = "new"
    form.get("checkbox", index=0).checked = True  # kk
    form["executor_email"] = "aigerim@stat.example.kz"
    form["executor"] = "Әйгерім Сейітова"
    form["head_of_unit"] = "Марат Жұмабаев"
    form.set("upload", Upload("Есеп.xlsx", SAMPLES["report.xlsx"]), index=0)
    response = form.submit("submit")
    assert response.status_int == 302, response.text[-3000:]
    with open_portal(app) as portal:
        (obj,) = portal["requests"].values()
        assert [f.filename for f in obj.files] == ["Есеп.xlsx"]
        from statportal.workflow import state_of

        assert state_of(obj, "placement_request") == "draft"
    page = testapp.get("/requests/@@add?type=PlacementRequest", headers={"Accept": "text/html"})
    form = page.forms["edit-form"]
    form.set("kk", "Қате файл", index=0)
    form.set("upload", Upload("table.pdf", SAMPLES["chart.png"]), index=0)
    refused = form.submit("submit")
    assert "(it looks like .png)" in refused.text


def test_request_page_edit_and_download(app, testapp, draft):
    from statportal.testing import login_html

    testapp.authorization = None
    login_html(testapp, "aigerim")
    page = testapp.get(draft.replace("/++api++", ""), headers={"Accept": "text/html"})
    assert "Submit for approval" in page.text and "report.xlsx" in page.text
    download = page.click(description="report.xlsx")
    assert download.body == SAMPLES["report.xlsx"]
    assert "filename*=UTF-8''report.xlsx" in download.headers["Content-Disposition"]
    form = testapp.get(draft.replace("/++api++", "") + "/@@edit",
                       headers={"Accept": "text/html"}).forms["edit-form"]
    form["note"] = "Kazakh version follows"
    form.submit("submit").follow()
    with open_portal(app) as portal:
        (obj,) = portal["requests"].values()
        assert obj.note == "Kazakh version follows"
        assert [f.filename for f in obj.files] == ["report.xlsx"]  # kept
    page = testapp.get(draft.replace("/++api++", ""), headers={"Accept": "text/html"})
    page = page.forms["request-actions"].submit("transition", value="submit").follow()
    assert "Awaiting approval" in page.text
    testapp.get(draft.replace("/++api++", "") + "/@@download?file=7", status=404)


EVERYONE = ("aigerim", "marat", "dana", "aidos", "yerlan", "serik", "zhanar")


def test_every_other_role_refused_at_every_step(app, testapp, draft):
    """At each step only its person may act (a Manager may always); the others get 403
    (401 without login) and nothing is stored."""
    for name, allowed in (("submit", "aigerim"), ("approve", "marat"), ("register", "dana"),
                          ("place", "yerlan")):
        for login in (None, *[u for u in EVERYONE if u != allowed]):
            before = last_transaction(app)
            response = step(testapp, login, draft, name, status="*")
            assert response.status_int == (401 if login is None else 403), (name, login)
            assert last_transaction(app) == before
        step(testapp, allowed, draft, name)


@pytest.mark.parametrize(("name", "allowed"), [("return", {"dana", "yerlan"}),
                                               ("reject", {"dana"})])
def test_return_and_reject_only_by_the_office(app, testapp, draft, name, allowed):
    step(testapp, "aigerim", draft, "submit")
    step(testapp, "marat", draft, "approve")
    step(testapp, "dana", draft, "register")
    for login in EVERYONE:
        if login in allowed:
            continue
        response = step(testapp, login, draft, name, status="*", comment="no")
        assert response.status_int == 403, (name, login)
    step(testapp, sorted(allowed)[0], draft, name, comment="A reason")


def test_concurrent_second_register_of_one_request(app, testapp, draft):
    step(testapp, "aigerim", draft, "submit")
    step(testapp, "marat", draft, "approve")
    results = register_at_once(app, [draft, draft])
    assert sorted(results) == [200, 409]
    with open_portal(app) as portal:
        (obj,) = portal["requests"].values()
        assert obj.number.endswith("-000001")
        assert [e["action"] for e in obj.__workflow_history__].count("register") == 1


def register_at_once(app, urls):
    """POST register for each url from its own thread, all starting the transition from
    the same state (held at a barrier on their first attempt, before the number is taken:
    since issue 19 a registration that finds another one of its process between its number
    and its commit stops there and retries after it); returns the statuses."""
    from statportal.workflow.events import BeforeTransition

    barrier = threading.Barrier(len(urls), timeout=10)

    def hold(event):
        if event.transition.name == "register" and \
                get_current_request().environ.get("retry.attempt") == 0:
            barrier.wait()

    app.registry.registerHandler(hold, (BeforeTransition,))
    results = []

    def register(url):
        client = TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
        client.authorization = basic_auth("dana")
        results.append(client.post_json(f"{url}/@workflow/register", status="*").status_int)

    threads = [threading.Thread(target=register, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    app.registry.unregisterHandler(hold, (BeforeTransition,))
    return sorted(results)


def test_year_of_the_register_is_the_almaty_year():
    from datetime import UTC, datetime

    from statportal.placement.catalog import year

    class Obj:
        number = None
        created = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 01:00 on 1 January in Almaty

    assert year(Obj(), None) == 2027
    Obj.number = "2026-000042"
    assert year(Obj(), None) == 2026
