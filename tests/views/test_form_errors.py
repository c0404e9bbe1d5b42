"""Forms for everyone (issue 18, item 7): a refused form says every error at once, in a
summary on top whose links lead to the controls; every invalid control is marked alike
(``is-invalid``, ``aria-invalid``, ``aria-describedby`` its message); radio and checkbox
groups are fieldsets with a legend; e-mail fields are ``type=email``; the asker is told the
address the answer goes to."""

from statportal.testing import login_html
from tests.helpers.placement import as_user

HTML = {"Accept": "text/html", "Accept-Language": "en"}
ADD = "/requests/@@add?type=PlacementRequest"


def add_form(testapp):
    as_user(testapp, None)
    login_html(testapp, "aigerim")
    return testapp.get(ADD, headers=HTML).forms["edit-form"]


def radio(form, value):
    """The radio group that offers ``value`` (deform names a group by its oid)."""
    return next(field for fields in form.fields.values() for field in fields
                if type(field).__name__ == "Radio" and value in
                [option[0] for option in field.options])


def summary(page):
    box = page.html.select_one("form#edit-form .error-summary")
    assert box is not None, "no error summary"
    return box, [(a["href"], a.get_text(" ", strip=True)) for a in box.select("li a")]


def test_one_submission_reports_every_error_at_once(testapp, demo):
    """The fields' own errors and the schema's cross-checks (the replaced material; the
    declaration's reason, an extension's validator) in the same answer: nothing waits for
    a second round."""
    form = add_form(testapp)
    form["executor"] = ""                         # a field's own error
    form["executor_email"] = "not an address"     # another
    radio(form, "replace").value = "replace"      # a cross-check: no material named
    radio(form, "false").value = "false"          # the declaration: no reason given
    page = form.submit("submit", headers=HTML, status="*")
    _box, links = summary(page)
    text = " ".join(label for _href, label in links)
    assert "Responsible executor" in text and "Executor's e-mail" in text
    assert "Name the material that is replaced or removed." in text
    assert "Say why the tables are not derived from primary data" in text
    assert "Attach at least one file." in text


def test_each_error_links_to_its_control_and_the_control_names_its_message(testapp, demo):
    form = add_form(testapp)
    form["executor"] = ""
    form["executor_email"] = "not an address"
    page = form.submit("submit", headers=HTML, status="*")
    box, links = summary(page)
    assert box["tabindex"] == "-1" and box.has_attr("autofocus")  # it takes the focus
    assert page.html.select_one("form#edit-form")
    assert len(links) >= 4
    for href, _label in links:
        target = page.html.find(id=href.lstrip("#"))
        assert target is not None and target.name in ("input", "select", "textarea",
                                                       "fieldset"), href
    invalid = page.html.select("[aria-invalid=true]")
    assert {c["name"] for c in invalid} >= {"executor", "executor_email", "checkbox",
                                           "category"}
    for control in invalid:
        assert "is-invalid" in control["class"], control
        described = control["aria-describedby"].split()
        message = page.html.find(id=described[0])
        assert message is not None and "invalid-feedback" in message["class"], control
    # a valid control is not marked
    kept = page.html.find("input", attrs={"name": "paper_number"})
    assert not kept.has_attr("aria-invalid") and "is-invalid" not in kept["class"]


def test_groups_are_fieldsets_and_addresses_are_email_fields(testapp, demo):
    page = add_form(testapp).response
    legends = {fieldset.legend.get_text(strip=True): fieldset for fieldset in
               page.html.select("fieldset.choices")}
    assert {"Languages", "Placement"} <= set(legends)
    assert legends["Languages"].select("input[type=checkbox]")
    assert legends["Placement"].select("input[type=radio]")
    email = page.html.find("input", attrs={"name": "executor_email"})
    assert email["type"] == "email" and email["autocomplete"] == "email"
    assert page.html.find("input", attrs={"name": "executor"})["type"] == "text"
    assert page.html.select_one("form#edit-form").has_attr("novalidate")
    assert page.html.select_one(".error-summary") is None  # nothing refused yet


def test_the_asker_is_told_the_address_the_answer_goes_to(testapp, demo):
    as_user(testapp, None)
    form = testapp.get("/questions/@@ask", headers=HTML).forms["edit-form"]
    email = form.html.find("input", attrs={"name": "email"})
    assert email["type"] == "email" and email["autocomplete"] == "email"
    for key, value in {"name": "Daniyar Abenov", "email": "daniyar@uni.example.kz",
                       "topic": "labour", "language": "en",
                       "text": "Where can I find the unemployment rate by region?"}.items():
        form[key] = value
    page = form.submit("submit", headers=HTML, extra_environ={"REMOTE_ADDR": "203.0.113.9"})
    page = page.follow(headers=HTML)
    assert "daniyar@uni.example.kz" in page.html.select_one(".messages").get_text()


def test_the_json_api_reports_the_cross_checks_with_the_fields_errors(testapp, demo):
    """The same schema through the JSON API: a missing executor and a Replace that names
    no material, in one 400 naming both fields; nothing is stored."""
    from tests.helpers.placement import REQUESTS, payload

    as_user(testapp, "aigerim")
    body = payload(placement_type="replace", primary_data=False, primary_data_reason="")
    del body["executor"]
    response = testapp.post_json(REQUESTS, body, status=400)
    fields = {error["field"] for error in response.json["errors"]}
    assert {"executor", "replaces", "primary_data_reason"} <= fields, response.json

