"""What the calendar's public pages and JSON list, without HTTP: upcoming releases grouped
by week or month, past releases with their punctuality, cancelled ones with their notices.

A release is *punctual* when it went out no later than ``punctual_minutes`` (a setting,
1 by default: the worker's pass) after its announced time.
"""

from dataclasses import dataclass

from statportal.content.editing import EditError
from statportal.i18n import _
from statportal.placement.schemas import CATEGORIES
from statportal.releases.catalog import get_release_catalog

VIEWS = {"upcoming": ("provisional", "confirmed", "postponed"), "past": ("published",),
         "cancelled": ("cancelled",)}
GROUPINGS = ("week", "month")


@dataclass(frozen=True)
class Filters:
    view: str = "upcoming"
    by: str = "week"
    category: str | None = None
    section: str | None = None

    def query(self):
        """The filters as a query string (for links that keep them)."""
        from urllib.parse import urlencode

        return urlencode({key: value for key, value in (
            ("view", self.view), ("by", self.by), ("category", self.category),
            ("section", self.section)) if value})


def read_filters(params):
    """Filters from a query; an unknown value is an ``EditError`` naming its parameter."""
    view = params.get("view") or "upcoming"
    if view not in VIEWS:
        raise EditError(_("The view is upcoming, past or cancelled."), "view")
    by = params.get("by") or "week"
    if by not in GROUPINGS:
        raise EditError(_("Group by week or month."), "by")
    category = params.get("category") or None
    if category and category not in CATEGORIES:
        raise EditError(_("Unknown category ${name}.", mapping={"name": category}), "category")
    section = params.get("section") or None
    if section:
        section = "/" + section.strip("/")
    return Filters(view, by, category, section)


def entries_for(portal, filters, start=0, size=None):
    """``(entries, total)``: upcoming soonest first, past and cancelled latest first."""
    return get_release_catalog(portal).query(
        statuses=VIEWS[filters.view], category=filters.category, section=filters.section,
        reverse=filters.view != "upcoming", start=start, size=size)


def group_key(local_moment, by):
    """``(year, week)`` (ISO) or ``(year, month)`` of a local time."""
    if by == "week":
        iso = local_moment.isocalendar()
        return (iso.year, iso.week)
    return (local_moment.year, local_moment.month)


def grouped(entries, by, tz):
    """``[(key, first local day of the group, [entries])]`` in the entries' order."""
    from datetime import timedelta

    groups = []
    for entry in entries:
        local = entry.release.earliest().astimezone(tz)
        key = group_key(local, by)
        if not groups or groups[-1][0] != key:
            first = local.date() - timedelta(days=local.weekday()) if by == "week" else \
                local.date().replace(day=1)
            groups.append((key, first, []))
        groups[-1][2].append(entry)
    return groups


def is_punctual(entry, punctual_minutes=1):
    if entry.published_at is None:
        return None
    delay = (entry.published_at - entry.release.latest()).total_seconds()
    return delay <= punctual_minutes * 60
