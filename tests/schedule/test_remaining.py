"""Time left to a deadline in working days and hours by the working calendar, and how late
by the clock, in the reader's language with plural forms (statportal.i18n.ngettext)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from pyramid.i18n import make_localizer

from statportal.schedule import WorkCalendar
from statportal.schedule.remaining import time_left, working_minutes

ALMATY = ZoneInfo("Asia/Almaty")
CATALOGS = "src/statportal/locale"


def at(d, hh, mm=0):
    return datetime(2026, 12, d, hh, mm, tzinfo=ALMATY)


class _Request:
    def __init__(self, language="en", directories=(CATALOGS,)):
        self.locale_name = language
        self.localizer = make_localizer(language, list(directories))


def said(due, now, request=None, calendar=None):
    request = request or _Request()
    return request.localizer.translate(time_left(request, due, now,
                                                 calendar or WorkCalendar()))


@pytest.mark.parametrize(("due", "now", "words"), [
    # Friday 4 December 18:00; Thursday 15:00: 3 h of Thursday and Friday's 9 h.
    (at(4, 18), at(3, 15), "1 working day 3 h left"),
    (at(4, 18), at(4, 15, 45), "2 h 15 min left"),
    (at(4, 18), at(4, 17, 35), "25 min left"),
    (at(4, 18), at(1, 9), "4 working days left"),
    # Over the weekend: Friday 17:00 to Monday 10:00 is two working hours.
    (at(7, 10), at(4, 17), "2 h left"),
    # Over Independence Day (Wednesday 16th): Tuesday 18:00 to Thursday 18:00 is one day.
    (at(17, 18), at(15, 18), "1 working day left"),
    # Before opening: only the office's hour counts.
    (at(7, 10), at(7, 8, 20), "1 h left"),
    (at(4, 18), at(4, 21), "overdue by 3 h"),
    (at(4, 18), at(4, 18, 5), "overdue by 5 min"),
    (at(4, 18), at(6, 19), "overdue by 2 days 1 h"),
    (at(4, 18), at(5, 18), "overdue by 1 day"),
])
def test_time_left_in_working_days_and_hours(due, now, words):
    assert said(due, now) == words


def test_the_managers_days_off_count_as_days_off():
    from datetime import date

    calendar = WorkCalendar(extra_days_off=[date(2026, 12, 3)])
    assert working_minutes(calendar, at(2, 18), at(4, 18)) == 9 * 60
    assert said(at(4, 18), at(2, 18), calendar=calendar) == "1 working day left"


def test_plural_forms_follow_the_catalog(tmp_path):
    """Russian has three forms: 1 рабочий день, 2 рабочих дня, 5 рабочих дней."""
    catalog = Catalog(locale="ru", domain="statportal")
    catalog.add(("${n} working day", "${n} working days"),
                ("${n} рабочий день", "${n} рабочих дня", "${n} рабочих дней"))
    catalog.add("${time} left", "осталось ${time}")
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "statportal.mo", "wb") as out:
        write_mo(out, catalog)
    request = _Request("ru", [str(tmp_path)])
    assert said(at(4, 18), at(3, 18), request) == "осталось 1 рабочий день"
    assert said(at(8, 18), at(4, 18), request) == "осталось 2 рабочих дня"
    assert said(at(11, 18), at(4, 18), request) == "осталось 5 рабочих дней"
