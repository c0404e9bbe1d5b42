"""Throttling of failed logins: progressive delays, never a lock-out of the right client.

Failures are counted per key until, after the wait they impose, ``window`` more seconds
pass without one (waiting out the longest delay does not wipe the count). A key's first
``free`` failures cost nothing; after that each further attempt under that key must wait
``2 ** (failures - free)`` seconds after the last failure (1, 2, 4, ... capped at
``max_delay``). An attempt made before its time is refused without checking the password
(HTTP 429 with Retry-After) and is not counted; so a guesser is slowed exponentially, and
a waiting client is not punished for waiting.

The keys of one attempt:

* ``addr:<address>`` -- every failure from the client address, whatever the login
  (``ip_max_failures`` free): one address spraying many logins.
* for a client address from which this login has succeeded within ``trust`` seconds (the
  account's usual client): ``pair:<login>:<address>`` (``max_failures`` free), its own
  count; the failures of other clients do not slow it.
* for any other address: ``login:<login>`` (``max_failures`` free), shared by every other
  address: guessing one account from many addresses.

So an attacker who knows a login slows down only the attempts of clients that never logged
in as it (and himself); the owner, from where he last logged in, is not refused for the
attacker's failures. Counts live in the process (each web process throttles on its own).
"""

import hashlib
import threading
import time

from statportal.security.ratelimit import Backoff, Limiter, RateLimit

__all__ = ["CredentialCache", "LoginThrottle", "RateLimit"]


class LoginThrottle:
    """Failed logins, counted by the one limiter (``statportal.security.ratelimit``) under
    its ``Backoff`` rule: one limiter for the account keys, one for the address keys."""

    def __init__(self, max_failures=5, window=900, max_delay=900, ip_max_failures=30,
                 trust=30 * 86400, clock=time.monotonic, max_entries=100000):
        self.max_failures = max_failures
        self.window = window
        self.max_delay = max_delay
        self.ip_max_failures = ip_max_failures
        self.trust = trust
        self.clock = clock
        self.max_entries = max_entries
        self._accounts = Limiter(Backoff(max_failures, max_delay, window), clock, max_entries)
        self._addresses = Limiter(Backoff(ip_max_failures, max_delay, window), clock,
                                  max_entries)
        self._trusted = {}  # (login digest, address) -> until
        self._lock = threading.Lock()

    @property
    def _failures(self):
        """Every key's ``[count, time of the last]`` (for inspection)."""
        return {**self._accounts._events, **self._addresses._events}

    @staticmethod
    def _login(login):
        """A fixed-size digest of the login, case folded: a login field as long as the
        body limit allows costs the counts no more memory than a short one."""
        return hashlib.sha256((login or "").lower().encode("utf-8", "replace")).hexdigest()[:32]

    def _account_key(self, login, address, now):
        login = self._login(login)
        with self._lock:
            until = self._trusted.get((login, address))
        if until is not None and until > now:
            return f"pair:{login}:{address}"
        return f"login:{login}"

    def retry_after(self, login, address):
        """Seconds until a login attempt from ``address`` is allowed (0: allowed now)."""
        key = self._account_key(login, address, self.clock())
        return max(self._accounts.retry_after(key),
                   self._addresses.retry_after(f"addr:{address}"))

    def failed(self, login, address):
        self._accounts.hit(self._account_key(login, address, self.clock()))
        self._addresses.hit(f"addr:{address}")

    def succeeded(self, login, address):
        """The right password from ``address``: it becomes this login's usual client and its
        own failures are forgotten. The account's count from other clients stays (an
        attacker's failures are not wiped by the owner's success)."""
        now = self.clock()
        login = self._login(login)
        with self._lock:
            if len(self._trusted) > self.max_entries:
                for key in [k for k, until in self._trusted.items() if until <= now]:
                    del self._trusted[key]
            self._trusted[(login, address)] = now + self.trust
        self._accounts.forget(f"pair:{login}:{address}")


class CredentialCache:
    """Verified HTTP Basic credentials, remembered for ``ttl`` seconds.

    An API client sends its password with every request; verifying argon2 each
    time would cost a few hundred milliseconds a request. Only a SHA-256 digest
    of (login, password, stored hash) is kept, so a changed password or hash
    misses the cache at once.
    """

    def __init__(self, ttl=300, clock=time.monotonic, max_entries=10000):
        self.ttl = ttl
        self.clock = clock
        self.max_entries = max_entries
        self._entries = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(login, password, password_hash):
        return hashlib.sha256(
            "\0".join((login, password, password_hash or "")).encode("utf-8")).digest()

    def verified(self, login, password, password_hash):
        key = self._key(login, password, password_hash)
        with self._lock:
            expiry = self._entries.get(key)
            if expiry is None:
                return False
            if expiry < self.clock():
                del self._entries[key]
                return False
            return True

    def remember(self, login, password, password_hash):
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[self._key(login, password, password_hash)] = self.clock() + self.ttl
