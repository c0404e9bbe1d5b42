"""The register's note (art. 12.5): written at registration and later, apart from the executor's
note, refused by name when wrong, never written without the CSRF token."""

import pytest

from statportal.testing import last_transaction, login_html
from tests.helpers.placement import REQUESTS, as_user, step
from tests.helpers.register import new_request, register, submitted

HTML = {"Accept": "text/html"}


def patch(client, url, body, login, status=200):
    as_user(client, login)
    return client.patch_json(url, body, status=status)


class TestRegisterNote:
    def test_written_at_registration_and_later_apart_from_the_executors_note(
            self, testapp, demo):
        url = submitted(testapp, note="Ағылшын нұсқасы кейін")
        register(testapp, url, {"register_note": "Қағаз нұсқасы 28.11 алынды"})
        data = testapp.get(url).json
        assert data["review_state"] == "registered"
        assert data["register_note"] == "Қағаз нұсқасы 28.11 алынды"
        assert data["note"] == "Ағылшын нұсқасы кейін"
        # After registration the coordinator still writes it; nobody else does.
        patch(testapp, url, {"register_note": "Scan sent to the moderator"}, "dana")
        step(testapp, "yerlan", url, "place")
        patch(testapp, url, {"register_note": "Placed late: portal failure"}, "dana")
        for login in ("aigerim", "marat", "yerlan"):
            patch(testapp, url, {"register_note": "mine"}, login, status=403)
        # The executor cannot edit a placed request at all, the note included.
        patch(testapp, url, {"note": "x"}, "aigerim", status=403)
        as_user(testapp, "dana")
        data = testapp.get(url).json
        assert (data["register_note"], data["note"]) == ("Placed late: portal failure",
                                                         "Ағылшын нұсқасы кейін")
        row, = testapp.get(f"{REQUESTS}/@register").json["items"]
        assert row["register_note"] == "Placed late: portal failure"
        assert row["note"] == "Ағылшын нұсқасы кейін"
        # An empty text clears it.
        patch(testapp, url, {"register_note": ""}, "dana")
        assert testapp.get(url).json["register_note"] == ""
        # Every change is kept in the history, with who wrote it.
        notes = [(h["actor"], h["comment"]) for h in testapp.get(f"{url}/@workflow").json[
            "history"] if h["action"] == "register_note"]
        assert notes == [("dana", "Қағаз нұсқасы 28.11 алынды"),
                         ("dana", "Scan sent to the moderator"),
                         ("dana", "Placed late: portal failure"), ("dana", "")]

    def test_the_executor_may_send_it_back_unchanged_but_not_write_it(self, app, testapp,
                                                                       demo):
        url = new_request(testapp)
        as_user(testapp, "aigerim")
        whole = testapp.get(url).json
        assert whole["register_note"] == ""
        testapp.patch_json(url, {"register_note": "", "page_count": 4})
        before = last_transaction(app)
        response = testapp.patch_json(url, {"register_note": "I register myself",
                                            "page_count": 5}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before
        response = testapp.post_json(REQUESTS, {**_payload(), "register_note": "x"},
                                     status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before

    @pytest.mark.parametrize("value", [5, False, 0, [], ["a"], {"kk": "a"}])
    def test_not_a_string_is_refused_by_name(self, app, testapp, demo, value):
        url = submitted(testapp)
        register(testapp, url, {"register_note": "first"})
        before = last_transaction(app)
        response = patch(testapp, url, {"register_note": value}, "dana", status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before
        assert testapp.get(url).json["register_note"] == "first"

    def test_a_bad_note_in_the_transition_body_registers_nothing(self, app, testapp, demo):
        url = submitted(testapp)
        before = last_transaction(app)
        response = register(testapp, url, {"register_note": 12}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        response = register(testapp, url, {"register_note": "x" * 2001}, status=400)
        assert [e["field"] for e in response.json["errors"]] == ["register_note"]
        assert last_transaction(app) == before
        data = testapp.get(url).json
        assert data["review_state"] == "submitted" and data["number"] is None
        # Another unit's coordinator may not register it, note or not.
        register(testapp, url, {"register_note": "x"}, status=403, login="aidos")
        assert last_transaction(app) == before

    def test_html_form_register_page_and_request_page(self, testapp, demo):
        api = submitted(testapp)
        register(testapp, api, {})
        url = api.replace("/++api++", "")
        testapp.authorization = None
        login_html(testapp, "dana")
        page = testapp.get("/requests/@register", headers=HTML)
        assert "Write a note" in page.text
        form = testapp.get(f"{url}/@@register-note", headers=HTML).forms["edit-form"]
        form["register_note"] = "Қағаз нұсқасы <b>алынды</b>"
        form.submit("submit").follow(headers=HTML)
        page = testapp.get("/requests/@register", headers=HTML)
        cell = page.html.select_one("td.register-note")
        assert "Қағаз нұсқасы <b>алынды</b>" in cell.text  # escaped, shown as typed
        assert "Edit note" in cell.text
        shown = testapp.get(url, headers=HTML).html.select_one("dd.register-note").text
        assert "Қағаз нұсқасы <b>алынды</b>" in shown
        # Emptied in the form, it is cleared.
        form = testapp.get(f"{url}/@@register-note", headers=HTML).forms["edit-form"]
        form["register_note"] = ""
        form.submit("submit")
        as_user(testapp, "dana")
        assert testapp.get(api).json["register_note"] == ""
        # The executor has no such form, and no such field on the edit form of a draft.
        testapp.reset()
        testapp.authorization = None
        login_html(testapp, "aigerim")
        testapp.get(f"{url}/@@register-note", headers=HTML, status=403)
        draft = new_request(testapp).replace("/++api++", "")
        testapp.authorization = None
        edit = testapp.get(f"{draft}/@@edit", headers=HTML)
        assert edit.forms["edit-form"]["register_note"].attrs.get("type") == "hidden"

    def test_without_csrf_nothing_is_written(self, app, testapp, demo):
        url = submitted(testapp).replace("/++api++", "")
        testapp.authorization = None
        login_html(testapp, "dana")
        before = last_transaction(app)
        testapp.post(f"{url}/@@register-note", {"register_note": "x", "submit": "submit"},
                     headers=HTML, status=400)
        assert last_transaction(app) == before


def _payload(**changes):
    from tests.helpers.placement import payload

    return payload(**changes)
