"""A permission grant made after an ACL was computed is in the next ACL (issue 17 review):
the ACEs of a map are kept per map object, and a grant that added roles to a permission the
target already had changed the map in place, so the kept ACEs were served without them."""

from pyramid.config import Configurator

from statportal.security.acl import acl_for
from statportal.security.grants import get_grants
from statportal.testing import make_settings

REPORTS = "statportal.material.reports"  # granted on the Portal by the materials feature


class Portal:
    __content_type__ = "Portal"


def allowed(registry, permission):
    return {principal for action, principal, permissions in acl_for(Portal(), registry)
            if action == "Allow" and permissions == permission}


def test_a_grant_after_an_acl_was_computed_is_in_the_next_one(tmp_path):
    config = Configurator(settings=make_settings(tmp_path))
    config.include("statportal")
    config.commit()
    try:
        check(config)
    finally:
        for db in getattr(config.registry, "_zodb_databases", {}).values():
            db.close()


def check(config):
    assert REPORTS in get_grants(config.registry).for_type("Portal")
    before = allowed(config.registry, REPORTS)
    assert "role:Moderator" in before and "role:Support" not in before
    config.add_permission_grant("Portal", REPORTS, ("Support",))
    config.commit()
    assert allowed(config.registry, REPORTS) == {*before, "role:Support"}
    # and a grant on a target that had none yet
    config.add_permission_grant("Portal", "statportal.test.extra", ("group:support",))
    config.commit()
    assert allowed(config.registry, "statportal.test.extra") == {"role:Support"}
