"""Protecting a table: primary cells by the rules, complementary cells by Gaussian
elimination (art. 23's order: fewest respondents, then smallest value), and the audit.

    status = protect(table, [MinimumFrequency()])        # {key: "primary" | "secondary"}
    findings = audit_table(table, status)                  # exposed suppressed cells
"""

from dataclasses import dataclass, field

import numpy

from statportal.disclosure.rules import primary_cells


@dataclass
class Protection:
    status: dict                         # key -> "primary" | "secondary" (others published)
    primary: dict = field(default_factory=dict)   # key -> [rule names]
    keys: list = field(default_factory=list)

    def count(self, state):
        return sum(1 for s in self.status.values() if s == state)


def candidate_order(table, keys, primary):
    """Art. 23: complements are the cells with the fewest respondents, then the smallest
    value; primaries are not candidates."""
    cells = table.cells
    candidates = [n for n, key in enumerate(keys) if not primary[n]]
    return numpy.array(sorted(candidates, key=lambda n: (cells[keys[n]].respondents,
                                                         abs(cells[keys[n]].value), n)),
                       dtype=numpy.int64)


def protect(table, rules, progress=None):
    from statportal.disclosure.gauss import gauss_suppress

    unsafe = primary_cells(table, rules)
    x, keys, _inner = table.model_matrix()
    cells = [table.cells[key] for key in keys]
    primary = numpy.array([key in unsafe for key in keys])
    forbidden = numpy.array([cell.empty or cell.value == 0 for cell in cells])
    singleton = numpy.array([key in unsafe and cell.respondents == 1
                             for key, cell in zip(keys, cells, strict=True)])
    suppressed = gauss_suppress(x, primary, candidate_order(table, keys, primary),
                                forbidden=forbidden, singleton=singleton, progress=progress)
    status = {}
    for n, key in enumerate(keys):
        if primary[n]:
            status[key] = "primary"
        elif suppressed[n]:
            status[key] = "secondary"
    return Protection(status=status, primary=unsafe, keys=keys)


def audit_table(table, status, protection=None, progress=None, values_known=True):
    """The suppressed cells whose value can be derived (exactly, or within ``protection``
    percent) from the published ones: ``[{"key", "value", "low", "high", "exposed"}]``
    of the exposed ones. Without the true values (``values_known=False``: a published
    table alone) only exact disclosure is judged."""
    from statportal.disclosure.gauss import audit

    x, keys, _inner = table.model_matrix()
    values = numpy.array([table.cells[key].value for key in keys], dtype=float)
    suppressed = numpy.array([status.get(key, "published") != "published" for key in keys])
    negative = any(table.cells[key].value < 0 for key in _inner)
    results = audit(x, values, suppressed, lower=None if negative else 0.0,
                    protection=protection if values_known else None, progress=progress)
    return [{**result, "key": keys[result["cell"]]} for result in results
            if result["exposed"]]
