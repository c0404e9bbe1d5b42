"""The password hashing profile belongs to the application (``statportal.argon2_profile``,
an ``IPasswordHashing`` utility of its registry): two applications in one process hash at
their own cost, importing hashes nothing, and the dummy hash for unknown logins is made
once per application, when first needed."""

import subprocess
import sys

import pytest
from pyramid.exceptions import ConfigurationError

from statportal.testing import basic_auth, close_app, make_app, make_settings, open_portal

CHEAP = "$argon2id$v=19$m=8,t=1,p=1$"            # argon2-cffi's CHEAPEST profile
LOW_MEMORY = "$argon2id$v=19$m=65536,t=3,p=4$"   # RFC 9106's low-memory profile


def test_importing_hashes_nothing():
    code = ("import argon2\n"
            "calls = []\n"
            "real = argon2.PasswordHasher.hash\n"
            "argon2.PasswordHasher.hash = lambda self, *a, **k: (calls.append(1),\n"
            "                                                    real(self, *a, **k))[1]\n"
            "import statportal.security.passwords, statportal.security.principals\n"
            "print(len(calls))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "0"


def test_two_applications_hash_at_their_own_cost(tmp_path):
    from statportal.interfaces import IPasswordHashing
    from statportal.security.principals import User

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    cheap = make_app(make_settings(tmp_path / "a"))
    costly = make_app(make_settings(tmp_path / "b", **{
        "statportal.argon2_profile": "RFC_9106_LOW_MEMORY"}))
    try:
        # Making the second application changed nothing for the first (no process global).
        assert cheap.registry.getUtility(IPasswordHashing).profile == "CHEAPEST"
        for app, prefix in ((cheap, CHEAP), (costly, LOW_MEMORY), (cheap, CHEAP)):
            user = User()
            user.set_password("a long password", app.registry)
            assert user.password_hash.startswith(prefix)
            assert user.check_password("a long password", app.registry)
        # Nothing asked for the dummy hash yet: none was made.
        assert costly.registry.getUtility(IPasswordHashing)._dummy is None
    finally:
        close_app(cheap)
        close_app(costly)


def test_an_unknown_login_is_checked_against_the_applications_dummy_hash(app, testapp, demo):
    from statportal.interfaces import IPasswordHashing

    hashing = app.registry.getUtility(IPasswordHashing)
    assert hashing._dummy is None
    testapp.authorization = basic_auth("nobody")
    testapp.get("/++api++/requests", status=401)
    assert hashing._dummy.startswith(CHEAP)


def test_a_hash_of_another_profile_verifies_and_is_rehashed_at_login(app, testapp, demo):
    from statportal.security.passwords import PasswordHashing

    old = PasswordHashing("RFC_9106_LOW_MEMORY").hash("an older password")
    with open_portal(app) as portal:
        portal["principals"]["users"]["dana"].password_hash = old
    testapp.authorization = ("Basic", ("dana", "an older password"))
    testapp.get("/++api++/requests", status=200)
    with open_portal(app) as portal:
        assert portal["principals"]["users"]["dana"].password_hash.startswith(CHEAP)


def test_an_unknown_profile_stops_the_start(tmp_path):
    with pytest.raises(ConfigurationError, match="statportal.argon2_profile"):
        make_app(make_settings(tmp_path, **{"statportal.argon2_profile": "FASTEST"}))
