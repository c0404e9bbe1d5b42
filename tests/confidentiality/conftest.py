"""Fixtures of the confidentiality tests: a material placed for a release still to come."""

import pytest

from tests.helpers.materials import as_user
from tests.helpers.placement import REQUESTS, payload, run_chain


@pytest.fixture
def scheduled(app, testapp, demo, frozen):
    """A new material placed for a release still to come: ``(material path, entry)``."""
    from tests.helpers.calendar import add as add_entry

    entry = add_entry(testapp, section="/official-statistics/economy/industry").json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(release=entry_path), status=201).json[
        "@id"].replace("http://localhost", "")
    run_chain(testapp, url)
    return testapp.get(url).json["material"], entry_path
