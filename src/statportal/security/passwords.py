"""Password hashing with argon2 (argon2-cffi), and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when a login is unknown, so both cases cost the same time.
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
