"""Password hashing with argon2 (argon2-cffi), and the password policy.

The cost profile belongs to the application, not the process: ``includeme`` registers a
``PasswordHashing`` for ``statportal.argon2_profile`` as the registry's
``IPasswordHashing`` utility, so two applications in one process (a test suite's, an
integrator's) each hash at their own cost. Nothing is hashed at import: the dummy hash that
an unknown login is verified against (so both cost the same time) is made at its first use
and kept on the utility.
"""

import threading

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from statportal.interfaces import IPasswordHashing

DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"
MIN_LENGTH = 10


def profile_parameters(name):
    """argon2-cffi's parameters for a profile name; ValueError for an unknown one."""
    parameters = getattr(profiles, str(name), None)
    if not isinstance(parameters, profiles.Parameters):
        raise ValueError(f"unknown argon2 profile {name!r}")
    return parameters


class PasswordHashing:
    """Hashes new passwords with one argon2 profile; verifies hashes of any profile.

    The default, RFC 9106's low-memory profile, costs a few hundred milliseconds per
    hash; test suites set ``CHEAPEST``. Existing hashes keep verifying whatever profile
    made them, and are rehashed at the next login.
    """

    def __init__(self, profile=DEFAULT_PROFILE):
        self.profile = profile
        self.hasher = PasswordHasher.from_parameters(profile_parameters(profile))
        self._dummy = None
        self._lock = threading.Lock()

    def dummy_hash(self):
        if self._dummy is None:
            with self._lock:
                if self._dummy is None:
                    self._dummy = self.hasher.hash("statportal-no-such-user")
        return self._dummy

    def hash(self, password):
        return self.hasher.hash(password)

    def verify(self, hashed, password):
        """True when ``password`` matches ``hashed`` (None: compare against a dummy)."""
        try:
            return self.hasher.verify(hashed or self.dummy_hash(), password) \
                and hashed is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, hashed):
        return self.hasher.check_needs_rehash(hashed)


def use_profile(name, registry=None):
    """Hash new passwords of ``registry`` (the current one by default) with the named
    argon2-cffi profile (what ``statportal.argon2_profile`` sets at start-up)."""
    registry = registry if registry is not None else _current_registry()
    current = registry.queryUtility(IPasswordHashing)
    if current is None or current.profile != name:
        registry.registerUtility(PasswordHashing(name), IPasswordHashing)


def hashing_for(registry=None):
    """The registry's ``PasswordHashing`` (the current registry by default). A registry
    that was given none (a bare test, a script without ``includeme``) gets the default
    profile's, made once and kept on it."""
    registry = registry if registry is not None else _current_registry()
    hashing = registry.queryUtility(IPasswordHashing)
    if hashing is None:
        hashing = PasswordHashing()
        registry.registerUtility(hashing, IPasswordHashing)
    return hashing


def _current_registry():
    from pyramid.threadlocal import get_current_registry

    return get_current_registry()


def hash_password(password, registry=None):
    return hashing_for(registry).hash(password)


def verify_password(hashed, password, registry=None):
    """True when ``password`` matches ``hashed`` (None: compare against a dummy)."""
    return hashing_for(registry).verify(hashed, password)


def needs_rehash(hashed, registry=None):
    return hashing_for(registry).needs_rehash(hashed)


def password_problem(password):
    """None when acceptable, else the reason (a plain English message id)."""
    if len(password) < MIN_LENGTH:
        return "short"
    if password.strip() != password:
        return "spaces"
    return None
