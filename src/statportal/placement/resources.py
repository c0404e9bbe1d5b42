"""Placement requests and the ``/requests`` folder that numbers them."""

import uuid

from persistent.list import PersistentList

from statportal.content.base import Content
from statportal.content.folder import Folder
from statportal.content.numbering import YearCounter, YearNumbering  # noqa: F401 (old pickles)
from statportal.content.paths import find_by_path, root_of
from statportal.files import StoredFile


class Requests(YearNumbering, Folder):
    """``/requests``: unordered, with random ids, so concurrent submitters do not collide."""

    ordered = False
    renamable = False
    __is_fixed__ = True

    def visible_batch(self, request, start, size):
        """The requests this user may see (the catalog's ``allowed`` index), newest
        submission first."""
        from itertools import islice

        from statportal.content.catalog import allowed_principals
        from statportal.placement.catalog import get_catalog

        if getattr(self, "_catalog", None) is None:
            return [], 0  # no request was ever added (and a GET creates no catalog)
        names, total = get_catalog(self).query(sort="submitted_at", reverse=True,
                                               limit=start + size,
                                               allowed=allowed_principals(request))
        return [(name, self[name]) for name in islice(names, start, start + size)], total

    @staticmethod
    def new_id():
        return f"r{uuid.uuid4().hex[:12]}"


class PlacementRequest(Content):
    number = None
    submitted_at = None
    registered_at = None
    due = None
    executed_at = None
    material = None
    release = ""             # the path of the calendar entry it is placed for
    register_note = ""       # the coordinator's note in the register (art. 12.5)
    # issue 18: requests stored before them read these defaults (no evolve step)
    period = ""              # the period covered, ISO (placement.period)
    next_update = None       # the day the material is due to be updated
    plan_item = ""           # the path of the plan item it fulfils (its release's, if any)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.files = PersistentList()

    page_count = None

    def set_page_count(self, value):
        """A count the executor gives wins; none given keeps the one the files told."""
        self.page_count = value

    def set_files(self, uploads):
        """New files replace the files; a list naming current files keeps, replaces or
        removes them (``merge_files``); an edit that sends no file keeps the files."""
        from statportal.files.upload import merge_files

        files = merge_files(uploads, StoredFile.from_upload,
                            getattr(self, "languages", None))
        if files is None:
            return
        if getattr(self, "page_count", None) is None:
            from statportal.files.pages import total_pages

            # pre-filled where the formats tell
            self.page_count = total_pages([u for u in uploads if "data" in u])
        self.files = PersistentList(files)

    primary_data = None         # as on the Material: None is presumed by the category
    primary_data_reason = ""
    bases = ()
    disclosure_override = None

    def local_role_sources(self):
        """The org unit whose grants apply to this request (its executors, its coordinator)."""
        path = getattr(self, "unit", None)
        if not path or self.__parent__ is None:
            return []
        unit = find_by_path(root_of(self), path)
        return [unit] if unit is not None else []
