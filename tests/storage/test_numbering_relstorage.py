"""The numbering's early check on RelStorage (review of issue 19): RelStorage's own
``load`` reads through the storage object's connection, which stays on the snapshot it
first read, so it cannot tell whether the year's counter is out of date; the early check
is left to storages whose current load is fresh, and uncontended questions number
without a single retry (``statportal.retry`` logs each)."""

import logging

import pytest

from tests.helpers.questions import ask
from tests.storage.conftest import open_storage
from tests.storage.helpers import with_demo

pytestmark = pytest.mark.storage


def test_uncontended_questions_on_relstorage_are_never_retried(request, tmp_path, caplog):
    storage = open_storage(request, "relstorage", tmp_path / "portal")
    try:
        client = with_demo(storage.app("web1"))
        caplog.set_level(logging.INFO, logger="statportal.retry")
        numbers = [ask(client.app, remote=f"203.0.113.{n}",
                       email=f"asker{n}@bank.example.kz").json["number"]
                   for n in range(1, 7)]
        assert [r.getMessage() for r in caplog.records
                if r.name == "statportal.retry"] == []
        assert [n[-6:] for n in numbers] == [f"{n:06d}" for n in range(1, 7)]
    finally:
        storage.close()
