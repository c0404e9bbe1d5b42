"""The plan item on a placement request (issue 18, item 2): chosen by its path or a
pasted address, it fills the fields the executor left empty (title, section, category,
languages, its one upcoming release) in the JSON API and in the form without JavaScript;
junk is refused naming ``plan_item`` and stores nothing; the picker's search carries
what an item fills."""

import pytest

from statportal.testing import DEMO_PASSWORD, login_html, open_portal
from tests.helpers.files import SAMPLES
from tests.helpers.placement import REQUESTS, as_user, payload

HTML = {"Accept": "text/html", "Accept-Language": "en"}


@pytest.fixture
def calendar(app):
    from statportal.demo import add_demo_content

    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)


def industry(app):
    """The demo's industrial production plan item and its one upcoming entry (paths)."""
    from statportal.content.paths import path_of
    from statportal.releases.catalog import get_release_catalog

    with open_portal(app) as portal:
        items = [item for year in portal["plan"].values() for item in year.values()
                 if item.title["en"] == "Industrial production"]
        entries, _total = get_release_catalog(portal).query()
        item = path_of(items[0])
        entry = [path_of(e) for e in entries if e.plan_item == item]
        return item, entry[0], items[0].title


def count(app):
    with open_portal(app) as portal:
        return len(portal["requests"])


def stored(app, url):
    name = url.rstrip("/").rsplit("/", 1)[-1]
    with open_portal(app) as portal:
        return portal["requests"][name]


def bare(**changes):
    """A request that names what the plan item does not know."""
    data = payload(**changes)
    for name in ("title", "section", "category", "languages"):
        data.pop(name)
    return data


def errors(response):
    return {e.get("field"): e.get("message") for e in response.json.get("errors", [])}


class TestJSON:
    def test_a_plan_item_by_its_path_fills_what_is_missing(self, testapp, calendar):
        item, entry, title = industry(testapp.app)
        as_user(testapp, "aigerim")
        made = testapp.post_json(REQUESTS, bare(plan_item=item), status=201).json
        assert made["plan_item"] == item
        assert made["title"]["en"] == title["en"]
        assert made["title"]["kk"] == title["kk"]
        assert made["section"] == "/official-statistics/economy/industry"
        assert made["category"] == "express_information"
        assert sorted(made["languages"]) == ["en", "kk", "ru"]
        assert made["release"] == entry  # its one upcoming release
        assert stored(testapp.app, made["@id"]).plan_item == item

    def test_what_she_gave_stays(self, testapp, calendar):
        item, _entry, _title = industry(testapp.app)
        as_user(testapp, "aigerim")
        made = testapp.post_json(REQUESTS, payload(
            plan_item=f"http://localhost{item}/", category="bulletin", languages=["ru"],
            title={"ru": "Моё название"}), status=201).json
        assert made["plan_item"] == item
        assert made["category"] == "bulletin"
        assert made["languages"] == ["ru"]
        assert made["title"]["ru"] == "Моё название"
        assert not made["title"].get("en")

    def test_a_release_entry_fills_its_plan_item(self, testapp, calendar):
        item, entry, title = industry(testapp.app)
        as_user(testapp, "aigerim")
        data = bare(release=f"http://localhost{entry}")
        made = testapp.post_json(REQUESTS, data, status=201).json
        assert made["release"] == entry and made["plan_item"] == item
        assert made["category"] == "express_information"
        assert sorted(made["languages"]) == ["en", "kk", "ru"]

    def test_a_release_of_another_plan_item_is_refused_by_name(self, testapp, calendar):
        item, _entry, _title = industry(testapp.app)
        from statportal.content.paths import path_of
        from statportal.releases.catalog import get_release_catalog

        with open_portal(testapp.app) as portal:
            entries, _total = get_release_catalog(portal).query()
            other = next(path_of(e) for e in entries
                         if e.plan_item and e.plan_item != item and e.status != "cancelled")
        before = count(testapp.app)
        as_user(testapp, "aigerim")
        refused = testapp.post_json(REQUESTS, payload(plan_item=item, release=other),
                                    status=400)
        assert "another plan item" in errors(refused)["release"]
        assert count(testapp.app) == before

    def test_a_removal_gets_no_release_from_its_plan_item(self, testapp, calendar):
        from tests.helpers.register import placed

        item, _entry, _title = industry(testapp.app)
        material = placed(testapp)["material"]
        as_user(testapp, "aigerim")
        made = testapp.post_json(REQUESTS, payload(
            placement_type="delete", replaces=material, plan_item=item), status=201).json
        assert made["plan_item"] == item and made["release"] == ""

    @pytest.mark.parametrize("junk, says", [
        ("/official-statistics/economy/industry", "No plan item at"),
        ("https://stat.example.org/plan/2026/x", "another site"),
        ("/no/such/item", "No plan item at"),
    ])
    def test_junk_is_refused_naming_plan_item(self, testapp, calendar, junk, says):
        before = count(testapp.app)
        as_user(testapp, "aigerim")
        refused = testapp.post_json(REQUESTS, bare(plan_item=junk), status=400)
        assert says in errors(refused)["plan_item"], refused.json
        assert count(testapp.app) == before

    def test_a_wrong_json_type_is_refused_naming_plan_item(self, testapp, calendar):
        before = count(testapp.app)
        as_user(testapp, "aigerim")
        refused = testapp.post_json(REQUESTS, payload(plan_item=12), status=400)
        assert "plan_item" in errors(refused)
        assert count(testapp.app) == before

    def test_an_old_request_reads_no_plan_item(self):
        from statportal.placement.resources import PlacementRequest

        old = PlacementRequest.__new__(PlacementRequest)
        assert old.plan_item == ""


class TestSearch:
    def test_the_pickers_result_carries_what_an_item_fills(self, testapp, calendar):
        item, entry, title = industry(testapp.app)
        as_user(testapp, "aigerim")
        found = testapp.get("/@@references", {"type": "WorkPlanItem", "q": "Industrial"},
                            headers={"Accept": "application/json"}).json["items"]
        chosen = next(i for i in found if i["path"] == item)
        assert chosen["fill"]["title"]["en"] == title["en"]
        assert chosen["fill"]["section"] == "/official-statistics/economy/industry"
        assert chosen["fill"]["category"] == "express_information"
        assert chosen["fill"]["release"] == entry
        entries = testapp.get("/@@references", {"type": "ReleaseEntry", "q": "Industrial"},
                              headers={"Accept": "application/json"}).json["items"]
        assert next(i for i in entries if i["path"] == entry)["fill"]["plan_item"] == item

    def test_the_units_executor_sees_its_plan_item_and_does_not_edit_it(self, testapp,
                                                                        calendar):
        item, _entry, _title = industry(testapp.app)
        as_user(testapp, "aigerim")
        testapp.get(f"/++api++{item}", status=200)
        testapp.patch_json(f"/++api++{item}", {"executor": "Someone else"}, status=403)
        testapp.delete(f"/++api++{item}", status=403)
        as_user(testapp, "aidos")  # another unit's staff: not theirs to see
        testapp.get(f"/++api++{item}", status=403)
        found = testapp.get("/@@references", {"type": "WorkPlanItem", "q": "Industrial"},
                            headers={"Accept": "application/json"}).json["items"]
        assert found == []

    def test_who_may_not_view_it_gets_no_fill(self, testapp, calendar):
        from statportal.views.picker import reference_fill

        item, _entry, _title = industry(testapp.app)

        class Nobody:
            registry = testapp.app.registry

            @staticmethod
            def has_permission(permission, context):
                return False

        with open_portal(testapp.app) as portal:
            from statportal.content.paths import find_by_path

            assert reference_fill(Nobody, find_by_path(portal, item)) == {}


class TestForm:
    def form(self, testapp):
        testapp.authorization = None
        login_html(testapp, "aigerim")
        return testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
            "edit-form"]

    @pytest.mark.parametrize("written", ["{item}", "http://localhost{item}/@@edit"])
    def test_without_javascript_save_fills_the_empty_fields(self, testapp, calendar,
                                                            written):
        item, entry, title = industry(testapp.app)
        form = self.form(testapp)
        assert form["plan_item"].value == ""
        form["plan_item"] = written.format(item=item)
        form.set("upload", ("report.docx", SAMPLES["report.docx"]), index=0)
        done = form.submit("submit", headers=HTML, status=302)
        made = stored(testapp.app, done.location)
        assert made.plan_item == item
        assert made.title["en"] == title["en"] and made.title["kk"] == title["kk"]
        assert made.category == "express_information"
        assert made.section == "/official-statistics/economy/industry"
        assert sorted(made.languages) == ["en", "kk", "ru"]
        assert made.release == entry

    def test_on_an_edit_a_release_she_emptied_stays_empty(self, testapp, calendar):
        item, entry, _title = industry(testapp.app)
        as_user(testapp, "aigerim")
        url = testapp.post_json(REQUESTS, bare(plan_item=item), status=201).json["@id"]
        assert stored(testapp.app, url).release == entry
        testapp.authorization = None
        login_html(testapp, "aigerim")
        path = url.replace("http://localhost/++api++", "")
        form = testapp.get(f"{path}/@@edit", headers=HTML).forms["edit-form"]
        assert form["plan_item"].value == item
        form["release"] = ""
        form.submit("submit", headers=HTML, status=302)
        kept = stored(testapp.app, url)
        assert kept.release == "" and kept.plan_item == item

    def test_junk_redisplays_naming_the_field_and_stores_nothing(self, testapp, calendar):
        form = self.form(testapp)
        before = count(testapp.app)
        form["plan_item"] = "https://elsewhere.example.com/plan/x"
        form.set("upload", ("report.docx", SAMPLES["report.docx"]), index=0)
        refused = form.submit("submit", headers=HTML, status=200)
        control = refused.html.select_one("input[name=plan_item]")
        assert control.get("aria-invalid") == "true"
        assert "another site" in refused.text
        assert count(testapp.app) == before
