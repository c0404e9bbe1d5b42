"""The worked add-on of docs/integrators.md (tests/pkgs/survey_ext), included in an
application as an integrator includes it (``statportal.includes``): its content type, its
workflow's guard, its material validator through WebTest, and its worker task run once
through the worker's pass."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from webtest import TestApp

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal
from tests.helpers.clock import NOW
from tests.helpers.materials import material

PKGS = str(Path(__file__).parents[1] / "pkgs")
SECTION = "/++api++/official-statistics/economy/industry"
SURVEY = "/official-statistics/economy/industry/labour-survey"


@pytest.fixture
def survey_app(tmp_path, monkeypatch, frozen):
    from statportal.demo import add_demo_content

    monkeypatch.syspath_prepend(PKGS)
    sys.modules.pop("survey_ext", None)
    app = make_app(make_settings(tmp_path, **{"statportal.includes": "survey_ext"}))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    yield app
    close_app(app)


def as_user(client, login):
    client.authorization = ("Basic", (login, DEMO_PASSWORD)) if login else None
    return client


def test_the_worked_add_on(survey_app, frozen):
    from statportal.worker import run_pass

    client = TestApp(survey_app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})
    # the content type: a coordinator adds a survey to a section, its schema checked
    as_user(client, "dana")
    refused = client.post_json(SECTION, {"@type": "Survey", "id": "labour-survey",
                                         "title": {"en": "Labour force survey"},
                                         "respondents": -1}, status=400).json
    assert {e["field"] for e in refused["errors"]} == {"closes_on", "respondents"}
    client.post_json(SECTION, {"@type": "Survey", "id": "labour-survey",
                               "title": {"en": "Labour force survey"},
                               "closes_on": NOW.date().isoformat()}, status=201)
    assert client.get(f"/++api++{SURVEY}/@workflow").json["state"]["id"] == "planned"
    as_user(client, None)
    client.get(f"/++api++{SURVEY}", status=401)  # planned: the coordinators' only

    # the workflow's guard: a survey opens only until a later day
    as_user(client, "dana")
    guard = client.post_json(f"/++api++{SURVEY}/@workflow/open", {}, status=409).json
    assert [e["type"] for e in guard["errors"]] == ["closes_too_early"]
    later = (NOW + timedelta(days=2)).date()
    client.patch_json(f"/++api++{SURVEY}", {"closes_on": later.isoformat()}, status=200)
    client.post_json(f"/++api++{SURVEY}/@workflow/open", {}, status=200)
    as_user(client, None)
    assert client.get(f"/++api++{SURVEY}").json["closes_on"] == later.isoformat()

    # the material validator: the survey's results wait for it to close
    as_user(client, "yerlan")
    url = client.post_json(SECTION, material(keywords=[SURVEY, "labour"]),
                           status=201).json["@id"].replace("http://localhost", "")
    waiting = client.post_json(f"{url}/@workflow/publish", {}, status=409).json
    assert [e["type"] for e in waiting["errors"]] == ["survey_open"]
    assert SURVEY in waiting["errors"][0]["message"]

    # the worker task, once through the worker's pass: not before its day is over…
    result = run_pass(survey_app.registry, now=NOW + timedelta(days=1))
    assert "surveys" in result.ran and "surveys" not in result.errors
    assert result.surveys_closed == 0
    # …then closed by the system, with the workflow's history and events
    result = run_pass(survey_app.registry, now=NOW + timedelta(days=3))
    assert result.surveys_closed == 1 and result.errors == []
    workflow = client.get(f"/++api++{SURVEY}/@workflow").json
    assert workflow["state"]["id"] == "closed"
    assert workflow["history"][-1]["actor"] == "system:worker"
    # nobody closes one by hand
    as_user(client, "dana")
    assert "close" not in [t["id"] for t in
                           client.get(f"/++api++{SURVEY}/@workflow").json["transitions"]]

    as_user(client, "yerlan")
    client.post_json(f"{url}/@workflow/publish", {}, status=200)
    as_user(client, None)
    assert client.get(url).json["review_state"] == "published"


def test_the_add_on_is_documented_and_introspectable(survey_app):
    client = TestApp(survey_app)
    survey = client.get("/@openapi.json").json["components"]["schemas"]["Survey"]
    assert {"closes_on", "respondents"} <= set(survey["properties"])
    titles = {category: {item["introspectable"].title for item in
                         survey_app.registry.introspector.get_category(category)}
              for category in ("statportal content types", "statportal workflows",
                               "statportal worker tasks", "statportal material validators")}
    assert "Survey" in titles["statportal content types"]
    assert "survey" in titles["statportal workflows"]
    assert "surveys" in titles["statportal worker tasks"]
    assert "survey_results" in titles["statportal material validators"]
