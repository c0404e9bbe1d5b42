"""Review 2, finding 10: @data's (and /api/v2's) ETag follows what the answer is made of:
an edit of the indicator (title, decimals) is a new ETag, never a stale 304; an embargoed
vintage the public does not see still changes nothing for the public."""

from datetime import timedelta

import numpy as np

from statportal.content.paths import find_by_path
from statportal.testing import open_portal
from tests.helpers.clock import NOW
from tests.helpers.placement import as_user
from tests.helpers.taldau import WAGES, WAGES_PERIODS, columns_for, wages_arrays

NATIVE = "/++api++/data/labour/wages/@data"
PXWEB = "/api/v2/tables/wages/data"


def _edit(app):
    with open_portal(app) as portal:
        indicator = find_by_path(portal, WAGES)
        indicator.decimals = 0
        indicator.title = {**indicator.title, "en": "Average monthly nominal wage"}


def test_an_edit_of_the_indicator_is_a_new_answer(taldau, app):
    as_user(taldau, None)
    before = {url: taldau.get(url, {"outputFormat": "csv"}) for url in (NATIVE, PXWEB)}
    _edit(app)
    for url, first in before.items():
        again = taldau.get(url, {"outputFormat": "csv"},
                           headers={"If-None-Match": first.headers["ETag"]}, status=200)
        assert again.headers["ETag"] != first.headers["ETag"], url
        assert again.body != first.body, url


def test_an_embargoed_vintage_changes_nothing_for_the_public(taldau, app):
    from statportal.taldau.store import add_vintage

    as_user(taldau, None)
    first = taldau.get(NATIVE)
    with open_portal(app) as portal:
        indicator = find_by_path(portal, WAGES)
        values, status = wages_arrays()
        add_vintage(indicator, columns_for(indicator, np.asarray(values) + 1.0,
                                           WAGES_PERIODS, status),
                    filename="next.csv", actor="aigerim", now=NOW - timedelta(hours=1),
                    embargoed=True)
    taldau.get(NATIVE, headers={"If-None-Match": first.headers["ETag"]}, status=304)

