"""Signed links of a subscription: ``confirm`` (expires, single use), ``unsubscribe`` and
``manage`` (no expiry). Nothing is stored per token: HMAC-SHA256 with ``statportal.secret``
over ``purpose|subscriber id|token_version|expiry``; the purpose is signed but not written,
so a token of one purpose is forged for another. A subscriber's ``token_version`` (bumped
on confirming) makes every earlier confirmation token of it ``used``; an unsubscribed or
erased subscriber's tokens are all ``used`` (the caller finds no subscriber; a new
subscription of the address has a new random id)."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

PURPOSES = ("confirm", "unsubscribe", "manage")
#: hours a confirmation link stays valid unless ``statportal.subscriptions.confirm_hours``
CONFIRM_HOURS = 48


class TokenError(Exception):
    """A token that must not be honoured; ``reason``: ``forged``, ``expired`` or ``used``."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _signature(secret, purpose, subscriber_id, version, expiry):
    mac = hmac.new(str(secret).encode("utf-8"),
                   f"{purpose}|{subscriber_id}|{version}|{expiry}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def make_token(secret, purpose, subscriber, now, hours=CONFIRM_HOURS):
    """A url-safe token for ``subscriber`` (its ``id`` and ``token_version``)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    expiry = int((now + timedelta(hours=hours)).timestamp()) if purpose == "confirm" else 0
    version = int(subscriber.token_version)
    signature = _signature(secret, purpose, subscriber.id, version, expiry)
    return f"{subscriber.id}.{version}.{expiry}.{signature}"


def read_token(secret, purpose, token, now):
    """``(subscriber_id, version)`` of a genuine, unexpired ``token`` of ``purpose``;
    raises ``TokenError("forged"|"expired")``. Whether the version is still the
    subscriber's (else ``used``) is :func:`check_version`'s."""
    parts = str(token or "").strip().split(".")
    # ASCII digits only: "²".isdigit() is true and int("²") raises (review 2)
    if len(parts) != 4 or len(token) > 200 or not all(
            part.isascii() and part.isdigit() for part in parts[1:3]):
        raise TokenError("forged")
    subscriber_id, version, expiry, signature = parts
    expected = _signature(secret, purpose, subscriber_id, int(version), int(expiry))
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace")):
        raise TokenError("forged")
    if int(expiry) and now >= datetime.fromtimestamp(int(expiry), UTC):
        raise TokenError("expired")
    return subscriber_id, int(version)


def check_version(subscriber, version, purpose="confirm"):
    """The subscriber of a genuine token, or ``TokenError("used")`` when it is gone, or
    when a confirmation link was used or replaced (the version moved on). Unsubscribe and
    manage links of earlier messages keep working while the subscriber exists: a one-click
    unsubscribe from an old message must not fail because a newer choice was confirmed."""
    if subscriber is None:
        raise TokenError("used")
    current = int(subscriber.token_version)
    if version != current if purpose == "confirm" else version > current:
        raise TokenError("used")
    return subscriber
