"""The working calendar and the placement deadlines of art. 9 and 16."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

ALMATY = ZoneInfo("Asia/Almaty")


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=ALMATY)


def _makeOne(**kw):
    from statportal.schedule import WorkCalendar

    return WorkCalendar(**kw)


class TestWorkingDays:
    @pytest.mark.parametrize(("day", "working"), [
        (date(2026, 11, 27), True),    # Friday
        (date(2026, 11, 28), False),   # Saturday
        (date(2026, 11, 29), False),   # Sunday
        (date(2026, 3, 23), False),    # Nauryz
        (date(2026, 3, 24), False),    # Nauryz, observed (the 21st–22nd fell on a weekend)
        (date(2026, 3, 25), False),    # Nauryz, observed
        (date(2026, 3, 26), True),
        (date(2026, 5, 11), False),    # Victory Day (Saturday 9 May) observed on Monday
        (date(2026, 12, 16), False),   # Independence Day
        (date(2026, 12, 17), True),
    ])
    def test_holidays_and_weekends(self, day, working):
        assert _makeOne().is_working_day(day) is working

    def test_holiday_names(self):
        calendar = _makeOne()
        assert "Nowruz" in calendar.holiday_name(date(2026, 3, 23))
        assert calendar.holiday_name(date(2026, 11, 27)) is None

    def test_manager_days(self):
        calendar = _makeOne(extra_days_off=[date(2026, 12, 31)],
                            extra_working_days=[date(2026, 12, 26)])  # a working Saturday
        assert not calendar.is_working_day(date(2026, 12, 31))
        assert calendar.is_working_day(date(2026, 12, 26))

    def test_a_day_cannot_be_both(self):
        with pytest.raises(ValueError, match="2026-12-31"):
            _makeOne(extra_days_off=[date(2026, 12, 31)], extra_working_days=[date(2026, 12, 31)])

    def test_datetime_refused_where_a_date_is_meant(self):
        with pytest.raises(TypeError):
            _makeOne().is_working_day(at(2026, 11, 27, 10))


class TestAddWorkingDays:
    def test_same_clock_time(self):
        assert _makeOne().add_working_days(at(2026, 11, 27, 11, 40), 1) == at(2026, 11, 30, 11, 40)

    def test_over_nauryz(self):
        assert _makeOne().add_working_days(at(2026, 3, 20, 15), 3) == at(2026, 3, 30, 15)

    def test_from_utc_moment(self):
        moment = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)  # 01:00 on Saturday in Almaty
        assert _makeOne().add_working_days(moment, 1) == at(2026, 11, 30, 1, 0)

    def test_zero_and_negative(self):
        calendar = _makeOne()
        assert calendar.add_working_days(at(2026, 11, 28, 9), 0) == at(2026, 11, 28, 9)
        with pytest.raises(ValueError):
            calendar.add_working_days(at(2026, 11, 27, 9), -1)

    def test_naive_refused(self):
        with pytest.raises(ValueError, match="naive"):
            _makeOne().add_working_days(datetime(2026, 11, 27, 9), 1)


class TestPlacementDeadline:
    @pytest.mark.parametrize(("registered", "due"), [
        (at(2026, 11, 27, 11, 40), at(2026, 11, 27, 12, 10)),  # working hours: 30 minutes
        (at(2026, 11, 27, 17, 59), at(2026, 11, 27, 18, 29)),  # before 18:00
        (at(2026, 11, 27, 18, 0), at(2026, 11, 30, 10, 0)),    # 18:00 is late: Monday 10:00
        (at(2026, 11, 27, 18, 1), at(2026, 11, 30, 10, 0)),
        (at(2026, 11, 26, 18, 1), at(2026, 11, 27, 10, 0)),    # Thursday evening: Friday
        (at(2026, 11, 27, 8, 59), at(2026, 11, 27, 10, 0)),    # before opening: same day 10:00
        (at(2026, 11, 27, 9, 0), at(2026, 11, 27, 9, 30)),
        (at(2026, 11, 28, 12, 0), at(2026, 11, 30, 10, 0)),    # Saturday
        (at(2026, 3, 20, 17, 30), at(2026, 3, 20, 18, 0)),     # Friday before Nauryz
        (at(2026, 3, 20, 18, 30), at(2026, 3, 26, 10, 0)),     # over Nauryz and observed days
        (at(2026, 5, 8, 19, 0), at(2026, 5, 12, 10, 0)),       # Victory Day observed Monday
    ])
    def test_rules(self, registered, due):
        assert _makeOne().placement_deadline(registered) == due

    def test_manager_extra_days(self):
        calendar = _makeOne(extra_days_off=[date(2026, 11, 30)],
                            extra_working_days=[date(2026, 11, 28)])
        assert calendar.placement_deadline(at(2026, 11, 27, 18, 30)) == at(2026, 11, 28, 10, 0)
        assert calendar.placement_deadline(at(2026, 11, 28, 11, 0)) == at(2026, 11, 28, 11, 30)
        assert calendar.placement_deadline(at(2026, 11, 28, 18, 0)) == at(2026, 12, 1, 10, 0)

    def test_utc_input_gives_almaty_deadline(self):
        registered = datetime(2026, 11, 27, 6, 40, tzinfo=UTC)  # 11:40 in Almaty
        due = _makeOne().placement_deadline(registered)
        assert due == at(2026, 11, 27, 12, 10) and due.utcoffset() == timedelta(hours=5)

    def test_naive_refused(self):
        with pytest.raises(ValueError, match="naive"):
            _makeOne().placement_deadline(datetime(2026, 11, 27, 11, 40))

    def test_hours_are_settings(self):
        from statportal.schedule import hours_from_settings

        hours = hours_from_settings({"statportal.opening_time": "08:30",
                                     "statportal.closing_time": "17:00",
                                     "statportal.next_day_due_time": "09:30",
                                     "statportal.placement_minutes": "45"})
        calendar = _makeOne(hours=hours)
        assert hours.opening == time(8, 30)
        assert calendar.placement_deadline(at(2026, 11, 27, 8, 45)) == at(2026, 11, 27, 9, 30)
        assert calendar.placement_deadline(at(2026, 11, 27, 16, 0)) == at(2026, 11, 27, 16, 45)
        assert calendar.placement_deadline(at(2026, 11, 27, 17, 0)) == at(2026, 11, 30, 9, 30)
        with pytest.raises(ValueError, match="statportal.opening_time"):
            hours_from_settings({"statportal.opening_time": "nine"})
