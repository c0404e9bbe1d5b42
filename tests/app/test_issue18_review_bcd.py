"""Issue 18's request form, messages and confirmations and the register as each person
tries them (a reviewer's pass over parts B, C and D1; folder contents' bulk actions are in
tests/content/test_bulk_actions_review.py).

The pickers' search names nothing a person may not view (drafts, the embargo, withdrawn
materials), for anybody; a request names the material it replaces only when its author
may view it, and its page shows a title only to whom may view it; the page after an
action never leads to another site; a confirmation step changes nothing on a GET, without
the token or without ``confirmed=1``; the register's exports hold no formula; the static
route of deform serves deform's files only; junk in a new parameter is a 4xx naming it
and changes nothing; a message with the longest title fits the session cookie."""

import csv
import io
import zipfile

import pytest

from statportal.testing import basic_auth, last_transaction, login_html, open_portal
from tests.helpers.materials import add, publish
from tests.helpers.placement import REQUESTS, as_user, new_request, payload, step
from tests.helpers.published import material_in

HTML = {"Accept": "text/html", "Accept-Language": "en"}
PRICES = "/official-statistics/economy/prices"  # a section where aigerim has no role
ROLES = (None, "aigerim", "marat", "dana", "yerlan", "serik", "admin")

def as_(testapp, login):
    testapp.reset()
    testapp.authorization = None
    if login:
        login_html(testapp, login)
    return testapp


def english_title(testapp, path):
    testapp.authorization = basic_auth("admin")
    title = testapp.get(f"/++api++{path}").json["title"]
    testapp.authorization = None
    return title.get("en") or next(iter(title.values()))


@pytest.fixture
def hidden(testapp, demo):
    """Materials nobody outside the office may see (their paths -> English titles), and a
    published one everybody may."""
    paths = [material_in(testapp, "scheduled"), material_in(testapp, "withdrawn"),
             add(testapp, section=PRICES, title={"kk": "Zebrafish kk", "ru": "Zebrafish ru",
                                                 "en": "Zebrafish draft"})]
    shown = add(testapp, title={"kk": "Okapi kk", "ru": "Okapi ru", "en": "Okapi shown"})
    publish(testapp, shown)
    return {path: english_title(testapp, path) for path in paths}, shown


def test_the_material_picker_names_nothing_unpublished_for_anybody(testapp, hidden):
    titles, shown = hidden
    for login in ROLES:
        as_(testapp, login)
        for path, title in titles.items():
            found = testapp.get("/@@references", {"type": "Material", "q": title},
                                headers={"Accept": "application/json"},
                                status=200 if login else [401, 403])
            assert title not in found.text and path not in found.text, (login, title)
        if login:
            found = testapp.get("/@@references", {"type": "Material", "q": "okapi"}).json
            assert [i["path"] for i in found["items"]] == [shown], login
    # requests, users, anything else has no search: a 400 naming the type, for all
    as_(testapp, "admin")
    for name in ("PlacementRequest", "User", "Question", "x" * 5000):
        refused = testapp.get("/@@references", {"type": name, "q": "zebra"}, status=400)
        assert f"No search for the type {name[:50]}." in refused.text


def zebra(titles):
    return next(path for path, title in titles.items() if title == "Zebrafish draft")


def test_a_request_names_only_a_material_its_author_may_view(app, testapp, hidden):
    """An executor pasting the path of a material she may not view learns nothing from
    the answer: the same refusal as for no material there."""
    titles, _shown = hidden
    private = zebra(titles)
    before = last_transaction(app)
    as_user(testapp, "aigerim")
    assert testapp.get(f"/++api++{private}", status="*").status_int in (401, 403, 404)
    for value in (private, f"http://localhost{private}/@@edit"):
        refused = testapp.post_json(REQUESTS, payload(placement_type="replace",
                                                      replaces=value), status=400)
        errors = {e.get("field") or e.get("name"): e["message"]
                  for e in refused.json["errors"]}
        assert errors["replaces"] == f"No material at {private}.", errors
        assert "Zebrafish" not in refused.text
    # the same answer as where there is none
    refused = testapp.post_json(REQUESTS, payload(placement_type="replace",
                                                  replaces=f"{PRICES}/nothing"), status=400)
    assert "No material at" in refused.text
    assert last_transaction(app) == before


def test_a_request_page_shows_titles_only_to_whom_may_view_them(app, testapp, hidden):
    """A request stored before the check names a material its author may not view: by
    its path to her, by its title to whom may view it."""
    import transaction

    titles, shown = hidden
    private = zebra(titles)
    url = new_request(testapp, placement_type="replace", replaces=shown)
    with open_portal(app) as portal:
        portal["requests"][url.rsplit("/", 1)[1]].replaces = private
        transaction.commit()
    page = url.replace("/++api++", "")
    as_(testapp, "aigerim")
    text = testapp.get(page, headers=HTML).text
    assert "Zebrafish draft" not in text and private in text
    as_(testapp, "admin")
    assert "Zebrafish draft" in testapp.get(page, headers=HTML).text


@pytest.mark.parametrize("wanted", [
    "https://evil.example/x", "//evil.example/", "http://localhost.evil.example/",
    "javascript:alert(1)", "/\\evil.example", "http://localhost/other-page",
])
def test_after_an_action_the_page_is_never_another_address(testapp, demo, wanted):
    url = new_request(testapp).replace("/++api++", "")
    as_(testapp, "aigerim")
    page = testapp.get(url, headers=HTML)
    token = page.html.select_one("input[name=csrf_token]")["value"]
    assert page.html.select_one("button[name=transition][value=submit]") is not None
    done = testapp.post(f"{url}/@@workflow", {"transition": "submit", "csrf_token": token,
                                              "next": wanted}, headers=HTML,
                        status=[302, 303])
    assert done.location.startswith(f"http://localhost{url}"), done.location


def test_a_confirmed_step_needs_the_post_the_token_and_confirmed(app, testapp, demo):
    """Place asks first: a GET shows the question, a POST without ``confirmed=1`` asks it
    too, a POST without the token is refused; none of them changes anything."""
    url = new_request(testapp)
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    page_url = url.replace("/++api++", "")
    as_(testapp, "yerlan")
    before = last_transaction(app)
    asked = testapp.get(f"{page_url}/@@workflow", {"transition": "place", "confirm": "place"},
                        headers=HTML)
    token = asked.html.select_one("input[name=csrf_token]")["value"]
    assert last_transaction(app) == before
    again = testapp.post(f"{page_url}/@@workflow", {"transition": "place",
                                                    "csrf_token": token}, headers=HTML)
    assert again.html.select_one("#confirm-form") is not None
    testapp.post(f"{page_url}/@@workflow", {"transition": "place", "confirmed": "1"},
                 headers=HTML, status=400)
    testapp.post(f"{page_url}/@@workflow", {"transition": "place", "confirmed": "1",
                                            "csrf_token": "junk"}, headers=HTML, status=400)
    assert last_transaction(app) == before
    as_user(testapp, "yerlan")
    assert testapp.get(url).json["review_state"] == "registered"


def test_exports_hold_no_formula(app, testapp, demo):
    evil = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3+4", "@SUM(A1)"]
    for title in evil:
        url = new_request(testapp, title={"kk": title, "ru": title, "en": title})
        step(testapp, "aigerim", url, "submit")
        step(testapp, "marat", url, "approve")
    as_(testapp, "dana")
    exported = testapp.get("/requests/@register", {"format": "csv"}, headers=HTML)
    rows = list(csv.reader(io.StringIO(exported.body.decode("utf-8-sig"))))
    cells = {cell for row in rows for cell in row}
    for title in evil:
        assert "'" + title in cells and title not in cells, title
    book = testapp.get("/requests/@register", {"format": "xlsx"}, headers=HTML)
    with zipfile.ZipFile(io.BytesIO(book.body)) as archive:
        sheet = next(name for name in archive.namelist() if name.startswith("xl/worksheets/"))
        xml = archive.read(sheet).decode()
    assert "<f>" not in xml and "<f " not in xml
    from openpyxl import load_workbook

    values = {cell.value for row in load_workbook(io.BytesIO(book.body)).active.iter_rows()
              for cell in row}
    for title in evil:
        assert title in values, title


@pytest.mark.parametrize("path", [
    "/static-deform/../../../../etc/passwd", "/static-deform/%2e%2e/%2e%2e/etc/passwd",
    "/static-deform/..%2f..%2fsetup.py", "/static-deform/../widget.py",
    "/static-deform/%2e%2e%2f__init__.py",
])
def test_the_static_route_of_deform_serves_its_static_files_only(testapp, path):
    found = testapp.get(path, status="*", expect_errors=True)
    assert found.status_int in (400, 403, 404), (path, found.status_int)
    assert "root:" not in found.text and "import" not in found.text


def test_the_static_route_of_deform_serves_them(testapp):
    found = testapp.get("/static-deform/scripts/deform.js")
    assert "deform" in found.text


@pytest.mark.parametrize(("query", "field"), [
    ({"sort": "x" * 10000}, "sort"), ({"sort": "__class__"}, "sort"),
    ({"order": "sideways"}, "order"), ({"b_start": "-5"}, "b_start"),
    ({"b_start": "x"}, "b_start"), ({"b_size": "10" * 20}, "b_size"),
    ({"state": "<script>"}, "state"), ({"year": "9" * 400}, "year"),
    ({"format": "pdf"}, "format"),
])
def test_the_register_refuses_junk_by_name(app, testapp, demo, query, field):
    for login, accept in (("dana", HTML), ("dana", {"Accept": "application/json"})):
        as_(testapp, login)
        before = last_transaction(app)
        refused = testapp.get("/requests/@register", query, headers=accept, status=400)
        assert field in refused.text, (accept, refused.text[:300])
        if accept is HTML:
            assert "<script>" not in refused.text
        assert last_transaction(app) == before


def test_a_unit_that_is_no_more_filters_to_nothing_and_stays_a_choice(app, testapp, demo):
    """A removed unit's requests keep its path: filtering by it is no error. On a portal
    where no request was ever made, the first look at the register or the requests'
    contents creates no catalog (a GET stores nothing)."""
    as_(testapp, "dana")
    before = last_transaction(app)
    assert testapp.get("/requests/@@contents", headers=HTML).status_int == 200
    for unit in ("/orgunits/nowhere", "x" * 10000, "/orgunits/<b>"):
        page = testapp.get("/requests/@register", {"unit": unit}, headers=HTML)
        assert page.html.select("table tbody tr td") == [] or "0" in page.text
        assert "<b>" not in page.text
        testapp.get("/requests/@register", {"unit": unit, "format": "csv"}, headers=HTML)
    assert last_transaction(app) == before


@pytest.mark.parametrize(("field", "value"), [
    ("period", "last autumn"), ("period", "2026-13"), ("period", "9" * 5000),
    ("next_update", "soon"), ("next_update", "2026-02-30"),
    ("replaces", "https://evil.example/official-statistics"),
    ("replaces", "javascript:alert(1)"), ("replaces", "/" + "x" * 5000),
    ("release", "http://evil.example/calendar"), ("release", "/../../etc/passwd"),
    ("release", "/calendar/%00"),
])
def test_the_request_refuses_junk_fields_by_name(app, testapp, demo, field, value):
    changes = {field: value}
    if field == "replaces":
        changes["placement_type"] = "replace"
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    refused = testapp.post_json(REQUESTS, payload(**changes), status=400)
    fields = {e.get("field") or e.get("name") for e in refused.json["errors"]}
    assert field in fields, refused.json
    assert last_transaction(app) == before


def test_the_plan_item_of_an_entry_refuses_junk_by_name(app, testapp, demo):
    from tests.helpers.calendar import entry_payload

    as_user(testapp, "admin")
    before = last_transaction(app)
    for value in ("https://evil.example/plan/x", "/plan/" + "y" * 5000, "::::"):
        refused = testapp.post_json("/++api++/calendar", entry_payload(plan_item=value),
                                    status=400)
        fields = {e.get("field") or e.get("name") for e in refused.json["errors"]}
        assert "plan_item" in fields, refused.json
    assert last_transaction(app) == before


EVIL = "<script>alert(1)</script> \"q' ${link} ${title} ${number}"


def test_messages_and_questions_show_a_title_as_text(app, testapp, demo):
    """A title holding markup, quotes and ``${…}`` is text in the message after an action
    and in the question before one: no element, no second interpolation."""
    url = new_request(testapp, title={"kk": EVIL, "ru": EVIL, "en": EVIL})
    page_url = url.replace("/++api++", "")

    def take(login, name, **extra):
        as_(testapp, login)
        page = testapp.get(page_url, headers=HTML)
        token = page.html.select_one("input[name=csrf_token]")["value"]
        return testapp.post(f"{page_url}/@@workflow", {"transition": name,
                                                       "csrf_token": token, **extra},
                            headers=HTML)

    done = take("aigerim", "submit").follow(headers=HTML)
    message = done.html.select_one(".message.success")
    assert "<script>alert(1)</script>" not in done.text
    assert EVIL in message.text and message.select("script") == []
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    asked = take("yerlan", "place")
    question = asked.html.select_one("#confirm-text")
    assert "<script>alert(1)</script>" not in asked.text
    assert question.select("script") == [] and "${" not in question.text
    page = testapp.get(page_url, headers=HTML)  # the dialog's question: an attribute's text
    button = page.html.select_one("button[name=transition][value=place]")
    assert button["data-confirm"] == question.text
    placed = take("yerlan", "place", confirmed="1").follow(headers=HTML)
    message = placed.html.select_one(".message.success")
    assert "<script>alert(1)</script>" not in placed.text
    assert message.select("script") == [] and EVIL in message.text
    assert all(a["href"].startswith("http://localhost/") for a in message.select("a"))


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_message_after_an_action_on_the_longest_title_fits(app, testapp, demo, language):
    """A request's title may be 500 characters: in Cyrillic the message with its link
    still fits in the session cookie (no 500 after the step was stored)."""
    title = ("Өнеркәсіп өндірісінің индексі " * 20)[:500]
    url = new_request(testapp, title={"kk": title, "ru": title, "en": title})
    page_url = url.replace("/++api++", "")
    as_(testapp, "aigerim")
    page = testapp.get(page_url, headers={**HTML, "Accept-Language": language})
    token = page.html.select_one("input[name=csrf_token]")["value"]
    done = testapp.post(f"{page_url}/@@workflow", {"transition": "submit",
                                                   "csrf_token": token}, headers=HTML,
                        status=[302, 303])
    shown = done.follow(headers=HTML)
    assert "Өнеркәсіп" in shown.html.select_one(".message.success").text
    as_user(testapp, "aigerim")
    assert testapp.get(url).json["review_state"] == "awaiting_approval"


def test_placed_with_the_longest_material_title_fits(app, testapp, demo):
    """Place's message links the material by its title (500 characters at most)."""
    title = ("Өнеркәсіп өндірісінің индексі " * 20)[:500]
    url = new_request(testapp, title={"kk": title, "ru": title, "en": title})
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    page_url = url.replace("/++api++", "")
    as_(testapp, "yerlan")
    page = testapp.get(page_url, headers={**HTML, "Accept-Language": "kk"})
    token = page.html.select_one("input[name=csrf_token]")["value"]
    done = testapp.post(f"{page_url}/@@workflow", {"transition": "place", "confirmed": "1",
                                                   "csrf_token": token}, headers=HTML,
                        status=[302, 303])
    link = done.follow(headers=HTML).html.select_one(".message.success a")
    assert link.text.startswith("Өнеркәсіп") and link.text.endswith("…")


def test_the_add_form_fills_in_her_own_data_and_nobody_elses(app, testapp, demo):
    """Her name and e-mail and her head's name, never the head's e-mail; who may not make
    requests does not see the form; opening it stores nothing."""
    before = last_transaction(app)
    as_(testapp, "aigerim")
    form = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
        "edit-form"]
    assert form["executor"].value == "Әйгерім Сейітова"
    assert form["executor_email"].value == "aigerim@stat.example.kz"
    assert form["head_of_unit"].value == "Марат Жұмабаев"
    text = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).text
    assert "marat@stat.example.kz" not in text
    # the public is sent to log in; staff who prepare no unit's requests (support) get
    # an empty unit and no head: nobody's name but their own
    for login, status in ((None, [302, 403]), ("serik", 200)):
        as_(testapp, login)
        shown = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML,
                            status=status)
        assert "Марат" not in shown.text and "aigerim@" not in shown.text
    assert last_transaction(app) == before


def test_revoke_changes_nothing_before_it_is_confirmed_with_the_token(app, testapp, demo):
    industry = "/official-statistics/economy/industry"

    def roles():
        with open_portal(app) as portal:
            from statportal.content.paths import find_by_path

            return dict(find_by_path(portal, industry).__local_roles__).get("user:aigerim")

    held = roles()
    assert held
    as_(testapp, "admin")
    before = last_transaction(app)
    page = testapp.get(f"{industry}/@@sharing", headers=HTML)
    token = page.html.select_one("input[name=csrf_token]")["value"]
    role = sorted(held)[0]
    fields = {"principal": "user:aigerim", "role": role, "revoke": "1"}
    asked = testapp.post(f"{industry}/@@sharing", {**fields, "csrf_token": token},
                         headers=HTML)
    assert asked.html.select_one("#confirm-form") is not None
    testapp.post(f"{industry}/@@sharing", {**fields, "confirmed": "1"}, headers=HTML,
                 status=400)
    testapp.get(f"{industry}/@@sharing", {**fields, "confirmed": "1"}, headers=HTML)
    assert last_transaction(app) == before and roles() == held
    asked.forms["confirm-form"].submit(headers=HTML, status=302)
    assert role not in (roles() or ())


def test_the_register_and_its_exports_name_no_other_units_requests(app, testapp, demo):
    """A request of the industry unit (a draft, then submitted) is in nobody else's
    register, page or export: not the regional coordinator's, not support's."""
    url = new_request(testapp, title={"kk": "Quokka kk", "ru": "Quokka ru",
                                      "en": "Quokka table"})
    for stage in ("draft", "submitted"):
        if stage == "submitted":
            step(testapp, "aigerim", url, "submit")
        for login in (None, "aidos", "serik", "zhanar"):
            as_(testapp, login)
            for query in ({}, {"format": "csv"}, {"format": "xlsx"}):
                shown = testapp.get("/requests/@register", query, headers=HTML, status="*")
                assert shown.status_int in (200, 302, 403), (login, shown.status_int)
                assert b"Quokka" not in shown.body, (login, stage, query)
            found = testapp.get("/requests/@@contents", headers=HTML, status="*")
            assert "Quokka" not in found.text, (login, stage)
    step(testapp, "marat", url, "approve")  # the office's from here on
    as_(testapp, "dana")
    assert "Quokka" in testapp.get("/requests/@register", headers=HTML).text


@pytest.mark.parametrize(("field", "value"), [
    ("period", "last autumn"), ("period", "9" * 3000),
    ("replaces", "https://evil.example/official-statistics/economy/industry"),
    ("release", "/calendar/../../etc"),
])
def test_save_and_submit_with_junk_stores_nothing_and_names_the_field(
        app, testapp, demo, field, value):
    from tests.helpers.files import SAMPLES

    as_(testapp, "aigerim")
    form = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
        "edit-form"]
    form.set("kk", "Өнеркәсіп өндірісі", index=0)
    form["category"] = "express_information"
    form.get("checkbox", index=0).checked = True
    form.set("upload", ("report.xlsx", SAMPLES["report.xlsx"]), index=0)
    if field == "replaces":
        next(f for fields in form.fields.values() for f in fields
             if type(f).__name__ == "Radio" and "replace" in
             [o[0] for o in f.options]).value = "replace"
    form[field] = value
    before = last_transaction(app)
    shown = form.submit("save_and_submit", headers=HTML, status=[200, 400])
    control = shown.html.select_one(f"[name={field}]")
    assert control.get("aria-invalid") == "true", field
    assert shown.html.select_one(f"#error-{control['id']}").text.strip()
    assert last_transaction(app) == before
    # and without the token nothing is stored either
    form = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
        "edit-form"]
    body = [(k, v) for k, v in form.submit_fields("save_and_submit") if k != "csrf_token"]
    testapp.post(form.action, body, headers=HTML, status=400)
    assert last_transaction(app) == before


def test_save_and_submit_with_many_empty_sheets_fits_its_message(app, testapp, demo):
    """A workbook with sixty empty sheets named in Russian: the message after Save and
    submit names the first of them (the history has all), and fits the session cookie."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Данные"
    book.active.append(["Регион", "Значение"])
    book.active.append(["Астана", 101.5])
    for i in range(60):
        book.create_sheet(f"Пустой лист области {i:02d}")
    buffer = io.BytesIO()
    book.save(buffer)
    as_(testapp, "aigerim")
    form = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
        "edit-form"]
    form.set("kk", "Өнеркәсіп өндірісі", index=0)
    form["category"] = "express_information"
    form.get("checkbox", index=0).checked = True
    for index in range(3):  # three such files: the messages together stay short
        form.set("upload", (f"regions{index}.xlsx", buffer.getvalue()), index=index)
    done = form.submit("save_and_submit", headers=HTML, status=302)
    shown = done.follow(headers=HTML)
    info = [m.text for m in shown.html.select(".message.info")]
    assert "Пустой лист области 00" in info[0] and info[-1].endswith("…")
    assert sum(len(text) for text in info) < 500


def test_a_refused_save_and_submit_with_many_reasons_fits_its_message(app, testapp, demo):
    """A guard refusing with a hundred long reasons (a table's cells, say): the draft is
    kept, the message quotes the first three (the refusal and two findings) and says how
    many more, no 500."""
    from statportal.workflow import Finding
    from statportal.workflow.guards import get_guards
    from tests.helpers.files import SAMPLES

    def many(obj, request, transition):
        return [Finding(f"Ячейка {i}: значение раскрывает данные одного респондента " * 3,
                        code="cell") for i in range(100)]

    get_guards(app.registry).add("placement_request", "submit", many)
    as_(testapp, "aigerim")
    form = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
        "edit-form"]
    form.set("kk", "Өнеркәсіп өндірісі", index=0)
    form["category"] = "express_information"
    form.get("checkbox", index=0).checked = True
    form.set("upload", ("report.xlsx", SAMPLES["report.xlsx"]), index=0)
    done = form.submit("save_and_submit", headers=HTML, status=302)
    assert done.location.endswith("/@@edit")
    errors = [m.text for m in done.follow(headers=HTML).html.select(".message.error")]
    assert errors[0] == "Saved as a draft, not submitted:"
    assert len(errors) == 5 and errors[-1] == "And 98 more.", errors  # 101 reasons
