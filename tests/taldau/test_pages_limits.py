"""The indicator page under a small ``statportal.data.max_cells``: a selection the API
would refuse is a message on the page (with the form), not an error page."""

import pytest

from statportal.testing import make_settings
from tests.helpers.taldau_pages import make_topic, make_wages


@pytest.fixture
def app_settings(tmp_path):
    return make_settings(tmp_path, **{"statportal.data.max_cells": "20"})


@pytest.fixture
def wages(app, demo):
    return make_wages(app, make_topic(app))


def test_a_selection_over_max_cells_is_a_message_not_an_error_page(testapp, wages):
    response = testapp.get(wages, params={"valuecodes[region]": "*", "valuecodes[sex]": "*"},
                           headers={"Accept": "text/html"}, status=400)
    tree = response.html
    alert = tree.select("[role=alert]")[0].get_text()
    assert "144" in alert and "20" in alert
    assert tree.select("form#selector") and tree.select("h1")
    assert not tree.select("table.data")
    # the default selection (12 cells) still fits
    assert testapp.get(wages, headers={"Accept": "text/html"}).html.select("table.data")
