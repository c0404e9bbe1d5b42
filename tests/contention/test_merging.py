"""The structures concurrent writers share merge their changes (issue 19): two
transactions from one state, both committed, on a real FileStorage."""

from contextlib import contextmanager

import pytest
import transaction
import ZODB
import ZODB.FileStorage
from BTrees.LFBTree import LFTreeSet
from BTrees.LOBTree import LOBTree
from hypatia.keyword import KeywordIndex
from ZODB.POSException import ConflictError

from statportal.content.catalog import MergingTreeSet, reindex_keywords
from statportal.content.folder import next_position


@pytest.fixture
def db(tmp_path):
    database = ZODB.DB(ZODB.FileStorage.FileStorage(str(tmp_path / "Data.fs")))
    yield database
    database.close()


def concurrently(db, setup, *changes):
    """``setup(root)`` committed, then each change in its own transaction from that state,
    committed in turn; the exceptions of the commits (None for each that passed)."""
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    setup(conn.root())
    tm.commit()
    conn.close()
    opened = [(manager, db.open(manager)) for manager in
              (transaction.TransactionManager() for _change in changes)]
    for change, (_manager, conn) in zip(changes, opened, strict=True):
        change(conn.root())
    outcome = []
    for manager, conn in opened:
        try:
            manager.commit()
            outcome.append(None)
        except ConflictError as exc:
            manager.abort()
            outcome.append(exc)
        conn.close()
    return outcome


@contextmanager
def stored(db, name):
    conn = db.open()
    try:
        yield conn.root()[name]
    finally:
        conn.close()


@pytest.mark.parametrize(("start", "first", "second", "merged"), [
    ({1}, lambda s: s.remove(1), lambda s: s.insert(2), {2}),        # the last one leaves
    ({1, 2}, lambda s: s.remove(1), lambda s: s.remove(2), set()),   # both leave: empty
    ({1}, lambda s: s.remove(1), lambda s: s.remove(1), set()),      # the same one leaves
    (set(), lambda s: s.insert(1), lambda s: s.insert(2), {1, 2}),
])
def test_a_state_set_merges_where_btrees_refuse(db, start, first, second, merged):
    def setup(kind):
        return lambda root: root.__setitem__("set", kind(start))

    def change(step):
        return lambda root: step(root["set"])

    assert concurrently(db, setup(MergingTreeSet), change(first), change(second)) == \
        [None, None]
    with stored(db, "set") as found:
        assert set(found) == merged
    if merged != {1, 2}:  # BTrees' own set refuses the emptying ones
        assert concurrently(db, setup(LFTreeSet), change(first), change(second))[1] \
            is not None


def test_a_large_state_set_is_merged_by_btrees(db):
    outcome = concurrently(
        db, lambda root: root.__setitem__("set", MergingTreeSet(range(1, 1000))),
        lambda root: root["set"].insert(5000), lambda root: root["set"].remove(999))
    assert outcome == [None, None]
    with stored(db, "set") as found:
        assert set(found) == set(range(1, 999)) | {5000}


class Doc:
    def __init__(self, words):
        self.words = words


def test_keywords_changed_in_place_merge(db):
    """Two documents' keywords changed at once (their reverse entries in one bucket):
    hypatia replaced the stored set and the second commit conflicted."""
    def setup(root):
        index = root["index"] = KeywordIndex("words")
        for docid in (1, 2):
            index.index_doc(docid, Doc(["group:staff"]))

    def change(docid, in_place):
        def run(root):
            doc = Doc(["group:staff", f"user:{docid}"])
            if not (in_place and reindex_keywords(root["index"], docid, doc)):
                root["index"].reindex_doc(docid, doc)
        return run

    assert concurrently(db, setup, change(1, True), change(2, True)) == [None, None]
    with stored(db, "index") as index:
        assert sorted(index.applyEq("user:1")) == [1]
        assert sorted(index.applyEq("user:2")) == [2]
        assert sorted(index.applyEq("group:staff")) == [1, 2]
    assert concurrently(db, setup, change(1, False), change(2, False))[1] is not None


def test_new_positions_of_an_ordered_folder_do_not_collide(db):
    def setup(root):
        root["order"] = LOBTree({0: "a", 1: "b"})

    def add(name):
        def run(root):
            root["order"][next_position(root["order"])] = name
        return run

    assert concurrently(db, setup, add("c"), add("d")) == [None, None]
    with stored(db, "order") as order:
        assert list(order.values())[:2] == ["a", "b"]
        assert set(order.values()) == {"a", "b", "c", "d"}
    assert next_position(LOBTree({2**60: "x"})) == 2**60 + 1  # after the last, always
