"""References written as people have them (issue 18, item 2): a pasted address of the
portal, a path with a slash or a view name; the pickers' search; the period covered and
the next update, carried to the material."""

from datetime import date

import pytest

from statportal.testing import DEMO_PASSWORD, login_html, open_portal
from tests.helpers.files import SAMPLES
from tests.helpers.placement import REQUESTS, as_user, b64, payload
from tests.helpers.register import placed


def placement(form):
    """The New / Replace / Delete radio group (deform names it by its oid)."""
    return next(field for fields in form.fields.values() for field in fields
                if type(field).__name__ == "Radio" and "replace" in
                [option[0] for option in field.options])


HTML = {"Accept": "text/html", "Accept-Language": "en"}


@pytest.fixture
def calendar(app):
    """The demo with its calendar, plan and materials (the features' demo content)."""
    from statportal.demo import add_demo_content

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)


def count(app):
    with open_portal(app) as portal:
        return len(portal["requests"])


def field_errors(response):
    return {e.get("name") or e.get("field"): e.get("message") for e in
            response.json.get("errors", [])}


def replace(testapp, replaces, status=201):
    as_user(testapp, "aigerim")
    return testapp.post_json(REQUESTS, payload(placement_type="replace", replaces=replaces,
                                               files=[b64("report.docx")]), status=status)


def first_entry(app):
    """A release entry of the demo calendar that is not cancelled: (path, title)."""
    from statportal.content.paths import path_of
    from statportal.releases.catalog import get_release_catalog

    with open_portal(app) as portal:
        entries, _total = get_release_catalog(portal).query()
        entry = next(e for e in entries if e.status != "cancelled")
        return path_of(entry), entry.title


class TestPastedAddresses:
    def test_the_materials_own_address_in_any_form_is_its_path(self, testapp, demo):
        material = placed(testapp)["material"]
        for written in (f"http://localhost{material}", f"http://localhost{material}/",
                        f"http://localhost{material}/@@edit", f"{material}/",
                        f"{material}/@@history", f"http://localhost{material}?x=1",
                        f"http://localhost/++api++{material}"):
            made = replace(testapp, written).json
            assert made["replaces"] == material, written

    def test_another_sites_address_is_refused_by_name(self, testapp, demo):
        material = placed(testapp)["material"]
        before = count(testapp.app)
        refused = replace(testapp, f"https://stat.example.org{material}", status=400)
        errors = field_errors(refused)
        assert "replaces" in errors, refused.json
        assert "another site" in errors["replaces"]
        assert count(testapp.app) == before

    def test_an_address_of_something_else_is_refused_by_name(self, testapp, demo):
        before = count(testapp.app)
        refused = replace(testapp, "http://localhost/official-statistics/economy/industry/",
                          status=400)
        assert "No material at /official-statistics/economy/industry." in \
            field_errors(refused)["replaces"]
        refused = replace(testapp, "http://localhost/no/such/page", status=400)
        assert "No material at /no/such/page." in field_errors(refused)["replaces"]
        assert count(testapp.app) == before

    def test_the_release_by_its_address(self, testapp, calendar):
        path, _title = first_entry(testapp.app)
        as_user(testapp, "aigerim")
        made = testapp.post_json(REQUESTS, payload(release=f"http://localhost{path}/@@edit"),
                                 status=201).json
        assert made["release"] == path
        material = placed(testapp)["material"]
        refused = testapp.post_json(REQUESTS, payload(release=f"http://localhost{material}"),
                                    status=400)
        assert "No release of the calendar at" in field_errors(refused)["release"]

    def test_the_form_takes_a_pasted_address_too(self, testapp, demo):
        material = placed(testapp)["material"]
        testapp.authorization = None
        login_html(testapp, "aigerim")
        form = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
            "edit-form"]
        form.set("kk", "Өнеркәсіп өндірісі (нақтыланған)", index=0)
        form["category"] = "express_information"
        placement(form).value = "replace"
        form["replaces"] = f"http://localhost{material}/"
        form.get("checkbox", index=0).checked = True
        form.set("upload", ("report.docx", SAMPLES["report.docx"]), index=0)
        done = form.submit("submit", headers=HTML, status=302)
        name = done.location.rstrip("/").rsplit("/", 1)[-1]
        with open_portal(testapp.app) as portal:
            assert portal["requests"][name].replaces == material
        form["replaces"] = "https://elsewhere.example.com/x"
        refused = form.submit("submit", headers=HTML, status=200)
        control = refused.html.select_one("input[name=replaces]")
        assert control.get("aria-invalid") == "true"
        assert "another site" in refused.html.select_one(f"#error-{control['id']}").text


class TestPickerSearch:
    def test_materials_by_words_of_their_title(self, testapp, demo):
        made = placed(testapp, title={"en": "Retail trade turnover, October 2026"},
                      languages=["en"], files=[{**b64("report.docx"), "language": "en"}])
        testapp.authorization = None
        login_html(testapp, "aigerim")
        found = testapp.get("/@@references", {"type": "Material", "q": "retail turn"}).json
        assert [i["path"] for i in found["items"]] == [made["material"]]
        assert found["items"][0]["title"] == "Retail trade turnover, October 2026"
        assert found["items"][0]["url"] == f"http://localhost{made['material']}/"
        assert testapp.get("/@@references", {"type": "Material", "q": "r"}).json == \
            {"items": []}  # two characters at least

    def test_release_entries_and_plan_items(self, testapp, calendar):
        path, title = first_entry(testapp.app)
        word = next(w for w in (title.get("en") or next(iter(title.values()))).split()
                    if len(w) > 3)
        testapp.authorization = None
        login_html(testapp, "dana")
        found = testapp.get("/@@references", {"type": "ReleaseEntry", "q": word}).json
        assert path in [i["path"] for i in found["items"]]
        with open_portal(testapp.app) as portal:
            from statportal.content.paths import path_of

            plan = portal["plan"]
            item = next(i for year in plan.values() for i in
                        (year.values() if hasattr(year, "values") else [year])
                        if getattr(i, "__content_type__", None) == "WorkPlanItem")
            item_path = path_of(item)
            item_word = next(w for w in (item.title.get("en") or
                                         next(iter(item.title.values()))).split()
                             if len(w) > 3)
        found = testapp.get("/@@references", {"type": "WorkPlanItem", "q": item_word}).json
        assert item_path in [i["path"] for i in found["items"]]

    def test_only_what_the_user_may_view(self, testapp, calendar):
        """The plan is the office's: a staff account without an office role finds none of
        its items; nobody unknown searches at all."""
        as_user(testapp, "admin")
        testapp.post_json("/++api++/principals/users", {
            "@type": "User", "id": "guest", "fullname": "Guest", "email": "g@stat.kz",
            "password": "a long password"})
        with open_portal(testapp.app) as portal:
            item = next(i for year in portal["plan"].values() for i in
                        (year.values() if hasattr(year, "values") else [year])
                        if getattr(i, "__content_type__", None) == "WorkPlanItem")
            word = next(w for w in (item.title.get("en") or
                                    next(iter(item.title.values()))).split() if len(w) > 3)
        testapp.authorization = None
        login_html(testapp, "dana")
        assert testapp.get("/@@references", {"type": "WorkPlanItem", "q": word}).json["items"]
        testapp.reset()
        login_html(testapp, "guest", "a long password")
        assert testapp.get("/@@references", {"type": "WorkPlanItem",
                                             "q": word}).json == {"items": []}
        testapp.reset()
        testapp.get("/@@references", {"type": "Material", "q": "industry"},
                    headers={"Accept": "application/json"}, status=[401, 403])

    def test_an_unknown_type_is_a_clear_400(self, testapp, demo):
        login_html(testapp, "aigerim")
        refused = testapp.get("/@@references", {"type": "Nothing", "q": "abc"}, status=400)
        assert "No search for the type Nothing." in refused.text


class TestPeriodAndNextUpdate:
    def test_they_are_fields_of_the_request_and_reach_the_material(self, testapp, demo):
        done = placed(testapp, period="2026-01 / 2026-10", next_update="2026-12-15")
        assert done["period"] == "2026-01/2026-10" and done["next_update"] == "2026-12-15"
        with open_portal(testapp.app) as portal:
            from statportal.content.paths import find_by_path

            material = find_by_path(portal, done["material"])
            assert material.period_start == date(2026, 1, 1)
            assert material.period_end == date(2026, 10, 31)
            assert material.next_update == date(2026, 12, 15)
        # the request's page says them too
        testapp.authorization = None
        login_html(testapp, "aigerim")
        page = testapp.get(f"/requests/{done['id']}", headers=HTML)
        terms = {dt.text.strip(): dt.find_next_sibling("dd").text.strip()
                 for dt in page.html.select("dl dt")}
        assert terms["Period covered"] == "2026-01/2026-10"
        assert "2026" in terms["Next update"] and "15" in terms["Next update"]

    def test_a_replacement_brings_its_period(self, testapp, demo):
        first = placed(testapp, period="2026-Q3")
        placed(testapp, placement_type="replace", replaces=first["material"], period="2026-10",
               next_update="2026-11-30")
        with open_portal(testapp.app) as portal:
            from statportal.content.paths import find_by_path

            material = find_by_path(portal, first["material"])
            assert (material.period_start, material.period_end) == (date(2026, 10, 1),
                                                                    date(2026, 10, 31))
            assert material.next_update == date(2026, 11, 30)

    def test_a_period_nobody_could_read_is_refused_by_name(self, testapp, demo):
        as_user(testapp, "aigerim")
        before = count(testapp.app)
        for bad in ("January–October 2026", "2026-13", "2026-Q5", "2026-10/2026-01", 2026):
            refused = testapp.post_json(REQUESTS, payload(period=bad), status=400)
            assert "period" in field_errors(refused), (bad, refused.json)
        assert count(testapp.app) == before

    def test_requests_stored_before_read_with_defaults(self, testapp, demo):
        as_user(testapp, "aigerim")
        url = testapp.post_json(REQUESTS, payload(), status=201).json["@id"].replace(
            "http://localhost", "")
        name = url.rsplit("/", 1)[-1]
        with open_portal(testapp.app) as portal:
            obj = portal["requests"][name]
            for attr in ("period", "next_update"):  # as an old pickle has it
                obj.__dict__.pop(attr, None)
            obj._p_changed = True
        data = testapp.get(url).json
        assert data["period"] == "" and data["next_update"] is None
        testapp.authorization = None
        login_html(testapp, "aigerim")
        form = testapp.get(f"/requests/{name}/@@edit", headers=HTML).forms["edit-form"]
        assert form["period"].value == ""


class TestPortalPath:
    """``content.references.portal_path`` on a portal served under a script name."""

    def request(self, app, url="https://stat.example.kz/portal"):
        from pyramid.request import Request

        request = Request.blank("/", base_url=url)
        request.registry = app.registry
        return request

    def test_under_a_script_name(self, app, demo):
        from statportal.content.references import ReferenceError, portal_path

        with open_portal(app) as portal:
            request = self.request(app)
            request.root = portal
            from pyramid.threadlocal import manager

            manager.push({"request": request, "registry": app.registry})
            try:
                section = "/official-statistics/economy/industry"
                assert portal_path(request, f"https://STAT.example.kz/portal{section}/view") \
                    == section
                assert portal_path(request, f"{section}//") == section
                assert portal_path(request, f"https://stat.example.kz/portal{section}/edit") \
                    == section
                try:
                    portal_path(request, f"https://stat.example.kz.evil.org/portal{section}")
                except ReferenceError as exc:
                    assert "another site" in exc.message.interpolate()
                else:
                    raise AssertionError("another host was taken")
                try:
                    portal_path(request, f"ftp://stat.example.kz/portal{section}")
                except ReferenceError as exc:
                    assert "not an address of this portal" in exc.message.interpolate()
                else:
                    raise AssertionError("ftp was taken")
            finally:
                manager.pop()


class TestPlanItemOfAReleaseEntry:
    def test_the_entry_takes_the_plan_items_address(self, testapp, calendar):
        from statportal.content.paths import path_of

        with open_portal(testapp.app) as portal:
            item = next(i for year in portal["plan"].values() for i in
                        (year.values() if hasattr(year, "values") else [year])
                        if getattr(i, "__content_type__", None) == "WorkPlanItem")
            item_path = path_of(item)
        path, _title = first_entry(testapp.app)
        as_user(testapp, "dana")
        api = f"/++api++{path}"
        changed = testapp.patch_json(api, {"plan_item": f"http://localhost{item_path}/"},
                                     status=200)
        assert testapp.get(api).json["plan_item"] == item_path, changed
        refused = testapp.patch_json(api, {"plan_item": "https://example.org/plan/x"},
                                     status=400)
        assert "plan_item" in field_errors(refused)
        assert testapp.get(api).json["plan_item"] == item_path
