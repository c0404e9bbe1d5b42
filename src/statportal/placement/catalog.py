"""The catalog of ``/requests`` (hypatia): what the coordinator's register filters and sorts.

Each request is indexed under a random integer docid (random, so concurrent
submitters do not all write the same BTree bucket) when it is added, again
after each transition or edit, and removed with it. Queries never walk the
folder: with 100,000 requests a filtered page costs a few index lookups.
"""

import random
from zoneinfo import ZoneInfo

from BTrees.IOBTree import IOBTree
from BTrees.OIBTree import OIBTree
from hypatia.catalog import Catalog
from hypatia.field import FieldIndex
from hypatia.query import Any, Eq, Lt
from hypatia.util import ResultSet
from persistent import Persistent

from statportal.content.base import utcnow

ALMATY = ZoneInfo("Asia/Almaty")


# Every request is in every index (a missing value is 0 or ""), so sorting never drops one.
# The discriminators are module-level functions: the catalog stores them by reference.
def _ts(value):
    return value.timestamp() if value is not None else 0.0


def submitted_at(obj, default):
    return _ts(getattr(obj, "submitted_at", None))


def registered_at(obj, default):
    return _ts(getattr(obj, "registered_at", None))


def due(obj, default):
    return _ts(getattr(obj, "due", None))


def executed_at(obj, default):
    return _ts(getattr(obj, "executed_at", None))


def category(obj, default):
    return getattr(obj, "category", None) or ""


def unit(obj, default):
    return getattr(obj, "unit", None) or ""


def number(obj, default):
    return getattr(obj, "number", None) or ""


def review_state(obj, default):
    from statportal.workflow import state_of

    return state_of(obj, "placement_request", "")


def year(obj, default):
    """The year of the request's number (its registration year in Asia/Almaty), else the
    year it was created there: a request registered at 03:00 on 1 January in Almaty is
    next year's, although it is still 31 December in UTC."""
    number_ = getattr(obj, "number", None)
    if number_:
        return int(number_[:4])
    created = getattr(obj, "created", None)
    return created.astimezone(ALMATY).year if created is not None else 0


def late(obj, default):
    due_at, executed = getattr(obj, "due", None), getattr(obj, "executed_at", None)
    return bool(due_at and executed and executed > due_at)


INDEXES = {
    "review_state": review_state, "category": category, "unit": unit, "year": year,
    "number": number, "submitted_at": submitted_at, "registered_at": registered_at,
    "due": due, "executed_at": executed_at, "late": late,
}
SORTS = ("number", "submitted_at", "registered_at", "due", "executed_at", "category",
         "review_state", "unit")


class RequestCatalog(Persistent):
    def __init__(self):
        self.catalog = Catalog()
        for name, discriminator in INDEXES.items():
            self.catalog[name] = FieldIndex(discriminator)
        self.docids = OIBTree()
        self.names = IOBTree()

    def index(self, obj):
        docid = self.docids.get(obj.__name__)
        if docid is None:
            docid = self._new_docid()
            self.docids[obj.__name__] = docid
            self.names[docid] = obj.__name__
            self.catalog.index_doc(docid, obj)
        else:
            self.catalog.reindex_doc(docid, obj)

    def unindex(self, name):
        docid = self.docids.pop(name, None)
        if docid is not None:
            del self.names[docid]
            self.catalog.unindex_doc(docid)

    def _new_docid(self):
        while True:
            docid = random.randint(1, 2**31 - 1)  # noqa: S311 (spreading writes, not secrets)
            if docid not in self.names:
                return docid

    def query(self, year=None, unit=None, state=None, category=None,  # noqa: F811
              overdue=None, sort="registered_at", reverse=False, now=None, limit=None,
              scope=None):
        """Matching request names in order (a lazy generator) and how many match.

        With ``limit`` only the first ``limit`` in order are sorted (a partial sort)."""
        catalog = self.catalog
        terms = [] if scope is None else [scope(catalog)]
        if year is not None:
            terms.append(Eq(catalog["year"], year))
        if unit:
            terms.append(Any(catalog["unit"], list(unit)) if isinstance(unit, list | tuple)
                         else Eq(catalog["unit"], unit))
        if state:
            terms.append(Any(catalog["review_state"], list(state)) if isinstance(
                state, list | tuple) else Eq(catalog["review_state"], state))
        if category:
            terms.append(Eq(catalog["category"], category))
        if overdue:
            now = (now or utcnow()).timestamp()
            terms.append((Eq(catalog["review_state"], "registered") & Lt(catalog["due"], now))
                         | Eq(catalog["late"], True))
        if terms:
            query = terms[0]
            for term in terms[1:]:
                query = query & term
            results = query.execute()
        else:
            ids = catalog["number"].family.IF.Set(self.names.keys())
            results = ResultSet(ids, len(ids), None)
        total = len(results)
        ordered = results.sort(catalog[sort], reverse=reverse, limit=limit) if total else results
        return (self.names[docid] for docid in ordered.ids), total


def get_catalog(requests):
    catalog = getattr(requests, "_catalog", None)
    if catalog is None:
        catalog = requests._catalog = RequestCatalog()
    return catalog


def on_added(event):
    from statportal.placement.resources import PlacementRequest

    if isinstance(event.object, PlacementRequest):
        get_catalog(event.parent).index(event.object)


def on_changed(event):
    from statportal.placement.queue import requeue
    from statportal.placement.resources import PlacementRequest

    obj = event.object
    if isinstance(obj, PlacementRequest) and obj.__parent__ is not None:
        get_catalog(obj.__parent__).index(obj)
        requeue(obj)  # an edit of a queued request (by a Manager) may change its priority


def on_removed(event):
    from statportal.placement.queue import dequeue_name
    from statportal.placement.resources import PlacementRequest

    if isinstance(event.object, PlacementRequest):
        get_catalog(event.parent).unindex(event.name)
        dequeue_name(event.parent, event.object)
