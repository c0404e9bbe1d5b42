"""The pure parts of ``bench/load.py``: percentiles, and the two checks it exits non-zero on
(every acknowledged request stored as far as it was acknowledged; registration numbers
gapless per year). ``python bench/load.py --self-check`` runs :func:`self_check`."""

import re
from collections import Counter, defaultdict

NUMBER = re.compile(r"^(\d{4})-(\d+)$")

# How far an acknowledged step takes a request, and the states that are at least that far.
STEPS = ("create", "submit", "approve", "register", "place")
REACHED = {  # statportal.placement.workflow: draft → awaiting_approval → submitted → …
    "create": {"draft", "awaiting_approval", "submitted", "registered", "placed"},
    "submit": {"awaiting_approval", "submitted", "registered", "placed"},
    "approve": {"submitted", "registered", "placed"},
    "register": {"registered", "placed"},
    "place": {"placed"},
}


def percentile(values, fraction):
    """Nearest-rank percentile of ``values`` (``fraction`` 0.5 for p50, 0.99 for p99)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil(n * fraction), at least 1
    return ordered[int(rank) - 1]


def number_gaps(numbers):
    """Problems with registration numbers ``YYYY-NNNNNN`` (one per numbered request): per
    year they must be exactly 1..max, each once. Returns a list of sentences (empty: fine)."""
    problems = []
    by_year = defaultdict(list)
    for value in numbers:
        match = NUMBER.match(value or "")
        if not match:
            problems.append(f"malformed number {value!r}")
            continue
        by_year[match.group(1)].append(int(match.group(2)))
    for year, seen in sorted(by_year.items()):
        counts = Counter(seen)
        twice = sorted(n for n, c in counts.items() if c > 1)
        missing = sorted(set(range(1, max(seen) + 1)) - set(counts))
        if twice:
            problems.append(f"{year}: numbers used more than once: {_few(twice)}")
        if missing:
            problems.append(f"{year}: numbers missing below {max(seen)}: {_few(missing)}")
    return problems


def lost_requests(acknowledged, stored):
    """Acknowledged requests that are not stored as far as they were acknowledged.

    ``acknowledged``: {id: {"step": the last step answered 2xx, "files": [filenames sent]}};
    ``stored``: {id: {"state": review state, "number": str or None, "files": [filenames]}}
    as read back. Returns a list of sentences (empty: nothing lost)."""
    problems = []
    for name, ack in sorted(acknowledged.items()):
        got = stored.get(name)
        if got is None:
            problems.append(f"{name}: acknowledged ({ack['step']}) but not stored")
            continue
        if got["state"] not in REACHED[ack["step"]]:
            problems.append(f"{name}: acknowledged {ack['step']} but stored as {got['state']}")
        if ack["step"] in ("register", "place") and not got.get("number"):
            problems.append(f"{name}: registered without a number")
        if sorted(got.get("files") or []) != sorted(ack["files"]):
            problems.append(f"{name}: files {got.get('files')} stored, {ack['files']} sent")
    return problems


def _few(values, limit=10):
    text = ", ".join(str(v) for v in values[:limit])
    return text + (f" … ({len(values)} in all)" if len(values) > limit else "")


def self_check():
    """The checks catch what they must and pass what is right; raises AssertionError."""
    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3], 0.5) == 3 and percentile(list(range(1, 101)), 0.99) == 99
    assert percentile([7], 0.99) == 7 and percentile(list(range(1, 201)), 0.5) == 100
    assert number_gaps([]) == []
    assert number_gaps(["2026-000002", "2026-000001", "2027-000001"]) == []
    assert number_gaps(["2026-000001", "2026-000003"]) == [
        "2026: numbers missing below 3: 2"]
    assert number_gaps(["2026-000001", "2026-000001"]) == [
        "2026: numbers used more than once: 1"]
    assert number_gaps(["2026-000002"]) == ["2026: numbers missing below 2: 1"]
    assert number_gaps(["2026-000001", "2027-000002"]) == ["2027: numbers missing below 2: 1"]
    assert number_gaps(["x-1"]) == ["malformed number 'x-1'"]
    files = ["a_kaz.xlsx", "a_rus.xlsx"]
    stored = {"r1": {"state": "placed", "number": "2026-000001", "files": files},
              "r2": {"state": "draft", "number": None, "files": files}}
    ack = {"r1": {"step": "register", "files": files}, "r2": {"step": "create", "files": files}}
    assert lost_requests(ack, stored) == []
    assert lost_requests({"r3": {"step": "create", "files": files}}, stored) == [
        "r3: acknowledged (create) but not stored"]
    assert lost_requests({"r2": {"step": "approve", "files": files}}, stored) == [
        "r2: acknowledged approve but stored as draft"]
    assert lost_requests({"r1": {"step": "place", "files": files[:1]}}, stored) == [
        "r1: files ['a_kaz.xlsx', 'a_rus.xlsx'] stored, ['a_kaz.xlsx'] sent"]
    unnumbered = {"r1": {**stored["r1"], "number": None}}
    assert lost_requests({"r1": {"step": "place", "files": files}}, unnumbered) == [
        "r1: registered without a number"]
    return True
