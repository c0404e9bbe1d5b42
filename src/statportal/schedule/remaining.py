"""How long until a deadline, as the staff pages say it (the queue, "My work")."""

from statportal.i18n import _


def time_left(request, due, now):
    """``3 h 20 min left`` or ``overdue by 0 h 5 min``: a message to translate."""
    seconds = int((due - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    if seconds >= 0:
        return _("${h} h ${m} min left", mapping={"h": hours, "m": minutes})
    return _("overdue by ${h} h ${m} min", mapping={"h": hours, "m": minutes})
