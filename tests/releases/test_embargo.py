"""The embargo: placements tied to a release wait for its time, nothing leaks before it,
the worker publishes at it (postponed: later), early release needs two people, and two
workers racing publish once."""

from datetime import UTC, datetime, timedelta

from statportal.releases.worker import run_pass
from statportal.testing import open_portal
from tests.helpers.calendar import add as add_entry
from tests.helpers.embargo import RELEASE, race_two_passes
from tests.helpers.placement import as_user, new_request, run_chain

TITLE = "Industrial production, October 2026"




def anonymous_sees(testapp, material):
    """What an anonymous client gets of the material, by every public way."""
    as_user(testapp, None)
    seen = {
        "page": testapp.get(material, status="*").status_int,
        "json": testapp.get(f"/++api++{material}", status="*").status_int,
        "download": testapp.get(f"{material}/@@download/0/report.xlsx", status="*").status_int,
        "download_any": testapp.get(f"{material}/@@download/0/report.xlsx",
                                    headers={"Accept": "application/octet-stream"},
                                    status="*").status_int,
        "history": testapp.get(f"{material}/@@history", status="*").status_int,
    }
    seen["search"] = TITLE in testapp.get("/@@search?SearchableText=Industrial").text
    seen["search_json"] = testapp.get("/@search?SearchableText=Industrial").json["items_total"]
    seen["section"] = TITLE in testapp.get("/official-statistics/economy/industry").text
    seen["section_json"] = len(testapp.get(
        "/++api++/official-statistics/economy/industry").json["items"])
    seen["home"] = TITLE in testapp.get("/").text
    # the category's page of the public menu (the material is express information)
    seen["category"] = TITLE in testapp.get("/express-information").text
    seen["sitemap"] = material in testapp.get("/sitemap.xml").text
    return seen


HIDDEN = {"page": 404, "json": 404, "download": 404, "download_any": 404, "history": 404,
          "search": False, "search_json": 0, "section": False, "section_json": 0,
          "home": False, "sitemap": False, "category": False}


def test_placed_for_a_future_release_it_is_scheduled_and_hidden(app, testapp, scheduled,
                                                                frozen):
    material, entry = scheduled
    as_user(testapp, "yerlan")
    assert testapp.get(f"/++api++{material}").json["review_state"] == "scheduled"
    assert anonymous_sees(testapp, material) == HIDDEN
    as_user(testapp, "dana")
    bundle = testapp.get(f"/++api++{entry}").json["bundle"]
    assert [b["material"] for b in bundle] == [material] and bundle[0]["done"] is None
    frozen.set(RELEASE - timedelta(seconds=1))
    assert run_pass(app.registry).released == []
    assert anonymous_sees(testapp, material) == HIDDEN


def test_released_at_its_time_and_the_entry_published(app, testapp, scheduled, frozen):
    material, entry = scheduled
    frozen.set(RELEASE + timedelta(seconds=20))
    result = run_pass(app.registry)
    assert result.released == [entry] and result.materials == 1
    seen = anonymous_sees(testapp, material)
    assert seen["page"] == 200 and seen["download"] == 200 and seen["search_json"] == 1
    assert seen["section"] and seen["sitemap"] and seen["category"] and seen["home"]
    data = testapp.get(f"/++api++{entry}").json
    assert data["status"] == "published" and data["delay_minutes"] == 0
    assert data["published_at"] == (RELEASE + timedelta(seconds=20)).isoformat()
    past = testapp.get("/++api++/calendar/@releases?view=past").json["items"]
    assert past[0]["punctual"] is True
    assert run_pass(app.registry).released == []        # nothing twice


def test_postponing_moves_the_publication(app, testapp, scheduled, frozen):
    material, entry = scheduled
    as_user(testapp, "dana").patch_json(f"/++api++{entry}", {
        "release_at": "2026-12-15T10:00:00+05:00", "reason": "Revised source data"})
    frozen.set(RELEASE + timedelta(minutes=5))
    assert run_pass(app.registry).released == []
    assert anonymous_sees(testapp, material) == HIDDEN
    frozen.set(RELEASE + timedelta(days=1))
    assert run_pass(app.registry).released == [entry]
    assert anonymous_sees(testapp, material)["page"] == 200


def test_a_replace_waits_on_its_request(app, testapp, demo, frozen):
    from tests.helpers.placement import payload  # noqa: F401 (the request's fields)

    url = new_request(testapp)
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    entry = add_entry(testapp, section="/official-statistics/economy/industry").json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    revised = "Industrial production, October 2026 (revised)"
    replacement = new_request(testapp, placement_type="replace", replaces=material,
                              release=entry_path, title={"en": revised})
    run_chain(testapp, replacement)
    as_user(testapp, None)
    assert revised not in testapp.get(material).text
    assert TITLE in testapp.get("/express-information").text  # the old version is listed
    assert revised not in testapp.get("/express-information").text
    assert testapp.get(f"/++api++{material}").json["title"]["en"] == TITLE
    frozen.set(RELEASE + timedelta(seconds=5))
    assert run_pass(app.registry).materials == 1
    data = as_user(testapp, None).get(f"/++api++{material}").json
    assert data["title"]["en"] == revised and data["version"] == 2


def test_publish_now_needs_typed_confirmation_and_a_second_person(app, testapp, scheduled,
                                                                 frozen, smtp):
    material, entry = scheduled
    name = material.rsplit("/", 1)[1]
    url = f"/++api++{material}/@publish-now"
    as_user(testapp, "aigerim").post_json(url, {"confirm": name, "reason": "x"}, status=403)
    as_user(testapp, "yerlan")
    wrong = testapp.post_json(url, {"confirm": "yes", "reason": "Minister's request"},
                              status=400).json
    assert wrong["errors"][0]["field"] == "confirm"
    asked = testapp.post_json(url, {"confirm": name, "reason": "Minister's request"}).json
    assert asked["state"] == "requested"
    assert anonymous_sees(testapp, material) == HIDDEN
    as_user(testapp, "yerlan")
    same = testapp.post_json(url, {"confirm": name}, status=403).json
    assert "second person" in same["message"]
    with open_portal(app) as portal:
        from statportal.security.principals import find_user

        portal["principals"]["users"]["aidos"].roles = ("Moderator",)
        assert find_user(portal, "aidos") is not None
    done = as_user(testapp, "aidos").post_json(url, {"confirm": name}).json
    assert done["state"] == "published"
    assert anonymous_sees(testapp, material)["page"] == 200
    history = as_user(testapp, "dana").get(f"/++api++{material}/@workflow").json["history"]
    last = history[-1]
    assert last["action"] == "publish_now" and "yerlan" in last["comment"]
    entry_data = testapp.get(f"/++api++{entry}").json
    assert entry_data["status"] == "published" and entry_data["delay_minutes"] < 0


def test_two_workers_racing_publish_once(app, testapp, scheduled, frozen):
    from statportal.releases import embargo

    material, entry = scheduled
    frozen.set(RELEASE + timedelta(seconds=1))
    results = race_two_passes(app, embargo, "release_entry")
    assert sorted(len(r.released) for r in results) == [0, 1]
    assert max(r.attempts for r in results) == 2        # the loser conflicted and retried
    with open_portal(app) as portal:
        from statportal.content.paths import find_by_path

        found = find_by_path(portal, material)
        releases = [h for h in found.__workflow_history__ if h["action"] == "release"]
        assert len(releases) == 1


def test_publish_now_through_the_pages(app, testapp, scheduled, frozen):
    from statportal.testing import login_html

    material, entry = scheduled
    name = material.rsplit("/", 1)[1]
    testapp.authorization = None
    login_html(testapp, "yerlan")
    page = testapp.get(f"{material}/@@publish-now", headers={"Accept-Language": "en"})
    assert "under embargo until" in page.text
    form = page.forms["publish-now-form"]
    form["reason"], form["confirm"] = "Minister's request", "wrong"
    refused = form.submit(status=400, headers={"Accept-Language": "en"})
    assert "Type the material" in refused.text
    form = refused.forms["publish-now-form"]
    form["reason"], form["confirm"] = "Minister's request", name
    form.submit().follow()
    with open_portal(app) as portal:
        from statportal.content.paths import find_by_path

        found = find_by_path(portal, material)
        assert found.early_release["requested_by"] == "yerlan"
        from statportal.workflow import state_of

        assert state_of(found, "material") == "scheduled"
    # The entry's page lists the waiting material for the coordinator.
    testapp.reset()
    login_html(testapp, "dana")
    page = testapp.get(entry, headers={"Accept-Language": "en"})
    assert "Materials waiting for this release" in page.text
    # the placement by its title, not its name (issue 18, item 3)
    waiting = " ".join(page.html.select_one("#bundle-heading").find_next("li").text.split())
    assert waiting.endswith("(New)") or waiting.endswith("(Replace)"), waiting


def test_a_withdrawn_bundle_is_not_a_release(app, testapp, scheduled, frozen):
    material, entry = scheduled
    as_user(testapp, "yerlan").post_json(f"/++api++{material}/@workflow/withdraw",
                                         {"comment": "Errors found in the tables"})
    frozen.set(RELEASE + timedelta(seconds=5))
    result = run_pass(app.registry)
    assert result.released == [] and result.findings == 1     # now missing
    as_user(testapp, "dana")
    assert testapp.get(f"/++api++{entry}").json["status"] == "confirmed"
    assert [f["kind"] for f in testapp.get("/++api++/@currency").json["items"]] == ["missing"]
    assert anonymous_sees(testapp, material) == HIDDEN


# -- regressions found in review ----------------------------------------------------------
def test_a_late_placement_releases_what_was_waiting(app, testapp, scheduled, frozen):
    material, entry = scheduled
    frozen.set(RELEASE + timedelta(seconds=5))     # the worker has not passed yet
    url = new_request(testapp, release=entry, title={"kk": "Қосымша", "ru": "Приложение",
                                                     "en": "Industrial production, annex"})
    run_chain(testapp, url)
    assert anonymous_sees(testapp, material)["page"] == 200
    data = as_user(testapp, "dana").get(f"/++api++{entry}").json
    assert data["status"] == "published" and all(b["done"] for b in data["bundle"])


def test_a_renamed_section_does_not_lose_the_material(app, testapp, scheduled, frozen):
    from statportal.content import editing
    from statportal.content.paths import find_by_path

    material, entry = scheduled
    with open_portal(app) as portal:
        editing.rename(find_by_path(portal, "/official-statistics/economy"), "industry",
                       "industry-renamed")
    frozen.set(RELEASE + timedelta(seconds=5))
    assert run_pass(app.registry).materials == 1
    moved = material.replace("/industry/", "/industry-renamed/")
    assert as_user(testapp, None).get(moved).status_int == 200


def test_withdraw_then_publish_does_not_get_round_two_people(app, testapp, scheduled, frozen):
    material, entry = scheduled
    as_user(testapp, "yerlan").post_json(f"/++api++{material}/@workflow/withdraw",
                                         {"comment": "Oops"})
    refused = testapp.post_json(f"/++api++{material}/@workflow/publish", {}, status=409).json
    assert [e["type"] for e in refused["errors"]] == ["embargo"]
    assert anonymous_sees(testapp, material) == HIDDEN
    # Withdrawn, it does not hold the calendar back: the entry may be cancelled.
    as_user(testapp, "dana").patch_json(f"/++api++{entry}", {
        "status": "cancelled", "cancel_notice": {"en": "Merged into the bulletin."}})
    data = testapp.get(f"/++api++{entry}").json
    assert data["bundle"][0]["skipped"] == "cancelled"
    as_user(testapp, "yerlan").post_json(f"/++api++{material}/@workflow/publish", {})


def test_waiting_placements_are_for_the_entrys_keepers_only(app, testapp, scheduled):
    material, entry = scheduled
    for login in ("serik", "zhanar", "aigerim"):
        data = as_user(testapp, login).get(f"/++api++{entry}").json
        assert "bundle" not in data and "notes" not in data
        listing = testapp.get("/++api++/calendar/@releases").json["items"]
        assert all("bundle" not in item for item in listing)
    assert "bundle" in as_user(testapp, "dana").get(f"/++api++{entry}").json


def test_other_methods_do_not_reveal_a_scheduled_material(testapp, scheduled):
    material, _entry = scheduled
    as_user(testapp, None)
    for method in ("options", "put", "post"):
        response = getattr(testapp, method)(f"/++api++{material}", status="*")
        assert response.status_int == 404, method
    nowhere = testapp.options("/++api++/official-statistics/nothing-here", status="*")
    assert nowhere.status_int == 404


def test_cancelling_with_waiting_placements_is_refused(testapp, scheduled):
    _material, entry = scheduled
    response = as_user(testapp, "dana").patch_json(f"/++api++{entry}", {
        "status": "cancelled", "cancel_notice": {"en": "Merged."}}, status=409)
    assert "wait for this release" in response.json["message"]


def test_a_provisional_period_past_with_waiting_placements_is_missing(app, testapp, demo,
                                                                    frozen):
    entry = add_entry(testapp, status="provisional", release_at="2026-12",
                      section="/official-statistics/economy/industry").json
    path = entry["@id"].replace("http://localhost/++api++", "")
    url = new_request(testapp, release=path)
    run_chain(testapp, url)
    frozen.set(datetime(2027, 1, 2, 4, 0, tzinfo=UTC))
    result = run_pass(app.registry)
    assert result.released == [] and result.findings == 1


def test_publish_now_for_a_waiting_replace(app, testapp, demo, frozen):
    url = new_request(testapp)
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    entry = add_entry(testapp, section="/official-statistics/economy/industry").json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    replacement = new_request(testapp, placement_type="replace", replaces=material,
                              release=entry_path, title={"kk": "Түзетілген", "ru": "Исправлено",
                                                         "en": "Revised"})
    run_chain(testapp, replacement)
    name = material.rsplit("/", 1)[1]
    as_user(testapp, "yerlan").post_json(f"/++api++{material}/@publish-now",
                                         {"confirm": name, "reason": "Correction"})
    with open_portal(app) as portal:
        portal["principals"]["users"]["aidos"].roles = ("Moderator",)
    done = as_user(testapp, "aidos").post_json(f"/++api++{material}/@publish-now",
                                               {"confirm": name}).json
    assert done["state"] == "published"
    assert as_user(testapp, None).get(f"/++api++{material}").json["title"]["en"] == "Revised"
