"""statportal.labels: the one helper that gives staff words, not names (issue 18, item 3)."""

from pyramid.request import Request

from statportal import labels
from statportal.testing import open_portal


def _request(app, language):
    request = Request.blank("/", headers={"Accept-Language": language})
    request.registry = app.registry
    request._LOCALE_ = language
    return request


def test_states_actions_and_notes_in_words(app):
    request = _request(app, "en")
    assert labels.state_title(request, "placement_request", "awaiting_approval") == \
        "Awaiting approval"
    assert labels.action_title(request, "placement_request", "submit") == "Submit for approval"
    assert labels.action_title(request, "placement_request", "register_note") == "Register note"
    assert labels.action_title(request, "material", "remove_empty_sheets") == \
        "Empty sheets removed"
    assert labels.action_title(request, "material", "create") == "Created"
    # unknown: its name, never an error
    assert labels.action_title(request, "material", "frobnicate") == "frobnicate"
    assert labels.state_title(request, "material", None) == "—"
    assert labels.action_title(request, "no-such-workflow", "x") == "x"


def test_other_languages_from_a_registry(app):
    # mail: the registry and the recipient's language, whatever the request's
    ru = labels.action_title(app.registry, "placement_request", "submit", language="ru")
    kk = labels.state_title(app.registry, "placement_request", "placed", language="kk")
    assert ru and ru != "submit" and ru != "Submit for approval"
    assert kk and kk != "placed" and kk != "Placed"


def test_dicts_terms_and_languages(app):
    request = _request(app, "ru")
    assert labels.words(request, {"kk": "Атау", "ru": "Название"}) == "Название"
    assert labels.words(request, {"kk": "Атау"}) == "Атау"  # another language's text
    assert labels.words(request, {}, "fallback") == "fallback"
    assert labels.term(request, {"a": {"ru": "А"}}, "a") == "А"
    assert labels.term(request, {}, "zzz") == "zzz"
    assert [labels.language_title(c) for c in ("kk", "ru", "en")] == \
        ["Қазақша", "Русский", "English"]


def test_units_by_name_not_path(app, demo):
    request = _request(app, "en")
    with open_portal(app) as portal:
        unit = next(iter(portal["orgunits"].values()))
        path = "/orgunits/" + unit.__name__
        title = labels.unit_title(request, path, portal=portal)
        assert title and title != path
        assert title == labels.words(request, unit.title)
        assert labels.unit_title(request, "/orgunits/none-such", portal=portal) == \
            "/orgunits/none-such"
        assert labels.unit_title(request, "", portal=portal) == ""
