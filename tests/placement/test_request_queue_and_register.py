"""Placement requests in the queue and the register: deleting or editing a queued request and a
missing entry leave the queue working, titles are one line, subjects survive odd characters,
the register's .xlsx keeps formulas as text, drafts stay out of the register, and a PATCH
checks ``replaces`` against what is stored."""

import io

from statportal.testing import open_portal
from tests.helpers.placement import REQUESTS, as_user, new_request, payload, step


def registered(client, **changes):
    url = new_request(client, **changes)
    step(client, "aigerim", url, "submit")
    step(client, "marat", url, "approve")
    step(client, "dana", url, "register")
    return url


def test_deleting_a_queued_request_leaves_the_queue_working(testapp, demo):
    url = registered(testapp)
    other = registered(testapp, category="compilation")
    as_user(testapp, "admin")
    testapp.delete(url, status=204)
    as_user(testapp, "yerlan")
    items = testapp.get(f"{REQUESTS}/@queue").json["items"]
    assert [i["@id"].replace("http://localhost", "") for i in items] == [other]
    step(testapp, "yerlan", other, "place")  # first in the queue now: no comment needed


def test_titles_are_one_line(testapp, demo):
    as_user(testapp, "aigerim")
    response = testapp.post_json(REQUESTS, payload(title={"en": "A\nB"}), status=400)
    assert response.json["errors"][0]["field"] == "title.en"


def test_subjects_survive_odd_characters():
    from statportal.mail import make_message

    message = make_message("a@x.kz", "b@x.kz", "Line one\r\nBcc: evil@x.kz\ttab", "body")
    assert message["Subject"] == "Line one Bcc: evil@x.kz tab"


def test_manager_edit_of_a_queued_request_moves_it(testapp, demo):
    express = registered(testapp, category="express_information", title={"en": "E"})
    compilation = registered(testapp, category="compilation", title={"en": "C"})
    as_user(testapp, "admin")
    testapp.patch_json(compilation, {"category": "latest_data"})
    as_user(testapp, "yerlan")
    titles = [i["title"]["en"] for i in testapp.get(f"{REQUESTS}/@queue").json["items"]]
    assert titles == ["C", "E"]
    assert express


def test_xlsx_keeps_formulas_as_text(testapp, demo):
    from openpyxl import load_workbook

    url = new_request(testapp, note='=HYPERLINK("http://evil.example","x")')
    assert url
    as_user(testapp, "admin")
    body = testapp.get(f"{REQUESTS}/@register?format=xlsx").body
    sheet = load_workbook(io.BytesIO(body)).active
    cell = sheet.cell(row=2, column=11)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_queue_survives_a_missing_entry(app, testapp, demo):
    url = registered(testapp)
    with open_portal(app) as portal:
        requests = portal["requests"]
        obj = requests[url.rsplit("/", 1)[1]]
        requests.remove(obj.__name__, send_events=False)  # as if an old bug had left it
    as_user(testapp, "yerlan")
    assert testapp.get(f"{REQUESTS}/@queue").json["items"] == []


def test_drafts_stay_out_of_the_office_register_and_listing(testapp, demo):
    url = new_request(testapp, note="secret draft note")
    for login in ("dana", "yerlan", "aidos", "zhanar"):
        as_user(testapp, login)
        assert testapp.get(f"{REQUESTS}/@register").json["items_total"] == 0, login
        assert testapp.get(REQUESTS).json["items_total"] == 0, login
    as_user(testapp, "marat")
    assert testapp.get(f"{REQUESTS}/@register").json["items_total"] == 1
    assert testapp.get(REQUESTS).json["items"][0]["@id"].endswith(url)
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    as_user(testapp, "dana")
    assert testapp.get(f"{REQUESTS}/@register").json["items_total"] == 1
    as_user(testapp, "aidos")  # Almaty's coordinator: not this unit
    assert testapp.get(f"{REQUESTS}/@register").json["items_total"] == 0


def test_patch_checks_replaces_against_what_is_stored(app, testapp, demo):
    url = new_request(testapp)
    as_user(testapp, "aigerim")
    response = testapp.patch_json(url, {"placement_type": "replace"}, status=400)
    assert response.json["errors"][0]["message"]
    response = testapp.patch_json(url, {"placement_type": "replace",
                                        "replaces": "/official-statistics/nowhere"}, status=400)
    assert response.json["errors"][0]["field"] == "replaces"
