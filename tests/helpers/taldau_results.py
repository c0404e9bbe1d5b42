"""A small selection (``statportal.taldau.result.Result``) for the formats' round-trip
tests: Cyrillic labels, one decimal with floating-point noise, primary and secondary X,
provisional and revised cells, missing cells; and what each cell must read back as."""

from datetime import UTC, datetime

import numpy as np

from statportal.taldau.result import Result, ResultDim

NAN = np.nan
#: a number the store never gives for an X cell; put there to prove the writers mask it
SECRET = 9876.5
REGIONS = (["KZ", "KZ-AST", "KZ-ALA"], ["Қазақстан", "Астана", "=Алматы, «қала»"])
SEXES = (["M", "F"], ["Ерлер", "Әйелдер"])
PERIODS = ["2026-08", "2026-09", "2026-10"]
UPDATED = datetime(2026, 10, 15, 4, 0, tzinfo=UTC)
ASOF = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)

# [region][sex][period]
VALUES = [[[7471.900000000001, 120.0, -0.04], [0.1 + 0.2, NAN, 1234567.25]],
          [[SECRET, SECRET, 15.05], [NAN, 42.0, 8.0]],
          [[3.14159, NAN, SECRET], [99.95, 10.0, -12.5]]]
STATUS = [[[3, 0, 4], [0, 0, 3]],
          [[1, 2, 0], [0, 4, 0]],
          [[0, 0, 1], [2, 3, 0]]]
# what a reader must find: a float rounded to one decimal, "X", or None (missing)
# (halves go to the even digit, as in the published tables: 15.05 → 15.0, 1234567.25 →
# 1234567.2; -0.04 → 0.0, not -0.0)
EXPECTED = [[[7471.9, 120.0, 0.0], [0.3, None, 1234567.2]],
            [["X", "X", 15.0], [None, 42.0, 8.0]],
            [[3.1, None, "X"], ["X", 10.0, -12.5]]]


def sample_result(*, lang="kk", decimals=1, values=VALUES, status=STATUS, **changes):
    fields = dict(
        indicator_id="wages", code="WAGE.AVG", title="Орташа жалақы", lang=lang,
        unit="теңге", source="Ұлттық статистика бюросы", updated=UPDATED, decimals=decimals,
        dims=[ResultDim("region", "Өңір", *REGIONS, "geo"),
              ResultDim("sex", "Жыныс", *SEXES),
              ResultDim("period", "Кезең", PERIODS, list(PERIODS), "time")],
        values=np.array(values, dtype=np.float64),
        status=np.array(status, dtype=np.uint8),
        notes=["Ескерту: 2026 жылдан бастап."], asof=ASOF)
    fields.update(changes)
    return Result(**fields)


def expected_cells():
    """``{(region, sex, period): (expected, status text)}`` of every cell."""
    text = {0: "", 1: "X", 2: "X", 3: "p", 4: "r"}
    cells = {}
    for i, region in enumerate(REGIONS[0]):
        for j, sex in enumerate(SEXES[0]):
            for k, period in enumerate(PERIODS):
                cells[(region, sex, period)] = (EXPECTED[i][j][k], text[STATUS[i][j][k]])
    return cells
