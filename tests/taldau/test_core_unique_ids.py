"""An indicator's id is unique under /data (``/api/v2/tables/{id}`` and ``@tables`` name an
indicator by its id alone): a second indicator of an id that exists in another topic is
refused through the JSON API (409 naming ``id``) and the add form (the error at the id
field), a rename into such an id is refused, an id made from the title steps aside, and
a move between topics (the id goes with it) stays allowed."""

from statportal.testing import basic_auth, last_transaction, login_html, open_portal
from tests.helpers.placement import as_user
from tests.helpers.taldau import DATA, indicator_payload, tr

HTML = {"Accept": "text/html"}


def topics(testapp, *names):
    as_user(testapp, "admin")
    for name in names:
        testapp.post_json(DATA, {"@type": "DataTopic", "id": name,
                                 "title": {"en": name.title()}}, status=201)


def test_the_api_refuses_an_id_another_topic_holds_naming_id(app, testapp, demo):
    topics(testapp, "labour", "prices")
    testapp.post_json(f"{DATA}/labour", indicator_payload(), status=201)
    written = last_transaction(app)
    for where in (DATA, f"{DATA}/prices"):
        answer = testapp.post_json(where, indicator_payload(code="OTHER"), status=409).json
        [error] = answer["errors"]
        assert error["field"] == "id" and error["type"] == "duplicate_id"
        assert "wages" in error["message"] and "/data/labour/wages" in error["message"]
    assert last_transaction(app) == written   # nothing stored
    testapp.post_json(f"{DATA}/prices", indicator_payload(id="wages-2"), status=201)
    with open_portal(app) as portal:
        assert "wages" not in portal["data"] and "wages" not in portal["data"]["prices"]


def test_an_id_made_from_the_title_steps_aside(app, testapp, demo):
    topics(testapp, "labour", "prices")
    payload = indicator_payload(title=tr("Жалақы", "Зарплата", "Wages"))
    del payload["id"]
    first = testapp.post_json(f"{DATA}/labour", payload, status=201).json
    second = testapp.post_json(f"{DATA}/prices", payload, status=201).json
    assert first["@id"].endswith("/data/labour/wages")
    assert second["@id"].endswith("/data/prices/wages-2")


def test_the_add_form_shows_the_error_at_the_id(app, testapp, demo):
    topics(testapp, "labour")
    testapp.post_json(f"{DATA}/labour", indicator_payload(), status=201)
    as_user(testapp, None)
    login_html(testapp, "admin")
    form = testapp.get("/data/@@add?type=Indicator", headers=HTML).forms["edit-form"]
    form["id"] = "wages"
    form["code"] = "OTHER"
    for lang in ("kk", "ru", "en"):      # the title's inputs come first
        form.set(lang, "Average wage", index=0)
    form["periodicity"] = "monthly"
    written = last_transaction(app)
    page = form.submit("submit", headers=HTML)
    assert page.status_int == 200 and "/data/labour/wages" in page.text
    # the message stands at the id field (deform's error of that item)
    item = page.html.find("input", {"name": "id"}).find_parent(
        lambda tag: "has-error" in (tag.get("class") or []))
    assert item is not None and "/data/labour/wages" in item.get_text()
    assert last_transaction(app) == written
    with open_portal(app) as portal:
        assert "wages" not in portal["data"]


def test_a_rename_into_another_topics_id_is_refused(app, testapp, demo):
    topics(testapp, "labour")
    testapp.post_json(f"{DATA}/labour", indicator_payload(), status=201)
    testapp.post_json(DATA, indicator_payload(id="births", code="BIRTHS"), status=201)
    testapp.authorization = basic_auth("admin")
    token = testapp.get("/data/@@rename?name=births", headers=HTML).forms[
        "rename-form"]["csrf_token"].value
    page = testapp.post("/data/@@rename?name=births",
                        {"new_name": "wages", "csrf_token": token}, headers=HTML, status=200)
    assert "/data/labour/wages" in page.text
    with open_portal(app) as portal:
        assert "births" in portal["data"] and "wages" not in portal["data"]
    testapp.post("/data/@@rename?name=births", {"new_name": "births-2", "csrf_token": token},
                 headers=HTML, status=302)


def test_a_move_between_topics_keeps_the_id(app, testapp, demo):
    from statportal.content.moving import move

    topics(testapp, "labour", "prices")
    testapp.post_json(f"{DATA}/labour", indicator_payload(), status=201)
    with open_portal(app) as portal:
        move(app.registry, portal["data"]["labour"]["wages"], portal["data"]["prices"])
    with open_portal(app) as portal:
        assert "wages" in portal["data"]["prices"] and "wages" not in portal["data"]["labour"]
