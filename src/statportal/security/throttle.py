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
from collections import defaultdict, deque


class LoginThrottle:
    def __init__(self, max_failures=5, window=900, max_delay=900, ip_max_failures=30,
                 trust=30 * 86400, clock=time.monotonic, max_entries=100000):
        self.max_failures = max_failures
        self.window = window
        self.max_delay = max_delay
        self.ip_max_failures = ip_max_failures
        self.trust = trust
        self.clock = clock
        self.max_entries = max_entries
        self._failures = {}  # key -> [count, time of the last]
        self._trusted = {}  # (login, address) -> until
        self._lock = threading.Lock()
        self._calls = 0

    def _prune(self, now):
        """Forget counts and trust that no longer matter, so memory stays bounded."""
        for key in [k for k, (_n, last) in self._failures.items()
                    if last + self.max_delay + self.window <= now]:
            del self._failures[key]
        for key in [k for k, until in self._trusted.items() if until <= now]:
            del self._trusted[key]

    @staticmethod
    def _login(login):
        """A fixed-size digest of the login, case folded: a login field as long as the
        body limit allows costs the counts no more memory than a short one."""
        return hashlib.sha256((login or "").lower().encode("utf-8", "replace")).hexdigest()[:32]

    def _keys(self, login, address, now):
        login = self._login(login)
        until = self._trusted.get((login, address))
        if until is not None and until > now:
            account = (f"pair:{login}:{address}", self.max_failures)
        else:
            account = (f"login:{login}", self.max_failures)
        return (account, (f"addr:{address}", self.ip_max_failures))

    def _delay(self, count, free):
        return 0 if count < free else min(self.max_delay, 2 ** min(count - free, 40))

    def _stale(self, count, last, free, now):
        """Quiet for ``window`` seconds after the wait the count imposed: forgotten."""
        return last + self._delay(count, free) + self.window <= now

    def _wait(self, key, free, now):
        count, last = self._failures.get(key) or (0, 0)  # asking never stores a key
        if count < free or self._stale(count, last, free, now):
            return 0
        return max(0, last + self._delay(count, free) - now)

    def retry_after(self, login, address):
        """Seconds until a login attempt from ``address`` is allowed (0: allowed now)."""
        now = self.clock()
        with self._lock:
            waits = [self._wait(key, free, now) for key, free in self._keys(login, address, now)]
        wait = max(waits)
        return int(wait + 0.999) if wait > 0 else 0

    def failed(self, login, address):
        now = self.clock()
        with self._lock:
            self._calls += 1
            if self._calls % 1000 == 0 or len(self._failures) > self.max_entries:
                self._prune(now)
            for key, free in self._keys(login, address, now):
                count, last = self._failures.get(key) or (0, now)
                if self._stale(count, last, free, now):
                    count = 0  # a quiet window: start afresh
                self._failures[key] = [count + 1, now]

    def succeeded(self, login, address):
        """The right password from ``address``: it becomes this login's usual client and its
        own failures are forgotten. The account's count from other clients stays (an
        attacker's failures are not wiped by the owner's success)."""
        now = self.clock()
        login = self._login(login)
        with self._lock:
            if len(self._trusted) > self.max_entries:
                self._prune(now)
            self._trusted[(login, address)] = now + self.trust
            self._failures.pop(f"pair:{login}:{address}", None)


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
