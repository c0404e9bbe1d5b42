"""Throttling of failed logins, per login and per client address.

After ``max_failures`` failures for one login within ``window`` seconds,
that login is refused for ``lockout`` seconds (even with the right
password); an address with ``ip_max_failures`` failures is refused likewise.
Counts live in the process (each web process throttles on its own), which is
what an attacker meets in front of every process.
"""

import hashlib
import threading
import time
from collections import defaultdict, deque


class LoginThrottle:
    def __init__(self, max_failures=5, window=900, lockout=900, ip_max_failures=30,
                 clock=time.monotonic):
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.ip_max_failures = ip_max_failures
        self.clock = clock
        self._failures = defaultdict(deque)
        self._locked_until = {}
        self._lock = threading.Lock()
        self._calls = 0

    def _prune(self, now):
        """Forget counts and locks that no longer matter, so memory stays bounded."""
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]
        for key in [k for k, times in self._failures.items()
                    if not times or times[-1] <= now - self.window]:
            del self._failures[key]

    def _keys(self, login, address):
        return ((f"login:{(login or '').lower()}", self.max_failures),
                (f"addr:{address}", self.ip_max_failures))

    def retry_after(self, login, address):
        """Seconds until a login attempt is allowed again (0: allowed now)."""
        now = self.clock()
        with self._lock:
            waits = [self._locked_until.get(key, 0) - now for key, _ in self._keys(login, address)]
        return max(0, int(max(waits) + 0.999))

    def failed(self, login, address):
        now = self.clock()
        with self._lock:
            self._calls += 1
            if self._calls % 1000 == 0:
                self._prune(now)
            for key, limit in self._keys(login, address):
                failures = self._failures[key]
                failures.append(now)
                while failures and failures[0] <= now - self.window:
                    failures.popleft()
                if len(failures) >= limit:
                    self._locked_until[key] = now + self.lockout
                    failures.clear()

    def succeeded(self, login, address):
        with self._lock:
            key = self._keys(login, address)[0][0]
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)


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


class RateLimit:
    """At most ``limit`` events per key within ``window`` seconds (a sliding window).

    ``retry_after(key)`` says how long until one more is allowed (0: now); ``hit(key)``
    records one. Counts live in the process, like the login throttle.
    """

    def __init__(self, limit, window, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events = defaultdict(deque)
        self._lock = threading.Lock()
        self._calls = 0

    def _current(self, key, now):
        events = self._events.get(key)  # asking never stores a key
        while events and events[0] <= now - self.window:
            events.popleft()
        return events or ()

    def _wait(self, events, now):
        if len(events) < self.limit:
            return 0
        return max(1, int(events[0] + self.window - now + 0.999))

    def retry_after(self, key):
        now = self.clock()
        with self._lock:
            return self._wait(self._current(key, now), now)

    def hit(self, key):
        now = self.clock()
        with self._lock:
            self._record(key, now)

    def take(self, key):
        """Check and count in one step: 0 (counted) or the seconds to wait (not counted)."""
        now = self.clock()
        with self._lock:
            wait = self._wait(self._current(key, now), now)
            if not wait:
                self._record(key, now)
            return wait

    def _record(self, key, now):
        self._calls += 1
        if self._calls % 1000 == 0:  # forget keys whose window has passed
            for stale in [k for k, ev in self._events.items()
                          if not ev or ev[-1] <= now - self.window]:
                del self._events[stale]
        self._events[key].append(now)
