"""The one rate limiter: events counted per key under a rule, in the process.

``Limiter(rule)`` keeps one state per key (behind a lock, with bounded memory: keys whose
rule says they no longer matter are forgotten every thousand events, or when there are more
than ``max_entries``). Asking never stores a key, so a flood of different keys that are
only asked about costs nothing. Two rules:

* ``Window(limit, seconds)``: at most ``limit`` events within a sliding window (the
  questions' limits per address and per e-mail);
* ``Backoff(free, max_delay, quiet)``: the first ``free`` events cost nothing, then each
  further one must wait ``2 ** (events - free)`` seconds after the last (capped at
  ``max_delay``); a key quiet for ``quiet`` seconds after the wait it imposed is
  forgotten (failed logins, ``statportal.security.throttle``).

Counts live in the process: each web process limits on its own.
"""

import threading
import time
from collections import deque


class Window:
    """At most ``limit`` events per key within ``seconds`` (a sliding window)."""

    def __init__(self, limit, seconds):
        self.limit, self.seconds = limit, seconds

    def new(self, now):
        return deque()

    def _current(self, state, now):
        while state and state[0] <= now - self.seconds:
            state.popleft()
        return state

    def wait(self, state, now):
        state = self._current(state, now)
        if len(state) < self.limit:
            return 0
        return max(1, int(state[0] + self.seconds - now + 0.999))

    def record(self, state, now):
        self._current(state, now).append(now)
        return state

    def stale(self, state, now):
        return not state or state[-1] <= now - self.seconds


class Backoff:
    """Exponential waits after ``free`` events; state ``[count, time of the last]``."""

    def __init__(self, free, max_delay, quiet):
        self.free, self.max_delay, self.quiet = free, max_delay, quiet

    def new(self, now):
        return [0, now]

    def delay(self, count):
        return 0 if count < self.free else min(self.max_delay, 2 ** min(count - self.free, 40))

    def stale(self, state, now):
        """Quiet for ``quiet`` seconds after the wait the count imposed: forgotten."""
        count, last = state
        return last + self.delay(count) + self.quiet <= now

    def wait(self, state, now):
        count, last = state
        if count < self.free or self.stale(state, now):
            return 0
        wait = max(0, last + self.delay(count) - now)
        return int(wait + 0.999) if wait > 0 else 0

    def record(self, state, now):
        if self.stale(state, now):
            state[0] = 0  # a quiet window: start afresh
        state[0] += 1
        state[1] = now
        return state


class Limiter:
    """Events per key under ``rule``; ``retry_after(key)``: seconds until one more is
    allowed (0: now); ``hit(key)`` records one; ``take(key)`` checks and records in one
    step; ``forget(key)`` drops a key's count."""

    def __init__(self, rule, clock=time.monotonic, max_entries=100000):
        self.rule = rule
        self.clock = clock
        self.max_entries = max_entries
        self._events = {}  # key -> the rule's state
        self._lock = threading.Lock()
        self._calls = 0

    def _wait(self, key, now):
        state = self._events.get(key)  # asking never stores a key
        return self.rule.wait(state, now) if state is not None else 0

    def retry_after(self, key):
        now = self.clock()
        with self._lock:
            return self._wait(key, now)

    def hit(self, key):
        now = self.clock()
        with self._lock:
            self._count(key, now)

    def take(self, key):
        """Check and count in one step: 0 (counted) or the seconds to wait (not counted)."""
        now = self.clock()
        with self._lock:
            wait = self._wait(key, now)
            if not wait:
                self._count(key, now)
            return wait

    def forget(self, key):
        with self._lock:
            self._events.pop(key, None)

    def _count(self, key, now):
        self._calls += 1
        if self._calls % 1000 == 0 or len(self._events) > self.max_entries:
            for stale in [k for k, state in self._events.items() if self.rule.stale(state, now)]:
                del self._events[stale]
        state = self._events.get(key)
        self._events[key] = self.rule.record(state if state is not None else
                                             self.rule.new(now), now)


class RateLimit(Limiter):
    """At most ``limit`` events per key within ``window`` seconds (a sliding window)."""

    def __init__(self, limit, window, clock=time.monotonic):
        super().__init__(Window(limit, window), clock)
        self.limit, self.window = limit, window


def take_once(limiter, request, mark):
    """``limiter.take`` of the request's client address (the connection's, ``REMOTE_ADDR``,
    never a header the client writes), once a request: a retry after a write conflict
    reuses the environ, which ``mark`` notes as counted. 0 (counted now or before), or the
    seconds to wait (not counted)."""
    if request.environ.get(mark):
        return 0
    wait = limiter.take(request.remote_addr or "-")
    if not wait:
        request.environ[mark] = True
    return wait
