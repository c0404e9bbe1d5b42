"""The working calendar: Asia/Almaty, Kazakhstan's holidays, the deadlines of art. 9 and 16.

``WorkCalendar`` knows which days are working days (Monday to Friday, less
Kazakhstan's public holidays and their observed days from the ``holidays``
package, less the days off and plus the working days that a Manager adds)
and computes deadlines from timezone-aware moments. Naive datetimes are
refused: a deadline computed from an unknown clock is a wrong deadline.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

#: UI language -> the ``holidays`` package's language of holiday names.
HOLIDAY_LANGUAGES = {"kk": "kk", "en": "en_US", "ru": "en_US"}

#: The longest run of days off the calendar will walk over before it gives up.
MAX_DAYS_OFF_IN_A_ROW = 60


@dataclass(frozen=True)
class OfficeHours:
    """The times of art. 9 and 16; each is a setting."""

    opening: time = time(9, 0)
    closing: time = time(18, 0)
    next_day_due: time = time(10, 0)
    placement_delay: timedelta = timedelta(minutes=30)


class WorkCalendar:
    def __init__(self, extra_days_off=(), extra_working_days=(), tz="Asia/Almaty",
                 hours=None, country="KZ"):
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_working_days = frozenset(extra_working_days)
        both = self.extra_days_off & self.extra_working_days
        if both:
            raise ValueError(f"a day cannot be both a day off and a working day: "
                             f"{', '.join(d.isoformat() for d in sorted(both))}")
        self.hours = hours or OfficeHours()
        self.country = country
        self.public_holidays = holidays.country_holidays(country, observed=True)
        self._named = {}

    # -- days ---------------------------------------------------------------
    def holiday_name(self, day, language=None):
        """The public holiday on ``day`` (or None), named in ``language`` where known.

        The ``holidays`` package names Kazakhstan's holidays in Kazakh and
        English; other languages get the English name.
        """
        if language not in HOLIDAY_LANGUAGES:
            return self.public_holidays.get(day)
        names = self._named.get(language)
        if names is None:
            names = self._named[language] = holidays.country_holidays(
                self.country, observed=True, language=HOLIDAY_LANGUAGES[language])
        return names.get(day)

    def is_working_day(self, day):
        if isinstance(day, datetime):
            raise TypeError("is_working_day takes a date; pass moment.astimezone(tz).date()")
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return day.weekday() < 5 and day not in self.public_holidays

    def next_working_day(self, day):
        """The first working day after ``day``."""
        for offset in range(1, MAX_DAYS_OFF_IN_A_ROW + 2):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_DAYS_OFF_IN_A_ROW} days after {day}")

    # -- moments ------------------------------------------------------------
    def local(self, moment):
        if not isinstance(moment, datetime):
            raise TypeError("a datetime is expected")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetimes are refused: give the time zone")
        return moment.astimezone(self.tz)

    def at(self, day, clock):
        return datetime.combine(day, clock, tzinfo=self.tz)

    def add_working_days(self, moment, n):
        """The same clock time ``n`` working days later (Asia/Almaty)."""
        if n < 0:
            raise ValueError("n must not be negative")
        local = self.local(moment)
        day = local.date()
        for _ in range(n):
            day = self.next_working_day(day)
        return self.at(day, local.timetz().replace(tzinfo=None))

    def answer_deadline(self, received_at, days):
        """When a question received at ``received_at`` must be answered (art. 25): the
        close of business (18:00) of the ``days``-th working day after the day of receipt.
        The term runs from the next day, so the hour of receipt does not shorten it."""
        if days < 1:
            raise ValueError("days must be at least 1")
        day = self.local(received_at).date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self.at(day, self.hours.closing)

    def placement_deadline(self, registered_at):
        """When a request registered at ``registered_at`` must be placed (art. 9, 16).

        On a working day from opening (09:00) until closing (18:00): 30 minutes
        after registration. Before opening on a working day: 10:00 that day.
        Otherwise (after 18:00, or on a day off): 10:00 of the next working day.
        """
        local = self.local(registered_at)
        day, clock = local.date(), local.time()
        hours = self.hours
        if self.is_working_day(day):
            if hours.opening <= clock < hours.closing:
                return local + hours.placement_delay
            if clock < hours.opening:
                return self.at(day, hours.next_day_due)
        return self.at(self.next_working_day(day), hours.next_day_due)


def parse_clock(value, name):
    try:
        hours, minutes = (int(part) for part in str(value).split(":"))
        return time(hours, minutes)
    except ValueError as exc:
        raise ValueError(f"{name}: expected HH:MM, got {value!r}") from exc


def hours_from_settings(settings):
    return OfficeHours(
        opening=parse_clock(settings.get("statportal.opening_time", "09:00"),
                            "statportal.opening_time"),
        closing=parse_clock(settings.get("statportal.closing_time", "18:00"),
                            "statportal.closing_time"),
        next_day_due=parse_clock(settings.get("statportal.next_day_due_time", "10:00"),
                                 "statportal.next_day_due_time"),
        placement_delay=timedelta(minutes=int(settings.get("statportal.placement_minutes", 30))),
    )


__all__ = ["WorkCalendar", "OfficeHours", "hours_from_settings"]
