"""The request's add form knows what it can (issue 18, item 2): her name, e-mail, unit,
section and head of unit filled in; no category chosen for her; "Save and submit"."""

from statportal.testing import login_html, open_portal
from statportal.workflow import Finding, history_of, state_of
from tests.helpers.files import SAMPLES
from tests.helpers.placement import REQUESTS, as_user, payload


def placement(form):
    """The New / Replace / Delete radio group (deform names it by its oid)."""
    return next(field for fields in form.fields.values() for field in fields
                if type(field).__name__ == "Radio" and "replace" in
                [option[0] for option in field.options])


HTML = {"Accept": "text/html", "Accept-Language": "en"}
ADD = "/requests/@@add?type=PlacementRequest"


def add_form(testapp, login="aigerim"):
    testapp.authorization = None
    login_html(testapp, login)
    return testapp.get(ADD, headers=HTML).forms["edit-form"]


def fill(form, **fields):
    """The fields she still has to give: a title, the category, two languages, a file."""
    form.set("kk", "Өнеркәсіп өндірісі, қазан 2026", index=0)
    form["category"] = fields.get("category", "express_information")
    form.get("checkbox", index=0).checked = True  # kk
    form.get("checkbox", index=1).checked = True  # ru
    form.set("upload", ("report.xlsx", SAMPLES["report.xlsx"]), index=0)
    return form


def requests_of(app):
    with open_portal(app) as portal:
        return {name: obj for name, obj in portal["requests"].items()}


def stored(app, name):
    with open_portal(app) as portal:
        obj = portal["requests"][name]
        return {"state": state_of(obj), "actions": [e["action"] for e in history_of(obj)],
                **{k: getattr(obj, k) for k in ("executor", "executor_email",
                                                 "head_of_unit", "unit", "section",
                                                 "category", "placement_type")}}


class TestPrefilled:
    def test_her_account_and_unit_fill_the_add_form(self, testapp, demo):
        form = add_form(testapp)
        assert form["executor"].value == "Әйгерім Сейітова"
        assert form["executor_email"].value == "aigerim@stat.example.kz"
        assert form["head_of_unit"].value == "Марат Жұмабаев"  # the unit's head (local role)
        assert form["unit"].value == "/orgunits/industry-statistics"
        # her section: the one where she is granted a role herself
        assert form["section"].value == "/official-statistics/economy/industry"
        assert placement(form).value == "new"

    def test_the_category_is_hers_to_choose(self, testapp, demo):
        page = add_form(testapp).response
        select = page.html.select_one("select[name=category]")
        first = select.select("option")[0]
        assert first["value"] == "" and first.text == "Choose…"
        assert [o["value"] for o in select.select("option[selected]")] in ([], [""])
        form = page.forms["edit-form"]
        form.set("kk", "Без категории", index=0)
        form.get("checkbox", index=0).checked = True
        form.set("upload", ("report.xlsx", SAMPLES["report.xlsx"]), index=0)
        before = len(requests_of(testapp.app))
        refused = form.submit("submit", headers=HTML)
        assert refused.status_int == 200
        error = refused.html.select_one("#error-" + refused.html.select_one(
            "select[name=category]")["id"])
        assert error is not None and "Choose the category of the material." in error.text
        assert len(requests_of(testapp.app)) == before

    def test_the_api_names_the_missing_category(self, testapp, demo):
        as_user(testapp, "aigerim")
        data = payload()
        del data["category"]
        before = len(requests_of(testapp.app))
        errors = testapp.post_json(REQUESTS, data, status=400).json["errors"]
        assert {"field": "category", "message": "Choose the category of the material.",
                "type": "invalid"} in errors, errors
        assert len(requests_of(testapp.app)) == before

    def test_what_she_changes_is_kept_and_the_edit_form_shows_what_is_stored(
            self, testapp, demo):
        form = fill(add_form(testapp))
        form["head_of_unit"] = "Дана Ахметова (acting)"
        saved = form.submit("submit", headers=HTML, status=302)
        name = saved.location.rstrip("/").rsplit("/", 1)[-1]
        assert stored(testapp.app, name)["head_of_unit"] == "Дана Ахметова (acting)"
        edit = testapp.get(f"/requests/{name}/@@edit", headers=HTML).forms["edit-form"]
        assert edit["head_of_unit"].value == "Дана Ахметова (acting)"

    def test_a_user_without_a_head_gets_an_empty_field(self, testapp, demo):
        as_user(testapp, "admin")
        testapp.post_json("/++api++/principals/users", {
            "@type": "User", "id": "saule", "fullname": "Сәуле Ержанова",
            "email": "saule@stat.kz", "org_unit": "/orgunits/labour-statistics",
            "password": "a long password"})
        testapp.post_json("/++api++/orgunits/labour-statistics/@sharing",
                          {"principal": "user:saule", "grant": ["Executor"]})
        testapp.authorization = None
        login_html(testapp, "saule", "a long password")
        form = testapp.get(ADD, headers=HTML).forms["edit-form"]
        assert form["executor"].value == "Сәуле Ержанова"
        assert form["unit"].value == "/orgunits/labour-statistics"
        assert form["head_of_unit"].value == ""  # nobody heads that unit in the demo


class TestSaveAndSubmit:
    def test_one_step_saves_and_submits(self, testapp, demo):
        form = fill(add_form(testapp))
        buttons = [b.text.strip() for b in form.response.html.select(
            "form#edit-form button[name=submit], form#edit-form button[name=save_and_submit]")]
        assert buttons == ["Save draft", "Save and submit"]
        done = form.submit("save_and_submit", headers=HTML, status=302)
        name = done.location.rstrip("/").rsplit("/", 1)[-1]
        request = stored(testapp.app, name)
        assert request["state"] == "awaiting_approval"
        assert request["actions"][-1] == "submit"
        page = done.follow(headers=HTML)
        # the step's own words, naming the request (not a general "Saved and submitted.")
        assert "Submitted for approval: " in page.text
        title = page.html.select_one("h1").get_text(strip=True)
        assert f"Submitted for approval: {title}." in page.text

    def test_save_draft_stays_a_draft(self, testapp, demo):
        done = fill(add_form(testapp)).submit("submit", headers=HTML, status=302)
        name = done.location.rstrip("/").rsplit("/", 1)[-1]
        assert stored(testapp.app, name)["state"] == "draft"

    def test_a_refused_submit_keeps_the_draft_and_shows_why(self, app, testapp, demo):
        from statportal.workflow.guards import get_guards

        def no_paper_number(obj, request, transition):
            if not obj.paper_number:
                return [Finding("The paper copy has no outgoing number.",
                                field="paper_number", code="paper")]
            return []

        get_guards(app.registry).add("placement_request", "submit", no_paper_number)
        form = fill(add_form(testapp))
        done = form.submit("save_and_submit", headers=HTML, status=302)
        assert done.location.endswith("/@@edit")
        name = done.location.rstrip("/").split("/")[-2]
        request = stored(testapp.app, name)
        assert request["state"] == "draft"
        assert "submit" not in request["actions"]  # nothing half done
        page = done.follow(headers=HTML)
        assert "Saved as a draft, not submitted:" in page.text
        assert "The paper copy has no outgoing number." in page.text
        # The edit form of the draft offers the one step again; with the number it passes.
        form = page.forms["edit-form"]
        form["paper_number"] = "05-12/345"
        done = form.submit("save_and_submit", headers=HTML, status=302)
        assert stored(testapp.app, name)["state"] == "awaiting_approval"

    def test_the_edit_form_offers_it_only_while_it_can(self, testapp, demo):
        done = fill(add_form(testapp)).submit("save_and_submit", headers=HTML, status=302)
        name = done.location.rstrip("/").rsplit("/", 1)[-1]
        # awaiting approval: she may not edit; her head edits nothing either (no Save and
        # submit for a state the transition does not start from)
        testapp.get(f"/requests/{name}/@@edit", headers=HTML, status=403)
        testapp.post(f"/requests/{name}/@@edit", {"save_and_submit": "1"}, headers=HTML,
                     status=[400, 403])
        assert stored(testapp.app, name)["state"] == "awaiting_approval"


class TestHelp:
    def test_the_annexs_fields_carry_help(self, testapp, demo):
        """Every field the methodology explains says so under it, tied to its control."""
        from statportal.placement.schemas import placement_request_schema

        page = add_form(testapp).response
        text = " ".join(page.html.get_text().split())
        described = {d for tag in page.html.select("[aria-describedby]")
                     for d in tag["aria-describedby"].split()}
        schema = placement_request_schema()
        for name in ("title", "category", "unit", "section", "placement_type", "replaces",
                     "languages", "files", "release", "period", "next_update",
                     "executor_email", "executor", "head_of_unit", "page_count",
                     "paper_number"):
            description = schema[name].description
            assert description, name
            assert " ".join(description.interpolate().split()) in text, name
        helps = {tag["id"] for tag in page.html.select("[id^=help-]")}
        for selector in ("[name=category]", "[name=unit]", "[name=section]",
                         "[name=replaces]", "[name=release]", "[name=period]",
                         "[name=executor_email]", "[name=executor]", "[name=head_of_unit]",
                         "[name=page_count]", "[name=paper_number]",
                         "input[type=radio][value=new]", "input[type=checkbox][value=kk]"):
            control = page.html.select_one(selector)
            tied = set(control.get("aria-describedby", "").split()) & helps
            assert tied and tied <= described, selector
