"""Small hierarchical tables for protect and audit."""

from statportal.disclosure import Hierarchy, Table


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
