"""Markdown tables from ``bench/load.py --json`` results, one table per storage, one
column per run (as in docs/operations.md)::

    .venv/bin/python bench/load_report.py RESULT.json [RESULT.json …]
"""

import json
import re
import sys
from collections import defaultdict

KINDS = ("create", "submit", "approve", "register", "place",
         "home", "calendar", "category", "material")
TITLES = {"file": "FileStorage", "zeo": "ZEO", "relstorage": "RelStorage on PostgreSQL 15"}


def column(result):
    rows = {row["kind"]: row for row in result["rows"]}
    errors = defaultdict(list)
    for row in result["rows"]:
        for status, count in row["statuses"].items():
            if not status.isdigit() or int(status) >= 500:
                errors[status].append(f"{row['kind']} {count}")
    lost = [p for p in result["problems"] if not re.search(r"numbers (missing|used)", p)]
    gaps = [p for p in result["problems"] if re.search(r"numbers (missing|used)", p)]
    cells = {
        "throughput (requests/s)": f"{result['throughput']} ({result['requests']} in "
                                   f"{result['seconds']:.0f} s)",
    }
    for kind in KINDS:
        row = rows.get(kind)
        if row:
            ok = sum(v for k, v in row["statuses"].items() if k.isdigit() and int(k) < 300)
            cells[f"{kind}: p50 / p99 ms (2xx)"] = \
                f"{_n(row['p50_ms'])} / {_n(row['p99_ms'])} ({ok})"
    cells["5xx"] = "; ".join(f"{status}: {', '.join(kinds)}" for status, kinds in
                             sorted(errors.items())) or "none"
    cells["ConflictError retries"] = str(result["retries"])
    if "retries_exhausted" in result:
        cells["retries exhausted (503 since fd9efa7)"] = str(result["retries_exhausted"])
    if result.get("stale"):
        cells["stale 403/404/409, tried again"] = ", ".join(
            f"{k} {v}" for k, v in result["stale"].items())
    if result.get("busy"):
        cells["503 busy, sent again after Retry-After"] = ", ".join(
            f"{k} {v}" for k, v in result["busy"].items())
    cells["acknowledged / placed"] = (f"{result['acknowledged']} / "
                                      f"{result['acknowledged_by_step'].get('place', 0)}")
    cells["lost (acknowledged, not stored whole)"] = str(len(lost)) if lost else "0"
    cells["number gaps or doubles"] = "; ".join(gaps) if gaps else "none"
    cells["load average (1 min) start → end"] = (f"{result['load_average']['before'][0]} → "
                                                 f"{result['load_average']['after'][0]}")
    return cells


def _n(value):
    return "-" if value is None else f"{value:,.0f}"


def tables(results):
    by_storage = defaultdict(list)
    for result in results:
        by_storage[result["storage"]].append(result)
    out = []
    for storage in ("file", "zeo", "relstorage"):
        runs = by_storage.get(storage)
        if not runs:
            continue
        out.append(f"#### {TITLES[storage]}: {runs[0]['layout']}\n")
        columns = [column(r) for r in runs]
        heads = [f"{r['commit']}, {r['date'][11:]}" for r in runs]
        out.append("| | " + " | ".join(heads) + " |")
        out.append("|---|" + "---|" * len(runs))
        names = list(dict.fromkeys(name for c in columns for name in c))
        for name in names:
            out.append(f"| {name} | " + " | ".join(c.get(name, "") for c in columns) + " |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(tables([json.load(open(path, encoding="utf-8")) for path in sys.argv[1:]]))
