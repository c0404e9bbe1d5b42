"""The one clock the portal reads: every timestamp, deadline, embargo and worker pass asks
:func:`now`, and tests set the time instead of sleeping.

    from statportal import clock
    clock.now()                                   # timezone-aware, UTC

    with clock.frozen(datetime(2026, 12, 1, 11, 59, tzinfo=ALMATY)) as time:
        ...                                       # clock.now() is that moment
        time.advance(minutes=1)                   # and now a minute later

The clock is process-wide on purpose: a worker thread inside the web process and the web
requests must agree on what time it is. Naive datetimes are refused.
"""

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self):
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until it is set or advanced."""

    def __init__(self, at):
        self.set(at)

    def set(self, at):
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"a clock needs a timezone-aware time, not {at!r}")
        self._at = at.astimezone(UTC)

    def advance(self, **delta):
        self._at += timedelta(**delta)
        return self._at

    def now(self):
        return self._at


_lock = threading.Lock()
_current = SystemClock()


def now():
    """The current time, timezone-aware, in UTC."""
    return _current.now()


def use(new_clock):
    """Make ``new_clock`` the portal's clock; returns the one it replaces."""
    global _current
    with _lock:
        old, _current = _current, new_clock
    return old


@contextmanager
def frozen(at):
    """Within the block the time is ``at``; the :class:`FrozenClock` is yielded."""
    clock = FrozenClock(at)
    old = use(clock)
    try:
        yield clock
    finally:
        use(old)
