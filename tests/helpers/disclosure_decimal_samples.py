"""A regional table of decimal values as a statistics office would feed it to the CLI.

``write_table(directory, districts=220, divisions=88, enterprises=200_000, seed=15)``
writes ``regions.csv`` (republic → 17 regions → districts), ``activity.csv`` (total → 21
sections → divisions, NACE's 88 divisions by default) and ``basis.csv``: one row per
non-empty finest-level cell, its ``value`` the exact sum of its enterprises' values with
one decimal, ``respondents``, ``top1`` and ``top2``. Enterprises are spread unevenly (a few
large districts and divisions, many small ones), so that with the defaults about 15,000
of the 19,360 cells are non-empty and many have one or two enterprises. Returns the
number of basis rows. Used by the tests and by ``bench/bench_disclosure_decimal.py``.
"""

import numpy as np

# NACE Rev. 2: the number of divisions in each of the 21 sections (88 in all)
NACE_SECTIONS = (3, 5, 24, 1, 4, 3, 3, 5, 2, 6, 3, 1, 7, 6, 1, 1, 3, 4, 3, 2, 1)


def _spread(total, parts):
    """``total`` items over ``parts`` groups, as evenly as possible (at least one each)."""
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def hierarchies(districts=220, divisions=88):
    """``(region rows, activity rows)``, each ``[(code, parent, label)]``."""
    regions = [("KZ", "", "Republic")]
    for r, count in enumerate(_spread(districts, 17)):
        regions.append((f"R{r:02d}", "KZ", f"Region {r}"))
        regions += [(f"R{r:02d}-{d:02d}", f"R{r:02d}", f"District {r}.{d}")
                    for d in range(count)]
    sizes = list(NACE_SECTIONS) if divisions == 88 else _spread(divisions, min(21, divisions))
    activity = [("T", "", "Total")]
    for s, count in enumerate(sizes):
        activity.append((f"S{s:02d}", "T", f"Section {s}"))
        activity += [(f"S{s:02d}.{d}", f"S{s:02d}", f"Division {s}.{d}") for d in range(count)]
    return regions, activity


def basis_rows(districts=220, divisions=88, enterprises=200_000, seed=15, decimals=1,
               size=8.0):
    """``[(region, activity, value in 10**-decimals units, respondents, top1, top2)]``;
    an enterprise's value is log-normal, its logarithm's mean ``size``."""
    regions, activity = hierarchies(districts, divisions)
    region_leaves = [c for c, p, _ in regions if p and p != "KZ"]
    activity_leaves = [c for c, p, _ in activity if p and p != "T"]
    rng = np.random.default_rng(seed)
    weight_r = rng.lognormal(0.0, 1.1, len(region_leaves))
    weight_a = 1.0 / (rng.permutation(len(activity_leaves)) + 1.0) ** 0.9
    p = weight_r[:, None] * weight_a[None, :] * rng.lognormal(0.0, 0.8, (len(region_leaves),
                                                                      len(activity_leaves)))
    counts = rng.multinomial(enterprises, (p / p.sum()).ravel())
    cell = np.repeat(np.arange(counts.size), counts)
    units = np.maximum(1, np.round(rng.lognormal(size, 1.5, cell.size) * 10 ** decimals))
    units = units.astype(np.int64)
    order = np.lexsort((-units, cell))
    cell, units = cell[order], units[order]
    start = np.searchsorted(cell, np.arange(counts.size))
    totals = np.bincount(cell, units, counts.size)  # exact: integers below 2**53
    rows = []
    for n in np.flatnonzero(counts).tolist():
        s = int(start[n])
        rows.append((region_leaves[n // len(activity_leaves)],
                     activity_leaves[n % len(activity_leaves)], int(totals[n]), int(counts[n]),
                     int(units[s]), int(units[s + 1]) if counts[n] > 1 else 0))
    return rows


def text(units, decimals=1):
    """An amount in ``10**-decimals`` units as the decimal text a basis holds."""
    if not decimals:
        return str(units)
    sign, units = ("-" if units < 0 else ""), abs(units)
    whole, part = divmod(units, 10 ** decimals)
    return f"{sign}{whole}.{part:0{decimals}d}"


def write_table(directory, districts=220, divisions=88, enterprises=200_000, seed=15,
                decimals=1, size=8.0):
    import csv

    regions, activity = hierarchies(districts, divisions)
    for name, rows in (("regions", regions), ("activity", activity)):
        with open(directory / f"{name}.csv", "w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["code", "parent", "label"])
            writer.writerows(rows)
    rows = basis_rows(districts, divisions, enterprises, seed, decimals, size)
    with open(directory / "basis.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["region", "activity", "value", "respondents", "top1", "top2"])
        for region, code, value, respondents, top1, top2 in rows:
            writer.writerow([region, code, text(value, decimals), respondents,
                             text(top1, decimals), text(top2, decimals)])
    return len(rows)
