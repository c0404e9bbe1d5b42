"""Password hashing with argon2 (argon2-cffi), and the password policy."""

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"
_hasher = PasswordHasher.from_parameters(getattr(profiles, DEFAULT_PROFILE))
# Verified against when a login is unknown, so both cases cost the same time.
_DUMMY_HASH = _hasher.hash("statportal-no-such-user")


def use_profile(name):
    """Hash new passwords with the named argon2-cffi profile (``statportal.argon2_profile``).

    The default, RFC 9106's low-memory profile, costs a few hundred milliseconds
    per hash; test suites set ``CHEAPEST``. Existing hashes keep verifying
    whatever profile made them, and are rehashed at the next login.
    """
    global _hasher, _DUMMY_HASH
    parameters = getattr(profiles, name, None)
    if not isinstance(parameters, profiles.Parameters):
        raise ValueError(f"unknown argon2 profile {name!r}")
    if _hasher.time_cost != parameters.time_cost or _hasher.memory_cost != parameters.memory_cost:
        _hasher = PasswordHasher.from_parameters(parameters)
        _DUMMY_HASH = _hasher.hash("statportal-no-such-user")

MIN_LENGTH = 10


def hash_password(password):
    return _hasher.hash(password)


def verify_password(hashed, password):
    """True when ``password`` matches ``hashed`` (None: compare against a dummy)."""
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed):
    return _hasher.check_needs_rehash(hashed)


def password_problem(password):
    """None when acceptable, else the reason (a plain English message id)."""
    if len(password) < MIN_LENGTH:
        return "short"
    if password.strip() != password:
        return "spaces"
    return None
