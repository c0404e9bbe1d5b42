"""The catalog of ``/requests`` (hypatia): what the coordinator's register filters and sorts.

Each request is indexed under a random integer docid (random, so concurrent
submitters do not all write the same BTree bucket) when it is added, again
after each transition or edit, and removed with it. Queries never walk the
folder: with 100,000 requests a filtered page costs a few index lookups.
"""

from functools import partial

from hypatia.field import FieldIndex
from hypatia.interfaces import NBEST
from hypatia.query import Any, Eq, Lt
from hypatia.util import ResultSet

from statportal.content.base import utcnow
from statportal.content.catalog import BaseCatalog, local_roles_changed, reindex_security_at
from statportal.content.paths import find_by_path, root_of
from statportal.i18n import timezone


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
    """The year of the request's number (its registration year in ``statportal.timezone``,
    Asia/Almaty by default), else the year it was created there: a request registered at
    03:00 on 1 January in Almaty is next year's, although it is still 31 December in UTC."""
    number_ = getattr(obj, "number", None)
    if number_:
        return int(number_[:4])
    created = getattr(obj, "created", None)
    return created.astimezone(timezone()).year if created is not None else 0


def creator(obj, default):
    """Who made the request (its ``creator``, the login the add form or API recorded):
    the executor's own list, "My requests", asks this index."""
    return getattr(obj, "creator", None) or ""


def created(obj, default):
    return _ts(getattr(obj, "created", None))


def late(obj, default):
    due_at, executed = getattr(obj, "due", None), getattr(obj, "executed_at", None)
    return bool(due_at and executed and executed > due_at)


INDEXES = {
    "review_state": review_state, "category": category, "unit": unit, "year": year,
    "number": number, "submitted_at": submitted_at, "registered_at": registered_at,
    "due": due, "executed_at": executed_at, "late": late,
    "creator": creator, "created": created,  # statportal.placement evolve step 1
}
SORTS = ("number", "submitted_at", "registered_at", "due", "executed_at", "category",
         "review_state", "unit")


class RequestCatalog(BaseCatalog):
    """Kept on the ``/requests`` folder, which holds the requests: members are names."""

    indexes = {name: partial(FieldIndex, discriminator)
               for name, discriminator in INDEXES.items()}
    key_attr = "__name__"
    members_attr = "names"
    store_names = True
    keep_empty_values = True  # the register's choices come from the workflow, not the index

    def unindex(self, name):
        self.unindex_key(name)

    def query(self, year=None, unit=None, state=None, category=None,  # noqa: F811
              overdue=None, sort="registered_at", reverse=False, now=None, limit=None,
              scope=None, allowed=None, creator=None, order=None):
        """Matching request names in order (a lazy generator) and how many match.

        With ``limit`` only the first ``limit`` in order are sorted (a partial sort).
        ``order``: the values of the ``sort`` index in the order wanted (the units by
        their names, the states in the workflow's order), not the values' own order.
        ``allowed``: only what these principals may view (``allowed_principals``)."""
        catalog = self.catalog
        terms = [] if scope is None else [scope(catalog)]
        if allowed is not None:
            terms.append(self.allowed_term(allowed))
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
        if creator:
            terms.append(Eq(catalog["creator"], creator))
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
            ids = self.all_ids()
            results = ResultSet(ids, len(ids), None)
        total = len(results)
        if not total:
            return iter(()), 0
        if order is not None:
            ids = ordered_by_values(catalog[sort], results.ids, order, reverse, limit)
        elif reverse and not (limit and limit < NBEST_LIMIT):
            # Equal values in one order on every page and in the exports: hypatia's n-best
            # ranks them by docid downwards, its timsort (which it picks for deep pages and
            # exports) upwards. Deep pages and exports sort (value, docid) downwards too,
            # as n-best does, in one C sort (faster there than n-best's heap).
            rev = catalog[sort]._rev_index
            ids = sorted(results.ids, key=lambda docid: (rev[docid], docid),
                         reverse=True)[:limit]
        else:
            ids = results.sort(catalog[sort], reverse=reverse, limit=limit,
                               sort_type=NBEST if reverse else None).ids
        return (self.names[docid] for docid in ids), total


#: up to this many rows a descending page is ranked by hypatia's n-best (a small heap)
NBEST_LIMIT = 300


def ordered_by_values(index, docids, order, reverse=False, limit=None):
    """``docids`` ordered by their value in the field ``index`` as ``order`` lists the
    values (values it does not list after them, in their own order), each value's docids
    in docid order; ``reverse`` turns the whole. Few values (units, states): one
    intersection per value."""
    family = index.family.IF
    docids = family.Set(docids)
    listed = set(order)
    values = [*order, *(value for value in index._fwd_index.keys() if value not in listed)]
    found = []
    for value in reversed(values) if reverse else values:
        group = list(family.intersection(index._fwd_index.get(value, family.Set()), docids))
        found.extend(reversed(group) if reverse else group)
        if limit and len(found) >= limit:
            return found[:limit]
    return found


def get_catalog(requests):
    catalog = getattr(requests, "_catalog", None)
    if catalog is None:
        catalog = requests._catalog = RequestCatalog()
    catalog._v_container = requests  # the members are names in this folder
    return catalog


def may_view(request, requests):
    """A test of one request's name: may the user view it (the ``allowed`` index, read
    per name: the queue's rows are few, the requests stored many)."""
    from statportal.content.catalog import allowed_principals

    if getattr(requests, "_catalog", None) is None:
        return lambda name: False  # no request was ever added (and a GET creates nothing)
    catalog = get_catalog(requests)
    test = catalog.allowed_test(allowed_principals(request))
    return lambda name: (docid := catalog.docids.get(name)) is not None and test(docid)


def allowed_names(request, requests):
    """The names of the requests the user may view (the ``allowed`` index)."""
    from statportal.content.catalog import allowed_principals

    if getattr(requests, "_catalog", None) is None:
        return set()  # no request was ever added (and a GET creates nothing)
    catalog = get_catalog(requests)
    return {catalog.names[docid] for docid in catalog.allowed_ids(allowed_principals(request))}


def has_index(requests, name):
    """Whether the stored catalog has index ``name`` (one added later has it once
    ``statportal evolve`` ran ``evolve_indexes``; a GET never adds it)."""
    stored = getattr(requests, "_catalog", None)
    return stored is not None and name in stored.catalog


def evolve_indexes(portal, registry):
    """Placement requests: the catalog's indexes of who created a request and when,
    filled from every stored request ("My requests" asks them).

    The evolve step ``statportal.placement`` 1; its first paragraph is what ``statportal
    evolve`` prints. Adds every index of ``INDEXES`` the stored catalog lacks."""
    from pyramid.threadlocal import manager

    from statportal.evolve import progress

    requests = portal.get("requests")
    stored = getattr(requests, "_catalog", None)
    if getattr(requests, "__content_type__", None) != "Requests" or stored is None:
        return
    catalog = get_catalog(requests)
    missing = [name for name in INDEXES if name not in catalog.catalog]
    if not missing:
        return
    manager.push({"registry": registry, "request": None})
    try:
        for name in missing:
            catalog.catalog[name] = RequestCatalog.indexes[name]()
        members = list(catalog.members.items())
        for docid, name in progress(members, "placement requests", len(members),
                                    catalog._p_jar):
            obj = requests.get(name)  # nosec B113 # the Requests folder, not the HTTP library
            if obj is not None:
                for index in missing:
                    catalog.catalog[index].index_doc(docid, obj)
    finally:
        manager.pop()


def _is_request(obj):
    # By type name: the types' module (resources) uses this catalog.
    return getattr(obj, "__content_type__", None) == "PlacementRequest"


def on_added(event):
    if _is_request(event.object):
        get_catalog(event.parent).index(event.object)


def on_changed(event):
    from statportal.placement.queue import requeue

    obj = event.object
    if local_roles_changed(event):  # on an org unit, a section or the portal
        requests = find_by_path(root_of(obj), "/requests")
        if getattr(requests, "__content_type__", None) == "Requests":
            reindex_security_at(get_catalog(requests), obj)
    if _is_request(obj) and obj.__parent__ is not None:
        get_catalog(obj.__parent__).index(obj)
        requeue(obj)  # an edit of a queued request (by a Manager) may change its priority


def on_removed(event):
    from statportal.placement.queue import dequeue_name

    if _is_request(event.object):
        get_catalog(event.parent).unindex(event.name)
        dequeue_name(event.parent, event.object)
