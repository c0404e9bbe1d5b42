"""How long until a deadline, as the staff pages say it (the queue, "My work"): the
working time left by the working calendar -- "1 working day 3 h", "2 h 15 min" -- and,
once it has passed, how late it is by the clock: "overdue by 3 h", "overdue by 2 days 1 h".

A working day is the office's hours of one working day (opening to closing, 09:00-18:00 by
default: nine hours); days off and the hours outside them do not count. The words take
plural forms (``statportal.i18n.ngettext``)."""

from datetime import datetime, timedelta

from statportal.i18n import _, ngettext, translate

#: The longest stretch walked day by day (a deadline further away is shown as far away).
MAX_DAYS = 400


def working_minutes(calendar, start, end):
    """The minutes of office hours of working days between ``start`` and ``end``."""
    if end <= start:
        return 0
    start, end = calendar.local(start), calendar.local(end)
    opening, closing = calendar.hours.opening, calendar.hours.closing

    def within(day):
        if not calendar.is_working_day(day):
            return 0
        begin = max(start, calendar.at(day, opening))
        finish = min(end, calendar.at(day, closing))
        return max(int((finish - begin).total_seconds() // 60), 0)

    first, last = start.date(), end.date()
    if first == last:
        return within(first)
    # the days between count whole (only the first and the last are cut)
    whole, day = 0, first + timedelta(days=1)
    for _step in range(min((last - first).days - 1, MAX_DAYS)):
        whole += calendar.is_working_day(day)
        day += timedelta(days=1)
    return within(first) + whole * day_minutes(calendar) + within(last)


def day_minutes(calendar):
    """The length of a working day in minutes (opening to closing)."""
    day = datetime(2000, 1, 3)
    length = (datetime.combine(day, calendar.hours.closing)
              - datetime.combine(day, calendar.hours.opening))
    return max(int(length.total_seconds() // 60), 1)


def span(request, minutes, per_day, working=True):
    """``minutes`` in words: days (working days or calendar days) and hours, or hours and
    minutes under a day."""
    days, rest = divmod(max(int(minutes), 0), per_day)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("${n} working day", "${n} working days", days) if working
                     else ngettext("${n} day", "${n} days", days))
    if hours:
        parts.append(_("${n} h", mapping={"n": hours}))
    if (mins and not days) or not parts:
        parts.append(_("${n} min", mapping={"n": mins}))
    return " ".join(translate(request, part) for part in parts)


def time_left(request, due, now, calendar=None):
    """``1 working day 3 h left`` or ``overdue by 2 h 5 min``: a message to translate (its
    parts are in the request's language already). ``calendar``: the request's portal's
    working calendar by default."""
    if calendar is None:
        from statportal.schedule.exceptions import work_calendar

        calendar = work_calendar(request)
    if due >= now:
        minutes = working_minutes(calendar, now, due)
        if minutes == 0:    # due before the office opens again: the clock's minutes
            minutes = int((due - now).total_seconds() // 60)
        return _("${time} left", mapping={"time": span(request, minutes,
                                                       day_minutes(calendar))})
    late = int((now - due).total_seconds() // 60)
    return _("overdue by ${time}", mapping={"time": span(request, late, 24 * 60,
                                                         working=False)})
