"""Folder contents and its bulk actions as each person tries them (a reviewer's pass over
issue 18's part D1): nothing of the portal's fixed places moves or goes, a name taken at the
target is reported while the others move, a target elsewhere or junk is a 400 naming it, an
item one may not view is an unknown id, each item is done whole or not at all, the message
fits the session cookie however many items and however long their titles, a moved section
takes its materials along in the catalog; junk in the batch is a 400 naming it."""

import pytest

from statportal.testing import last_transaction, login_html, open_portal
from tests.helpers.materials import add, as_user, publish

HTML = {"Accept": "text/html", "Accept-Language": "en"}
PRICES = "/official-statistics/economy/prices"


def as_(testapp, login):
    testapp.reset()
    testapp.authorization = None
    if login:
        login_html(testapp, login)
    return testapp


@pytest.mark.parametrize("folder", ["/official-statistics/economy/industry", "/requests"])
@pytest.mark.parametrize("query", [
    {"b_start": "x"}, {"b_start": "-1"}, {"b_size": "0"}, {"b_size": "100000"},
    {"b_start": "9" * 30},
])
def test_folder_contents_refuses_junk_by_name(app, testapp, demo, folder, query):
    as_(testapp, "admin")
    before = last_transaction(app)
    found = testapp.get(f"{folder}/@@contents", query, headers=HTML, status=400)
    assert f"{next(iter(query))}:" in found.text
    assert last_transaction(app) == before


def test_folder_contents_takes_a_long_filter_as_its_first_200_characters(testapp, demo):
    as_(testapp, "yerlan")
    found = testapp.get("/official-statistics/economy/industry/@@contents",
                        {"filter": "x" * 100000}, headers=HTML)
    assert found.html.select_one("input[name=filter]")["value"] == "x" * 200


def bulk_post(testapp, folder, fields, status=200):
    page = testapp.get(f"{folder}/@@contents", headers=HTML)
    token = page.html.select_one("input[name=csrf_token]")["value"]
    return testapp.post(f"{folder.rstrip('/')}/@@bulk", [*fields, ("csrf_token", token)],
                        headers=HTML, status=status)


def test_the_portals_fixed_places_are_neither_moved_nor_deleted(app, testapp, demo):
    as_(testapp, "admin")
    with open_portal(app) as portal:
        fixed = sorted(name for name, obj in portal.items()
                       if getattr(obj, "__is_fixed__", False))
    assert {"requests", "orgunits"} <= set(fixed)
    before = last_transaction(app)
    for action, extra in (("delete", []), ("move", [("target", "/official-statistics")])):
        for confirmed in ("", "1"):
            answer = bulk_post(testapp, "", [("action", action), ("confirmed", confirmed),
                                             *[("ids", name) for name in fixed], *extra],
                               status=[400, 409])
            # the list says why; a confirmed move has no item that could go
            assert "belongs to the portal" in answer.text or \
                "None of the selected items can go" in answer.text
    assert last_transaction(app) == before
    with open_portal(app) as portal:
        assert all(name in portal for name in fixed)


def test_a_name_taken_at_the_target_is_reported_and_the_others_move(app, testapp, demo):
    one = add(testapp, title={"kk": "Same kk", "ru": "Same ru", "en": "Same name"})
    other = add(testapp, title={"kk": "Free kk", "ru": "Free ru", "en": "Free name"})
    taken = add(testapp, section=PRICES,
                title={"kk": "Same kk", "ru": "Same ru", "en": "Same name"})
    assert one.rsplit("/", 1)[1] == taken.rsplit("/", 1)[1]
    as_(testapp, "admin")
    section = one.rsplit("/", 1)[0]
    done = bulk_post(testapp, section, [
        ("action", "move"), ("confirmed", "1"), ("target", PRICES),
        ("ids", one.rsplit("/", 1)[1]), ("ids", other.rsplit("/", 1)[1])], status=303)
    shown = testapp.get(done.location, headers=HTML)
    errors = " ".join(m.text for m in shown.html.select(".message.error"))
    assert "Same name" in errors and "already exists" in errors
    as_user(testapp, "admin")
    assert testapp.get(f"/++api++{one}").json["title"]["en"] == "Same name"
    assert testapp.get(f"/++api++{taken}").json["title"]["en"] == "Same name"
    testapp.get(f"/++api++{PRICES}/{other.rsplit('/', 1)[1]}", status=200)
    testapp.get(f"/++api++{other}", status=404)


@pytest.mark.parametrize("target", [
    "https://evil.example/official-statistics", "javascript:alert(1)", "//evil.example/x",
    "/" + "x" * 20000, "/official-statistics/economy/industry/../../../etc",
])
def test_a_target_elsewhere_or_junk_is_a_400_naming_it(app, testapp, demo, target):
    one = add(testapp, title={"kk": "T kk", "ru": "T ru", "en": "Target test"})
    as_(testapp, "admin")
    before = last_transaction(app)
    refused = bulk_post(testapp, one.rsplit("/", 1)[0], [
        ("action", "move"), ("confirmed", "1"), ("target", target),
        ("ids", one.rsplit("/", 1)[1])], status=400)
    assert "target:" in refused.text and "x" * 300 not in refused.text
    assert last_transaction(app) == before


def test_thousands_of_unknown_ids_are_one_400_naming_ids(app, testapp, demo):
    as_(testapp, "admin")
    before = last_transaction(app)
    refused = bulk_post(testapp, "/official-statistics/economy/industry", [
        ("action", "delete"), ("confirmed", "1"),
        *[("ids", f"nothing-{i}") for i in range(3000)]], status=400)
    assert "ids:" in refused.text
    assert last_transaction(app) == before


def test_a_bulk_action_on_many_long_titles_fits_its_message(app, testapp, demo):
    """The messages live in the session cookie (4 KB): 30 items with long Russian titles,
    ten of them refused each for its own id, give a short message, not a 500 after the
    move was stored."""
    from tests.helpers import samples
    from tests.helpers.materials import upload

    long = "Индекс промышленного производства по видам экономической деятельности " * 2
    one_file = [upload("t.xlsx", samples.xlsx_table(samples.TABLE), "ru")]
    made = [add(testapp, languages=["ru"], files=one_file,
                title={"ru": f"{long} {i}", "kk": f"{long} {i}", "en": f"{long} {i}"})
            for i in range(30)]
    for i in range(10):  # the same ids are taken at the target
        taken = add(testapp, section=PRICES, languages=["ru"], files=one_file,
                    title={"ru": f"{long} {i}", "kk": f"{long} {i}", "en": f"{long} {i}"})
        assert taken.rsplit("/", 1)[1] == made[i].rsplit("/", 1)[1]
    as_(testapp, "admin")
    ids = [path.rsplit("/", 1)[1] for path in made]
    done = bulk_post(testapp, made[0].rsplit("/", 1)[0], [
        ("action", "move"), ("confirmed", "1"), ("target", PRICES),
        *[("ids", name) for name in ids]], status=303)
    assert len(done.headers.get("Set-Cookie", "")) < 4096
    shown = testapp.get(done.location, headers={**HTML, "Accept-Language": "ru"})
    messages = [m.text for m in shown.html.select(".message")]
    assert len(messages) <= 5 and any("(20)" in text for text in messages), messages
    refused = " ".join(shown.html.select_one(".message.error").text for _ in (1,))
    assert "already exists" in refused or "10" in refused, messages
    as_user(testapp, "admin")
    for path in made[10:]:
        testapp.get(f"/++api++{PRICES}/{path.rsplit('/', 1)[1]}", status=200)
    for path in made[:10]:
        testapp.get(f"/++api++{path}", status=200)


def test_bulk_treats_an_item_one_may_not_view_as_none(app, testapp, demo, monkeypatch):
    """An id of the folder that the user may not view is refused as unknown: its title
    is not shown on the confirmation list."""
    from pyramid.interfaces import ISecurityPolicy

    from statportal.security.permissions import VIEW

    seen = add(testapp, title={"kk": "Seen kk", "ru": "Seen ru", "en": "Seen table"})
    unseen = add(testapp, title={"kk": "Unseen kk", "ru": "Unseen ru", "en": "Unseen table"})
    policy = app.registry.queryUtility(ISecurityPolicy)
    permits = policy.permits

    def hidden(request, context, permission):  # as a unit's draft is hidden from others
        if permission == VIEW and \
                getattr(context, "__name__", None) == unseen.rsplit("/", 1)[1]:
            return False
        return permits(request, context, permission)
    monkeypatch.setattr(policy, "permits", hidden)
    as_(testapp, "yerlan")
    refused = bulk_post(testapp, seen.rsplit("/", 1)[0], [
        ("action", "transition:publish"), ("ids", seen.rsplit("/", 1)[1]),
        ("ids", unseen.rsplit("/", 1)[1])], status=400)
    assert "ids:" in refused.text and "Unseen table" not in refused.text


def test_a_moved_section_takes_its_materials_along_in_the_catalog(app, testapp, demo):
    """Moving a section re-indexes what is inside it: its published material is found
    under the new place (search by section, the category page) once, its file downloads
    there, and nothing is left under the old place."""
    economy = "/official-statistics/economy"
    as_user(testapp, "admin")
    testapp.post_json(f"/++api++{economy}/industry", {
        "@type": "Section", "id": "moved-box", "title": {"en": "Moved box"}}, status=201)
    path = add(testapp, section=f"{economy}/industry/moved-box", category="bulletin",
               title={"kk": "Boxed kk", "ru": "Boxed ru", "en": "Boxed table"})
    publish(testapp, path)
    as_(testapp, "admin")
    bulk_post(testapp, f"{economy}/industry", [
        ("action", "move"), ("confirmed", "1"), ("target", PRICES), ("ids", "moved-box")],
        status=303)
    moved = path.replace("/industry/", "/prices/")
    as_(testapp, None)
    page = testapp.get(moved, headers=HTML)
    link = page.html.select_one("a[href*='@@download']")["href"]
    assert testapp.get(link.replace("http://localhost", "")).body[:2] == b"PK"
    testapp.get(path, headers=HTML, status=404)
    found = testapp.get("/bulletins", {"SearchableText": "boxed"}, headers=HTML).text
    assert found.count(f"{moved}") >= 1 and f"{path}" not in found
    with open_portal(app) as portal:
        from statportal.materials.catalog import get_catalog

        catalog = get_catalog(portal)
        assert catalog.search(text="boxed", section=f"{PRICES}/moved-box")[1] == 1
        assert catalog.search(text="boxed", section=f"{economy}/industry")[1] == 0
        assert catalog.search(text="boxed")[1] == 1


def test_an_item_refused_half_way_keeps_nothing_the_others_are_done(app, testapp, demo):
    """A refusal raised after the state changed (a subscriber of the step) leaves that
    item as it was; the other items are published."""
    from statportal.content.editing import EditError
    from statportal.workflow.events import AfterTransition

    first = add(testapp, title={"kk": "One kk", "ru": "One ru", "en": "Half one"})
    second = add(testapp, title={"kk": "Two kk", "ru": "Two ru", "en": "Half two"})

    def refuse_late(event):
        if getattr(event.object, "__name__", "") == first.rsplit("/", 1)[1]:
            event.object.title = {"en": "changed half-way"}
            raise EditError("Refused after the step.", "ids")
    app.registry.registerHandler(refuse_late, (AfterTransition,))
    try:
        as_(testapp, "yerlan")
        bulk_post(testapp, first.rsplit("/", 1)[0], [
            ("action", "transition:publish"), ("confirmed", "1"),
            ("ids", first.rsplit("/", 1)[1]), ("ids", second.rsplit("/", 1)[1])],
            status=303)
    finally:
        app.registry.unregisterHandler(refuse_late, (AfterTransition,))
    as_user(testapp, "yerlan")
    kept = testapp.get(f"/++api++{first}").json
    assert kept["review_state"] == "private" and kept["title"]["en"] == "Half one"
    assert testapp.get(f"/++api++{second}").json["review_state"] == "published"
