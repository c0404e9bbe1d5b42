"""``/data`` (the DataRoot), its topics and the indicators.

An indicator's observations are never one persistent object each: they live in its
vintages' blobs (``store``); the indicator itself holds its description and the
dimensions whose code positions the blobs refer to (codes are only appended, so a
position stays valid for every vintage stored before).
"""

from persistent.list import PersistentList

from statportal.content.base import Content, multilingual
from statportal.content.folder import Folder, FolderKeyError
from statportal.i18n import _
from statportal.security.localroles import LocalRolesMixin


class UniqueIndicatorIds:
    """A folder of ``/data`` refuses an indicator whose id another indicator anywhere under
    ``/data`` has (``/api/v2/tables/{id}`` and ``@tables`` name an indicator by its id
    alone): adding (``Folder.add``: every way in, the forms' and the API's, a move's) and
    renaming raise ``FolderKeyError``, which the editing rules answer as 409 naming ``id``."""

    def add(self, name, obj, send_events=True):
        if isinstance(obj, Indicator):
            check_indicator_id(self, name, obj)
        return super().add(name, obj, send_events)

    def rename(self, old, new):
        obj = self.get(old)
        if old != new and isinstance(obj, Indicator):
            check_indicator_id(self, new, obj)
        return super().rename(old, new)


class DataRoot(UniqueIndicatorIds, LocalRolesMixin, Folder):
    """``/data``: the time-series data service's topics and indicators."""

    __is_fixed__ = True


class DataTopic(UniqueIndicatorIds, Folder):
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


# -- indicators by id -----------------------------------------------------------------------
def indicators_under(folder):
    """The indicators of ``/data`` and its topics, depth first in the folders' order. Only
    the folders are loaded: ``type()`` of a ghost is its class, an indicator stays a ghost
    (a scan of thousands of indicators loads none of them)."""
    for child in folder.values():
        kind = type(child)
        if issubclass(kind, Indicator):
            yield child
        elif issubclass(kind, DataTopic):
            yield from indicators_under(child)


def find_indicator(root, name):
    """The indicator with the id ``name`` under ``root`` (``/data``), or None: the one
    helper the APIs (``/api/v2/tables/{id}``) and the uniqueness rule use."""
    return next((found for found in indicators_under(root) if found.__name__ == name), None)


def data_root_of(folder):
    node = folder
    while node is not None and not isinstance(node, DataRoot):
        node = getattr(node, "__parent__", None)
    return node


def check_indicator_id(folder, name, obj=None):
    """``FolderKeyError`` when an indicator other than ``obj`` under the ``/data`` of
    ``folder`` has the id ``name``."""
    from statportal.content.paths import path_of

    root = data_root_of(folder)
    found = find_indicator(root, name) if root is not None else None
    if found is not None and found is not obj:
        raise FolderKeyError(_(
            "An indicator with the id ${name} already exists (${path}): an indicator's id "
            "is unique in the data service.", mapping={"name": name,
                                                       "path": path_of(found)}))


def create_indicator(registry, container, name, appstruct, creator=None):
    """The ``create`` rule of ``Indicator`` (``add_content_type(create=…)``): the id is
    checked against every indicator under ``/data`` before anything is made; an id made
    from the title gets ``-2``, ``-3``… when another indicator has it."""
    from statportal.content import editing
    from statportal.content.registry import get_content_registry

    info = editing.type_info(registry, "Indicator")
    chosen = editing.choose_name(container, info, name, appstruct)
    candidate, number = chosen, 1
    while True:
        try:
            if candidate not in container:
                check_indicator_id(container, candidate)
                break
        except FolderKeyError as exc:
            if name:        # the asker chose the id: tell them
                raise editing.EditError(exc.args[0], "id", status=409,
                                        type="duplicate_id") from None
        number += 1
        candidate = f"{chosen}-{number}"
    obj = get_content_registry(registry).create("Indicator")
    obj.creator = creator
    editing.apply_fields(obj, appstruct, registry)
    container.add(candidate, obj)
    return obj
