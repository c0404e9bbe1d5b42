"""Folder contents as a list that works (issue 18, item 4): each item's state, a filter by
title that needs no script, and bulk actions (move, delete, a workflow transition) done
per item with a confirmation first; bad input changes nothing."""

import pytest

from statportal.testing import open_portal
from statportal.workflow import state_of
from tests.helpers.materials import SECTION, add, as_user, publish

HTML = {"Accept": "text/html", "Accept-Language": "en"}
CONTENTS = f"{SECTION}/@@contents"
OTHER = "/official-statistics/economy"


@pytest.fixture
def two(testapp, demo):
    """A private material and a published one in the industry section."""
    private = add(testapp, title={"en": "Private table", "ru": "Закрытая", "kk": "Жабық"})
    published = add(testapp, title={"en": "Public table", "ru": "Открытая", "kk": "Ашық"})
    publish(testapp, published)
    return private.rsplit("/", 1)[1], published.rsplit("/", 1)[1]


def page(testapp, login="yerlan", query=""):
    as_user(testapp, login)
    return testapp.get(CONTENTS + query, headers=HTML)


def post(testapp, fields, status=200, login="yerlan", token=True):
    as_user(testapp, login)
    body = list(fields)
    if token:
        form = page(testapp, login).forms.get("bulk")
        body.append(("csrf_token", form["csrf_token"].value))
    return testapp.post(f"{SECTION}/@@bulk", body, headers=HTML, status=status)


def states(app, *names):
    with open_portal(app) as portal:
        folder = portal["official-statistics"]["economy"]["industry"]
        return [state_of(folder[name]) if name in folder else None for name in names]


def test_the_list_shows_states_checkboxes_and_the_actions_one_may_take(testapp, two):
    shown = page(testapp)
    cells = [td.text.strip() for td in shown.html.select("table.contents td.state")]
    assert sorted(cells) == ["Private", "Published"]
    boxes = shown.html.select("input[name=ids]")
    assert {box["value"] for box in boxes} == set(two)
    assert all(box["form"] == "bulk" for box in boxes)
    buttons = {b["value"]: b.text for b in shown.html.select("form#bulk button")}
    # the moderator publishes and withdraws; removing a material is not hers
    assert buttons == {"transition:publish": "Publish…", "transition:withdraw": "Withdraw…"}
    manager = page(testapp, "admin")
    buttons = {b["value"]: b.text for b in manager.html.select("form#bulk button")}
    assert buttons == {"move": "Move…", "transition:publish": "Publish…",
                       "transition:withdraw": "Withdraw…", "delete": "Delete…"}
    assert shown.html.select_one("form#bulk")["method"] == "post"
    # the executor may take none of these on a material: no bulk form, no checkboxes
    executor = page(testapp, "aigerim")
    assert executor.html.select_one("form#bulk") is None
    assert executor.html.select("input[name=ids]") == []
    # the per-item links still work
    assert manager.html.select_one(f"a[href$='/{two[0]}/@@delete']") is not None


def test_the_filter_works_without_script_and_keeps_itself_in_the_batch(testapp, two):
    found = page(testapp, query="?filter=public")
    assert [box["value"] for box in found.html.select("input[name=ids]")] == [two[1]]
    assert found.html.select_one("#contents-filter")["value"] == "public"
    by_russian = page(testapp, query="?filter=%D0%B7%D0%B0%D0%BA%D1%80")  # "закр"
    assert [box["value"] for box in by_russian.html.select("input[name=ids]")] == [two[0]]
    none = page(testapp, query="?filter=nothing-like-this")
    assert "Nothing here matches the filter." in none.text
    batched = page(testapp, query="?filter=table&b_size=1")
    link = batched.html.select_one("nav.batching a[rel=next]")
    assert "filter=table" in link["href"]


def test_publish_per_item_reports_what_it_could_not_do(app, testapp, two):
    private, published = two
    asked = post(testapp, [("action", "transition:publish"), ("ids", private),
                           ("ids", published)])
    items = {li.strong.text: li for li in asked.html.select("ul.bulk-report li")}
    assert "refused" in items["Public table"]["class"]
    assert "Not possible in the state Published" in items["Public table"].text
    assert states(app, private, published) == ["private", "published"]  # nothing yet
    form = asked.forms["bulk-confirm"]
    done = form.submit(headers=HTML, status=303).follow(headers=HTML)
    messages = " ".join(p.text for p in done.html.select("p.message"))
    assert "Publish (1): Private table." in messages
    assert "Not done for Public table: Not possible in the state Published." in messages
    assert states(app, private, published) == ["published", "published"]


def test_withdraw_asks_the_reason_and_refuses_without_it(app, testapp, two):
    private, published = two
    asked = post(testapp, [("action", "transition:withdraw"), ("ids", published)])
    assert asked.html.select_one("textarea#comment[required]") is not None
    form = asked.forms["bulk-confirm"]
    refused = form.submit(headers=HTML, status=400)
    assert "comment" in refused.text
    assert states(app, published) == ["published"]
    form["comment"] = "A wrong figure"
    form.submit(headers=HTML, status=303)
    assert states(app, published) == ["withdrawn"]


def test_delete_lists_what_goes_then_deletes(app, testapp, two):
    private, published = two
    asked = post(testapp, [("action", "delete"), ("ids", private), ("ids", published)],
                 login="admin")
    assert " ".join(asked.html.h1.text.split()) == "Delete 2 selected items?"
    assert states(app, private, published) == ["private", "published"]
    asked.forms["bulk-confirm"].submit(headers=HTML, status=303)
    assert states(app, private, published) == [None, None]
    as_user(testapp, None)
    testapp.get(f"{SECTION}/{published}", headers=HTML, status=404)


def test_move_to_a_chosen_folder_keeps_state_and_finds_it_there(app, testapp, two):
    private, published = two
    asked = post(testapp, [("action", "move"), ("ids", private), ("ids", published)],
                 login="admin")
    targets = [o["value"] for o in asked.html.select("select#target option") if o["value"]]
    assert OTHER in targets and SECTION not in targets
    form = asked.forms["bulk-confirm"]
    form["target"] = OTHER
    form.submit(headers=HTML, status=303)
    with open_portal(app) as portal:
        economy = portal["official-statistics"]["economy"]
        assert private in economy and published in economy
        assert private not in economy["industry"]
        assert [state_of(economy[n]) for n in (private, published)] == ["private", "published"]
    as_user(testapp, None)  # the public finds the published one at its new address
    testapp.get(f"{OTHER}/{published}", headers=HTML, status=200)
    testapp.get(f"{SECTION}/{published}", headers=HTML, status=404)
    # the catalog follows: the public's search lists it at the new address only
    found = [item["@id"] for item in testapp.get(
        "/@search", headers={"Accept": "application/json"}).json["items"]]
    assert [i for i in found if i.endswith("/" + published)] == [
        f"http://localhost{OTHER}/{published}"]


@pytest.mark.parametrize("fields, field", [
    ([("action", "delete")], "ids"),
    ([("action", "delete"), ("ids", "no-such-item")], "ids"),
    ([("action", "explode"), ("ids", "PRIVATE")], "action"),
    ([("action", "transition:fly"), ("ids", "PRIVATE")], "action"),
    ([("action", "move"), ("ids", "PRIVATE"), ("confirmed", "1")], "target"),
    ([("action", "move"), ("ids", "PRIVATE"), ("confirmed", "1"), ("target", "/nowhere")],
     "target"),
])
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(app, testapp, two, fields,
                                                                 field):
    private, published = two
    fields = [(k, private if v == "PRIVATE" else v) for k, v in fields]
    refused = post(testapp, fields, status=400)
    assert f"{field}:" in refused.text
    assert states(app, private, published) == ["private", "published"]


def test_without_the_csrf_token_nothing_happens(app, testapp, two):
    private, published = two
    post(testapp, [("action", "delete"), ("ids", private), ("confirmed", "1")], status=400,
         token=False, login="admin")
    assert states(app, private, published) == ["private", "published"]


def test_without_permission_it_is_a_403_and_nothing_changes(app, testapp, two):
    private, published = two
    token = page(testapp).forms["bulk"]["csrf_token"].value
    # the executor sees the contents but may do none of it; the moderator may not delete
    # or move a material; the public may not open the contents at all
    for login, actions in (("aigerim", ("delete", "move", "transition:publish")),
                           ("yerlan", ("delete", "move")),
                           (None, ("delete", "transition:publish"))):
        as_user(testapp, login)
        for action in actions:
            for confirmed in ("", "1"):
                refused = testapp.post(f"{SECTION}/@@bulk", [
                    ("action", action), ("ids", private), ("confirmed", confirmed),
                    ("target", OTHER), ("comment", "x"), ("csrf_token", token)],
                    headers=HTML, status=403 if login else 302)
                if login is None:  # the portal's answer to the public: log in first
                    assert "/login" in refused.location
    assert states(app, private, published) == ["private", "published"]


def test_a_target_where_one_may_not_add_is_refused(app, testapp, two):
    """The folder of org units takes no material: a 400 naming the target, nothing moved."""
    private, published = two
    refused = post(testapp, [("action", "move"), ("ids", private), ("confirmed", "1"),
                             ("target", "/orgunits")], status=400, login="admin")
    assert "target:" in refused.text
    assert states(app, private, published) == ["private", "published"]


def test_a_folder_goes_with_what_is_in_it_and_never_into_itself(app, testapp, two):
    """Deleting a section says how many items go with it; a section is not offered as a
    target for itself or a folder inside it, and forging one is a 400."""
    as_user(testapp, "admin")
    testapp.post_json(f"/++api++{OTHER}", {"@type": "Section", "id": "bulk-box",
                                           "title": {"en": "Box"}}, status=201)
    testapp.post_json(f"/++api++{OTHER}/bulk-box", {"@type": "Section", "id": "inner",
                                                    "title": {"en": "Inner"}}, status=201)
    contents = f"{OTHER}/@@contents"
    token = testapp.get(contents, headers=HTML).forms["bulk"]["csrf_token"].value
    asked = testapp.post(f"{OTHER}/@@bulk", [("action", "move"), ("ids", "bulk-box"),
                                              ("csrf_token", token)], headers=HTML)
    targets = [o["value"] for o in asked.html.select("select#target option") if o["value"]]
    assert f"{OTHER}/bulk-box" not in targets and f"{OTHER}/bulk-box/inner" not in targets
    assert "/official-statistics" in targets
    refused = testapp.post(f"{OTHER}/@@bulk", [
        ("action", "move"), ("ids", "bulk-box"), ("confirmed", "1"),
        ("target", f"{OTHER}/bulk-box/inner"), ("csrf_token", token)], headers=HTML, status=400)
    assert "target:" in refused.text
    asked = testapp.post(f"{OTHER}/@@bulk", [("action", "delete"), ("ids", "bulk-box"),
                                              ("csrf_token", token)], headers=HTML)
    assert "with 1 items in it" in " ".join(asked.html.select_one("ul.bulk-report").text.split())
    asked.forms["bulk-confirm"].submit(headers=HTML, status=303)
    with open_portal(app) as portal:
        assert "bulk-box" not in portal["official-statistics"]["economy"]


def test_items_a_target_does_not_take_are_reported_the_others_moved(app, testapp, two):
    """A material and a section to a folder that takes both; then a material and a section
    to the portal's top, which takes sections only: the section moves, the material is
    reported."""
    private, _published = two
    as_user(testapp, "admin")
    testapp.post_json(f"/++api++{SECTION}", {"@type": "Section", "id": "sub",
                                             "title": {"en": "Sub"}}, status=201)
    done = post(testapp, [("action", "move"), ("ids", private), ("ids", "sub"),
                          ("confirmed", "1"), ("target", "/")], login="admin", status=303)
    messages = " ".join(p.text for p in done.follow(headers=HTML).html.select("p.message"))
    assert "Moved to" in messages and "(1): Sub." in messages
    assert "Not done for Private table:" in messages
    with open_portal(app) as portal:
        assert "sub" in portal and "sub" not in portal["official-statistics"]["economy"][
            "industry"]
        assert private in portal["official-statistics"]["economy"]["industry"]


def test_the_big_folders_offer_no_filter_that_would_load_every_child(testapp, demo):
    """/requests lists through its catalog (the register searches it): no filter box, and a
    filter in the address is not run."""
    from tests.helpers.placement import new_request

    new_request(testapp)
    as_user(testapp, "admin")
    shown = testapp.get("/requests/@@contents?filter=nothing-like-this", headers=HTML)
    assert shown.html.select_one("#contents-filter") is None
    assert len(shown.html.select("table.contents tbody tr")) == 1
    assert page(testapp, "admin").html.select_one("#contents-filter") is not None


def test_a_pasted_address_names_the_target(app, testapp, two, monkeypatch):
    """The folder's address as the browser shows it (or its path) names the target; another
    site's address is a 400; a tree too big to list says so and the address still works."""
    import statportal.content.moving

    private, published = two
    refused = post(testapp, [("action", "move"), ("ids", private), ("confirmed", "1"),
                             ("target_address", "https://elsewhere.example/official-statistics")],
                   login="admin", status=400)
    assert "target:" in refused.text and "another site" in refused.text
    monkeypatch.setattr(statportal.content.moving, "MAX_TARGETS", 2)
    asked = post(testapp, [("action", "move"), ("ids", private)], login="admin")
    assert "Not every folder is listed" in asked.text
    form = asked.forms["bulk-confirm"]
    form["target_address"] = f"http://localhost{OTHER}/@@contents"
    form.submit(headers=HTML, status=303)
    with open_portal(app) as portal:
        assert private in portal["official-statistics"]["economy"]
