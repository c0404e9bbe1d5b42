"""Where grants are (``sharing.local_grants``), the admin lists' search (``matches``,
``search_users``, ``principal_choices``) and the Sharing rules' answers to empty fields."""

import pytest

from statportal.content.editing import EditError
from statportal.content.paths import path_of
from statportal.content.registry import get_content_registry
from statportal.security.principals import matches, search_users
from statportal.security.sharing import (
    change_grant,
    local_grants,
    principal_choices,
    roles_of_principals,
)
from statportal.testing import open_portal


def _paths(grants, pid):
    return sorted((path_of(place), roles) for place, roles in grants.get(pid, ()))


def test_matches_every_word_in_any_text_case_ignored():
    assert matches("", "anything")
    assert matches("  ", None)
    assert matches("ӘЙГЕРІМ сей", "aigerim", "Әйгерім Сейітова")
    assert not matches("aigerim marat", "aigerim", "Әйгерім Сейітова")
    assert not matches("stat.example", "aigerim", "Әйгерім", None)


def test_local_grants_finds_every_grant_below_the_portal(app, demo):
    with open_portal(app) as portal:
        grants = local_grants(portal)
        assert _paths(grants, "user:aigerim") == [
            ("/official-statistics/economy/industry", ("Executor",)),
            ("/orgunits/industry-statistics", ("Executor",))]
        assert _paths(grants, "user:aidos") == [("/orgunits/almaty-city", ("Coordinator",))]
        assert "user:dana" not in grants  # a global role is no local grant


def test_local_grants_reach_deep_places_and_forget_removed_ones(app, demo):
    with open_portal(app) as portal:
        content = get_content_registry(app.registry)
        industry = portal["official-statistics"]["economy"]["industry"]
        deep = content.create("Section", title={"en": "Deep"})
        industry.add("deep", deep)
        deep.grant("group:analysts", "Moderator")
        unit = portal["orgunits"]["almaty-city"]["industry"]
        unit.grant("user:aigerim", "HeadOfUnit")
        grants = local_grants(portal)
        assert _paths(grants, "group:analysts") == [
            ("/official-statistics/economy/industry/deep", ("Moderator",))]
        assert ("/orgunits/almaty-city/industry", ("HeadOfUnit",)) in _paths(grants,
                                                                            "user:aigerim")
        found = roles_of_principals(grants, ["user:aigerim", "group:analysts"])
        assert {(path_of(place), pid) for place, _roles, pid in found} >= {
            ("/official-statistics/economy/industry/deep", "group:analysts"),
            ("/orgunits/almaty-city/industry", "user:aigerim")}
        industry.remove("deep")
        assert "group:analysts" not in local_grants(portal)


def test_search_users_matches_e_mail_only_when_asked(app, demo):
    with open_portal(app) as portal:
        assert [login for login, _u in search_users(portal, "aigerim@stat")] == []
        assert [login for login, _u in search_users(portal, "aigerim@stat",
                                                     with_email=True)] == ["aigerim"]
        assert [login for login, _u in search_users(portal, "жұмабаев")] == ["marat"]
        assert len(search_users(portal, "")) == len(portal["principals"]["users"])


def test_principal_choices_search_users_and_groups_without_e_mail(app, demo):
    with open_portal(app) as portal:
        content = get_content_registry(app.registry)
        portal["principals"]["groups"].add("analysts", content.create(
            "Group", title={"en": "Analysts", "ru": "Аналитики"}))

        def title(value):
            return value.get("en", "")

        every = principal_choices(portal, title)
        assert ("group:analysts", "Analysts (analysts)") in every
        assert not any("@" in label for _pid, label in every)
        assert [pid for pid, _l in principal_choices(portal, title, "айдос")] == ["user:aidos"]
        assert [pid for pid, _l in principal_choices(portal, title, "аналитики")] == [
            "group:analysts"]
        assert principal_choices(portal, title, "nobody-at-all") == []


@pytest.mark.parametrize(("principal", "role", "field"), [
    ("", "Executor", "principal"), ("user:aigerim", "", "role"),
    ("user:nobody", "Executor", "principal"), ("user:aigerim", "Emperor", "role")])
def test_change_grant_names_the_missing_or_wrong_field(app, demo, principal, role, field):
    with open_portal(app) as portal:
        section = portal["official-statistics"]
        with pytest.raises(EditError) as caught:
            change_grant(app.registry, portal, section, principal, role)
        assert caught.value.field == field
        assert section.local_roles() == {}


def test_values_by_id_are_the_children(app, demo):
    with open_portal(app) as portal:
        economy = portal["official-statistics"]["economy"]
        assert [c.__name__ for c in economy.values_by_id()] == sorted(economy.keys())
        assert {id(c) for c in economy.values_by_id()} == {id(c) for c in economy.values()}


def test_the_bench_runs(monkeypatch):
    """bench/bench_local_grants.py keeps working: a small run times the walk and the page."""
    import sys
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "bench"))
    sys.modules.pop("bench_local_grants", None)
    import bench_local_grants

    rows = bench_local_grants.main(["--sections", "20", "--materials", "1", "--runs", "1"])
    assert [label for label, *_times in rows] == ["demo", "+20 sections, 1 materials each"]
    assert all(t >= 0 for _label, *times in rows for t in times)
