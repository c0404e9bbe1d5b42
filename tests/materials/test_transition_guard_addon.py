"""A guard that an add-on package adds to the material's Publish
(``config.add_transition_guard``) refuses it with its own message."""

import sys
from pathlib import Path

import pytest

from statportal.testing import make_settings
from tests.helpers.materials import add, as_user, publish

PKGS = str(Path(__file__).parents[1] / "pkgs")


@pytest.fixture
def app_settings(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(PKGS)
    sys.modules.pop("guard_ext", None)
    return make_settings(tmp_path, **{"statportal.includes": "guard_ext"})


def test_the_add_ons_guard_refuses_publishing_with_its_message(testapp, demo):
    url = add(testapp, title={"kk": "Индекс", "ru": "Индекс", "en": "Index (DRAFT)"})
    refused = publish(testapp, url, status=409).json
    assert [(e["type"], e["field"], e["message"]) for e in refused["errors"]] == [
        ("draft_title", "title", "Remove DRAFT from the title before publishing.")]
    workflow = testapp.get(f"/++api++{url}/@workflow").json
    assert workflow["state"]["id"] == "private"
    assert "publish" not in [h["action"] for h in workflow["history"]]
    as_user(testapp, "yerlan")
    testapp.patch_json(f"/++api++{url}", {"title": {"en": "Index"}})
    published = publish(testapp, url).json
    assert published["state"]["id"] == "published"


def test_the_guards_of_publish_come_from_the_packages_that_registered_them(app):
    """The material's workflow imports neither: the releases feature's embargo and the
    add-on's guard are registered data, run after the definition's own guards."""
    from statportal.materials.workflow import MATERIAL_WORKFLOW
    from statportal.workflow.guards import get_guards

    def names(guards):
        return [f"{g.__module__}.{g.__name__}" for g in guards]

    assert names(MATERIAL_WORKFLOW.transition("publish").guards) == [
        "statportal.materials.validators.validators_guard"]
    assert names(get_guards(app.registry).get("material", "publish")) == [
        "statportal.releases.embargo.embargo_guard", "guard_ext.no_draft_in_title"]
