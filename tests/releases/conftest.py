"""Fixtures of the release tests: a material placed for a release still to come."""

import pytest

from tests.helpers.calendar import add as add_entry
from tests.helpers.placement import new_request, run_chain


@pytest.fixture
def scheduled(app, testapp, demo, frozen):
    """A new material placed for the release of 14 December: ``(material path, entry)``."""
    entry = add_entry(testapp, section="/official-statistics/economy/industry").json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    url = new_request(testapp, release=entry_path)
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    return material, entry_path
