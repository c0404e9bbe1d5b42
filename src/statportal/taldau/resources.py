"""``/data`` (the DataRoot), its topics and the indicators.

An indicator's observations are never one persistent object each: they live in its
vintages' blobs (``store``); the indicator itself holds its description and the
dimensions whose code positions the blobs refer to (codes are only appended, so a
position stays valid for every vintage stored before).
"""

from persistent.list import PersistentList

from statportal.content.base import Content, multilingual
from statportal.content.folder import Folder
from statportal.security.localroles import LocalRolesMixin


class DataRoot(LocalRolesMixin, Folder):
    """``/data``: the time-series data service's topics and indicators."""

    __is_fixed__ = True


class DataTopic(Folder):
    """An ordered folder of indicators, mirroring the portal section ``section``."""

    section = ""


class Indicator(Content):
    """One table of the data service (``__name__`` is its id in the API)."""

    code = ""
    definition = {}
    unit_of_measure = {}
    periodicity = "annual"
    dimensions = ()     # tuple of {code, title, hierarchy: ({code, parent, label}, …)}
    section = ""
    unit = ""
    executor_email = ""
    source = {}
    methodology_url = ""
    decimals = None
    notes = {}
    vintages = ()       # PersistentList of store.Vintage (made in __init__)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.vintages = PersistentList()

    def local_role_sources(self):
        """Its org unit: the unit's executors answer for it (edit it, import its data)."""
        from statportal.content.paths import find_by_path, root_of

        if not self.unit or self.__parent__ is None:
            return []
        unit = find_by_path(root_of(self), self.unit)
        return [unit] if unit is not None else []

    def set_dimensions(self, value):
        """Stored as tuples of plain dicts (replaced, never mutated in place)."""
        self.dimensions = tuple(
            {"code": dim["code"], "title": multilingual(dim.get("title")),
             "hierarchy": tuple({"code": item["code"], "parent": item.get("parent") or "",
                                 "label": multilingual(item.get("label"))}
                                for item in dim.get("hierarchy") or ())}
            for dim in value or ())

    def dimension_codes(self):
        return tuple(dim["code"] for dim in self.dimensions)

    def dimension(self, code):
        """The dimension ``code`` (a dict), or KeyError."""
        for dim in self.dimensions:
            if dim["code"] == code:
                return dim
        raise KeyError(code)

    def member_codes(self, code):
        """The codes of dimension ``code`` in hierarchy order (= their positions)."""
        return tuple(item["code"] for item in self.dimension(code)["hierarchy"])

    def positions(self, code):
        """``member code -> position`` of dimension ``code`` (what the blobs store)."""
        return {member: i for i, member in enumerate(self.member_codes(code))}
