"""The portal's search finds indicators (``config.add_search_source``): by code, title or
definition in any language, those the viewer may see — the public only indicators with a
public vintage (an embargoed one does not exist for them).

Cheap with thousands of indicators: the words of every indicator are kept in a small index
of the registry (no process global), made by one walk of ``/data`` and made again only when
the tree's key changes: each topic's number of children and a counter the topic keeps,
which the edit, add, remove and rename events of its indicators and topics bump (a write
that happens anyway). A search reads the topics' keys (a few objects), scans the index's
texts in memory, and checks only the matches — permission and the vintages' records, no
cube — until it has enough (``CHECKED`` at most: the count says "at least" past it).
"""

import threading
from dataclasses import dataclass

from zope.interface import Interface

from statportal.i18n import LANGUAGES, _
from statportal.security.permissions import VIEW

#: the matches a search checks (permission, vintages) at most
CHECKED = 200
#: how deep topics nest under /data (as the pages read them)
DEPTH = 8
GENERATION = "_search_generation"


class IIndicatorTexts(Interface):
    """The registry's index of the indicators' words (``taldau.search``)."""


@dataclass(frozen=True)
class Row:
    path: str
    text: str


class Index:
    def __init__(self):
        self.key, self.rows, self.lock = None, (), threading.Lock()


def _folders(data, depth=0):
    yield data
    if depth < DEPTH:
        for child in data.values():
            if getattr(child, "__content_type__", None) == "DataTopic":
                yield from _folders(child, depth + 1)


def tree_key(data):
    """What changes when an indicator's words may have: each topic's path, size and
    counter (cheap: the topics only, never the indicators)."""
    from statportal.content.paths import path_of

    return tuple((path_of(folder), len(folder), getattr(folder, GENERATION, 0))
                 for folder in _folders(data))


def words_of(indicator):
    parts = [indicator.code or "", indicator.__name__ or ""]
    for field in ("title", "definition"):
        value = getattr(indicator, field, None) or {}
        parts.extend(value.get(lang) or "" for lang in LANGUAGES)
    return " ".join(parts).casefold()


def rows_of(data):
    from statportal.content.paths import path_of

    return tuple(Row(path_of(child), words_of(child))
                 for folder in _folders(data) for child in folder.values()
                 if getattr(child, "__content_type__", None) == "Indicator")


def index_rows(registry, data):
    """The index's rows, made again when the tree's key changed."""
    from statportal.directives import utility

    index = utility(registry, IIndicatorTexts, Index)
    key = tree_key(data)
    if index.key != key:
        with index.lock:
            if index.key != key:
                index.rows, index.key = rows_of(data), key
    return index.rows


def indicators(request, text, limit):
    """The search source: ``(items, total)`` of the indicators matching every word of
    ``text`` that this viewer may see."""
    from statportal.content.paths import find_by_path, root_of
    from statportal.content.resources import get_portal
    from statportal.taldau.api import summary
    from statportal.taldau.pages import is_staff

    data = get_portal(request).get("data")
    words = text.casefold().split()
    if data is None or not words:
        return [], 0
    portal = root_of(data)
    items, total, checked = [], 0, 0
    for row in index_rows(request.registry, data):
        if not all(word in row.text for word in words):
            continue
        checked += 1
        if checked > CHECKED:
            break
        indicator = find_by_path(portal, row.path)
        if indicator is None or not request.has_permission(VIEW, indicator):
            continue
        if summary(indicator, staff=is_staff(request, indicator)) is None:
            continue  # no vintage this viewer may see: it does not exist for them
        total += 1
        if len(items) < limit:
            items.append({"@id": request.resource_url(indicator), "@type": "Indicator",
                          "code": indicator.code, "title": dict(indicator.title or {}),
                          "description": dict(indicator.definition or {})})
    return items, total


def bump(event):
    """An indicator or topic was added, edited, renamed or removed: its folder's counter
    moves, so the next search reads the words again."""
    kind = getattr(event.object, "__content_type__", None)
    parent = getattr(event, "parent", None) or getattr(event.object, "__parent__", None)
    if kind in ("Indicator", "DataTopic") and parent is not None:
        setattr(parent, GENERATION, getattr(parent, GENERATION, 0) + 1)


def includeme(config):
    from statportal.content.events import (
        ObjectAdded,
        ObjectModified,
        ObjectRemoved,
        ObjectRenamed,
    )

    config.add_search_source("indicators", indicators, title=_("Indicators"), order=10)
    for event in (ObjectAdded, ObjectModified, ObjectRemoved, ObjectRenamed):
        config.add_subscriber(bump, event)
