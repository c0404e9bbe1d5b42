"""The release entry's workflow: its status is a workflow state with ``@workflow``, and
the calendar's rules hold there as through PATCH."""

from statportal.testing import open_portal
from tests.helpers.calendar import add
from tests.helpers.placement import as_user, step


def path_of(response):
    return response.json["@id"].replace("http://localhost/++api++", "")


def test_workflow_of_a_confirmed_entry(app, testapp, demo, frozen):
    entry = path_of(add(testapp))
    as_user(testapp, "dana")
    workflow = testapp.get(f"/++api++{entry}/@workflow").json
    assert workflow["workflow"] == "release_entry"
    assert workflow["state"]["id"] == "confirmed"
    assert [t["id"] for t in workflow["transitions"]] == ["cancel"]  # publish: the system's
    assert [(h["action"], h["actor"], h["to"]) for h in workflow["history"]] == [
        ("create", "dana", "provisional"), ("confirm", "dana", "confirmed")]
    as_user(testapp, "aigerim")  # an executor sees it, and may do nothing
    assert testapp.get(f"/++api++{entry}/@workflow").json["transitions"] == []
    step(testapp, "aigerim", f"/++api++{entry}", "cancel", 403, comment="no")
    step(testapp, "dana", f"/++api++{entry}", "publish", 403)
    assert testapp.get(f"/++api++{entry}").json["status"] == "confirmed"


def test_confirm_and_cancel_by_the_workflow_keep_the_rules(app, testapp, demo, frozen):
    month = path_of(add(testapp, status="provisional", release_at="2027-03"))
    url = f"/++api++{month}"
    refused = step(testapp, "dana", url, "confirm", 409).json
    assert [e["field"] for e in refused["errors"]] == ["release_at"]  # a month is not a time
    exact = path_of(add(testapp, status="provisional"))
    confirmed = step(testapp, "dana", f"/++api++{exact}", "confirm").json
    assert confirmed["state"]["id"] == "confirmed"
    assert testapp.get(f"/++api++{exact}").json["status"] == "confirmed"

    step(testapp, "dana", url, "cancel", 400)  # the public notice is required
    step(testapp, "dana", url, "cancel", comment="The survey is suspended.")
    data = testapp.get(url).json
    assert data["status"] == data["shown_status"] == "cancelled"
    assert data["cancel_notice"] == {"en": "The survey is suspended."}
    change = data["changes"][-1]
    assert change["new"] is None and change["reason"] == {"en": "The survey is suspended."}
    assert change["by"] == "dana"
    step(testapp, "dana", url, "cancel", 409, comment="again")  # not from cancelled


def test_an_entry_stored_before_the_workflow_keeps_its_status(app, testapp, demo, frozen):
    entry = path_of(add(testapp))
    with open_portal(app) as portal:  # as the previous release stored it
        from statportal.content.paths import find_by_path

        stored = find_by_path(portal, entry)
        del stored.__workflow_state__
        stored.__dict__["status"] = "confirmed"
        stored._p_changed = True
    as_user(testapp, "dana")
    assert testapp.get(f"/++api++{entry}").json["status"] == "confirmed"
    assert testapp.get(f"/++api++{entry}/@workflow").json["state"]["id"] == "confirmed"
    testapp.patch_json(f"/++api++{entry}", {"status": "cancelled",
                                            "cancel_notice": {"en": "Merged."}})
    data = testapp.get(f"/++api++{entry}").json
    assert data["status"] == "cancelled" and data["cancel_notice"] == {"en": "Merged."}
    assert testapp.get(f"/++api++{entry}/@workflow").json["history"][-1]["to"] == "cancelled"


def test_the_evolve_step_makes_the_old_status_the_workflow_state(app, testapp, demo, frozen):
    from statportal.content.paths import find_by_path
    from statportal.evolve import get_evolve_steps
    from statportal.releases.workflow import adopt_entries
    from statportal.workflow import history_of, state_of

    assert get_evolve_steps(app.registry).latest()["statportal.releases"] == 1
    entry = path_of(add(testapp))
    with open_portal(app) as portal:  # as the previous release stored it: no workflow
        stored = find_by_path(portal, entry)
        del stored.__workflow_state__, stored.__workflow_history__
        stored.__dict__["status"] = "confirmed"
        stored._p_changed = True
    with open_portal(app) as portal:
        assert adopt_entries(portal, app.registry) >= 1
        assert adopt_entries(portal, app.registry) == 0  # once
    with open_portal(app) as portal:
        stored = find_by_path(portal, entry)
        assert "status" not in stored.__dict__
        assert state_of(stored) == "confirmed" == stored.status
        assert [(h["action"], h["to"], h["time"]) for h in history_of(stored)] == [
            ("create", "confirmed", stored.created)]
    step(testapp, "dana", f"/++api++{entry}", "cancel", comment="Merged into the bulletin.")
    assert testapp.get(f"/++api++{entry}").json["status"] == "cancelled"
