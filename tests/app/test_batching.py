"""The one batch helper (``statportal.batching``): the numbers of a page for the pages'
``batching.pt`` and the JSON API's ``batching`` links, the same everywhere."""

import re

import pytest

from statportal.batching import Batch
from tests.helpers.placement import as_user


@pytest.mark.parametrize("start, size, total, shown, first, last, prev, next_, last_start", [
    (0, 25, 0, 0, 0, 0, None, None, 0),
    (0, 25, 60, 25, 1, 25, None, 25, 50),
    (25, 25, 60, 25, 26, 50, 0, 50, 50),
    (50, 25, 60, 10, 51, 60, 25, None, 50),
    (5, 25, 60, 25, 6, 30, 0, 30, 50),        # never a negative start before
    (100, 25, 60, 0, 0, 100, 75, None, 50),   # beyond the end: nothing shown
])
def test_the_numbers_of_a_page(start, size, total, shown, first, last, prev, next_,
                               last_start):
    batch = Batch(start, size, total, shown)
    assert (batch.first, batch.last, batch.prev, batch.next, batch.last_start) == (
        first, last, prev, next_, last_start)
    assert Batch(start, size, total).count == shown


def test_json_links_only_when_more_than_one_page():
    assert Batch(0, 25, 25, 25).links("http://x/f") is None
    assert Batch(5, 2, 7, 2).links("http://x/f") == {
        "@id": "http://x/f?b_start=5&b_size=2", "first": "http://x/f?b_start=0&b_size=2",
        "last": "http://x/f?b_start=6&b_size=2", "prev": "http://x/f?b_start=3&b_size=2"}
    assert Batch(0, 2, 7, 2).links("u")["next"] == "u?b_start=2&b_size=2"


def test_a_folder_page_and_its_json_agree(app, testapp, demo):
    as_user(testapp, "admin")
    users = testapp.get("/++api++/principals/users?b_start=1&b_size=2").json
    assert users["batching"]["prev"].endswith("?b_start=0&b_size=2")
    total = users["items_total"]
    page = testapp.get("/principals/users?b_start=1&b_size=2",
                       headers={"Accept": "text/html", "Accept-Language": "en"}).text
    assert "?b_start=0&amp;b_size=2" in page                 # prev: not -1
    assert re.search(rf"Items\s*<span>2</span>–<span>3</span> of <span>{total}</span>", page)
