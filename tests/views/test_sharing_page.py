"""The Sharing page: nobody and no role chosen in advance, a search for a user or group
that works without JavaScript, inherited roles with where they come from, empty choices
refused naming the field; the form's field names (principal, role, grant, revoke) kept."""

from statportal.content.registry import get_content_registry
from statportal.testing import last_transaction, login_html, open_portal

HTML = {"Accept": "text/html"}
RU = {"Accept": "text/html", "Accept-Language": "ru"}
URL = "/official-statistics/economy/industry/@@sharing"


def _grant_form(page):
    return next(f for f in page.forms.values() if "grant" in f.fields)


def test_nothing_is_chosen_in_advance(testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get(URL, headers=HTML)
    select = page.html.find("select", attrs={"name": "principal"})
    options = select.find_all("option")
    assert options[0]["value"] == "" and not any(o.has_attr("selected") for o in options)
    assert {o["value"] for o in options} >= {"user:aigerim", "user:dana"}
    radios = page.html.find_all("input", attrs={"name": "role", "type": "radio"})
    assert radios and not any(r.has_attr("checked") for r in radios)
    assert _grant_form(page)["principal"].value == ""


def test_search_narrows_the_choice_without_javascript(app, testapp, demo):
    with open_portal(app) as portal:
        portal["principals"]["groups"].add("analysts", get_content_registry(
            app.registry).create("Group", title={"en": "Analysts", "ru": "Аналитики"}))
    login_html(testapp, "admin")
    search = next(f for f in testapp.get(URL, headers=HTML).forms.values()
                  if f.method.lower() == "get" and "q" in f.fields)
    search["q"] = "жұмабаев"
    page = search.submit(headers=HTML)
    values = [o["value"] for o in page.html.find("select", attrs={"name": "principal"})
              .find_all("option")]
    assert values == ["", "user:marat"]
    page = testapp.get(URL, {"q": "Аналитики"}, headers=RU)
    values = [o["value"] for o in page.html.find("select", attrs={"name": "principal"})
              .find_all("option")]
    assert values == ["", "group:analysts"]
    page = testapp.get(URL, {"q": "nobody at all"}, headers=HTML)
    assert "No user or group matches." in page.text
    # The search's page still grants, with the same field names.
    form = _grant_form(testapp.get(URL, {"q": "marat"}, headers=HTML))
    form["principal"], form["role"] = "user:marat", "Moderator"
    assert "Role granted." in form.submit("grant").follow().text
    with open_portal(app) as portal:
        grants = portal["official-statistics"]["economy"]["industry"].local_roles()
        assert grants["user:marat"] == ("HeadOfUnit", "Moderator")


def test_granting_with_nobody_or_no_role_chosen_is_refused_at_the_field(app, testapp, demo):
    login_html(testapp, "admin")
    form = _grant_form(testapp.get(URL, headers=HTML))
    before = last_transaction(app)
    form["role"] = "Executor"
    page = form.submit("grant", status=400)
    assert "Choose a user or group." in page.text
    assert page.html.find("select", attrs={"name": "principal"})["aria-invalid"] == "true"
    assert page.html.find("input", attrs={"type": "radio", "value": "Executor"}).has_attr(
        "checked")  # the choice kept
    page = testapp.post(URL, {"csrf_token": _grant_form(page)["csrf_token"].value,
                              "principal": "user:dana", "grant": "1"}, headers=HTML, status=400)
    assert "Choose a role." in page.text
    assert page.html.find("option", attrs={"value": "user:dana"}).has_attr("selected")
    assert last_transaction(app) == before


def test_inherited_roles_say_where_they_come_from(testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/orgunits/almaty-city/industry/@@sharing", headers=RU)
    table = next(t for t in page.html.select("table.listing")
                 if "Назначены выше" in t.caption.text)
    row = table.tbody.tr.find_all("td")
    assert "Айдос Нұрланов (aidos)" in row[0].text and row[1].text == "Координатор"
    assert row[2].a["href"] == "http://localhost/orgunits/almaty-city/@@sharing"
    assert row[2].a.text == "Департамент статистики города Алматы"


def test_only_those_who_share_see_it_and_changes_need_the_token(app, testapp, demo):
    login_html(testapp, "dana")  # a Coordinator
    testapp.get(URL, headers=HTML, status=403)
    testapp.reset()
    login_html(testapp, "admin")
    before = last_transaction(app)
    testapp.post(URL, {"principal": "user:dana", "role": "Executor", "grant": "1"},
                 headers=HTML, status=400)
    assert last_transaction(app) == before


def test_the_json_api_keeps_its_fields(testapp, demo):
    login_html(testapp, "admin")
    token = _grant_form(testapp.get(URL, headers=HTML))["csrf_token"].value
    data = testapp.post_json("/++api++/official-statistics/economy/industry/@sharing",
                             {"principal": "user:dana", "grant": ["Executor"]},
                             headers={"X-CSRF-Token": token}).json
    assert data["local_roles"]["user:dana"] == ["Executor"]
    response = testapp.post_json("/++api++/official-statistics/economy/industry/@sharing",
                                 {"principal": "", "grant": ["Executor"]},
                                 headers={"X-CSRF-Token": token}, status=400)
    assert response.json["errors"][0]["field"] == "principal"
