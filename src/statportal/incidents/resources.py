"""The Incident and ``/incidents``."""

import uuid

from BTrees.OOBTree import OOTreeSet

from statportal.content.base import Content, multilingual, utcnow
from statportal.content.folder import Folder


class Incidents(Folder):
    """``/incidents``: unordered, random ids; keeps the names of the open and of the
    escalated incidents, so every public page finds its notice without a walk."""

    ordered = False
    renamable = False
    __is_fixed__ = True

    def __init__(self, **kw):
        super().__init__(**kw)
        self.open_names = OOTreeSet()
        self.escalated_names = OOTreeSet()

    @staticmethod
    def new_id():
        return f"i{uuid.uuid4().hex[:12]}"

    def sets(self):
        if getattr(self, "open_names", None) is None:
            self.open_names, self.escalated_names = OOTreeSet(), OOTreeSet()
        return self.open_names, self.escalated_names


class Incident(Content):
    since = None
    cause = None            # {lang: text}, public once escalated
    restore_by = None       # UTC, public once escalated
    acknowledged_at = escalated_at = resolved_at = None

    def __init__(self, **kw):
        super().__init__(**kw)
        self.reported_at = utcnow()

    def set_cause(self, value):
        self.cause = multilingual(value)

    @property
    def duration_minutes(self):
        if self.resolved_at is None:
            return None
        start = self.since or self.reported_at
        return round((self.resolved_at - start).total_seconds() / 60)
