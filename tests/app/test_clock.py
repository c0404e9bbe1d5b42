"""The one clock: what tests set is what timestamps, deadlines and pages read."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from statportal import clock
from statportal.content.base import Content
from statportal.testing import basic_auth

ALMATY = ZoneInfo("Asia/Almaty")


def test_frozen_clock_sets_and_advances_the_time():
    at = datetime(2026, 12, 1, 11, 59, tzinfo=ALMATY)
    with clock.frozen(at) as time:
        assert clock.now() == at and clock.now().tzinfo == UTC
        assert Content(title="x").created == at
        time.advance(minutes=1)
        assert clock.now() == at + timedelta(minutes=1)
        time.set(datetime(2027, 1, 1, tzinfo=ALMATY))
        assert Content().modified.year == 2026  # 2027-01-01 00:00 Almaty is 2026 in UTC
        assert Content().modified.astimezone(ALMATY).year == 2027
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.FrozenClock(datetime(2026, 12, 1, 12, 0))


def test_pages_read_the_clock(testapp, demo):
    """The working calendar's JSON lists the holidays of the clock's year."""
    testapp.authorization = basic_auth("admin")
    with clock.frozen(datetime(2031, 3, 1, 10, 0, tzinfo=ALMATY)):
        holidays = testapp.get("/++api++/@working-calendar").json["holidays"]
    assert holidays and {h["date"][:4] for h in holidays} == {"2031"}
