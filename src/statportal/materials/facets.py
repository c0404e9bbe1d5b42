"""What a search reads: flat in-memory copies of the catalog's facet sets, kept up to date
incrementally, one copy per ZODB connection.

The facet indexes themselves are hypatia's (persistent BTrees, updated in the transaction
that (un)indexes a material, so every process sees them through ZODB's invalidations).
Reading them set by set for each search would load thousands of buckets, so each
connection keeps flat copies (``IFSet``, the newest-first order) and, after a change,
refreshes only what changed instead of copying 100,000 docids again.

What changed is found without any log: docids are split by their value into
``SHARDS`` ranges, and the catalog keeps one persistent counter per range
(``BTrees.Length``: concurrent bumps resolve without a conflict), bumped in the same
transaction as the (un)index. A counter's committed serial and value identify its state,
so a copy refreshes exactly the ranges whose counter moved since it was made, re-reading
them from the persistent indexes (a range query loads a few buckets per set). Nothing is
derived from deltas: a refreshed range is the persistent truth, whatever the order in
which other transactions committed.
"""

from bisect import bisect_left, insort

from BTrees.IFBTree import IFSet, difference, intersection, multiunion
from BTrees.IOBTree import IOBTree
from BTrees.Length import Length

#: Docids are in [1, 2**31): 256 ranges of 2**23 docids (about 400 each at 100,000).
SHARD_BITS = 23
SHARDS = 2**31 >> SHARD_BITS
#: Past this many changed ranges (a bulk import), one full copy is cheaper.
MAX_REFRESH = SHARDS // 4
#: The indexes a search reads (hypatia Field and Keyword indexes): the facets, the state,
#: and the principals allowed to view (the catalog base's security index).
FACETS = ("review_state", "sections", "years", "languages", "category", "allowed")
#: Words whose docids a copy keeps between searches, and how many of them a refresh
#: re-reads (more are forgotten: the next searches look them up again).
WORD_CACHE = 500
WORDS_REFRESHED = 50
#: How many (state, principals) pairs a copy keeps the visible docids of (the public's,
#: a few signed-in users').
DERIVED_KEPT = 64
#: Newest first, ties by docid (as hypatia's sort did): a key's low 31 bits are the docid.
DOCID_MASK = 2**31 - 1
_LATEST = 2**53  # microseconds after 1970, beyond any publication date


def shard_of(docid):
    return docid >> SHARD_BITS


def shard_range(shard):
    low = shard << SHARD_BITS
    return low, low + (1 << SHARD_BITS) - 1


def new_stamps():
    return tuple(Length() for _ in range(SHARDS))


def bump(catalog, docid):
    """Record, in this transaction, that ``docid``'s range of ``catalog`` changed."""
    stamps = getattr(catalog, "facet_stamps", None)
    if stamps is None:  # a catalog made before the counters existed
        stamps = catalog.facet_stamps = new_stamps()
    stamps[shard_of(docid)].change(1)


def order_key(published, docid):
    return ((_LATEST - round(published * 1_000_000)) << 31) | docid


def _state(counter):
    counter()  # loads it: its serial is then the committing transaction's
    return counter._p_serial, counter.value


class FlatFacets:
    """One connection's copy: ``sets`` ((index, value) -> IFSet), ``every`` (IFSet),
    ``order`` (keys, newest first), ``words`` (word -> IFSet)."""

    def __init__(self, catalog):
        changes = getattr(catalog, "changes", None)
        self.key = _state(changes) if changes is not None else None
        stamps = getattr(catalog, "facet_stamps", None)
        self.stamps = [_state(s) for s in stamps] if stamps is not None else None
        indexes = catalog.catalog
        self.sets = {}
        for name in FACETS:
            if name not in indexes:  # "allowed": made on the catalog's first use since
                continue
            index = indexes[name]
            for value in index.unique_values():
                self.sets[(name, value)] = IFSet(index.applyEq(value))
        self.every = IFSet(catalog.members.keys())
        published = indexes["published"]._rev_index  # docid -> timestamp (hypatia's)
        self.keys = IOBTree()
        for docid, value in published.items():
            self.keys[docid] = order_key(value, docid)
        self.order = sorted(self.keys.values())
        self.words = {}
        self.derived = {}  # (state, principals) -> docids (``visible``)

    @classmethod
    def of(cls, catalog):
        """The connection's copy, brought up to the state this transaction sees; a fresh
        copy, not kept, when this transaction has changed the catalog itself."""
        changes = getattr(catalog, "changes", None)  # None: made before the counter
        jar = catalog._p_jar
        if jar is None or changes is None or changes._p_jar is None or changes._p_changed:
            return cls(catalog)
        copies = jar.__dict__.setdefault("_statportal_facets", {})
        copy = copies.get(catalog._p_oid)
        if copy is None:
            copy = copies[catalog._p_oid] = cls(catalog)
        elif copy.key != _state(changes) and not copy.refresh(catalog):
            copy = copies[catalog._p_oid] = cls(catalog)
        return copy

    # -- keeping up ------------------------------------------------------------------------
    def refresh(self, catalog):
        """Re-read the ranges whose counters moved; False when a full copy is better."""
        stamps = getattr(catalog, "facet_stamps", None)
        if stamps is None or self.stamps is None:
            return False
        now = [_state(s) for s in stamps]
        if any(s._p_changed for s in stamps):
            return False
        moved = [shard for shard, state in enumerate(now) if state != self.stamps[shard]]
        if len(moved) > MAX_REFRESH:
            return False
        for shard in moved:
            self._refresh_range(catalog, *shard_range(shard))
        if moved:
            self.derived.clear()
        self.stamps = now
        self.key = _state(catalog.changes)
        return True

    def _refresh_range(self, catalog, low, high):
        indexes = catalog.catalog
        self.every = _replaced(self.every, catalog.members.keys(low, high), low, high)
        for name in FACETS:
            if name not in indexes:
                continue
            forward = indexes[name]._fwd_index  # value -> docids (hypatia's)
            seen = set()
            for value, docids in forward.items():
                seen.add(value)
                flat = self.sets.get((name, value))
                if flat is None:  # a value new to this copy
                    self.sets[(name, value)] = IFSet(docids)
                else:
                    self.sets[(name, value)] = _replaced(flat, docids.keys(low, high),
                                                         low, high)
            for key in [key for key in self.sets if key[0] == name and key[1] not in seen]:
                self.sets[key] = _replaced(self.sets[key], (), low, high)
        self._refresh_order(indexes["published"]._rev_index, low, high)
        self._refresh_words(catalog.text, low, high)

    def _refresh_order(self, published, low, high):
        new = {docid: order_key(value, docid) for docid, value in published.items(low, high)}
        for docid, key in list(self.keys.items(low, high)):
            if new.get(docid) != key:
                del self.order[bisect_left(self.order, key)]
                del self.keys[docid]
        for docid, key in new.items():
            if docid not in self.keys:
                insort(self.order, key)
                self.keys[docid] = key

    def _refresh_words(self, text, low, high):
        """Each kept word's range re-read from the word index (a few buckets per word);
        past ``WORDS_REFRESHED`` kept words, forgetting them is cheaper."""
        if len(self.words) > WORDS_REFRESHED:
            self.words.clear()
        for word, flat in list(self.words.items()):
            if len(word) >= text.prefix_from:  # matched by prefix, as the index does
                sets = text.words.values(min=word, max=word + "\U0010ffff")
            else:
                sets = [text.words[word]] if word in text.words else []
            docids = multiunion([IFSet(docids.keys(low, high)) for docids in sets])
            self.words[word] = _replaced(flat, docids, low, high)

    # -- reading ---------------------------------------------------------------------------
    def visible(self, state, principals):
        """Docids in ``state`` (None: any) that one of ``principals`` may view (None: no
        check; nor without the index), kept until the next refresh: the public's is the
        same for every search."""
        key = (state, None if principals is None else tuple(sorted(principals)))
        found = self.derived.get(key)
        if found is None:
            found = self.sets.get(("review_state", state), IFSet()) if state else self.every
            if principals is not None and any(k[0] == "allowed" for k in self.sets):
                found = intersection(found, multiunion(
                    [self.sets[("allowed", p)] for p in principals if ("allowed", p) in self.sets]))
            if len(self.derived) >= DERIVED_KEPT:
                self.derived.clear()
            self.derived[key] = found
        return found

    def word_ids(self, text, word):
        found = self.words.get(word)
        if found is None:
            found = IFSet(text.search([word]))
            if len(self.words) >= WORD_CACHE:
                self.words.clear()
            self.words[word] = found
        return found

    def newest(self):
        """Docids, newest first."""
        mask = DOCID_MASK
        return (key & mask for key in self.order)


def _replaced(flat, docids, low, high):
    """``flat`` with its docids in [low, high] replaced by ``docids`` (all in that range);
    ``flat`` itself is changed in place when that is cheaper than a copy."""
    new = IFSet(docids)
    old = IFSet(flat.keys(low, high))
    gone, added = difference(old, new), difference(new, old)
    if not gone and not added:
        return flat
    if len(gone) + len(added) > 64:
        return multiunion([difference(flat, gone), added])
    for docid in gone:
        flat.remove(docid)
    flat.update(added)
    return flat
