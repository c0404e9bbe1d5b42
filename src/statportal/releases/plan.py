"""The Statistical Works Plan's planned release dates, made from an item's periodicity.

Each period's data come out in the month after the period ends, on the item's release
day (the 15th unless given), moved to the next working day when that is a day off:

- monthly: every month of the plan's year (January brings December's data);
- quarterly: January, April, July and October;
- half-yearly: January and July;
- annual: once, in March (the previous year's data);
- one-off: no rule; the dates are given.

The dates stay editable: the plan generates them, people correct them.
"""

from datetime import date

from statportal.content.editing import EditError
from statportal.i18n import _

MONTHS = {"monthly": tuple(range(1, 13)), "quarterly": (1, 4, 7, 10),
          "half_yearly": (1, 7), "annual": (3,), "one_off": ()}


def planned_dates(periodicity, year, release_day, calendar):
    """The planned dates of a ``periodicity`` in ``year`` (a tuple of dates)."""
    if periodicity not in MONTHS:
        raise EditError(_("Unknown periodicity ${name}.", mapping={"name": periodicity}),
                        "periodicity")
    if periodicity == "one_off":
        raise EditError(_("A one-off release needs its planned date."), "planned_dates",
                        type="required")
    days = []
    for month in MONTHS[periodicity]:
        day = date(year, month, release_day)
        if not calendar.is_working_day(day):
            day = calendar.next_working_day(day)
        days.append(day)
    return tuple(days)
