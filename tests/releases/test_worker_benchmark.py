"""bench/bench_worker.py keeps working: it builds its calendar through the state API (the
entry's status is its workflow state, read-only) and its first pass really releases the
bundles that are due, so the figure it prints measures a release."""

import ast
import re
import sys
from pathlib import Path

from statportal.syntax_trees import parse

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_benchmark_changes_state_only_through_the_state_api():
    offenders = []
    scripts = sorted(BENCH.glob("bench_*.py"))  # every benchmark, the requests' and
    assert len(scripts) >= 9  # the questions' builds included
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        if re.search(r"__workflow_state__|__workflow_history__|\b_record\b", text):
            offenders.append(f"{path.name}: writes the workflow's state itself")
        for node in ast.walk(parse(text)):
            targets = node.targets if isinstance(node, ast.Assign) else ()
            for target in (e for t in targets for e in getattr(t, "elts", [t])):
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    offenders.append(f"{path.name}:{node.lineno}: sets .status")
    assert offenders == []


def test_a_small_worker_benchmark_releases_what_is_due(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCH))
    for name in ("bench_worker", "bench_search"):  # fresh, from this tree
        sys.modules.pop(name, None)
    import bench_worker

    bench_worker.main(["--entries", "200", "--materials", "60", "--runs", "1"])
    out = capsys.readouterr().out
    # 1 % of the entries are due now with a material under embargo: entries 98 and 198
    assert "first pass:" in out and "released 2 entries (2 materials)" in out, out
    assert re.search(r"steady pass: .* released 0, 0 new findings", out), out
