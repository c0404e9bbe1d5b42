"""The calendar and the plan in the tree: ``/calendar/<year>/<entry>``, ``/plan/<year>/<item>``.

A ``ReleaseEntry`` is one announced release: what (kk/ru/en title, category, section,
the plan item it fulfils), when (a :class:`ReleaseTime`), its status and public change
log (rules in :mod:`statportal.releases.entries`), and its ``bundle``: the placements
waiting for its time, which go public together. A ``WorkPlanItem`` is one line of the
year's Statistical Works Plan, with its planned release dates.
"""

import uuid

from persistent.list import PersistentList

from statportal.content.base import Content
from statportal.content.folder import Folder


class YearPlace(Folder):
    """A fixed place of one folder per year (ids are years, and paths name them)."""

    ordered = False
    renamable = False
    __is_fixed__ = True


class ReleaseCalendar(YearPlace):
    """``/calendar``: one ``CalendarYear`` folder per year."""


class CalendarYear(Folder):
    """``/calendar/2027``: the year's entries (unordered: they are listed by time)."""

    ordered = False
    renamable = False


class ReleaseEntry(Content):
    release = None           # ReleaseTime
    changes = ()             # the public log: {previous, new, reason, by, at}, only extended
    notes = ()
    cancel_notice = None
    published_at = None
    category = "latest_data"
    section = ""
    plan_item = ""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.uid = uuid.uuid4().hex
        #: ``{"material": path, "request": path, "action": "new"|"replace", "done": at}``
        self.bundle = PersistentList()

    @property
    def status(self):
        """Its workflow's state (:mod:`statportal.releases.workflow`)."""
        from statportal.workflow import state_of

        return state_of(self, "release_entry", "provisional")

    def __legacy_state__(self, workflow):
        """An entry stored before the workflow: its status attribute."""
        return self.__dict__.get("status") if workflow == "release_entry" else None

    @property
    def release_at(self):
        """The time as the API writes it: ISO 8601 with offset, or ``2027-03(/2027-05)``."""
        return self.release.isoformat() if self.release is not None else None

    def pending(self):
        """The placements of the bundle not yet made public."""
        return [item for item in self.bundle if not item.get("done")]


class WorkPlan(YearPlace):
    """``/plan``: one ``PlanYear`` folder per year."""


class PlanYear(Folder):
    ordered = True
    renamable = False


class WorkPlanItem(Content):
    unit = ""
    executor = ""
    executor_email = ""
    category = "latest_data"
    periodicity = "monthly"
    section = ""
    languages = ("kk", "ru", "en")
    planned_dates = ()
    release_day = 15

    @property
    def year(self):
        parent = self.__parent__
        return int(parent.__name__) if parent is not None and parent.__name__ else None

    def local_role_sources(self):
        """Its responsible unit: the unit's staff see the item (the executor picks it on
        her placement request, issue 18); editing stays the coordinators'."""
        from statportal.content.paths import find_by_path, root_of

        if not self.unit or self.__parent__ is None:
            return []
        unit = find_by_path(root_of(self), self.unit)
        return [unit] if unit is not None else []
