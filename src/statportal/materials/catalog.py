"""The catalog of materials (hypatia): full text and facets for search, listings, home.

One catalog for the portal, kept on the portal object. Each material is indexed under
a random integer docid, and the catalog keeps a reference to the object itself, so a
result needs no path walk and survives renames (which re-index the section facet).
Full text is a word index of its own (word -> set of docids, BTrees sets): words match
by prefix ("индекс" finds "индексі" and "индекса": Kazakh and Russian inflect, and no
maintained library stems Kazakh), results are newest first, so no relevance score is
computed; a query is a few set unions and intersections in C. The facets of a search
are counted in the same pass, from the same sets: each connection's flat copies of them
(``materials.facets``), refreshed after a change only where docids changed.
"""

import re
import unicodedata
from functools import partial

from BTrees.IFBTree import IFSet, IFTreeSet, intersection, multiunion
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from persistent import Persistent

from statportal.content.catalog import BaseCatalog, local_roles_changed, reindex_security_at
from statportal.materials import facets
from statportal.materials.facets import FlatFacets


def _state(obj):
    from statportal.workflow import state_of

    return state_of(obj, "material", "")


# Module-level discriminators: the catalog stores them by reference.
def searchable_text(obj, default):
    parts = []
    for field in ("title", "description", "body"):
        parts.extend((getattr(obj, field, None) or {}).values())
    keywords = getattr(obj, "keywords", ()) or ()
    for words in (keywords.values() if isinstance(keywords, dict) else (keywords,)):
        parts.extend(words)  # every language's keywords find the material
    parts.extend(f.filename for f in getattr(obj, "files", ()))
    return " ".join(parts) or default


def category(obj, default):
    return getattr(obj, "category", "") or ""


def review_state(obj, default):
    return _state(obj)


def published(obj, default):
    value = getattr(obj, "published_at", None)
    return value.timestamp() if value is not None else 0.0


def sections(obj, default):
    """Every section path above the material: "/economy", "/economy/industry"."""
    from statportal.content.paths import path_of

    names = []
    parent = obj.__parent__
    while parent is not None and getattr(parent, "__parent__", None) is not None:
        if getattr(parent, "__content_type__", None) == "Section":
            names.append(path_of(parent))
        parent = parent.__parent__
    return names


def years(obj, default):
    """The years the period covers (or the year of publication)."""
    start, end = getattr(obj, "period_start", None), getattr(obj, "period_end", None)
    start, end = start or end, end or start
    if start is not None:
        return list(range(start.year, min(end.year, start.year + 50) + 1))
    value = getattr(obj, "published_at", None)
    return [value.year] if value is not None else []


def next_update(obj, default):
    """The day a published material is due to be updated (its ordinal); others are not
    indexed, so "what is outdated" is one range query."""
    day = getattr(obj, "next_update", None)
    if day is None or _state(obj) != "published":
        return default
    return day.toordinal()


def languages(obj, default):
    return obj.available_languages() if hasattr(obj, "available_languages") else []


INDEXES = {"category": (FieldIndex, category), "review_state": (FieldIndex, review_state),
           "published": (FieldIndex, published), "sections": (KeywordIndex, sections),
           "years": (KeywordIndex, years), "languages": (KeywordIndex, languages),
           "next_update": (FieldIndex, next_update)}

WORD = re.compile(r"\w+", re.UNICODE)
#: Shorter words match exactly, longer ones by prefix.
PREFIX_FROM = 3


def words_of(text):
    return {w.lower() for w in WORD.findall(unicodedata.normalize("NFC", text or ""))}


class WordIndex(Persistent):
    """word -> docids; docid -> its words (to unindex without the object)."""

    prefix_from = PREFIX_FROM

    def __init__(self):
        self.words = OOBTree()
        self.doc_words = OOBTree()

    def index(self, docid, text):
        new, old = words_of(text), set(self.doc_words.get(docid, ()))
        for word in old - new:
            docids = self.words[word]
            docids.remove(docid)
            if not docids:
                del self.words[word]
        for word in new - old:
            docids = self.words.get(word)
            if docids is None:
                docids = self.words[word] = IFTreeSet()
            docids.insert(docid)
        if new != old:
            self.doc_words[docid] = tuple(sorted(new))

    def unindex(self, docid):
        self.index(docid, "")
        self.doc_words.pop(docid, None)

    def search(self, words):
        """Docids having every word (each by prefix when long enough)."""
        result = None
        for word in words:
            if len(word) >= self.prefix_from:
                sets = list(self.words.values(min=word, max=word + "\U0010ffff"))
                found = multiunion(sets) if sets else IFTreeSet()
            else:
                found = self.words.get(word) or IFTreeSet()
            result = found if result is None else intersection(result, found)
            if not result:
                break
        return result if result is not None else IFTreeSet()


#: Search parameter -> index.
FACET_INDEXES = {"section": "sections", "year": "years", "language": "languages"}


class MaterialCatalog(BaseCatalog):
    indexes = {name: partial(kind, discriminator)
               for name, (kind, discriminator) in INDEXES.items()}

    def __init__(self):
        super().__init__()
        self.text = WordIndex()
        self.changes = Length()     # bumped by every (un)index: the flat copies' key
        self.facet_stamps = facets.new_stamps()  # the same, per range of docids

    def indexed(self, docid, obj):
        self.text.index(docid, searchable_text(obj, ""))
        self._changed(docid)

    def outdated_keys(self, today):
        """``(docid, next update's ordinal)`` of the published materials whose next update
        was due before ``today``, read from the index alone: no material is loaded."""
        if "next_update" not in self.catalog:  # a catalog made before the index existed
            self.catalog["next_update"] = FieldIndex(next_update)
            for docid, obj in self.objects.items():
                self.catalog["next_update"].index_doc(docid, obj)
        # hypatia's FieldIndex keeps value -> docids in ``_fwd_index`` (an OOBTree).
        forward = self.catalog["next_update"]._fwd_index
        return [(docid, ordinal)
                for ordinal, docids in forward.items(None, today.toordinal(), excludemax=True)
                for docid in docids]

    def outdated(self, today):
        """Published materials whose next update was due before ``today``."""
        return self.objects_of(docid for docid, _ordinal in self.outdated_keys(today))

    def unindex(self, obj):
        self.unindex_key(obj.uid)

    def unindexed(self, docid):
        self.text.unindex(docid)
        self._changed(docid)

    def _changed(self, docid):
        """In the same transaction: the counters by which every connection's copy of the
        facet sets (``materials.facets``) knows what to re-read."""
        changes = getattr(self, "changes", None)
        if changes is None:
            changes = self.changes = Length()
        changes.change(1)  # Length resolves concurrent increments without a conflict
        facets.bump(self, docid)

    def search(self, text=None, category=None, section=None, year=None, language=None,
               state="published", start=0, size=25, facets=(), principals=None):
        """Materials newest first: ``(page of materials, total)``, and with ``facets``
        (names among category, section, year, language) ``(page, total, counts)`` where
        counts maps each facet to ``{value: n}`` under the other filters. ``principals``
        (``content.catalog.allowed_principals(request)``): only what they may view."""
        flat = FlatFacets.of(self)
        sets = flat.sets
        empty = IFSet()
        base = flat.visible(state, principals)
        for word in query_words(text):
            base = intersection(base, flat.word_ids(self.text, word))
        filters = {}
        for name, value in (("category", category), ("section", section), ("year", year),
                            ("language", language)):
            if value:
                if name == "section":
                    value = value.rstrip("/") or "/"
                if name == "year":
                    value = int(value)
                filters[name] = sets.get((FACET_INDEXES.get(name, name), value), empty)
        result = base
        for ids in filters.values():
            result = intersection(result, ids)
        total = len(result)
        page = []
        if total:
            wanted = start + size
            chosen = []
            for docid in flat.newest():  # stops at the end of the page
                if docid in result:
                    chosen.append(docid)
                    if len(chosen) == wanted:
                        break
            page = [self.objects[docid] for docid in chosen[start:]]
        if not facets:
            return page, total
        counts = {}
        for name in facets:
            restricted = base
            for other, ids in filters.items():
                if other != name:
                    restricted = intersection(restricted, ids)
            index_name = FACET_INDEXES.get(name, name)
            counts[name] = {}
            for (index, value), ids in sets.items():
                if index == index_name:
                    n = len(intersection(ids, restricted))
                    if n:
                        counts[name][value] = n
        return page, total, counts


def query_words(text):
    """The words of a search (at most ten); operators and punctuation are just ignored."""
    return [w for w in sorted(words_of(text), key=len, reverse=True)][:10]


def get_catalog(portal):
    catalog = getattr(portal, "__materials_catalog__", None)
    if catalog is None:
        catalog = portal.__materials_catalog__ = MaterialCatalog()
    return catalog


def materials_in(obj):
    """The materials at and below an object (what an add, removal or rename touches)."""
    from statportal.content.folder import Folder

    if getattr(obj, "__content_type__", None) == "Material":
        yield obj
    elif isinstance(obj, Folder) and getattr(obj, "__content_type__", None) == "Section":
        for _name, child in obj.items():
            yield from materials_in(child)


def _catalog_for(obj, parent=None):
    from statportal.content.paths import root_of

    root = root_of(parent if parent is not None else obj)
    if getattr(root, "__content_type__", None) != "Portal":
        return None
    return get_catalog(root)


def on_added(event):
    catalog = _catalog_for(event.object, event.parent)
    if catalog is not None:
        for material in materials_in(event.object):
            catalog.index(material)


def on_changed(event):
    obj = event.object
    if local_roles_changed(event):
        catalog = _catalog_for(obj)
        if catalog is not None:
            reindex_security_at(catalog, obj)
    if getattr(obj, "__content_type__", None) == "Material" and obj.__parent__ is not None:
        catalog = _catalog_for(obj)
        if catalog is not None:
            catalog.index(obj)


def on_renamed(event):
    on_added(event)


def on_removed(event):
    catalog = _catalog_for(event.object, event.parent)
    if catalog is not None:
        for material in materials_in(event.object):
            catalog.unindex(material)

