"""Disclosure control on tables of the sizes an office publishes.

    .venv/bin/python bench/bench_disclosure.py [--enterprises 200000] [--large] [--seed 5]

The standard table: region (1 republic, 17 regions, 220 districts) × activity (total,
21 sections, 88 divisions), about 26,000 cells, built from synthetic enterprises (sizes
log-normal, many districts × divisions with one or two enterprises, as in real business
statistics). ``--large`` adds a four-level activity classification (about 600 codes,
about 140,000 cells). Prints the time to build the table, to protect it (primary +
Gaussian secondary suppression) and to audit it by linear programming, and the number
and total value of the complementary cells.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from statportal.disclosure import Hierarchy, MinimumFrequency, Table  # noqa: E402
from statportal.disclosure.table import Cell  # noqa: E402


def region_hierarchy():
    rows = [(1, "KZ", "", "Republic")]
    for r in range(17):
        rows.append((len(rows) + 1, f"R{r:02d}", "KZ", f"Region {r}"))
    for d in range(220):
        rows.append((len(rows) + 1, f"R{d % 17:02d}-{d:03d}", f"R{d % 17:02d}", f"District {d}"))
    return Hierarchy.from_rows("region", rows)


def activity_hierarchy(levels=3):
    rows = [(1, "T", "", "Total")]
    sections = [f"S{s:02d}" for s in range(21)]
    rows += [(len(rows) + 1, s, "T", f"Section {s}") for s in sections]
    divisions = [f"{sections[d % 21]}.{d:02d}" for d in range(88)]
    rows += [(len(rows) + 1, d, d.split(".")[0], f"Division {d}") for d in divisions]
    if levels == 4:
        groups = [f"{divisions[g % 88]}.{g:03d}" for g in range(500)]
        rows += [(len(rows) + 1, g, g.rsplit(".", 1)[0], f"Group {g}") for g in groups]
    return Hierarchy.from_rows("activity", rows)


def synthetic_table(enterprises, levels, seed):
    regions, activity = region_hierarchy(), activity_hierarchy(levels)
    rng = random.Random(seed)
    districts, leaves = regions.leaves(), activity.leaves()
    cells = {}
    for _ in range(enterprises):
        key = (rng.choice(districts), leaves[min(len(leaves) - 1,
                                                 int(rng.paretovariate(1.2)) - 1)
                                          if rng.random() < 0.3 else rng.randrange(len(leaves))])
        size = round(rng.lognormvariate(3, 1.5), 1)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = Cell(key, inner=True, consent=False)
        cell.value += size
        cell.respondents += 1
        cell.top1, cell.top2 = sorted((cell.top1, cell.top2, size), reverse=True)[:2]
    for district in districts:  # every inner cell exists, empty ones too
        for leaf in leaves:
            cells.setdefault((district, leaf), Cell((district, leaf), inner=True,
                                                    consent=False))
    return Table({"region": regions, "activity": activity}, cells.values())


def run(name, enterprises, levels, seed, audit=True):
    from statportal.disclosure.protect import audit_table, protect

    began = time.perf_counter()
    table = synthetic_table(enterprises, levels, seed)
    built = time.perf_counter() - began
    began = time.perf_counter()
    result = protect(table, [MinimumFrequency(threshold=3)])
    protected = time.perf_counter() - began
    secondary = [k for k, s in result.status.items() if s == "secondary"]
    value = sum(abs(table.cells[k].value) for k in secondary)
    print(f"{name}: {len(table.cells):,} cells ({len(table.inner_cells()):,} inner), built in "
          f"{built:.1f} s; {result.count('primary'):,} primary, {len(secondary):,} secondary "
          f"(value {value:,.0f}); protected in {protected:.1f} s", flush=True)
    if audit:
        began = time.perf_counter()
        exposed = audit_table(table, result.status)
        print(f"{name}: audited in {time.perf_counter() - began:.1f} s, "
              f"{len(exposed)} exposed", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    run("26k table", args.enterprises, 3, args.seed)
    if args.large:
        run("140k table", args.enterprises, 4, args.seed, audit=False)


if __name__ == "__main__":
    main()
