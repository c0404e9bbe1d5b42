"""The one rate limiter (``statportal.security.ratelimit``): a sliding window for the
questions' limits, progressive back-off for failed logins; asking stores nothing and memory
stays bounded. The login throttle and the question limits are both made of it."""

from statportal.security.ratelimit import Backoff, Limiter, RateLimit, Window


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_window_allows_limit_events_then_waits_for_the_oldest_to_leave():
    clock = Clock()
    limit = Limiter(Window(2, 60), clock)
    assert [limit.take("a"), limit.take("a")] == [0, 0]
    clock.now += 10
    assert limit.take("a") == 50 and limit.retry_after("a") == 50   # not counted
    assert limit.take("b") == 0                                        # keys apart
    clock.now += 50
    assert limit.take("a") == 0


def test_backoff_doubles_after_the_free_events_and_forgets_a_quiet_key():
    clock = Clock()
    limit = Limiter(Backoff(free=2, max_delay=8, quiet=100), clock)
    limit.hit("k")
    limit.hit("k")
    waits = []
    for _ in range(5):
        waits.append(limit.retry_after("k"))
        clock.now += waits[-1]
        limit.hit("k")
    assert waits == [1, 2, 4, 8, 8]                                   # capped
    clock.now += 8 + 100                                              # the wait, then quiet
    assert limit.retry_after("k") == 0
    limit.hit("k")
    assert limit.retry_after("k") == 0 and limit._events["k"][0] == 1  # started afresh


def test_asking_stores_nothing_and_old_keys_are_dropped():
    clock = Clock()
    limit = Limiter(Window(1, 60), clock, max_entries=10)
    for n in range(100):
        assert limit.retry_after(f"ask{n}") == 0
    assert limit._events == {}
    for n in range(50):
        limit.hit(f"k{n}")
        clock.now += 61                                                # each soon stale
    assert len(limit._events) <= 11


def test_the_login_throttle_and_the_question_limits_use_the_one_limiter():
    from statportal.questions.limits import QuestionLimits
    from statportal.security.throttle import LoginThrottle

    throttle = LoginThrottle()
    limits = QuestionLimits(5, 3)
    assert all(isinstance(part, Limiter) for part in (
        throttle._accounts, throttle._addresses, limits.by_address, limits.by_email))
    assert isinstance(limits.by_address, RateLimit) and limits.by_address.limit == 5
    assert isinstance(throttle._accounts.rule, Backoff)
