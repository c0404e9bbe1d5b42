"""The BTree folder on a real ZODB (DemoStorage, with blobs)."""

import pytest
import transaction
from ZODB import DB
from ZODB.DemoStorage import DemoStorage


@pytest.fixture
def db():
    database = DB(DemoStorage())
    yield database
    database.close()


@pytest.fixture
def root(db):
    from pyramid import testing

    testing.setUp()
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    yield conn.root(), tm
    tm.abort()
    conn.close()
    testing.tearDown()


def _makeOne(**kw):
    from statportal.content.folder import Folder

    return Folder(**kw)


def _item(title="x"):
    from statportal.content.base import Content

    return Content(title={"en": title})


class TestFolder:
    def test_add_keeps_insertion_order(self):
        folder = _makeOne()
        for name in ("c", "a", "b"):
            folder.add(name, _item(name), send_events=False)
        assert list(folder.keys()) == ["c", "a", "b"]
        assert len(folder) == 3
        assert folder["a"].__parent__ is folder and folder["a"].__name__ == "a"

    def test_duplicate_and_invalid_ids(self):
        from statportal.content.folder import FolderKeyError
        from statportal.content.names import InvalidName

        folder = _makeOne()
        folder.add("a", _item(), send_events=False)
        with pytest.raises(FolderKeyError):
            folder.add("a", _item(), send_events=False)
        with pytest.raises(InvalidName):
            folder.add("@types", _item(), send_events=False)
        assert len(folder) == 1

    def test_move_up_and_down(self):
        folder = _makeOne()
        for name in "abcd":
            folder.add(name, _item(), send_events=False)
        assert folder.move("c", -1) == 1
        assert list(folder.keys()) == ["a", "c", "b", "d"]
        assert folder.move("a", -1) == 0  # already first
        assert folder.move("a", 10) == 3
        assert list(folder.keys()) == ["c", "b", "d", "a"]
        assert folder.index_of("d") == 2

    def test_rename_keeps_position(self):
        folder = _makeOne()
        for name in "abc":
            folder.add(name, _item(), send_events=False)
        obj = folder["b"]
        folder.rename("b", "beta")
        assert list(folder.keys()) == ["a", "beta", "c"]
        assert folder["beta"] is obj and obj.__name__ == "beta"
        assert "b" not in folder

    def test_remove(self):
        folder = _makeOne()
        for name in "abc":
            folder.add(name, _item(), send_events=False)
        folder.remove("b", send_events=False)
        assert list(folder.keys()) == ["a", "c"]
        assert len(folder) == 2
        folder.add("d", _item(), send_events=False)
        assert list(folder.keys()) == ["a", "c", "d"]

    def test_batching(self):
        folder = _makeOne()
        for i in range(30):
            folder.add(f"n{i:02}", _item(), send_events=False)
        assert [n for n, _o in folder.batch(25, 10)] == ["n25", "n26", "n27", "n28", "n29"]
        assert [n for n, _o in folder.batch_after("n09", 3)] == ["n10", "n11", "n12"]
        assert [n for n, _o in folder.batch_after(None, 2)] == ["n00", "n01"]

    def test_unordered_folder(self):
        from statportal.content.resources import Container

        folder = Container()
        for name in "cab":
            folder.add(name, _item(), send_events=False)
        assert list(folder.keys()) == ["a", "b", "c"]
        assert [n for n, _o in folder.batch_after("a", 5)] == ["b", "c"]
        with pytest.raises(TypeError):
            folder.move("a", 1)

    def test_events(self):
        from pyramid import testing

        from statportal.content.events import ObjectAdded, ObjectRemoved, ObjectWillBeRemoved

        seen = []
        with testing.testConfig() as config:
            for cls in (ObjectAdded, ObjectWillBeRemoved, ObjectRemoved):
                config.add_subscriber(lambda e: seen.append((type(e).__name__, e.name)), cls)
            folder = _makeOne()
            folder.add("a", _item())
            folder.remove("a")
        assert seen == [("ObjectAdded", "a"), ("ObjectWillBeRemoved", "a"), ("ObjectRemoved", "a")]


def test_persists_many_children(db, root):
    """20,000 children in one transaction; order, count and paging survive a reopen."""
    zroot, tm = root
    folder = _makeOne()
    zroot["f"] = folder
    for i in range(20000):
        folder.add(f"item-{i:05}", _item(str(i)), send_events=False)
    tm.commit()

    tm2 = transaction.TransactionManager()
    conn2 = db.open(transaction_manager=tm2)
    try:
        again = conn2.root()["f"]
        assert len(again) == 20000
        assert [n for n, _o in again.batch(19998, 25)] == ["item-19998", "item-19999"]
        assert [n for n, _o in again.batch_after("item-10000", 1)] == ["item-10001"]
        again.move("item-19999", -1)
        tm2.commit()
    finally:
        conn2.close()
    tm.begin()
    assert [n for n, _o in folder.batch(19998, 2)] == ["item-19999", "item-19998"]
