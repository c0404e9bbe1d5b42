"""Shared fixtures of the Taldau tests (issue 20). Parts add theirs here with small edits.

``taldau``: the WebTest app (``testapp``) with the demo's people and two indicators
written through the store (no import): ``/data/population`` (annual by region) and
``/data/labour/wages`` (monthly by region and sex, with X cells and provisional ones);
their paths, periods and arrays are in ``tests/helpers/taldau.py`` (``POPULATION``,
``WAGES``, ``wages_arrays()`` …). The clock is frozen at ``tests.helpers.clock.NOW``;
the vintages were written at ``LONG_AGO``.

``topic``: the page tests' data topic ``/data/economy`` (``tests/helpers/taldau_pages.py``).
"""

import pytest

from tests.helpers.taldau import add_sample_indicators
from tests.helpers.taldau_pages import make_topic


@pytest.fixture
def taldau(app, testapp, demo, frozen):
    add_sample_indicators(app)
    return testapp


@pytest.fixture
def topic(app, demo):
    return make_topic(app)
