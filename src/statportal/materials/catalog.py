"""The catalog of materials (hypatia): full text and facets for search, listings, home.

One catalog for the portal, kept on the portal object. Each material is indexed under
a random integer docid, and the catalog keeps a reference to the object itself, so a
result needs no path walk and survives renames (which re-index the section facet).
Words match by prefix ("индекс" finds "индексі" and "индекса"): Kazakh and Russian
inflect, and no stemmer for Kazakh is kept in a maintained library.
"""

import random
import re

from BTrees.IOBTree import IOBTree
from BTrees.OIBTree import OIBTree
from hypatia.catalog import Catalog
from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from hypatia.query import Contains, Eq
from hypatia.text import TextIndex
from hypatia.util import ResultSet
from persistent import Persistent


def _state(obj):
    return (getattr(obj, "__workflow_state__", None) or {}).get("material", "")


# Module-level discriminators: the catalog stores them by reference.
def searchable_text(obj, default):
    parts = []
    for field in ("title", "description", "body"):
        parts.extend((getattr(obj, field, None) or {}).values())
    parts.extend(getattr(obj, "keywords", ()) or ())
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


def languages(obj, default):
    return obj.available_languages() if hasattr(obj, "available_languages") else []


INDEXES = {"category": (FieldIndex, category), "review_state": (FieldIndex, review_state),
           "published": (FieldIndex, published), "sections": (KeywordIndex, sections),
           "years": (KeywordIndex, years), "languages": (KeywordIndex, languages),
           "text": (TextIndex, searchable_text)}


#: Search parameter -> index.
FACET_INDEXES = {"section": "sections", "year": "years", "language": "languages"}


class MaterialCatalog(Persistent):
    def __init__(self):
        self.catalog = Catalog()
        for name, (kind, discriminator) in INDEXES.items():
            self.catalog[name] = kind(discriminator)
        self.docids = OIBTree()     # uid -> docid
        self.objects = IOBTree()    # docid -> material

    def __len__(self):
        return len(self.objects)

    def index(self, obj):
        docid = self.docids.get(obj.uid)
        if docid is None:
            while True:
                docid = random.randint(1, 2**31 - 1)  # noqa: S311 (spreads writes)
                if docid not in self.objects:
                    break
            self.docids[obj.uid] = docid
            self.objects[docid] = obj
            self.catalog.index_doc(docid, obj)
        else:
            self.catalog.reindex_doc(docid, obj)

    def unindex(self, obj):
        docid = self.docids.pop(obj.uid, None)
        if docid is not None:
            del self.objects[docid]
            self.catalog.unindex_doc(docid)

    def search(self, text=None, category=None, section=None, year=None, language=None,
               state="published", start=0, size=25):
        """Materials newest first: ``(page of materials, total, facet counts)``."""
        catalog = self.catalog
        terms = []
        if state:
            terms.append(Eq(catalog["review_state"], state))
        query_text = text_query(text)
        if query_text:
            terms.append(Contains(catalog["text"], query_text))
        if category:
            terms.append(Eq(catalog["category"], category))
        if section:
            terms.append(Eq(catalog["sections"], section.rstrip("/") or "/"))
        if year:
            terms.append(Eq(catalog["years"], int(year)))
        if language:
            terms.append(Eq(catalog["languages"], language))
        if terms:
            query = terms[0]
            for term in terms[1:]:
                query = query & term
            results = query.execute()
        else:
            ids = catalog["published"].family.IF.Set(self.objects.keys())
            results = ResultSet(ids, len(ids), None)
        total = len(results)
        if not total:
            return [], 0
        ordered = results.sort(catalog["published"], reverse=True, limit=start + size)
        docids = list(ordered.ids)[start:start + size]
        return [self.objects[docid] for docid in docids], total

    def facet_counts(self, name, text=None, **filters):
        """How many published materials each value of a facet has, under the other
        filters (for the search page's facet lists)."""
        filters.pop(name, None)
        catalog = self.catalog
        query = Eq(catalog["review_state"], "published")
        query_text = text_query(text)
        if query_text:
            query = query & Contains(catalog["text"], query_text)
        for key, value in filters.items():
            if value:
                index = FACET_INDEXES.get(key, key)
                query = query & Eq(catalog[index], int(value) if key == "year" else value)
        ids = query.execute().ids
        index = catalog[FACET_INDEXES.get(name, name)]
        counts = {}
        for value in index.unique_values():
            found = index.applyEq(value)
            n = len(index.family.IF.intersection(found, ids))
            if n:
                counts[value] = n
        return counts


WORD = re.compile(r"\w+", re.UNICODE)


def text_query(text):
    """The words of a search, each matching by prefix; hypatia's own syntax (quotes,
    AND/OR/NOT, wildcards) is not exposed: a stray parenthesis is not an error."""
    words = [w for w in WORD.findall(text or "") if w.lower() not in ("and", "or", "not")]
    return " ".join(f"{w}*" if len(w) >= 3 else w for w in words[:10])


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

