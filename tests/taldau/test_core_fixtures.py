"""The shared sample indicators are what tests/helpers/taldau.py says they are."""

import numpy as np

from statportal.taldau.cube import cube_of
from statportal.taldau.periods import label
from statportal.testing import open_portal
from tests.helpers.taldau import (
    DATA,
    POPULATION_VALUES,
    WAGES_LABELS,
    WAGES_PERIODS,
    wages_arrays,
)


def test_the_sample_indicators(app, taldau):
    assert taldau.get(f"{DATA}/labour/wages").json["periodicity"] == "monthly"
    assert taldau.get(f"{DATA}/labour").json["@type"] == "DataTopic"
    with open_portal(app) as portal:
        population = cube_of(app.registry, portal["data"]["population"])
        assert population.values.tolist() == [list(row) for row in POPULATION_VALUES]
        assert population.decimals == 0 and population.dims[0][1][0] == "KZ"
        wages = cube_of(app.registry, portal["data"]["labour"]["wages"])
        values, status = wages_arrays()
        assert wages.dims == (("region", ("KZ", "KZ-AST", "KZ-ALA", "KZ-KAR")),
                              ("sex", ("T", "M", "F")))
        assert [label(p, "monthly") for p in wages.periods] == list(WAGES_LABELS)
        assert wages.periods == WAGES_PERIODS and wages.decimals == 1
        np.testing.assert_array_equal(wages.values, values)
        np.testing.assert_array_equal(wages.status, status)
        assert int(np.count_nonzero(np.isnan(wages.values))) == 2
