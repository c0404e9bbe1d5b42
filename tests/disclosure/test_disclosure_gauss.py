"""GAUSS secondary suppression and the LP audit, on hand-checked tables and random ones."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from statportal.disclosure import gauss
from statportal.disclosure.gauss import UnprotectedCellsWarning, audit, gauss_suppress

# ---------------------------------------------------------------------------------------
# a tiny two-dimensional table builder


def dimension(spec, prefix):
    """Nodes of one hierarchy and, for each node, the leaves under it.

    ``spec`` is ``n`` (a total over ``n`` leaves) or a list of group sizes (a total over
    subtotals ``A``, ``B``... over their leaves).  Names: ``T``; ``A``, ``B``; ``a1``, ``b2``...
    for rows, upper case as given by ``prefix``.
    """
    names, leaves_under = ["T"], [[]]
    leaf_names = []
    if isinstance(spec, int):
        for i in range(spec):
            leaf_names.append(f"{prefix}{i + 1}")
        leaves_under[0] = list(range(spec))
        names += leaf_names
        leaves_under += [[i] for i in range(spec)]
        return names, leaves_under, len(leaf_names)
    k = 0
    for g, size in enumerate(spec):
        group = chr(ord("A") + g) if prefix == "r" else chr(ord("P") + g)
        names.append(group)
        leaves_under.append(list(range(k, k + size)))
        for i in range(size):
            names.append(f"{group.lower()}{i + 1}")
            leaves_under.append([k + i])
        k += size
    leaves_under[0] = list(range(k))
    return names, leaves_under, k


def table(rows, cols):
    """x for a rows x cols table with every total and subtotal; cells named (row, col)."""
    rnames, runder, nr = dimension(rows, "r")
    cnames, cunder, nc = dimension(cols, "c")
    ri, ci, names = [], [], []
    for rn, ru in zip(rnames, runder, strict=True):
        for cn, cu in zip(cnames, cunder, strict=True):
            for i in ru:
                for j in cu:
                    ri.append(i * nc + j)
                    ci.append(len(names))
            names.append((rn, cn))
    x = sp.csc_matrix((np.ones(len(ri), dtype=np.int64), (ri, ci)), shape=(nr * nc, len(names)))
    return x, names


class Table:
    """A table with values: ``inner`` is the matrix of inner cells (rows x columns)."""

    def __init__(self, rows, cols, inner):
        self.x, self.names = table(rows, cols)
        self.index = {n: i for i, n in enumerate(self.names)}
        self.inner = np.asarray(inner, dtype=float).ravel()
        assert self.inner.size == self.x.shape[0]
        self.values = self.x.T @ self.inner

    def mask(self, *cells):
        m = np.zeros(len(self.names), dtype=bool)
        for c in cells:
            m[self.index[c]] = True
        return m

    def order(self, primary, values=None):
        """Candidates, preferred complement first: smallest value first (ties: table order)."""
        values = self.values if values is None else values
        cand = np.flatnonzero(~primary)
        return cand[np.lexsort((cand, values[cand]))]

    def cells(self, mask):
        return {self.names[j] for j in np.flatnonzero(mask)}

    def rows_of(self, cell):
        j = self.index[cell]
        return self.x.indices[self.x.indptr[j]:self.x.indptr[j + 1]]

    def exposed(self, suppressed, known=(), **kw):
        """Exposed cells, for an outsider or for someone who knows the inner cells under
        ``known`` (the cells themselves are then left out)."""
        lower = np.zeros(self.x.shape[0])
        upper = np.full(self.x.shape[0], np.inf)
        for cell in known:
            rows = self.rows_of(cell)
            lower[rows] = upper[rows] = self.inner[rows]
        res = audit(self.x, self.values, suppressed, lower=lower, upper=upper, **kw)
        return {self.names[r["cell"]] for r in res if r["exposed"]} - set(known)


# ---------------------------------------------------------------------------------------
# hand-checked tables

RECT = [[20, 30, 25, 40],
        [15, 12, 18, 22],
        [33, 27, 21, 19],
        [11, 16, 14, 13]]


def test_single_x_in_a_row_is_exposed_and_gauss_adds_a_complement():
    t = Table(3, 3, [[5, 7, 9], [4, 6, 8], [3, 2, 10]])
    primary = t.mask(("r2", "c2"))
    assert t.exposed(primary) == {("r2", "c2")}
    [res] = audit(t.x, t.values, primary)
    assert res["low"] == res["high"] == 6

    pattern = gauss_suppress(t.x, primary, t.order(primary))
    # the smallest cells that close the row and the column: r2 c1 (4), r3 c2 (2), r3 c1 (3)
    assert t.cells(pattern) == {("r2", "c2"), ("r2", "c1"), ("r3", "c2"), ("r3", "c1")}
    assert t.exposed(pattern) == set()
    intervals = {t.names[r["cell"]]: (r["low"], r["high"]) for r in audit(t.x, t.values, pattern)}
    assert intervals[("r2", "c2")] == (pytest.approx(3.0), pytest.approx(8.0))


def test_a_rectangle_of_four_is_safe_for_outsiders():
    t = Table(4, 4, RECT)
    primary = t.mask(("r2", "c2"), ("r2", "c3"), ("r3", "c2"), ("r3", "c3"))
    assert t.exposed(primary) == set()
    # nothing to add
    pattern = gauss_suppress(t.x, primary, t.order(primary))
    assert np.array_equal(pattern, primary)


def test_a_rectangle_with_sole_respondents_in_two_corners_is_not_safe():
    t = Table(4, 4, RECT)
    corners = [("r2", "c2"), ("r2", "c3"), ("r3", "c2"), ("r3", "c3")]
    primary = t.mask(*corners)
    singleton = t.mask(("r2", "c2"), ("r3", "c3"))
    # the sole respondent of r2 c2 knows its value and so the three other corners
    assert t.exposed(primary, known=[("r2", "c2")]) == set(corners[1:])
    assert t.exposed(primary, known=[("r3", "c3")]) == set(corners[:3])

    pattern = gauss_suppress(t.x, primary, t.order(primary), singleton=singleton)
    assert (pattern & ~primary).any()
    assert t.exposed(pattern) == set()
    for s in (("r2", "c2"), ("r3", "c3")):
        assert not t.exposed(pattern, known=[s]) & set(corners)
    # without the singleton handling the rectangle is kept as it is
    assert np.array_equal(gauss_suppress(t.x, primary, t.order(primary)), primary)


def test_two_sole_respondents_never_protect_each_other_alone():
    t = Table(3, 3, [[5, 7, 9], [4, 6, 8], [3, 2, 10]])
    # row r2 has two X: outsiders learn only their sum
    primary = t.mask(("r2", "c1"), ("r2", "c2"), ("r3", "c1"), ("r3", "c2"))
    singleton = t.mask(("r2", "c1"), ("r2", "c2"))
    assert t.exposed(primary) == set()
    assert ("r2", "c2") in t.exposed(primary, known=[("r2", "c1")])
    pattern = gauss_suppress(t.x, primary, t.order(primary), singleton=singleton)
    for s in (("r2", "c1"), ("r2", "c2")):
        assert not t.exposed(pattern, known=[s]) & t.cells(primary)


def test_the_rectangle_across_two_oblasts_is_exposed_by_their_subtotals():
    # rows: districts a1, a2 of oblast A and b1, b2 of oblast B; the rectangle is a1/b1 x c1/c2
    rect = [("a1", "c1"), ("a1", "c2"), ("b1", "c1"), ("b1", "c2")]
    t = Table([2, 2], 3, [[20, 30, 25], [15, 12, 18], [33, 27, 21], [11, 16, 14]])
    primary = t.mask(*rect)
    assert t.exposed(primary) == set(rect)      # A x c1 = a1 c1 + a2 c1, and a2 c1 is shown
    # the same rectangle in a table without the oblast level is safe
    flat = Table(4, 3, [[20, 30, 25], [15, 12, 18], [33, 27, 21], [11, 16, 14]])
    assert flat.exposed(flat.mask(("r1", "c1"), ("r1", "c2"), ("r3", "c1"),
                                  ("r3", "c2"))) == set()

    pattern = gauss_suppress(t.x, primary, t.order(primary))
    assert t.exposed(pattern) == set()
    assert t.cells(pattern & ~primary) & {("a2", "c1"), ("a2", "c2"), ("A", "c1"), ("A", "c2")}


def test_a_parent_with_a_single_child_is_suppressed_with_it():
    # oblast B has one district b1: every B cell equals its b1 cell
    t = Table([2, 1], 3, [[20, 30, 25], [15, 12, 18], [33, 27, 21]])
    primary = t.mask(("b1", "c2"))
    pattern = gauss_suppress(t.x, primary, t.order(primary))
    assert ("B", "c2") in t.cells(pattern)
    assert t.exposed(pattern) == set()
    # audit finds the single child exposed when only it is suppressed
    assert ("b1", "c2") in t.exposed(primary)


def test_zero_cells_are_never_complements():
    t = Table(3, 3, [[5, 0, 9], [0, 6, 8], [3, 2, 10]])
    zero = t.values == 0
    primary = t.mask(("r2", "c2"))
    order = t.order(primary)
    assert zero[order[:2]].all()             # the zeros come first as candidates...
    pattern = gauss_suppress(t.x, primary, order, forbidden=zero)
    assert not (pattern & zero).any()        # ...but are never chosen
    assert t.exposed(pattern) == set()
    # without the rule the zeros would be taken
    assert (gauss_suppress(t.x, primary, order) & zero).any()


def test_every_cell_confidential():
    t = Table([2, 1], 2, [[1, 2], [3, 4], [5, 6]])
    primary = np.ones(len(t.names), dtype=bool)
    pattern = gauss_suppress(t.x, primary, np.array([], dtype=np.int64),
                             singleton=primary)
    assert pattern.all()
    res = audit(t.x, t.values, pattern)
    assert len(res) == len(t.names)
    assert not any(r["exposed"] for r in res)
    assert all(r["low"] == 0 and r["high"] == np.inf for r in res)


def test_no_primary_cell_means_nothing_suppressed():
    t = Table(2, 2, [[1, 2], [3, 4]])
    primary = np.zeros(len(t.names), dtype=bool)
    assert not gauss_suppress(t.x, primary, t.order(primary)).any()
    assert audit(t.x, t.values, primary) == []


def test_an_extra_virtual_cell_is_protected_too():
    # two X in a row: outsiders learn their sum, unless the sum is itself to be protected
    t = Table(3, 3, [[5, 7, 9], [4, 6, 8], [3, 2, 10]])
    primary = t.mask(("r2", "c1"), ("r2", "c2"), ("r3", "c1"), ("r3", "c2"))
    pair = sp.csc_matrix(t.x[:, [t.index[("r2", "c1")]]] + t.x[:, [t.index[("r2", "c2")]]])
    assert np.array_equal(gauss_suppress(t.x, primary, t.order(primary)), primary)
    pattern = gauss_suppress(t.x, primary, t.order(primary), extra_primary=pair)
    assert t.cells(pattern & ~primary)
    [res] = audit(sp.hstack([t.x, pair]).tocsc(), np.append(t.values, 10.0),
                  np.append(pattern, True))[-1:]
    assert not res["exposed"]


def test_cells_that_must_be_published_can_leave_a_primary_unprotected():
    t = Table(2, 2, [[5, 7], [4, 6]])
    primary = t.mask(("r1", "c1"))
    # only r1 c1's row-mates may not be suppressed: r1 c2 and the r1 total must be shown
    order = np.array([j for j in t.order(primary)
                      if t.names[j] not in {("r1", "c2"), ("r1", "T")}])
    with pytest.warns(UnprotectedCellsWarning) as caught:
        pattern = gauss_suppress(t.x, primary, order)
    assert caught[0].message.cells == [t.index[("r1", "c1")]]
    assert not pattern[t.index[("r1", "c2")]] and not pattern[t.index[("r1", "T")]]


def test_a_cell_a_respondent_can_compute_anyway_stays_protected_against_outsiders():
    t = Table(3, 3, [[5, 7, 9], [4, 6, 8], [3, 2, 10]])
    primary = t.mask(("r2", "c1"), ("r2", "c2"))
    singleton = t.mask(("r2", "c1"))
    # r2 c3 and the r2 total must be shown: the respondent of r2 c1 learns r2 c2 whatever we do
    order = np.array([j for j in t.order(primary)
                      if t.names[j] not in {("r2", "c3"), ("r2", "T")}])
    with pytest.warns(UnprotectedCellsWarning) as caught:
        pattern = gauss_suppress(t.x, primary, order, singleton=singleton)
    assert caught[0].message.cells == [t.index[("r2", "c2")]]
    assert ("r2", "c2") in t.exposed(pattern, known=[("r2", "c1")])
    # ...but outsiders cannot compute either cell
    assert t.exposed(pattern) == set()
    assert (pattern & ~primary).any()


def test_progress_is_reported():
    t = Table([2, 2], [2, 2], np.arange(1, 17).reshape(4, 4))
    primary = t.mask(("a1", "p1"), ("b2", "q2"))
    calls = []
    pattern = gauss_suppress(t.x, primary, t.order(primary),
                             progress=lambda d, n: calls.append((d, n)))
    assert calls and calls[-1][0] == calls[-1][1] == len(t.names) - 2
    calls.clear()
    audit(t.x, t.values, pattern, progress=lambda d, n: calls.append((d, n)))
    assert calls and calls[-1][0] == calls[-1][1]


def test_csr_input_and_bad_input():
    t = Table(3, 3, [[5, 7, 9], [4, 6, 8], [3, 2, 10]])
    primary = t.mask(("r2", "c2"))
    assert np.array_equal(gauss_suppress(t.x.tocsr(), primary, t.order(primary)),
                          gauss_suppress(t.x, primary, t.order(primary)))
    with pytest.raises(ValueError, match="integer"):
        gauss_suppress(t.x * 0.5, primary, t.order(primary))
    with pytest.raises(ValueError, match="twice"):
        gauss_suppress(t.x, primary, np.array([0, 0]))
    with pytest.raises(ValueError, match="outside"):
        gauss_suppress(t.x, primary, np.array([len(t.names)]))
    with pytest.raises(ValueError, match="shape"):
        gauss_suppress(t.x, primary[:-1], t.order(primary))
    bad = t.values.copy()
    bad[t.index[("T", "T")]] += 1            # the grand total disagrees with its parts
    with pytest.raises(ValueError, match="contradict"):
        audit(t.x, bad, primary)


# ---------------------------------------------------------------------------------------
# the audit


def test_audit_protection_percentage():
    t = Table(3, 3, [[50, 7, 9], [40, 6, 8], [3, 2, 10]])
    pattern = t.mask(("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"))
    res = {t.names[r["cell"]]: r for r in audit(t.x, t.values, pattern)}
    # r1 c1 = 50 can move between 44 and 57: 12 % down, 14 % up
    assert (res[("r1", "c1")]["low"], res[("r1", "c1")]["high"]) == (
        pytest.approx(44), pytest.approx(57))
    assert not any(r["exposed"] for r in res.values())
    exposed = t.exposed(pattern, protection=15)
    assert ("r1", "c1") in exposed and ("r1", "c2") not in exposed
    # per cell: only r1 c1 asks for 15 %
    protection = np.zeros(len(t.names))
    protection[t.index[("r1", "c1")]] = 15
    assert t.exposed(pattern, protection=protection) == {("r1", "c1")}


def test_audit_knows_inner_cells_that_follow_from_published_sums():
    t = Table([2, 2], 3, [[20, 30, 25], [15, 12, 18], [33, 27, 21], [11, 16, 14]])
    # a1 c1 is the last unknown of the A x c1 sum
    res = audit(t.x, t.values, t.mask(("a1", "c1")))
    assert res == [{"cell": t.index[("a1", "c1")], "value": 20.0, "low": 20.0, "high": 20.0,
                    "exposed": True}]


def test_audit_negative_values_and_upper_bounds():
    t = Table(3, 3, [[5, -7, 9], [-4, 6, 8], [3, 2, -10]])
    pattern = t.mask(("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"))
    res = audit(t.x, t.values, pattern, lower=None)
    assert all(r["low"] == -np.inf and r["high"] == np.inf for r in res)
    res = audit(t.x, t.values, pattern, lower=-10, upper=10)
    cell = {t.names[r["cell"]]: r for r in res}[("r1", "c1")]
    # r1 c2 = -2 - r1 c1, r2 c1 = 1 - r1 c1, r2 c2 = 1 + r1 c1, all four within [-10, 10]
    assert (cell["low"], cell["high"]) == (pytest.approx(-9), pytest.approx(8))


def test_audit_engines_agree_with_a_plain_lp():
    t = Table([2, 2], [2, 2], np.arange(1, 17).reshape(4, 4) % 7 + 1)
    rng = np.random.default_rng(3)
    pattern = rng.random(len(t.names)) < 0.4
    a = audit(t.x, t.values, pattern, engine="highs")
    b = audit(t.x, t.values, pattern, engine="linprog")
    for ra, rb in zip(a, b, strict=True):
        assert ra["low"] == pytest.approx(rb["low"]) and ra["high"] == pytest.approx(rb["high"])
    naive = naive_intervals(t.x, t.values, pattern, 0.0, None)
    for r in a:
        assert (r["low"], r["high"]) == (pytest.approx(naive[r["cell"]][0]),
                                         pytest.approx(naive[r["cell"]][1]))


def test_audit_in_two_processes(monkeypatch):
    t = Table([6, 6, 6], [6, 6, 6], (np.arange(324).reshape(18, 18) * 7) % 23 + 1)
    rng = np.random.default_rng(5)
    pattern = rng.random(len(t.names)) < 0.6
    one = audit(t.x, t.values, pattern)
    calls = []
    real = gauss._run_parallel
    monkeypatch.setattr(gauss, "_run_parallel", lambda *a: calls.append(1) or real(*a))
    two = audit(t.x, t.values, pattern, workers=2)
    assert calls
    for ra, rb in zip(one, two, strict=True):
        assert ra == {**rb, "low": pytest.approx(rb["low"]), "high": pytest.approx(rb["high"])}


# ---------------------------------------------------------------------------------------
# random tables


def naive_intervals(x, values, suppressed, lower, upper):
    """Every bound from scratch, with all inner cells as unknowns."""
    xd = x.toarray().astype(float)
    pub = ~suppressed
    out = {}
    for j in np.flatnonzero(suppressed):
        bounds = []
        for sign in (1.0, -1.0):
            r = linprog(sign * xd[:, j], A_eq=xd[:, pub].T, b_eq=values[pub],
                        bounds=(lower, upper), method="highs")
            assert r.status in (0, 3)
            bounds.append(sign * r.fun if r.status == 0 else -sign * np.inf)
        out[j] = tuple(bounds)
    return out


def rank(m):
    return 0 if m.shape[1] == 0 else np.linalg.matrix_rank(m)


def groups_of(x, singleton, zero_rows):
    """Rows known to each sole respondent (singleton cells sharing a non-zero row merged)."""
    xd = x.toarray()
    sets = [set(np.flatnonzero(xd[:, c])) - zero_rows for c in np.flatnonzero(singleton)]
    sets = [s for s in sets if s]
    merged = True
    while merged:
        merged = False
        for i in range(len(sets)):
            for k in range(i + 1, len(sets)):
                if sets[i] & sets[k]:
                    sets[i] |= sets.pop(k)
                    merged = True
                    break
            if merged:
                break
    return sets


def reference_gauss(x, primary, order, forbidden, singleton):
    """The same greedy rule by dense rank tests: visit the candidates from the last to the
    first; suppress one when publishing it would make a primary cell a linear combination of
    the published cells, alone or together with what a sole respondent knows."""
    xd = x.toarray().astype(float)
    n_inner, n = xd.shape
    listed = np.zeros(n, dtype=bool)
    listed[order] = True
    cand = listed & ~primary & ~forbidden
    forced = ~primary & ~cand
    ident = [j for j in range(n) if (xd[:, j] != 0).sum() == 1 and xd[:, j].sum() == 1]
    zero_rows = {int(np.flatnonzero(xd[:, j])[0]) for j in ident if forbidden[j] and forced[j]}
    groups = groups_of(x, singleton, zero_rows)
    knowledge = [np.eye(n_inner)[:, sorted(g)] for g in groups]

    def owned(p, g):
        return set(np.flatnonzero(xd[:, p])) - zero_rows <= groups[g]

    prims = [p for p in np.flatnonzero(primary) if xd[:, p].any()]
    ignore = {p: {g for g in range(len(groups)) if owned(p, g)} for p in prims}

    def exposures(pub):
        """(primary, respondent group) pairs; group -1 for everybody."""
        published = xd[:, pub]
        r0 = rank(published)
        out = []
        for p in prims:
            if rank(np.column_stack([published, xd[:, p]])) == r0:
                out.append((p, -1))
                continue
            for g, known in enumerate(knowledge):
                if g in ignore[p]:
                    continue
                base = np.column_stack([published, known])
                if rank(np.column_stack([base, xd[:, p]])) == rank(base):
                    out.append((p, g))
        return out

    # cells that must be published: what they expose is given up (for those who can see it)
    pub = list(np.flatnonzero(forced))
    lost = exposures(pub)
    prims = [p for p in prims if (p, -1) not in lost]
    for p, g in lost:
        if g >= 0 and p in ignore:
            ignore[p].add(g)
    result = primary.copy()
    for c in order[::-1]:
        if cand[c]:
            if exposures([*pub, c]):
                result[c] = True
            else:
                pub.append(c)
    return result


dims = st.one_of(st.integers(1, 4), st.lists(st.integers(1, 3), min_size=1, max_size=3))
small_dims = st.one_of(st.integers(1, 3), st.lists(st.integers(1, 2), min_size=1, max_size=3))


@st.composite
def tables(draw, dims=dims):
    rows, cols = draw(dims), draw(dims)
    x, names = table(rows, cols)
    inner = np.array(draw(st.lists(st.sampled_from([0, 0, 1, 2, 3, 5, 8, 13, 21, 40]),
                                   min_size=x.shape[0], max_size=x.shape[0])), dtype=float)
    values = x.T @ inner
    n = len(names)
    nonzero = np.flatnonzero(values > 0)
    chosen = draw(st.lists(st.sampled_from(nonzero.tolist()), min_size=1, max_size=6)) \
        if nonzero.size else []
    primary = np.zeros(n, dtype=bool)
    primary[chosen] = True
    flags = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    singleton = primary & np.array(flags)
    return x, inner, values, primary, singleton


def order_for(values, primary):
    cand = np.flatnonzero(~primary)
    return cand[np.lexsort((cand, values[cand]))]


SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@settings(SETTINGS, max_examples=200)
@given(tables(small_dims), st.booleans())
def test_gauss_makes_the_same_choices_as_dense_rank_tests(tab, with_singletons):
    x, inner, values, primary, singleton = tab
    forbidden = values == 0
    order = order_for(values, primary)
    singleton = singleton if with_singletons else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnprotectedCellsWarning)
        got = gauss_suppress(x, primary, order, forbidden=forbidden, singleton=singleton)
    expected = reference_gauss(x, primary, order, forbidden,
                               singleton if singleton is not None else np.zeros_like(primary))
    assert np.array_equal(got, expected)


@settings(SETTINGS, max_examples=300)
@given(st.data())
def test_gauss_on_any_integer_matrix_matches_dense_rank_tests(data):
    # not a table: an identity part and random integer "totals", with cells that must be
    # published (forbidden or not listed) and may expose primary cells by themselves
    n_inner = data.draw(st.integers(2, 7))
    n_tot = data.draw(st.integers(1, 9))
    coef = st.sampled_from([-2, -1, 0, 0, 0, 1, 1, 2, 3])
    tot = np.array(data.draw(st.lists(st.lists(coef, min_size=n_tot, max_size=n_tot),
                                      min_size=n_inner, max_size=n_inner)))
    xd = np.hstack([np.eye(n_inner, dtype=np.int64), tot])
    xd = xd[:, np.abs(xd).sum(axis=0) > 0]
    n = xd.shape[1]

    def flags():
        return np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))

    primary = flags() & flags()
    forbidden = flags() & flags() & ~primary
    singleton = primary & flags()
    order = np.array(data.draw(st.permutations(np.flatnonzero(~primary).tolist())), dtype=int)
    order = order[:data.draw(st.integers(max(0, order.size - 2), order.size))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnprotectedCellsWarning)
        got = gauss_suppress(sp.csc_matrix(xd), primary, order, forbidden=forbidden,
                             singleton=singleton)
    assert np.array_equal(got, reference_gauss(sp.csc_matrix(xd), primary, order, forbidden,
                                               singleton))


@SETTINGS
@given(tables(), st.booleans())
def test_every_pattern_passes_the_audit(tab, with_singletons):
    x, inner, values, primary, singleton = tab
    forbidden = values == 0
    pattern = gauss_suppress(x, primary, order_for(values, primary), forbidden=forbidden,
                             singleton=singleton if with_singletons else None)
    assert not (pattern & forbidden).any()
    # no suppressed cell, primary or secondary, can be computed from the published cells
    for r in audit(x, values, pattern):
        assert r["high"] - r["low"] > 1e-6, r


@SETTINGS
@given(tables())
def test_no_sole_respondent_can_compute_another_primary_cell(tab):
    x, inner, values, primary, singleton = tab
    forbidden = values == 0
    pattern = gauss_suppress(x, primary, order_for(values, primary), forbidden=forbidden,
                             singleton=singleton)
    zero_rows = set(np.flatnonzero(inner == 0))
    xd = x.toarray()
    for rows in groups_of(x, singleton, zero_rows):
        rows = sorted(rows)
        lower = np.zeros(x.shape[0])
        upper = np.full(x.shape[0], np.inf)
        lower[rows] = upper[rows] = inner[rows]
        for r in audit(x, values, pattern, lower=lower, upper=upper):
            own = set(np.flatnonzero(xd[:, r["cell"]])) - zero_rows <= set(rows)
            if primary[r["cell"]] and not own:
                assert r["high"] - r["low"] > 1e-6, (rows, r)


@SETTINGS
@given(tables(small_dims), st.data())
def test_audit_agrees_with_a_plain_lp(tab, data):
    x, inner, values, primary, singleton = tab
    n = len(values)
    suppressed = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    upper = data.draw(st.sampled_from([None, 50.0]))
    res = audit(x, values, suppressed, upper=upper, protection=10)
    naive = naive_intervals(x, values, suppressed, 0.0, upper)
    assert [r["cell"] for r in res] == sorted(naive)
    for r in res:
        lo, hi = naive[r["cell"]]
        assert r["low"] == pytest.approx(lo, abs=1e-6)
        assert r["high"] == pytest.approx(hi, abs=1e-6)
        v = r["value"]
        need = 0.1 * abs(v)
        expected = hi - lo <= 1e-6 * max(1, abs(v)) or v - lo < need - 1e-6 * max(1, abs(v)) \
            or hi - v < need - 1e-6 * max(1, abs(v))
        assert r["exposed"] == expected
