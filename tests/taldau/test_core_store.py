"""Vintages in blobs and the cube: states, asOf, staff and public, revised marks, X without
a value, the cache keyed by serials, two connections, a realistic size."""

import time
from datetime import timedelta

import numpy as np
import pytest
import transaction

from statportal.taldau import store
from statportal.taldau.cube import apply_vintages, cube_of, get_cube_cache
from statportal.taldau.store import (
    CONFIDENTIAL_PRIMARY,
    NONE,
    PROVISIONAL,
    REVISED,
    VintageError,
    add_vintage,
    cancel_vintage,
    publish_vintage,
    visible_vintages,
)
from statportal.testing import last_transaction, open_portal
from tests.helpers.clock import NOW
from tests.helpers.taldau import LONG_AGO, columns_for, dimension, make_indicator

SEX = dimension("sex", ("Жыныс", "Пол", "Sex"),
                [("T", "", ("Барлығы", "Всего", "Total")), ("M", "T", ("Ерлер", "Мужчины", "Men")),
                 ("F", "T", ("Әйелдер", "Женщины", "Women"))])
P = (2024, 2025)  # annual ordinals


@pytest.fixture
def births(app, frozen):
    """/data/births: annual by sex, one public vintage of 2024 and 2025."""
    make_indicator(app, "/data/births", dimensions=[SEX], periods=P,
                   values=[[10, 11], [6, 5.5], [4, 5.5]])
    return app


def _add(app, values, periods=P, status=None, embargoed=False, now=None):
    with open_portal(app) as portal:
        indicator = portal["data"]["births"]
        vintage = add_vintage(indicator, columns_for(indicator, values, periods, status),
                              filename="births.csv", actor="aigerim", now=now or NOW,
                              embargoed=embargoed)
        return vintage.number, dict(vintage.summary)


def _cube(app, **kw):
    with open_portal(app) as portal:
        return cube_of(app.registry, portal["data"]["births"], **kw)


def test_a_vintage_is_its_columns_in_a_blob(births):
    with open_portal(births) as portal:
        vintage = portal["data"]["births"].vintages[0]
        columns = vintage.columns()
        assert sorted(columns) == ["period", "sex", "status", "value"]
        assert columns["sex"].dtype == np.int32 and columns["value"].dtype == np.float64
        assert vintage.blob.committed()  # a file of the blob storage, not a pickle
        assert (vintage.number, vintage.state, vintage.rows) == (1, "public", 6)
        assert vintage.periods == (2024, 2025) and vintage.decimals == 1
        assert vintage.summary == {"new": 6, "revised": 0, "confidential": 0, "cells": 6}
    cube = _cube(births)
    assert cube.dims == (("sex", ("T", "M", "F")),) and cube.periods == P
    assert cube.values.tolist() == [[10, 11], [6, 5.5], [4, 5.5]]
    assert cube.updated == LONG_AGO and cube.vintages == (1,) and cube.decimals == 1


def test_embargoed_for_the_staff_until_published_cancelled_for_nobody(births):
    came = NOW - timedelta(hours=2)
    _add(births, [[12, 13], [7, 6], [5, 7]], embargoed=True, now=came)
    assert _cube(births).vintages == (1,)
    staff = _cube(births, staff=True)
    assert staff.vintages == (1, 2) and staff.values[0].tolist() == [12, 13]
    assert staff.updated == came  # the staff's "updated": when it came
    assert _cube(births, staff=True, as_of=came - timedelta(minutes=1)).vintages == (1,)
    with open_portal(births) as portal:
        publish_vintage(portal["data"]["births"].vintages[1], NOW)
    public = _cube(births)
    assert public.vintages == (1, 2) and public.updated == NOW
    assert _cube(births, as_of=NOW - timedelta(minutes=1)).vintages == (1,)
    later = NOW + timedelta(hours=3)
    _add(births, [[1, 1], [1, 1], [1, 1]], embargoed=True)
    with open_portal(births) as portal:
        third = portal["data"]["births"].vintages[2]
        cancel_vintage(third, later)
        assert third.state == "cancelled"
        with pytest.raises(VintageError):
            publish_vintage(third, later)
        with pytest.raises(VintageError):  # what the public read stays
            cancel_vintage(portal["data"]["births"].vintages[1], later)
    assert _cube(births, staff=True).vintages == (1, 2)


def test_as_of_and_nothing_visible(app, births):
    with open_portal(app) as portal:
        indicator = portal["data"]["births"]
        early = LONG_AGO - timedelta(days=1)
        assert visible_vintages(indicator, as_of=early) == []
        assert visible_vintages(indicator, as_of=early, staff=True) == []
        assert cube_of(app.registry, indicator, as_of=early) is None
    make_indicator(app, "/data/empty", dimensions=[SEX])
    with open_portal(app) as portal:
        assert cube_of(app.registry, portal["data"]["empty"], staff=True) is None


def test_revised_marks_and_the_summary(births):
    values = [[10, 11.5], [6, 5.5], [4, 6]]       # 2025 of T and F revised
    status = [[0, 0], [0, PROVISIONAL], [0, 0]]   # M 2025 the same but marked p
    number, summary = _add(births, values, status=status)
    assert summary == {"new": 0, "revised": 2, "confidential": 0, "cells": 6}
    cube = _cube(births)
    assert cube.status.tolist() == [[NONE, REVISED], [NONE, PROVISIONAL], [NONE, REVISED]]
    # a third vintage repeats the revised values: still revised; it adds 2026 (new)
    _n, summary = _add(births, [[10, 11.5, 12], [6, 5.5, 6], [4, 6, 6]], periods=(*P, 2026))
    assert summary == {"new": 3, "revised": 0, "confidential": 0, "cells": 9}
    cube = _cube(births)
    assert cube.periods == (2024, 2025, 2026)
    assert cube.status[:, 1].tolist() == [REVISED, NONE, REVISED]
    assert cube.status[:, 2].tolist() == [NONE] * 3


def test_x_never_carries_a_value(births):
    status = [[0, CONFIDENTIAL_PRIMARY], [0, 0], [0, 2]]
    _n, summary = _add(births, [[10, 99], [6, 5.5], [4, 98]], status=status)
    assert summary["confidential"] == 2
    with open_portal(births) as portal:
        stored = portal["data"]["births"].vintages[1].columns()
        assert np.isnan(stored["value"][stored["status"] != 0]).all()  # not even in the blob
    cube = _cube(births)
    assert np.isnan(cube.values[[0, 2], 1]).all() and cube.status[0, 1] == 1
    with pytest.raises(ValueError, match="read-only"):
        cube.values[0, 0] = 1.0  # shared: nobody changes the cached arrays
    # disclosed later with no mark: a value, not a revision of a figure never shown
    _add(births, [[10, 11], [6, 5.5], [4, 5.5]])
    assert _cube(births).status[:, 1].tolist() == [NONE, NONE, NONE]


def test_the_cache_follows_the_serials_and_reading_writes_nothing(births):
    cache = get_cube_cache(births.registry)
    before = last_transaction(births)
    first = _cube(births)
    assert _cube(births) is first and cache.hits >= 1
    assert last_transaction(births) == before  # a read stores nothing
    _add(births, [[12, 13], [7, 6], [5, 7]], embargoed=True)
    staff = _cube(births, staff=True)
    assert _cube(births) is first  # the public's cube is the same: the same vintages
    with open_portal(births) as portal:
        publish_vintage(portal["data"]["births"].vintages[1], NOW)
    after = _cube(births, staff=True)
    assert after is not staff and after.vintages == staff.vintages  # a new serial
    assert _cube(births) is not first


def test_inside_a_transaction_uncommitted_vintages_are_not_shared(births):
    with open_portal(births) as portal:
        indicator = portal["data"]["births"]
        add_vintage(indicator, columns_for(indicator, [[1, 1], [1, 1], [1, 1]], P),
                    filename="x.csv", actor="t", now=NOW, embargoed=False)
        mine = cube_of(births.registry, indicator)
        assert mine.vintages == (1, 2)
        assert cube_of(births.registry, indicator) is not mine  # no serial yet: not cached
    assert _cube(births).vintages == (1, 2)


def test_two_connections_see_each_others_commits(births):
    db = births.registry._zodb_databases[""]
    tm_a, tm_b = transaction.TransactionManager(), transaction.TransactionManager()
    conn_a, conn_b = db.open(transaction_manager=tm_a), db.open(transaction_manager=tm_b)
    try:
        births_a = conn_a.root()["statportal"]["data"]["births"]
        births_b = conn_b.root()["statportal"]["data"]["births"]
        assert cube_of(births.registry, births_a).vintages == (1,)
        add_vintage(births_b, columns_for(births_b, [[2, 2], [1, 1], [1, 1]], P),
                    filename="b.csv", actor="t", now=NOW, embargoed=False)
        tm_b.commit()
        tm_a.begin()  # a's next transaction (a request) sees b's commit
        cube = cube_of(births.registry, births_a)
        assert cube.vintages == (1, 2) and cube.values[0].tolist() == [2, 2]
    finally:
        tm_a.abort()
        tm_b.abort()
        conn_a.close()
        conn_b.close()


def test_a_realistic_indicator_takes_little_time(app, frozen):
    """50 × 40 regions and categories × 60 months, one decimal: two vintages, the second
    revising a tenth of the cells, applied in well under a second."""
    rng = np.random.default_rng(20)
    first = np.round(rng.uniform(0, 1e5, (50, 40, 60)), 1)
    first[rng.random(first.shape) < 0.02] = np.nan  # gaps
    dims = [dimension("region", ("Өңір", "Регион", "Region"),
                      [(f"R{i:02d}", "", (f"R{i}",) * 3) for i in range(50)]),
            dimension("kind", ("Түр", "Вид", "Kind"),
                      [(f"K{i:02d}", "", (f"K{i}",) * 3) for i in range(40)])]
    months = np.arange(2021 * 12, 2021 * 12 + 60)
    make_indicator(app, "/data/big", periodicity="monthly", dimensions=dims, values=first,
                   periods=months)
    second = first.copy()
    revised = rng.random(first.shape) < 0.1
    second[revised] += 0.5
    started = time.perf_counter()
    with open_portal(app) as portal:
        indicator = portal["data"]["big"]
        vintage = add_vintage(indicator, columns_for(indicator, second, months),
                              filename="big.csv", actor="t", now=NOW, embargoed=False)
        expected_revised = int(np.count_nonzero(revised & ~np.isnan(first)))
        assert vintage.summary["revised"] == expected_revised
        assert vintage.decimals == 1 and vintage.rows == int(np.count_nonzero(~np.isnan(first)))
    with open_portal(app) as portal:
        cube = cube_of(app.registry, portal["data"]["big"])
    elapsed = time.perf_counter() - started
    assert cube.values.shape == (50, 40, 60)
    np.testing.assert_array_equal(cube.values, second)
    assert int(np.count_nonzero(cube.status == REVISED)) == expected_revised
    assert elapsed < 3, elapsed
    print(f"120k cells: a vintage added and the cube built in {elapsed:.2f} s")


def test_columns_are_checked_before_anything_is_stored(births):
    with open_portal(births) as portal:
        indicator = portal["data"]["births"]
        bad = columns_for(indicator, [[1, 1], [1, 1], [1, 1]], P)
        bad["sex"] = bad["sex"] + 2  # positions past the three codes
        with pytest.raises(ValueError, match="sex"):
            add_vintage(indicator, bad, filename="x", actor="t", now=NOW, embargoed=False)
        del bad["sex"]
        with pytest.raises(ValueError, match="missing"):
            add_vintage(indicator, bad, filename="x", actor="t", now=NOW, embargoed=False)
        assert len(indicator.vintages) == 1
    assert store.STATUS_TEXT == {1: "X", 2: "X", 3: "p", 4: "r"}
    assert apply_vintages(None, []) is None


@pytest.mark.parametrize(("values", "places"), [
    ([1.0, 20.0], 0), ([400000.1, 2.0], 1), ([19_766_807.0], 0), ([0.125, 1.5], 3),
    ([123456.78, np.nan], 2), ([np.nan], 0), ([1 / 3], 6)])
def test_the_decimals_the_data_have(values, places):
    assert store._decimals(np.array(values)) == places
