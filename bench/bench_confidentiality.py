"""How long the CMS's confidentiality check takes to judge a material's table.

    .venv/bin/python bench/bench_confidentiality.py [--districts 4] [--divisions 3] \
        [--enterprises 150000] [--runs 3]

Builds a basis (regions: 17 oblasts × N districts; activity: 21 sections × M divisions)
from synthetic enterprises, makes the protected pivot as the portal's "generate" does, and
times the check a moderator's Publish runs (reading the basis and the table, primary rules,
LP audit, sole respondents), cold (nothing cached) and warm (cached by content), and the
same for a table that gives one cell away.
"""

import argparse
import io
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


class File(SimpleNamespace):
    def read(self):
        return self.data


def basis_workbook(oblasts, districts, sections, divisions, enterprises, seed):
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.title = "basis"
    sheet.append(["region", "activity", "value", "respondents"])
    regions = [("KZ", "", "Kazakhstan")]
    for o in range(oblasts):
        regions.append((f"R{o:02d}", "KZ", f"Region {o}"))
        regions += [(f"R{o:02d}-{d:02d}", f"R{o:02d}", f"District {o}.{d}")
                    for d in range(districts)]
    activity = [("T", "", "Total")]
    for s in range(sections):
        activity.append((f"S{s:02d}", "T", f"Section {s}"))
        activity += [(f"S{s:02d}.{d}", f"S{s:02d}", f"Division {s}.{d}")
                     for d in range(divisions)]
    leaves_r = [c for c, p, _ in regions if p and p != "KZ"]
    leaves_a = [c for c, p, _ in activity if p and p != "T"]
    cells = {}
    for _ in range(enterprises):
        key = (rng.choice(leaves_r), leaves_a[min(len(leaves_a) - 1,
                                                   int(rng.paretovariate(1.1)) - 1)])
        value, count = cells.get(key, (0.0, 0))
        cells[key] = (value + round(rng.lognormvariate(3, 1.4), 1), count + 1)
    for (r, a), (value, count) in cells.items():
        sheet.append([r, a, round(value, 1), count])
    for name, rows in (("region", regions), ("activity", activity)):
        dim = book.create_sheet(name)
        dim.append(["code", "parent", "label"])
        for row in rows:
            dim.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def timed(registry, candidate, clear):
    from statportal.confidentiality import material

    if clear:
        from statportal.confidentiality.cache import disclosure_cache

        disclosure_cache(registry).clear()
        for f in [*candidate.files, *candidate.bases]:
            f.__dict__.pop("sha256", None)
    began = time.perf_counter()
    findings = material.disclosure_findings(candidate, registry, "en")
    return time.perf_counter() - began, findings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=4)
    parser.add_argument("--divisions", type=int, default=3)
    parser.add_argument("--enterprises", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from pyramid.registry import Registry

    from statportal.confidentiality import checks
    from statportal.confidentiality.basis import read_basis
    from statportal.disclosure import MinimumFrequency
    from statportal.disclosure.output import xlsx_bytes
    from statportal.disclosure.protect import protect

    registry = Registry("bench")
    registry.settings = {}
    validators = checks.get_disclosure_validators(registry)
    for name, factory in (("primary", checks.primary_validator),
                          ("consistency", checks.consistency_validator),
                          ("audit", checks.audit_validator)):
        validators.add(name, factory)
    data = basis_workbook(17, args.districts, 21, args.divisions, args.enterprises, 7)
    table = read_basis("t.basis.xlsx", data)
    status = protect(table, [MinimumFrequency()]).status
    safe = xlsx_bytes(table, status, "region", "activity", "en")
    # the same table with its complementary cells published: every primary is exposed
    leaky = xlsx_bytes(table, {k: s for k, s in status.items() if s == "primary"},
                       "region", "activity", "en")
    print(f"table: {len(table.cells):,} cells ({len(table.inner_cells()):,} inner), "
          f"{sum(1 for s in status.values() if s == 'primary'):,} primary, "
          f"{sum(1 for s in status.values() if s == 'secondary'):,} secondary; "
          f"basis {len(data) / 1024:.0f} KB, pivot {len(safe) / 1024:.0f} KB", flush=True)
    for label, pivot in (("protected", safe), ("complements published", leaky)):
        candidate = SimpleNamespace(
            primary_data=True, files=[File(filename="t.xlsx", extension="xlsx", data=pivot,
                                           size=len(pivot), stored_at="")],
            bases=[File(filename="t.basis.xlsx", extension="xlsx", data=data, size=len(data),
                        stored_at="")])
        cold = []
        for _ in range(args.runs):
            seconds, findings = timed(registry, candidate, clear=True)
            cold.append(seconds)
        warm, _f = timed(registry, candidate, clear=False)
        kinds = sorted({f.code for f in findings})
        print(f"{label}: check cold {min(cold):.2f}–{max(cold):.2f} s, warm {warm * 1000:.1f} "
              f"ms; findings {len(findings)} {kinds}", flush=True)


if __name__ == "__main__":
    main()
