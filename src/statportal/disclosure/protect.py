"""Protecting a table: primary cells by the rules, complementary cells by Gaussian
elimination (art. 23's order: fewest respondents, then smallest value), then, where a
protection level is asked for, more complementary cells until every primary cell's
feasible range is wide enough; and the audit.

    result = protect(table, [MinimumFrequency()], protection=10)
    result.status                                          # {key: "primary" | "secondary"}
    findings = audit_table(table, result.status, protection=10)   # exposed primary cells

The protection level of a primary cell is the larger of ``protection`` (a percentage of
its value) and the level its rules give (the handbook's formulas for dominance and p %);
it is required on both sides: the range must reach that far below and above the value.
"""

import time
import warnings
from dataclasses import dataclass, field

import numpy

from statportal.disclosure.audit import audit
from statportal.disclosure.elimination import UnprotectedCellsWarning, gauss_suppress
from statportal.disclosure.errors import InconsistentTable
from statportal.disclosure.lp import InconsistentCells, pair_columns
from statportal.disclosure.rules import primary_cells

EXACT_LIMIT = 2 ** 53   # integers below this add up exactly in floating point


@dataclass
class Protection:
    status: dict                         # key -> "primary" | "secondary" (others published)
    primary: dict = field(default_factory=dict)   # key -> [rule names]
    keys: list = field(default_factory=list)
    required: dict = field(default_factory=dict)  # key -> protection percentage (primaries)
    unprotected: list = field(default_factory=list)  # keys no pattern can protect enough
    rounds: int = 0                      # audit rounds of the interval phase
    optimisation: dict | None = None     # what :func:`optimise_pattern` did

    def count(self, state):
        return sum(1 for s in self.status.values() if s == state)


def candidate_order(table, keys, primary, prefer=()):
    """Art. 23: complements are the cells with the fewest respondents, then the smallest
    value; primaries are not candidates. Cells in ``prefer`` (keys) come first."""
    cells = table.cells
    prefer = set(prefer)
    candidates = [n for n, key in enumerate(keys) if not primary[n]]
    return numpy.array(sorted(candidates, key=lambda n: (keys[n] not in prefer,
                                                         cells[keys[n]].respondents,
                                                         abs(cells[keys[n]].value), n)),
                       dtype=numpy.int64)


def required_protection(table, unsafe, rules, protection=None):
    """``{key: percent}``: each primary cell's protection level, the larger of
    ``protection`` and what the rules that found it unsafe ask (only positive levels)."""
    by_name = {rule.name: rule for rule in rules}
    required = {}
    for key, names in unsafe.items():
        cell = table.cells[key]
        level = float(protection or 0.0)
        if cell.value:
            for name in names:
                rule = by_name.get(name)
                if rule is not None:
                    level = max(level, 100.0 * rule.protection(cell) / abs(cell.value))
        if level > 0:
            required[key] = min(level, 100.0)
    return required


def threshold_of(rules):
    return max((rule.threshold for rule in rules if getattr(rule, "name", "") == "frequency"),
               default=0)


def small_pairs(table, unsafe, rules):
    """Pairs of primary cells in one relation whose respondents together are still fewer
    than the frequency threshold: their sum is confidential too, so they may not protect
    each other alone (art. 23; with the default threshold of 2 every primary cell is a
    sole respondent, and the singleton rule covers this)."""
    threshold = threshold_of(rules)
    if threshold <= 2:
        return []
    relations, pairs = _Relations(table), set()
    for key in unsafe:
        for relation in relations.around(key):
            for other in relation:
                if other != key and other in unsafe and \
                        table.cells[key].respondents + table.cells[other].respondents < threshold:
                    pairs.add(tuple(sorted((key, other))))
    return sorted(pairs)


def protect(table, rules, protection=None, progress=None, singletons=True, optimise=None,
            optimise_progress=None, optimise_cost="count"):
    """Primary cells by ``rules``; complementary cells so that no primary cell can be
    derived exactly (also not by a sole respondent who knows its own value, unless
    ``singletons`` is false); then, when a protection level applies, complementary cells
    until every primary cell's range reaches it. With ``optimise`` (seconds), the pattern
    is then searched for fewer complementary cells (:func:`optimise_pattern`;
    ``optimise_progress(best, bound)`` follows it; ``optimise_cost``: ``"count"`` or
    ``"value"``)."""
    result = _protect(table, rules, protection, progress, singletons)
    if optimise:
        optimise_pattern(table, rules, result, optimise, protection, singletons,
                         optimise_progress, optimise_cost)
    return result


def _protect(table, rules, protection=None, progress=None, singletons=True, prefer=()):
    unsafe = primary_cells(table, rules)
    x, keys, _inner = table.model_matrix()
    cells = [table.cells[key] for key in keys]
    primary = numpy.array([key in unsafe for key in keys])
    forbidden = numpy.array([cell.empty or cell.value == 0 for cell in cells])
    singleton = numpy.array([singletons and key in unsafe and cell.respondents == 1
                             for key, cell in zip(keys, cells, strict=True)])
    column = {key: n for n, key in enumerate(keys)}
    extra = pair_columns(x, column, small_pairs(table, unsafe, rules))
    suppressed = gauss_suppress(x, primary, candidate_order(table, keys, primary, prefer),
                                forbidden=forbidden, singleton=singleton,
                                extra_primary=extra, progress=progress)
    status = {}
    for n, key in enumerate(keys):
        if primary[n]:
            status[key] = "primary"
        elif suppressed[n]:
            status[key] = "secondary"
    result = Protection(status=status, primary=unsafe, keys=keys,
                        required=required_protection(table, unsafe, rules, protection))
    if result.required:
        _widen(table, result, x, progress)
    return result


OPTIMISE_MAX_CELLS = 5000


def optimise_pattern(table, rules, result, seconds, protection=None, singletons=True,
                     progress=None, cost="count"):
    """Look for a cheaper pattern than ``result``'s, for up to ``seconds``: the optimal
    MILP (``optimal.py``) starting from ``result``'s pattern. ``cost``: ``"count"`` (fewest
    complementary cells) or ``"value"`` (smallest total |value| of them, the information
    lost). A cheaper pattern replaces it only when it passes what ``protect`` guarantees
    (:func:`audit_pattern`: the protection levels, pairs below the threshold and, with
    ``singletons``, sole respondents). Records ``result.optimisation``: the ``cost``,
    complementary cells before and after and their total |value| (``value_before``,
    ``value_after``), whether the search proved its pattern optimal, its lower ``bound``,
    the ``seconds`` spent, whether the new pattern was ``kept`` (else the ``reason``) and
    ``via``: ``"search"`` when the search's pattern is kept as it is, ``"gauss"`` when it
    was safe for outsiders only and GAUSS was run again preferring its complementary
    cells."""
    # here, not at the top: the search needs scipy.optimize, which protecting alone does not
    from statportal.disclosure.optimal import optimal_suppress

    if len(table.cells) > OPTIMISE_MAX_CELLS:
        raise ValueError(f"optimise: the table has {len(table.cells):,} cells; the search is "
                         f"offered for tables up to {OPTIMISE_MAX_CELLS:,} cells")
    if cost not in ("count", "value"):
        raise ValueError("optimise: cost must be 'count' or 'value'")

    def price(status):
        hidden = [k for k, v in status.items() if v == "secondary"]
        return len(hidden) if cost == "count" else \
            sum(abs(table.cells[k].value) for k in hidden)

    def value(status):
        return sum(abs(table.cells[k].value) for k, v in status.items() if v == "secondary")

    began = time.perf_counter()
    before, was = result.count("secondary"), price(result.status)
    levels = {key: result.required.get(key, 0.0) for key in result.primary}
    try:
        found = optimal_suppress(
            table, result.primary, protection=levels, time_limit=seconds,
            start=result.status, cost=cost,
            pairs=small_pairs(table, result.primary, rules),
            progress=None if progress is None else
            lambda _phase, _round, _cuts, best, bound: progress(best, bound))
    except InconsistentCells:
        # the search's LP failed on numbers GAUSS's exact pattern does not depend on
        result.optimisation = {
            "cost": cost, "before": before, "after": before,
            "value_before": value(result.status), "value_after": value(result.status),
            "optimal": False, "bound": None, "kept": False, "via": "search",
            "reason": "the search stopped: its LP found the published cells inconsistent "
                      "(a numerical failure); the pattern found first is kept",
            "seconds": round(time.perf_counter() - began, 3)}
        return result
    record = {"cost": cost, "before": before, "after": before,
              "value_before": value(result.status), "value_after": value(result.status),
              "optimal": found.optimal, "bound": round(found.bound, 6), "kept": False,
              "reason": None, "via": "search"}
    status, now = found.status, price(found.status)
    if now < was and audit_pattern(table, set(status), rules, protection,
                                        singletons=singletons):
        # Safe for outsiders, not against sole respondents or pairs: GAUSS again,
        # preferring the search's complementary cells, then the interval phase.
        again = _protect(table, rules, protection, singletons=singletons,
                         prefer=[k for k, v in status.items() if v == "secondary"])
        status, now = again.status, price(again.status)
        record["via"] = "gauss"
        if not set(again.unprotected) <= set(result.unprotected):
            now = was
        else:
            rounds, unprotected = again.rounds, again.unprotected
    if now < was:
        result.status = status
        if record["via"] == "gauss":
            result.rounds, result.unprotected = rounds, unprotected
        record.update(after=result.count("secondary"), value_after=value(status), kept=True)
    elif found.optimal and price(found.status) >= was:
        record["reason"] = "the pattern is already the cheapest possible (proved)"
    else:
        record["reason"] = "no safe cheaper pattern was found"
    record["seconds"] = round(time.perf_counter() - began, 3)
    result.optimisation = record
    return result


def lp_values(table, keys):
    """``(values, scale)``: the cells' values for the LP, in whole units of the table's
    precision (``scale`` = 10**decimals) when every sum of them stays below 2**53, so
    that the published cells' equalities hold exactly in floating point; else the
    values themselves (``scale`` 1), with the LP's relative tolerances."""
    cells = table.cells
    inner = sum(abs(table.units(cell.value)) for cell in cells.values() if cell.inner)
    if inner < EXACT_LIMIT and all(abs(table.units(cells[key].value)) < EXACT_LIMIT
                                   for key in keys):
        return numpy.array([table.units(cells[key].value) for key in keys],
                           dtype=float), table.scale
    return numpy.array([cells[key].value for key in keys], dtype=float), 1


def _unscaled(findings, scale):
    if scale != 1:
        for finding in findings:
            for name in ("value", "low", "high"):
                finding[name] = finding[name] / scale
    return findings


def run_audit(table, keys, status, *args, **kwargs):
    """``audit(*args, **kwargs)``; a contradiction among the published cells is an
    :class:`InconsistentTable` naming the relation (``keys``: the audited columns;
    ``status``: what is hidden, for the message)."""
    try:
        return audit(*args, **kwargs)
    except InconsistentCells as exc:
        culprits = [keys[c] for c in exc.cells if c < len(keys)]
        raise inconsistency(table, culprits, status) from None


def inconsistency(table, culprits, status):
    """An :class:`InconsistentTable` naming the relations of ``culprits`` (at most
    three) with their values as published."""
    def shown(key):
        cell = table.cells.get(key)
        if status.get(key, "published") != "published" or cell is None:
            return "X"
        return table.text(cell.value)

    def relation(key):
        head = f"{' × '.join(key)} = {shown(key)}"
        for n, dim in enumerate(table.dims):
            children = table.hierarchies[dim].children.get(key[n])
            parts = [k for k in (key[:n] + (c,) + key[n + 1:] for c in children or ())
                     if k in table.cells]
            if parts:
                listed = ", ".join(f"{' × '.join(k)} = {shown(k)}" for k in parts[:6])
                more = f" and {len(parts) - 6} more" if len(parts) > 6 else ""
                return f"{head}, the sum of {listed}{more}"
        return f"{head} (a finest-level cell)"

    if not culprits:
        return InconsistentTable("the published cells contradict each other or the bounds "
                                 "on the inner cells")
    more = f" (and {len(culprits) - 3} more cells)" if len(culprits) > 3 else ""
    return InconsistentTable(
        "the published cells contradict each other or the bounds on the inner cells "
        f"(taken as non-negative unless a value is negative), in "
        f"{'; '.join(relation(key) for key in culprits[:3])}{more}", culprits)


def _widen(table, result, x, progress=None):
    """Add complementary cells, round by round, until each primary cell's LP range reaches
    its protection level. Adding a suppression only widens ranges, so a cell protected
    once stays protected and each round audits only the cells still short."""
    keys, status = result.keys, result.status
    column = {key: n for n, key in enumerate(keys)}
    values, scale = lp_values(table, keys)
    percent = numpy.zeros(len(keys))
    for key, level in result.required.items():
        percent[column[key]] = level
    lower = None if any(table.cells[k].value < 0 for k in table.cells if
                        table.cells[k].inner) else 0.0
    relations = _Relations(table)
    pending = set(result.required)
    while pending:
        result.rounds += 1
        suppressed = numpy.array([key in status for key in keys])
        targets = numpy.array([key in pending for key in keys])
        short = _unscaled([r for r in run_audit(table, keys, status, x, values, suppressed,
                                                lower=lower, protection=percent,
                                                targets=targets, progress=progress)
                           if r["exposed"]], scale)
        pending, stuck = set(), []
        for finding in short:
            key = keys[finding["cell"]]
            need = percent[finding["cell"]] / 100.0 * abs(finding["value"])
            gap = max(need - (finding["value"] - finding["low"]),
                      need - (finding["high"] - finding["value"]), 0.0)
            complement = relations.complement(key, status, gap)
            if complement is None:
                stuck.append(key)
            else:
                status[complement] = "secondary"
                pending.add(key)
        if pending:  # what others hid this round may be enough for the stuck ones
            pending.update(stuck)
        else:
            result.unprotected.extend(sorted(stuck))


class _Relations:
    """The additive relations of a table around a cell: along each dimension, the cell
    with its parent and siblings, and the cell with its children."""

    def __init__(self, table):
        self.table = table
        self.dims = table.dims

    def around(self, key):
        cells = self.table.cells
        for n, dim in enumerate(self.dims):
            hierarchy = self.table.hierarchies[dim]
            code = key[n]
            parent = hierarchy.parents[code]
            groups = []
            if parent:
                groups.append([parent, *hierarchy.children[parent]])
            if hierarchy.children.get(code):
                groups.append([code, *hierarchy.children[code]])
            for group in groups:
                yield [k for k in (key[:n] + (c,) + key[n + 1:] for c in group) if k in cells]

    def complement(self, key, status, gap):
        """The best published cell to hide next for ``key``: in a relation of ``key`` or,
        failing that, of the suppressed cells linked to it; art. 23's order among those
        whose value can open the range by ``gap``, else among all."""
        cells = self.table.cells
        seen, frontier = {key}, [key]
        while frontier:
            candidates, linked = set(), []
            for current in frontier:
                for relation in self.around(current):
                    for other in relation:
                        if other in status:
                            if other not in seen:
                                seen.add(other)
                                linked.append(other)
                        elif not (cells[other].empty or cells[other].value == 0):
                            candidates.add(other)
            if candidates:
                return min(candidates, key=lambda k: (abs(cells[k].value) < gap,
                                                      cells[k].respondents,
                                                      abs(cells[k].value), k))
            frontier = linked
        return None


def audit_table(table, status, protection=None, progress=None, values_known=True):
    """The primary cells whose value can be derived (exactly, or, with ``protection`` — a
    percentage, or ``{key: percent}`` — and the true values, not within that range) from
    the published ones: ``[{"key", "value", "low", "high", "exposed"}]`` of the exposed
    ones. Secondary cells are bounded too (the audit is about the whole pattern) but are
    not findings: their values are not confidential. Without the true values
    (``values_known=False``: a published table alone) exact disclosure is judged and,
    with a ``protection`` percentage P, intervals too narrow to hold any value that is P %
    of itself away from both ends (such a cell is exposed whatever its value; its finding
    has ``"narrow": True``)."""
    x, keys, _inner = table.model_matrix()
    values, scale = lp_values(table, keys)
    suppressed = numpy.array([status.get(key, "published") != "published" for key in keys])
    targets = numpy.array([status.get(key) == "primary" for key in keys])
    if not targets.any():  # a pattern made elsewhere without the distinction
        targets = suppressed
    percent = None
    if protection and values_known:
        percent = numpy.array([(protection.get(key, 0.0) if isinstance(protection, dict)
                                else protection) if targets[n] else 0.0
                               for n, key in enumerate(keys)], dtype=float)
    negative = any(table.cells[key].value < 0 for key in _inner)
    results = run_audit(table, keys, status, x, values, suppressed,
                        lower=None if negative else 0.0, protection=percent,
                        progress=progress, targets=targets)
    if protection and not values_known:
        for result in results:
            level = protection.get(keys[result["cell"]], 0.0) \
                if isinstance(protection, dict) else protection
            if not result["exposed"] and level and \
                    not room_for(result["low"], result["high"], level):
                result["exposed"] = result["narrow"] = True
    return _unscaled([{**result, "key": keys[result["cell"]]} for result in results
                      if result["exposed"]], scale)


def room_for(low, high, percent):
    """Whether some value v in [low, high] is at least ``percent`` % of |v| away from
    both ends: if not, whatever a hidden cell's value is, its range is short of that
    protection level."""
    p = percent / 100.0
    if low > high:
        return False
    # v >= 0: v - low >= p v and high - v >= p v
    top = high / (1 + p)
    bottom = max(0.0, low / (1 - p) if p < 1 else (0.0 if low <= 0 else float("inf")))
    if bottom <= top:
        return True
    # v < 0: v - low >= -p v and high - v >= -p v
    bottom = low / (1 + p)
    top = min(0.0, high / (1 - p) if p < 1 else (0.0 if high >= 0 else float("-inf")))
    return bottom <= top and bottom < 0


def audit_pattern(table, suppressed, rules, protection=None, progress=None, singletons=True):
    """Judge a pattern made elsewhere (what a published file hides) as ``protect`` would
    make it: every hidden primary cell must not be derivable from the published cells —
    within its protection level (``protection`` and the rules' own) — nor exactly by the
    sole respondent of another hidden primary cell, who knows its own value.

    ``suppressed``: the keys not published. Returns ``[{"key", "low", "high", "by"}]``:
    ``by`` is None for outsiders, ``"sole respondent"`` when only the sole respondent of
    another hidden cell can work it out (exactly, by Gaussian elimination). With
    ``singletons`` false that last check is left out (as ``protect(singletons=False)``)."""
    unsafe = primary_cells(table, rules)
    hidden_primary = {k: v for k, v in unsafe.items() if k in suppressed}
    if not hidden_primary:
        return []
    status = {k: ("primary" if k in hidden_primary else "secondary") for k in suppressed}
    required = required_protection(table, hidden_primary, rules, protection)
    found = [{"key": item["key"], "low": item["low"], "high": item["high"], "by": None}
             for item in audit_table(table, status, protection=required or None,
                                     progress=progress)]
    exposed = {item["key"] for item in found}
    found.extend(_audit_pairs(table, suppressed, hidden_primary, rules))
    # Exactly, by a sole respondent who knows its own cell: GAUSS with the published cells
    # as cells that must be published reports what no pattern of the hidden ones protects.
    x, keys, _inner = table.model_matrix()
    primary = numpy.array([k in hidden_primary for k in keys])
    singleton = numpy.array([k in hidden_primary and table.cells[k].respondents == 1
                             for k in keys])
    if not singletons or not singleton.any():
        return found
    published = numpy.array([k not in suppressed for k in keys])
    candidates = numpy.array([n for n, k in enumerate(keys) if k in suppressed and
                              k not in hidden_primary], dtype=numpy.int64)
    # pairs too: their sums must not follow for a sole respondent either
    pairs = small_pairs(table, hidden_primary, rules)
    column = {key: n for n, key in enumerate(keys)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnprotectedCellsWarning)
        gauss_suppress(x, primary, candidates, forbidden=published, singleton=singleton,
                       extra_primary=pair_columns(x, column, pairs), progress=progress)
    for warning in caught:
        for n in getattr(warning.message, "cells", ()):
            key = keys[n] if n < len(keys) else pairs[n - len(keys)]
            if key not in exposed:
                exposed.add(key)
                value = table.cells[key].value if n < len(keys) else \
                    sum(table.cells[k].value for k in key)
                found.append({"key": key, "low": value, "high": value,
                              "by": "sole respondent"})
    return found


def _audit_pairs(table, suppressed, hidden_primary, rules):
    """Pairs of hidden primary cells whose sum (too few respondents together) can be
    worked out exactly: ``[{"key": (a, b), "low", "high", "by": None}]``."""
    from scipy.sparse import hstack

    pairs = small_pairs(table, hidden_primary, rules)
    if not pairs:
        return []
    x, keys, inner = table.model_matrix()
    column = {key: n for n, key in enumerate(keys)}
    values, scale = lp_values(table, keys)
    sums = [values[column[a]] + values[column[b]] for a, b in pairs]
    hidden = [key in suppressed for key in keys] + [True] * len(pairs)
    targets = [False] * len(keys) + [True] * len(pairs)
    negative = any(table.cells[key].value < 0 for key in inner)
    status = {key: "secondary" for key in suppressed}
    results = run_audit(table, keys, status, hstack([x, pair_columns(x, column, pairs)]).tocsc(),
                        numpy.concatenate([values, numpy.array(sums, dtype=float)]),
                        numpy.array(hidden), lower=None if negative else 0.0,
                        targets=numpy.array(targets))
    return [{"key": pairs[item["cell"] - len(keys)], "low": item["low"] / scale,
             "high": item["high"] / scale, "by": None} for item in results if item["exposed"]]
