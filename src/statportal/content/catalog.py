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

import BTrees
from BTrees.IFBTree import IFSet
from BTrees.IOBTree import IOBTree
from BTrees.LFBTree import LFTreeSet
from BTrees.OIBTree import OIBTree
from hypatia.catalog import Catalog
from hypatia.field import FieldIndex
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
            docid = random.randint(1, 2**31 - 1)  # noqa: S311  # nosec B311 # spreads writes, no secret
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
        self.reindex(docid, obj)
        self.indexed(docid, obj)
        return docid

    #: Field indexes kept by ``index_field``: a value with no document left keeps its
    #: (empty) set, and the sets merge concurrent changes (``MergingTreeSet``). A
    #: request's state sets ("submitted", "approved") empty and refill all day: deleting
    #: and re-adding the value's key, and emptying a set, conflicted with every
    #: concurrent change. Off where a value's presence means something (facets).
    keep_empty_values = False

    def reindex(self, docid, obj):
        """Index a new or changed object so that concurrent transitions rarely conflict
        (``index_field``, ``reindex_keywords``); hypatia's own (re)index otherwise (which
        writes nothing for an unchanged value)."""
        for index in self.catalog.values():
            if not (isinstance(index, KeywordIndex) and reindex_keywords(index, docid, obj)
                    or self.keep_empty_values and isinstance(index, FieldIndex)
                    and index_field(index, docid, obj)):
                index.reindex_doc(docid, obj)

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
            if not reindex_keywords(self.catalog[name], docid, obj):
                self.catalog[name].reindex_doc(docid, obj)
        # The subclass's hook too: the materials catalog's kept copies (search, a section's
        # page) read the allowed index and re-read only what its counters say changed.
        self.indexed(docid, obj)


# -- reindexing shaped to conflict rarely ----------------------------------------------------
#
# hypatia's reindex writes nothing for an unchanged value. A changed one is where
# concurrent transitions met (measured under 12 editors, tests/contention): a keyword
# index stores each document's keywords as a persistent set in its reverse BTree and
# replaces it on change, and a BTree bucket whose value was replaced by another object
# never merges with a concurrent change of the same bucket (ZODB cannot compare two
# persistent references); a field index deletes a value's set when it empties.
_MISSING = object()


def reindex_keywords(index, docid, obj):
    """A keyword index's change of ``docid`` with its stored set of keywords changed in
    place (the reverse BTree is not written, so concurrent changes of other documents in
    its bucket merge). False (nothing done) where hypatia's own reindex is needed: a
    document not indexed yet, or no keywords now."""
    old = index._rev_index.get(docid)
    seq = index.discriminate(obj, _MISSING)
    if old is None or not hasattr(old, "update") or seq is _MISSING or not seq or \
            isinstance(seq, str):
        return False
    family = index.family.OO
    new = family.Set(index.normalize(seq))
    added, removed = family.difference(new, old), family.difference(old, new)
    if not (added or removed):
        return True
    for word in removed:
        docids = index._fwd_index[word]
        docids.remove(docid)
        if not docids:
            del index._fwd_index[word]
    index._insert_forward(docid, added)
    old.clear()
    old.update(new)
    return True


class MergingTreeSet(LFTreeSet):
    """A field index's set of docids (64-bit, as hypatia's) whose concurrent changes
    merge while it is small (one bucket, inside the set's own record): BTrees refuse to
    merge a change that empties a bucket, which a state's set does whenever its last
    request moves on. The merge is the set's: what the committed state has, plus what
    this transaction added, minus what it removed. A larger set is BTrees' own merge.
    Stored by its name: it stays ``statportal.content.catalog.MergingTreeSet``."""

    def _p_resolveConflict(self, old, committed, new):
        states = [_small_set_keys(state) for state in (old, committed, new)]
        if any(keys is None for keys in states):
            return super()._p_resolveConflict(old, committed, new)
        old_keys, committed_keys, new_keys = (set(keys) for keys in states)
        merged = (committed_keys | (new_keys - old_keys)) - (old_keys - new_keys)
        if len(merged) > MERGE_LIMIT:
            return super()._p_resolveConflict(old, committed, new)
        return ((((*sorted(merged),),),),) if merged else None


#: at most this many docids are merged as one small set (a bucket holds 120)
MERGE_LIMIT = 100


def _small_set_keys(state):
    """The keys of a tree set's state when they are all inside it: ``None`` is the
    empty set, ``((((k1, k2, ...),),),)`` one bucket; anything else (buckets of their
    own) is None here."""
    if state is None:
        return ()
    try:
        (((keys,),),) = state
    except (TypeError, ValueError):
        return None
    return keys if isinstance(keys, tuple) else None


def index_field(index, docid, obj):
    """Index ``docid`` in a field index: the old value's set keeps its place when it
    empties, a new value's set is a ``MergingTreeSet``. False (nothing done) where
    hypatia's own index_doc is needed (no value, or a document hypatia keeps as not
    indexed)."""
    if index.family is not BTrees.family64:  # MergingTreeSet holds 64-bit docids
        return False
    value = index.discriminate(obj, _MISSING)
    if value is _MISSING or docid in index._not_indexed:
        return False
    old = index._rev_index.get(docid, _MISSING)
    if old is not _MISSING:
        if old == value:
            return True
        docids = index._fwd_index.get(old)
        if docids is not None and docid in docids:
            docids.remove(docid)
    docids = index._fwd_index.get(value)
    if docids is None:
        docids = index._fwd_index[value] = MergingTreeSet()
    docids.insert(docid)
    index._rev_index[docid] = value
    if old is _MISSING:
        index._num_docs.change(1)
    return True


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
