"""protect → audit on small tables checked by hand, through the table model."""

import pytest

from statportal.disclosure import Hierarchy, MinimumFrequency, Table
from statportal.disclosure.protect import audit_table, protect


def hierarchy(name, tree):
    """``tree``: {code: parent}; the root's parent is ""."""
    return Hierarchy.from_rows(name, [(n, code, parent, code)
                                      for n, (code, parent) in enumerate(tree.items(), 2)])


REGIONS = hierarchy("region", {"KZ": "", "O1": "KZ", "O2": "KZ", "d11": "O1", "d12": "O1",
                               "d21": "O2", "d22": "O2"})
ACTIVITY = hierarchy("activity", {"T": "", "a": "T", "b": "T", "c": "T"})


def table(counts, values=None, regions=REGIONS, activity=ACTIVITY):
    """``counts``: {(district, activity): respondents}; values default to 10 × count + 7."""
    rows = ["region,activity,value,respondents"]
    for region in regions.leaves():
        for act in activity.leaves():
            n = counts.get((region, act), 3)
            value = (values or {}).get((region, act), 10 * n + 7 if n else 0)
            rows.append(f"{region},{act},{value},{n}")
    return Table.from_csv("\n".join(rows) + "\n", {"region": regions, "activity": activity})


def protected(tab, threshold=2):
    result = protect(tab, [MinimumFrequency(threshold=threshold)])
    assert audit_table(tab, result.status) == []
    return result.status


def test_a_single_primary_gets_complements():
    tab = table({("d11", "a"): 1})
    status = protected(tab)
    assert status[("d11", "a")] == "primary"
    # its row, its column and its oblast each need another hidden cell
    assert sum(1 for s in status.values() if s == "secondary") >= 3
    only_primary = {("d11", "a"): "primary"}
    assert [e["key"] for e in audit_table(tab, only_primary)] == [("d11", "a")]


def test_parent_with_a_single_child_is_hidden_with_it():
    regions = hierarchy("region", {"KZ": "", "O1": "KZ", "O2": "KZ", "d11": "O1",
                                   "d21": "O2", "d22": "O2"})
    tab = table({("d11", "a"): 1}, regions=regions)
    status = protected(tab)
    assert status[("O1", "a")] in ("primary", "secondary")  # O1 × a equals d11 × a


def test_zero_cells_are_never_complements():
    tab = table({("d11", "a"): 1, ("d12", "a"): 0, ("d11", "b"): 0})
    status = protected(tab)
    assert ("d12", "a") not in status and ("d11", "b") not in status


def test_rectangle_across_two_oblasts_is_completed():
    """Four primaries on d12/d21 × a/b: safe if only district rows and activity columns
    were published, but oblast subtotals break the rectangle; protect must add more."""
    counts = {("d12", "a"): 1, ("d12", "b"): 1, ("d21", "a"): 1, ("d21", "b"): 1}
    tab = table(counts)
    rectangle = {key: "primary" for key in counts}
    # O1 × a − d11 × a gives d12 × a away.
    assert ("d12", "a") in [e["key"] for e in audit_table(tab, rectangle)]
    protected(tab)


def test_every_cell_confidential():
    tab = table({(r, a): 1 for r in REGIONS.leaves() for a in ACTIVITY.leaves()})
    status = protected(tab)
    assert all(status.get(key) for key, cell in tab.cells.items() if cell.respondents == 1)


@pytest.mark.parametrize("threshold", [2, 3, 5])
def test_protected_tables_pass_the_audit(threshold):
    import random

    rng = random.Random(threshold)
    counts = {(r, a): rng.choice([0, 1, 1, 2, 3, 4, 8]) for r in REGIONS.leaves()
              for a in ACTIVITY.leaves()}
    protected(table(counts), threshold)


def test_negative_values_are_audited_without_a_lower_bound():
    values = {("d11", "a"): -40, ("d11", "b"): 25}
    tab = table({("d11", "a"): 1}, values)
    protected(tab)
