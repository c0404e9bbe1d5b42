"""One base for the portal's catalogs (materials, placement requests, release entries).

A catalog keeps a hypatia ``Catalog`` of its type's indexes, ``key -> docid`` and
``docid -> member`` maps (the member is the object, or its name where the catalog lives
in the object's own folder), and two indexes every catalog has:

- ``allowed``: the principals allowed to view each object (Plone's
  ``allowedRolesAndUsers``), computed from its ACL by ``statportal.security.allowed``;
  ``allowed_ids(request)`` gives the docids the user may see, so a listing of "what this
  user may see" asks the index instead of checking each object;
- ``places``: the paths whose local roles reach each object (its lineage and its local
  role sources), so a change of local roles reindexes only what it reaches.

Docids are random (concurrent writers do not all touch the same BTree bucket).
"""

import random

from BTrees.IFBTree import IFSet
from BTrees.IOBTree import IOBTree
from BTrees.OIBTree import OIBTree
from hypatia.catalog import Catalog
from hypatia.keyword import KeywordIndex
from persistent import Persistent

#: The indexes every catalog has, computed from security data.
SECURITY_INDEXES = ("allowed", "places")


# Module-level discriminators: the catalog stores them by reference.
def allowed(obj, default):
    from pyramid.threadlocal import get_current_registry

    from statportal.security.allowed import view_principals

    return sorted(view_principals(obj, get_current_registry())) or default


def places(obj, default):
    from statportal.security.allowed import local_role_places

    return sorted(local_role_places(obj)) or default


SECURITY_DISCRIMINATORS = {"allowed": allowed, "places": places}


class BaseCatalog(Persistent):
    """Subclasses name their indexes (``indexes``: name -> factory of a hypatia index),
    the attribute that keys an object (``key_attr``) and the map of members
    (``members_attr``; ``store_names``: members are names, not objects)."""

    indexes = {}
    key_attr = "uid"
    members_attr = "objects"
    store_names = False
    #: The folder holding the members, when they are names (set by the catalog's getter).
    _v_container = None

    def __init__(self):
        self.catalog = Catalog()
        for name, factory in self.indexes.items():
            self.catalog[name] = factory()
        for name in SECURITY_INDEXES:
            self.catalog[name] = KeywordIndex(SECURITY_DISCRIMINATORS[name])
        self.docids = OIBTree()
        setattr(self, self.members_attr, IOBTree())

    @property
    def members(self):
        """docid -> object (or name)."""
        return getattr(self, self.members_attr)

    def __len__(self):
        return len(self.members)

    def key_of(self, obj):
        return getattr(obj, self.key_attr)

    def _new_docid(self):
        members = self.members
        while True:
            docid = random.randint(1, 2**31 - 1)  # noqa: S311 (spreads writes, not secrets)
            if docid not in members:
                return docid

    def index(self, obj):
        """Index ``obj`` (added or changed); returns its docid."""
        self._security_indexes()
        key = self.key_of(obj)
        docid = self.docids.get(key)
        if docid is None:
            docid = self._new_docid()
            self.docids[key] = docid
            self.members[docid] = key if self.store_names else obj
            self.catalog.index_doc(docid, obj)
        else:
            self.catalog.reindex_doc(docid, obj)
        self.indexed(docid, obj)
        return docid

    def indexed(self, docid, obj):
        """Hook: what a subclass keeps beside the hypatia indexes."""

    def unindex_key(self, key):
        """Forget the object under ``key``; returns its docid (None if it was not here)."""
        docid = self.docids.pop(key, None)
        if docid is not None:
            del self.members[docid]
            self.catalog.unindex_doc(docid)
            self.unindexed(docid)
        return docid

    def unindexed(self, docid):
        """Hook: a subclass forgets what it kept for ``docid``."""

    def resolve(self, docid, container=None):
        """The object of ``docid`` (a stored name is looked up in ``container``)."""
        member = self.members[docid]
        if not self.store_names:
            return member
        return (container if container is not None else self._v_container)[member]

    def objects_of(self, docids, container=None):
        return [self.resolve(docid, container) for docid in docids]

    def all_ids(self):
        return IFSet(self.members.keys())

    # -- security indexes -------------------------------------------------------------------
    def _security_indexes(self, container=None):
        """Add the security indexes to a catalog made before they existed and fill them
        from every member, on first use: a database served before the statportal.catalog
        evolve step ran (``evolve_security_indexes`` does it for the whole database). A
        catalog that stores names fills them once it knows its folder."""
        pending = getattr(self, "_security_pending", False)
        for name in SECURITY_INDEXES:
            if name not in self.catalog:
                self.catalog[name] = KeywordIndex(SECURITY_DISCRIMINATORS[name])
                pending = self._security_pending = True
        if container is None:
            container = self._v_container
        if pending and (container is not None or not self.store_names):
            from statportal.evolve import progress

            docids = list(self.members.keys())
            for docid in progress(docids, "catalogued objects", len(docids), self._p_jar):
                self._reindex_security_of(docid, self.resolve(docid, container))
            self._security_pending = False

    def allowed_ids(self, principals, container=None):
        """Docids of the objects any of ``principals`` may view."""
        self._security_indexes(container)
        return IFSet(self.catalog["allowed"].applyAny(list(principals)))

    def allowed_test(self, principals, container=None):
        """A test of one docid: may any of ``principals`` view it? Looks the docid up in
        each principal's set of the index, for a short list (the queue's rows):
        ``allowed_ids`` unites the sets, a cost that grows with the whole catalog."""
        self._security_indexes(container)
        index = self.catalog["allowed"]
        sets = [index.applyEq(principal) for principal in principals]  # the index's own
        return lambda docid: any(docid in found for found in sets)

    def allowed_term(self, principals, container=None):
        """The same as a hypatia query term (to combine with other terms)."""
        from hypatia.query import Any

        self._security_indexes(container)
        return Any(self.catalog["allowed"], list(principals))

    def reindex_security(self, path, container=None):
        """Recompute who may view every object that local roles granted at ``path`` reach
        (after a grant or a revocation there)."""
        self._security_indexes(container)
        docids = list(self.catalog["places"].applyEq(path))
        for docid in docids:
            self._reindex_security_of(docid, self.resolve(docid, container))
        return len(docids)

    def _reindex_security_of(self, docid, obj):
        for name in SECURITY_INDEXES:
            self.catalog[name].reindex_doc(docid, obj)
        # The subclass's hook too: the materials catalog's kept copies (search, a section's
        # page) read the allowed index and re-read only what its counters say changed.
        self.indexed(docid, obj)


def allowed_principals(request):
    """The principals a catalog query for "what this user may see" uses: the user, its
    groups, ``Everyone``/``Authenticated`` and the roles it holds at the portal (local
    roles further down are in the index itself, as the principals they were granted to)."""
    from pyramid.interfaces import ISecurityPolicy

    from statportal.content.resources import get_portal

    policy = request.registry.queryUtility(ISecurityPolicy)
    return list(policy.effective_principals(request, get_portal(request)))


def local_roles_changed(event):
    """Whether an ObjectModified event is a change of local roles (Sharing)."""
    return "__local_roles__" in getattr(event, "changed", ())


def reindex_security_at(catalog, obj):
    """After a change of local roles on ``obj``: recompute who may view what they reach."""
    from statportal.content.paths import path_of

    return catalog.reindex_security(path_of(obj))


def evolve_security_indexes(portal, registry):
    """Fill the catalogs' ``allowed`` and ``places`` indexes (who may view each object).

    The ``statportal.catalog`` evolve step 1: catalogs made before these indexes existed
    (on the portal, or on one of its places, as ``/requests`` keeps its own) get them, filled
    from every object. Until the step runs, a catalog fills them on its first use."""
    from pyramid.threadlocal import manager

    manager.push({"registry": registry, "request": None})  # the discriminators read it
    try:
        filled = 0
        for holder in (portal, *portal.values()):
            getattr(holder, "_p_activate", lambda: None)()  # a ghost's vars() are empty
            for value in list(vars(holder).values()):
                if isinstance(value, BaseCatalog):
                    value._v_container = holder
                    value._security_indexes(holder)
                    filled += 1
        return filled
    finally:
        manager.pop()
