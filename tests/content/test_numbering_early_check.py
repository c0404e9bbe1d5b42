"""The numbering's early check (``numbering._out_of_date``) on a connection whose cached
year counter another connection's commit invalidated: the counter is a ghost that still
carries its old serial, but this transaction reads the new state, so it is not out of date
and no ConflictError (no retry) is spent on it (review of issue 19)."""

import logging

from tests.helpers.questions import ask


def test_a_counter_invalidated_by_another_connection_costs_no_retry(app, demo, testapp,
                                                                    caplog):
    caplog.set_level(logging.INFO, logger="statportal.retry")
    db = app.registry._zodb_databases[""]
    ask(testapp, remote="203.0.113.1")   # connection A numbers: the counter in A's cache
    held = db.open()                     # A out of the pool, so that
    ask(testapp, remote="203.0.113.2")   # B numbers: A's counter is invalidated (a ghost)
    held.close()                         # A back on top of the pool
    caplog.clear()
    third = ask(testapp, remote="203.0.113.3").json   # on A again
    assert [r.getMessage() for r in caplog.records if r.name == "statportal.retry"] == []
    assert third["number"].endswith("-000003")
