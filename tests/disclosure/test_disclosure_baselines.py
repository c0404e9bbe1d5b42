"""The baselines GAUSS is measured against: the plain art.-23 heuristic (heuristic.py), the
optimal pattern by MILP with constraint generation (optimal.py), the prune post-pass,
and protect's search for fewer cells (``optimise``).

Optima are checked against exhaustive search judged by the independent LP audit
(``protect.audit_table``), and the MILP's cuts against every pattern of a small table."""

import itertools
import random

import numpy as np
import pytest

from statportal.disclosure import MinimumFrequency, primary_cells
from statportal.disclosure.heuristic import relations, simple_suppress
from statportal.disclosure.optimal import PatternLP, _cut, _short, optimal_suppress
from statportal.disclosure.protect import audit_table, protect
from statportal.disclosure.prune import prune
from tests.helpers.disclosure_protect import ACTIVITY, hierarchy, table  # noqa: E402

TWO = hierarchy("region", {"KZ": "", "r1": "KZ", "r2": "KZ"})
AB = hierarchy("activity", {"T": "", "a": "T", "b": "T"})
ABC = ACTIVITY


def secondary(status):
    return sorted(k for k, s in status.items() if s == "secondary")


def smallest_protected(tab, primaries, protection, up_to):
    """Exhaustive search: the fewest complements (≤ ``up_to``) that pass the LP audit
    (``gauss.audit``, as ``audit_table`` calls it), and how many patterns of that size do."""
    from statportal.disclosure.gauss import audit

    x, keys, _inner = tab.model_matrix()
    values = np.array([tab.cells[k].value for k in keys])
    target = np.array([k in primaries for k in keys])
    percent = np.where(target, float(protection or 0), 0.0)
    free = [n for n, k in enumerate(keys)
            if not target[n] and not tab.cells[k].empty and tab.cells[k].value != 0]
    for size in range(up_to + 1):
        good = 0
        for combo in itertools.combinations(free, size):
            suppressed = target.copy()
            suppressed[list(combo)] = True
            good += not any(r["exposed"] for r in audit(x, values, suppressed, lower=0.0,
                                                        protection=percent, targets=target))
        if good:
            return size, good
    return None, 0


# -- the heuristic ------------------------------------------------------------------------

def test_relations_are_parent_and_children_along_one_dimension():
    tab = table({})
    rels = relations(tab)
    # along region: 3 parents (KZ, O1, O2) × 4 activity codes; along activity: T × 7 regions
    assert len(rels) == 3 * 4 + 7
    assert [("O1", "b"), ("d11", "b"), ("d12", "b")] in rels
    assert [("d21", "T"), ("d21", "a"), ("d21", "b"), ("d21", "c")] in rels


def test_heuristic_completes_the_rectangle_of_a_single_primary():
    tab = table({("r1", "a"): 1}, regions=TWO, activity=AB)
    status = simple_suppress(tab, [("r1", "a")])
    assert secondary(status) == [("r1", "b"), ("r2", "a"), ("r2", "b")]
    assert audit_table(tab, status, protection=10) == []


def test_heuristic_hides_a_parent_with_one_child_and_never_a_zero():
    regions = hierarchy("region", {"KZ": "", "O1": "KZ", "O2": "KZ", "d11": "O1",
                                   "d21": "O2", "d22": "O2"})
    tab = table({("d11", "a"): 1, ("d11", "b"): 0}, regions=regions)
    status = simple_suppress(tab, [("d11", "a")])
    assert status[("O1", "a")] == "secondary"      # O1 × a equals d11 × a
    assert ("d11", "b") not in status and ("O1", "b") not in status
    assert all(tab.cells[k].value != 0 for k in secondary(status))


def test_heuristic_prefers_a_complement_large_enough_for_the_level():
    # row r1: r1 × b (2 respondents, value 5) is first by art. 23, but with 20 % the
    # lonely 100 needs a partner of at least 20: r1 × c (4 respondents, 50)
    values = {("r1", "a"): 100, ("r1", "b"): 5, ("r1", "c"): 50}
    counts = {("r1", "a"): 1, ("r1", "b"): 2, ("r1", "c"): 4}
    tab = table(counts, values, regions=TWO, activity=ABC)
    assert ("r1", "b") in simple_suppress(tab, [("r1", "a")])
    with_level = simple_suppress(tab, [("r1", "a")], protection=20)
    assert with_level[("r1", "c")] == "secondary" and ("r1", "b") not in with_level


def test_heuristic_misses_protection_that_only_the_whole_cycle_shows():
    """d22 × b (130, a sole respondent) with 20 %: it needs its range to reach 104..156.
    The heuristic hides d22 × c (150, large enough for row d22), then d21 × b for column
    b and d21 × c (20, enough for the lonely d21 × b = 60 in row d21). Every relation has
    two hidden cells, but the rectangle d21/d22 × b/c moves only as far as its smallest
    corner allows: d22 × b lies in [110, 190], 20 below where 26 are needed."""
    counts = {("d11", "a"): 3, ("d11", "b"): 4, ("d11", "c"): 4, ("d12", "a"): 3,
              ("d12", "b"): 6, ("d12", "c"): 3, ("d21", "a"): 3, ("d21", "b"): 3,
              ("d21", "c"): 2, ("d22", "a"): 3, ("d22", "b"): 1, ("d22", "c"): 3}
    values = {("d11", "a"): 10, ("d11", "b"): 50, ("d11", "c"): 40, ("d12", "a"): 200,
              ("d12", "b"): 60, ("d12", "c"): 150, ("d21", "a"): 160, ("d21", "b"): 60,
              ("d21", "c"): 20, ("d22", "a"): 10, ("d22", "b"): 130, ("d22", "c"): 150}
    tab = table(counts, values)
    primaries = list(primary_cells(tab, [MinimumFrequency(2)]))
    assert primaries == [("d22", "b")]
    status = simple_suppress(tab, primaries, protection=20)
    assert secondary(status) == [("d21", "b"), ("d21", "c"), ("d22", "c")]
    assert audit_table(tab, status) == []                       # not exactly disclosed
    [finding] = audit_table(tab, status, protection=20)
    assert finding["key"] == ("d22", "b")
    assert (finding["low"], finding["high"]) == pytest.approx((110, 190))
    # GAUSS with the level and the optimum do protect it
    gauss = protect(tab, [MinimumFrequency(2)], protection=20, singletons=False)
    assert audit_table(tab, gauss.status, protection=20) == []
    best = optimal_suppress(tab, primaries, protection=20)
    assert best.optimal and audit_table(tab, best.status, protection=20) == []


# -- the optimal MILP ---------------------------------------------------------------------

def test_one_primary_in_a_two_by_two_table_needs_exactly_three():
    """r1 × a in r1, r2 × a, b with all margins: a rectangle through one other row (r2 or
    the total) and one other column (b or the total) — 4 patterns of 3 cells, no fewer."""
    tab = table({("r1", "a"): 1}, regions=TWO, activity=AB)
    result = optimal_suppress(tab, [("r1", "a")], protection=10)
    assert result.optimal and result.count("secondary") == 3 and result.bound == 3
    assert result.status[("r1", "a")] == "primary"
    hidden = list(result.status)
    assert len({r for r, _a in hidden}) == 2 and len({a for _r, a in hidden}) == 2
    assert audit_table(tab, result.status, protection=10) == []
    assert smallest_protected(tab, [("r1", "a")], 10, 3) == (3, 4)


def test_hierarchical_optimum_matches_exhaustive_search():
    """d11 × a in a region hierarchy (2 oblasts of 2 districts) × 3 activities: some
    other cell of row d11 and of column a within O1 must go, and 2 are never enough; a
    rectangle inside O1 (3 cells) is the optimum."""
    tab = table({("d11", "a"): 1})
    result = optimal_suppress(tab, [("d11", "a")], protection=10)
    assert result.optimal and result.count("secondary") == 3
    assert audit_table(tab, result.status, protection=10) == []
    assert smallest_protected(tab, [("d11", "a")], 10, 2) == (None, 0)


def test_the_level_decides_which_rectangle():
    """r1 × a = 100. Without a level the rectangle with column b is as good as any; with
    30 % it is not: its corners of 5 let r1 × a move by 5 only, [95, 105]."""
    values = {("r1", "a"): 100, ("r1", "b"): 5, ("r2", "a"): 40, ("r2", "b"): 5,
              ("r1", "c"): 60, ("r2", "c"): 60}
    tab = table({("r1", "a"): 1}, values, regions=TWO, activity=ABC)
    rectangle_b = {("r1", "a"): "primary", ("r1", "b"): "secondary",
                   ("r2", "a"): "secondary", ("r2", "b"): "secondary"}
    assert audit_table(tab, rectangle_b) == []
    [finding] = audit_table(tab, rectangle_b, protection=30)
    assert (finding["low"], finding["high"]) == pytest.approx((95, 105))
    loose = optimal_suppress(tab, [("r1", "a")], protection=0)
    tight = optimal_suppress(tab, [("r1", "a")], protection=30)
    assert loose.optimal and loose.count("secondary") == 3
    assert tight.optimal and tight.count("secondary") == 3
    assert audit_table(tab, tight.status, protection=30) == []
    assert not {("r1", "b"), ("r2", "b")} <= set(tight.status)
    assert smallest_protected(tab, [("r1", "a")], 30, 3)[0] == 3


def test_value_cost_takes_the_cheapest_cells():
    values = {("r1", "a"): 40, ("r1", "b"): 100, ("r2", "b"): 100, ("r1", "c"): 20,
              ("r2", "c"): 20, ("r2", "a"): 50}
    tab = table({("r1", "a"): 1}, values, regions=TWO, activity=ABC)
    result = optimal_suppress(tab, [("r1", "a")], protection=10, cost="value")
    assert result.optimal
    assert secondary(result.status) == [("r1", "c"), ("r2", "a"), ("r2", "c")]
    assert result.cost == pytest.approx(90)
    assert audit_table(tab, result.status, protection=10) == []


def random_table(rng, oblasts=2, activities=3):
    tree = {"KZ": ""}
    for o in range(oblasts):
        tree[f"O{o}"] = "KZ"
        for d in range(rng.randint(1, 2)):
            tree[f"d{o}{d}"] = f"O{o}"
    regions = hierarchy("region", tree)
    activity = hierarchy("activity", {"T": "", **{f"a{n}": "T" for n in range(activities)}})
    counts, values = {}, {}
    for r in regions.leaves():
        for a in activity.leaves():
            counts[(r, a)] = rng.choice([0, 1, 2, 3, 5, 5])
            values[(r, a)] = rng.randint(1, 100) if counts[(r, a)] else 0
    return table(counts, values, regions=regions, activity=activity)


@pytest.mark.parametrize("seed", range(6))
def test_optimum_on_random_tables_matches_exhaustive_search(seed):
    rng = random.Random(seed)
    activity = hierarchy("activity", {"T": "", **{f"a{n}": "T"
                                                   for n in range(rng.randint(2, 3))}})
    counts, values = {}, {}
    for r in TWO.leaves():
        for a in activity.leaves():
            counts[(r, a)] = rng.choice([0, 1, 2, 3, 5, 5])
            values[(r, a)] = rng.randint(1, 100) if counts[(r, a)] else 0
    tab = table(counts, values, regions=TWO, activity=activity)
    primaries = list(primary_cells(tab, [MinimumFrequency(2)]))[:2] or [("r1", "a")]
    level = rng.choice([0, 10, 30])
    result = optimal_suppress(tab, primaries, protection=level)
    assert result.optimal and not result.unprotected
    assert audit_table(tab, result.status, protection=level) == []
    size, _count = smallest_protected(tab, primaries, level, result.count("secondary"))
    assert size == result.count("secondary")


@pytest.mark.parametrize("seed", range(4))
def test_milp_patterns_pass_the_audit_and_beat_gauss(seed):
    rng = random.Random(100 + seed)
    tab = random_table(rng, oblasts=3, activities=3)
    primaries = primary_cells(tab, [MinimumFrequency(3)])
    result = optimal_suppress(tab, primaries, protection=15)
    assert result.optimal and not result.unprotected
    assert audit_table(tab, result.status, protection=15) == []
    gauss = protect(tab, [MinimumFrequency(3)], protection=15, singletons=False)
    assert result.count("secondary") <= gauss.count("secondary")
    assert all(tab.cells[k].value != 0 for k in secondary(result.status))


@pytest.mark.parametrize("level", [0, 25])
def test_every_cut_keeps_every_protected_pattern(level):
    """All 2^10 patterns of a 3 × 4 table with one primary and one empty cell: each cut
    read from an unprotected pattern's LP duals is met by every protected pattern."""
    values = {("r1", "a"): 40, ("r1", "b"): 7, ("r1", "c"): 30, ("r2", "a"): 12,
              ("r2", "b"): 25, ("r2", "c"): 0}
    tab = table({("r1", "a"): 1, ("r2", "c"): 0}, values, regions=TWO, activity=ABC)
    x, keys, _inner = tab.model_matrix()
    vals = np.array([tab.cells[k].value for k in keys])
    p = keys.index(("r1", "a"))
    free = [j for j in range(len(keys)) if j != p and vals[j] != 0]
    assert len(free) == 10
    need = level / 100 * vals[p]
    lp = PatternLP(x, vals)
    protected, cuts = [], []
    for bits in itertools.product([0, 1], repeat=len(free)):
        s = np.zeros(len(keys))
        s[p] = 1
        s[free] = bits
        lp.set_pattern(s)
        short = _short(lp, p, need)
        if not short:
            protected.append(s)
        for direction, target, duals in short:
            cut = _cut(direction, target, duals, vals, capacity=True)
            assert cut is not None and sum(cut[j] * s[j] for j in cut) < 1  # cuts s off
            cuts.append(cut)
    assert protected and cuts
    for cut in cuts:
        for s in protected:
            assert sum(c * s[j] for j, c in cut.items()) >= 1 - 1e-9
    # the optimum is the smallest protected pattern
    result = optimal_suppress(tab, [("r1", "a")], protection=level)
    fewest = min(int(s.sum()) - 1 for s in protected)
    assert result.optimal and result.count("secondary") == fewest


def test_out_of_time_still_gives_a_protected_pattern():
    rng = random.Random(7)
    tab = random_table(rng, oblasts=3, activities=3)
    primaries = primary_cells(tab, [MinimumFrequency(3)])
    result = optimal_suppress(tab, primaries, protection=10, time_limit=0)
    assert not result.optimal and result.iterations == 0
    assert audit_table(tab, result.status, protection=10) == []
    assert result.bound <= result.cost


# -- prune --------------------------------------------------------------------------------

def test_prune_publishes_what_the_pattern_does_not_need():
    tab = table({("r1", "a"): 1}, regions=TWO, activity=AB)
    status = {("r1", "a"): "primary", ("r1", "b"): "secondary", ("r2", "a"): "secondary",
              ("r2", "b"): "secondary", ("KZ", "T"): "secondary", ("r2", "T"): "secondary"}
    assert audit_table(tab, status, protection=10) == []
    pruned = prune(tab, status, protection=10)
    assert secondary(pruned) == [("r1", "b"), ("r2", "a"), ("r2", "b")]
    assert pruned[("r1", "a")] == "primary"


def test_prune_keeps_gauss_patterns_protected_and_never_larger():
    for seed in range(3):
        tab = random_table(random.Random(200 + seed), oblasts=3, activities=3)
        gauss = protect(tab, [MinimumFrequency(3)], protection=10, singletons=False)
        pruned = prune(tab, gauss.status, protection=10)
        assert audit_table(tab, pruned, protection=10) == []
        assert set(secondary(pruned)) <= set(secondary(gauss.status))
        assert {k for k, s in pruned.items() if s == "primary"} == set(gauss.primary)



def test_pairs_below_the_threshold_are_kept_apart():
    """r1 × a and r1 × b, one respondent each (threshold 3): hiding r2 × a and r2 × b
    protects each cell but publishes their sum (r1's total minus r1 × c); with ``pairs``
    the optimum hides r1 × c and r2 × c too."""
    from statportal.disclosure.protect import audit_pattern, small_pairs

    tab = table({("r1", "a"): 1, ("r1", "b"): 1}, regions=TWO, activity=ABC)
    rules = [MinimumFrequency(3)]
    unsafe = primary_cells(tab, rules)
    pairs = small_pairs(tab, unsafe, rules)
    assert pairs == [(("r1", "a"), ("r1", "b"))]
    alone = optimal_suppress(tab, unsafe, protection=10)
    assert secondary(alone.status) == [("r2", "a"), ("r2", "b")]
    [finding] = audit_pattern(tab, set(alone.status), rules, 10, singletons=False)
    assert finding["key"] == pairs[0] and finding["low"] == finding["high"] == 34
    apart = optimal_suppress(tab, unsafe, protection=10, pairs=pairs)
    assert apart.optimal and apart.count("secondary") == 4
    assert audit_pattern(tab, set(apart.status), rules, 10, singletons=False) == []
    assert all(len(key) == 2 for key in apart.status)

# -- protect(..., optimise=seconds) -------------------------------------------------------

@pytest.mark.parametrize("singletons", [False, True])
@pytest.mark.parametrize("seed", [110, 114, 119])
def test_optimise_keeps_fewer_cells_only_when_as_safe(seed, singletons):
    """GAUSS hides 17–21 cells on these tables; the search finds patterns of 4–8. The
    pattern kept passes everything ``protect`` guarantees: the levels, pairs below the
    threshold and, with ``singletons``, the sole respondents' own knowledge."""
    from statportal.disclosure.protect import audit_pattern

    tab = random_table(random.Random(seed), oblasts=3, activities=3)
    rules = [MinimumFrequency(3)]
    plain = protect(tab, rules, protection=15, singletons=singletons)
    found = protect(tab, rules, protection=15, singletons=singletons, optimise=30)
    done = found.optimisation
    assert done["before"] == plain.count("secondary")
    assert done["after"] == found.count("secondary") < plain.count("secondary")
    assert done["kept"] and done["reason"] is None and done["via"] in ("search", "gauss")
    assert done["bound"] <= done["after"] and done["seconds"] >= 0
    assert audit_pattern(tab, set(found.status), rules, 15, singletons=singletons) == []
    assert {k for k, s in found.status.items() if s == "primary"} == set(plain.primary)
    if not singletons and done["via"] == "search":
        optimum = optimal_suppress(tab, plain.primary, protection=15)
        assert done["optimal"] and found.count("secondary") == optimum.count("secondary")


def test_the_search_pattern_unsafe_for_sole_respondents_is_not_kept_as_it_is():
    """Seed 110: the fewest cells for outsiders (6) let a sole respondent work out another
    primary cell; with ``singletons`` GAUSS is run again preferring those cells (8)."""
    from statportal.disclosure.protect import audit_pattern

    tab = random_table(random.Random(110), oblasts=3, activities=3)
    rules = [MinimumFrequency(3)]
    outsiders = protect(tab, rules, protection=15, singletons=False, optimise=30)
    assert audit_pattern(tab, set(outsiders.status), rules, 15, singletons=False) == []
    assert audit_pattern(tab, set(outsiders.status), rules, 15) != []
    found = protect(tab, rules, protection=15, optimise=30)
    assert found.optimisation["via"] == "gauss"
    assert found.count("secondary") > outsiders.count("secondary")
    assert audit_pattern(tab, set(found.status), rules, 15) == []


def test_the_search_never_returns_worse_than_its_start():
    """With no time at all, the start (a protected pattern) is what comes back."""
    tab = random_table(random.Random(110), oblasts=3, activities=3)
    gauss = protect(tab, [MinimumFrequency(3)], protection=15, singletons=False)
    result = optimal_suppress(tab, gauss.primary, protection=15, time_limit=0.0,
                              start=gauss.status)
    assert result.status == gauss.status and not result.optimal
    assert result.bound <= result.cost == gauss.count("secondary")


def test_optimise_refuses_a_table_too_large(monkeypatch):
    from statportal.disclosure import protect as module

    tab = random_table(random.Random(110), oblasts=3, activities=3)
    monkeypatch.setattr(module, "OPTIMISE_MAX_CELLS", len(tab.cells) - 1)
    with pytest.raises(ValueError, match="up to"):
        protect(tab, [MinimumFrequency(3)], protection=15, optimise=5)


def test_optimise_says_when_gauss_was_already_optimal():
    tab = table({("r1", "a"): 1}, regions=TWO, activity=ABC)
    result = protect(tab, [MinimumFrequency(2)], optimise=10)
    done = result.optimisation
    assert result.count("secondary") == done["before"] == done["after"] == 3
    assert not done["kept"] and done["optimal"] and "cheapest" in done["reason"]


def test_a_pair_sum_known_to_a_third_sole_respondent_keeps_the_gauss_pattern():
    """Three sole respondents in row r1 (threshold 3). Hiding r2's cells only protects each
    cell from outsiders and the pairs too, but the respondent of r1 × c knows its own 17:
    with r1's total published it gets r1 × a + r1 × b = 34, two respondents' data."""
    from statportal.disclosure.protect import audit_pattern

    tab = table({("r1", "a"): 1, ("r1", "b"): 1, ("r1", "c"): 1}, regions=TWO, activity=ABC)
    rules = [MinimumFrequency(3)]
    short = {("r1", "a"), ("r1", "b"), ("r1", "c"), ("r2", "a"), ("r2", "b"), ("r2", "c")}
    assert audit_pattern(tab, short, rules, singletons=False) == []
    found = audit_pattern(tab, short, rules)
    assert {f["key"] for f in found} == {(("r1", "a"), ("r1", "b")), (("r1", "a"), ("r1", "c")),
                                        (("r1", "b"), ("r1", "c"))}
    assert all(f["by"] == "sole respondent" and f["low"] == f["high"] == 34 for f in found)
    plain = protect(tab, rules)
    result = protect(tab, rules, optimise=10)
    assert result.status == plain.status and not result.optimisation["kept"]
    assert audit_pattern(tab, set(result.status), rules) == []


def test_optimise_by_value_hides_less_value():
    tab = random_table(random.Random(110), oblasts=3, activities=3)
    rules = [MinimumFrequency(3)]
    plain = protect(tab, rules, protection=15, singletons=False)
    by_count = protect(tab, rules, protection=15, singletons=False, optimise=30)
    by_value = protect(tab, rules, protection=15, singletons=False, optimise=30,
                       optimise_cost="value")
    done = by_value.optimisation
    assert done["cost"] == "value" and done["kept"]
    assert done["value_after"] < done["value_before"]
    assert done["value_after"] <= by_count.optimisation["value_after"]
    assert done["value_after"] == sum(abs(tab.cells[k].value) for k in secondary(by_value.status))
    assert by_count.count("secondary") <= by_value.count("secondary") <= plain.count("secondary")
    with pytest.raises(ValueError, match="cost"):
        protect(tab, rules, protection=15, optimise=5, optimise_cost="cells")
