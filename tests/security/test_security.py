"""Security pieces without HTTP: passwords, throttling, local roles, derived ACLs."""

import pytest
from pyramid import testing
from pyramid.authorization import Authenticated, Everyone


class TestPasswords:
    def test_hash_and_verify(self):
        from statportal.security.passwords import hash_password, verify_password

        hashed = hash_password("correct horse battery")
        assert hashed.startswith("$argon2")
        assert verify_password(hashed, "correct horse battery")
        assert not verify_password(hashed, "wrong")
        assert not verify_password(None, "anything")
        assert not verify_password("garbage", "anything")

    def test_policy(self):
        from statportal.security.passwords import password_problem

        assert password_problem("short") == "short"
        assert password_problem(" leading space ok?") == "spaces"
        assert password_problem("long enough pass") is None

    def test_user_password_change_bumps_auth_version(self):
        from statportal.security.principals import User

        user = User(fullname="A")
        user.set_password("first password")
        version = user.auth_version
        user.set_password("second password")
        assert user.auth_version == version + 1
        assert user.check_password("second password")
        assert not user.check_password("first password")


class TestLoginThrottle:
    def _makeOne(self, **kw):
        from statportal.security.throttle import LoginThrottle

        self.now = 1000.0
        return LoginThrottle(clock=lambda: self.now, **kw)

    def test_slows_login_progressively_then_forgets(self):
        throttle = self._makeOne(max_failures=3, window=600, max_delay=300, ip_max_failures=100)
        for _ in range(2):
            throttle.failed("dana", "10.0.0.1")
        assert throttle.retry_after("dana", "10.0.0.1") == 0
        throttle.failed("Dana", "10.0.0.2")  # logins are case-insensitive here
        assert throttle.retry_after("dana", "10.0.0.3") == 1  # 2 ** 0 after the free three
        assert throttle.retry_after("marat", "10.0.0.3") == 0
        waits = []
        for _ in range(10):
            self.now += throttle.retry_after("dana", "10.0.0.3")
            throttle.failed("dana", "10.0.0.3")
            waits.append(throttle.retry_after("dana", "10.0.0.3"))
        assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]  # doubling, capped
        self.now += 300  # waiting out the cap allows one more attempt, still slowed after it
        assert throttle.retry_after("dana", "10.0.0.3") == 0
        throttle.failed("dana", "10.0.0.3")
        assert throttle.retry_after("dana", "10.0.0.3") == 300
        self.now += 300 + 600  # quiet for the window after the wait: forgotten
        throttle.failed("dana", "10.0.0.3")
        assert throttle.retry_after("dana", "10.0.0.3") == 0

    def test_failures_outside_window_forgotten(self):
        throttle = self._makeOne(max_failures=2, window=60, max_delay=300)
        throttle.failed("dana", "a")
        self.now += 61
        throttle.failed("dana", "a")
        assert throttle.retry_after("dana", "a") == 0

    def test_address_limit(self):
        throttle = self._makeOne(max_failures=100, ip_max_failures=3, max_delay=60)
        for login in ("a", "b", "c"):
            throttle.failed(login, "10.9.9.9")
        assert throttle.retry_after("d", "10.9.9.9") == 1
        assert throttle.retry_after("d", "10.9.9.8") == 0

    def test_usual_client_not_slowed_by_others_failures(self):
        throttle = self._makeOne(max_failures=2, ip_max_failures=100)
        throttle.succeeded("dana", "10.0.0.1")  # where dana logs in
        for _ in range(8):
            self.now += throttle.retry_after("dana", "10.6.6.6")
            throttle.failed("dana", "10.6.6.6")
        assert throttle.retry_after("dana", "10.6.6.6") == 64
        assert throttle.retry_after("dana", "10.0.0.2") == 64  # any other unknown client
        assert throttle.retry_after("dana", "10.0.0.1") == 0
        # The usual client's own failures are counted on their own, and slow it too.
        for _ in range(2):
            throttle.failed("dana", "10.0.0.1")
        assert throttle.retry_after("dana", "10.0.0.1") == 1

    def test_success_resets_only_its_own_client(self):
        throttle = self._makeOne(max_failures=2)
        throttle.failed("dana", "b")
        throttle.failed("dana", "a")
        throttle.succeeded("dana", "a")
        throttle.failed("dana", "a")
        assert throttle.retry_after("dana", "a") == 0
        assert throttle.retry_after("dana", "c") == 1  # the two of before still count


class TestLocalRoles:
    def _tree(self):
        from statportal.content.resources import Portal, Section

        portal, a, b = Portal(), Section(), Section()
        portal.add("a", a, send_events=False)
        a.add("b", b, send_events=False)
        return portal, a, b

    def test_grant_revoke_and_inheritance(self):
        from statportal.security.localroles import inherited_grants, local_roles_in

        portal, a, b = self._tree()
        assert a.grant("user:aigerim", "Executor")
        assert not a.grant("user:aigerim", "Executor")  # already there
        b.grant("group:industry", "HeadOfUnit")
        assert local_roles_in(b, ["user:aigerim"]) == {"Executor"}
        assert local_roles_in(b, ["user:aigerim", "group:industry"]) == {"Executor", "HeadOfUnit"}
        assert local_roles_in(portal, ["user:aigerim"]) == set()
        assert [(loc, pid) for loc, pid, _r in inherited_grants(b)] == [(a, "user:aigerim")]
        assert a.revoke("user:aigerim", "Executor")
        assert not a.revoke("user:aigerim", "Executor")
        assert a.local_roles() == {}


@pytest.fixture
def config():
    with testing.testConfig(settings={"statportal.secret": "s"}) as config:
        config.include("statportal.content")
        config.include("statportal.security.roles")
        yield config


class TestDerivedACL:
    def test_portal_and_section_maps(self, config):
        from statportal.content.registry import get_content_registry
        from statportal.content.resources import Portal, Section
        from statportal.security.acl import permits

        content = get_content_registry(config.registry)
        portal = content.create("Portal")
        section = content.create("Section")
        portal.add("s", section, send_events=False)
        assert isinstance(section, Section) and isinstance(portal, Portal)
        anonymous = [Everyone]
        executor = [Everyone, Authenticated, "user:x", "role:Executor"]
        assert permits(config.registry, section, anonymous, "view")
        assert not permits(config.registry, section, anonymous, "statportal.edit")
        assert permits(config.registry, section, executor, "statportal.edit")
        assert not permits(config.registry, section, executor, "statportal.delete")
        assert not permits(config.registry, portal, executor, "statportal.edit")
        manager = [Everyone, Authenticated, "role:Manager"]
        assert permits(config.registry, section, manager, "statportal.share")

    def test_inherit_false_denies_the_rest(self, config):
        from statportal.content.registry import get_content_registry
        from statportal.security.acl import permits

        content = get_content_registry(config.registry)
        portal = content.create("Portal")
        requests = content.create("Container")
        portal.add("requests", requests, send_events=False)
        assert not permits(config.registry, requests, [Everyone], "view")
        assert permits(config.registry, requests, [Everyone, Authenticated], "view")
        assert not permits(config.registry, requests, [Everyone, Authenticated],
                           "statportal.edit")
        assert permits(config.registry, requests, [Everyone, "role:Manager"], "anything")

    def test_changed_map_applies_to_existing_objects(self, config):
        """Nothing is copied onto objects: re-registering the map changes every ACL."""
        from statportal.content.registry import get_content_registry
        from statportal.content.schemas import section_schema
        from statportal.security.acl import permits

        content = get_content_registry(config.registry)
        portal = content.create("Portal")
        section = content.create("Section")
        portal.add("s", section, send_events=False)
        assert not permits(config.registry, section, [Everyone, "role:Support"], "statportal.edit")
        from statportal.content.resources import Section

        config.add_content_type("Section", Section, section_schema,
                                permissions={"statportal.edit": ("Support",)})
        assert permits(config.registry, section, [Everyone, "role:Support"], "statportal.edit")
