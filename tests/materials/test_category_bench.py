"""bench/bench_category_pages.py keeps working: a small run lists in each category page what
the search page lists for that category (one code path); no time is asserted."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_a_small_run_lists_the_same_on_both_pages(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCH))
    for name in ("bench_category_pages", "bench_search"):  # fresh, from this tree
        sys.modules.pop(name, None)
    import bench_category_pages

    bench_category_pages.main(["--materials", "60", "--runs", "1"])
    rows = {line[:26].strip(): line[26:].split() for line in capsys.readouterr().out
            .splitlines() if line[:26].strip() in {name for name, _p, _q
                                                   in bench_category_pages.PAGES}}
    assert len(rows) == len(bench_category_pages.PAGES)
    assert rows["category page"][0] == rows["search page, bulletin"][0]
    assert int(rows["search page, all"][0]) >= 60 + 5  # the demo's materials and the new
    assert int(rows["category page + facet"][0]) <= int(rows["category page"][0])
