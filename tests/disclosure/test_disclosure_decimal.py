"""Disclosure control with decimal values: exact sums at the basis's precision, published
values without floating-point noise (CSV, .xlsx, .html), an LP audit that neither fails
nor lies on large magnitudes, and contradictions reported by relation."""

import csv
import io
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statportal.disclosure import Hierarchy, InputError, MinimumFrequency, Table
from statportal.disclosure.errors import InconsistentTable
from statportal.disclosure.operations import combine
from statportal.disclosure.output import long_rows, to_html, write_csv, xlsx_bytes
from statportal.disclosure.protect import audit_table, protect
from statportal.disclosure.table import Cell, exact_sum

REGIONS = """code,parent,label
KZ,,Kazakhstan
A,KZ,Abai
A1,A,Semey
A2,A,Kurchatov
B,KZ,Akmola
B1,B,Kokshetau
B2,B,Stepnogorsk
"""
ACTIVITY = """code,parent,label
T,,Total
C,T,Manufacturing
D,T,Electricity
"""
# Chosen so that adding the floats gives noise: 0.1 + 0.2 is 0.30000000000000004.
BASIS = """region,activity,value,respondents
A1,C,0.1,3
A1,D,0.2,4
A2,C,7471.7,5
A2,D,1.2,1
B1,C,2436.1,6
B1,D,1044.85,3
B2,C,120,4
B2,D,0.3,3
"""


def hierarchies():
    return {"region": Hierarchy.from_csv("region", REGIONS),
            "activity": Hierarchy.from_csv("activity", ACTIVITY)}


def exact(text):
    return sum((Decimal(v) for v in text), Decimal(0))


def test_totals_are_exact_decimal_sums():
    table = Table.from_csv(BASIS, hierarchies())
    assert table.decimals == 2  # 1044.85
    assert 0.1 + 0.2 != 0.3  # what the floats would have given
    assert table.cells[("A1", "T")].value == 0.3
    assert table.text(table.cells[("A1", "T")].value) == "0.30"
    values = ["0.1", "0.2", "7471.7", "1.2", "2436.1", "1044.85", "120", "0.3"]
    assert sum(float(v) for v in values) != float(exact(values))
    grand = table.cells[("KZ", "T")]
    assert Decimal(table.text(grand.value)) == exact(values)
    assert grand.value == float(exact(values))
    assert table.units(grand.value) == int(exact(values) * 100)


def test_precision_is_the_most_decimals_written():
    whole = Table.from_csv(BASIS.replace("0.1", "1").replace("0.2", "2").replace(
        "7471.7", "7471").replace("1.2", "1").replace("2436.1", "2436").replace(
        "1044.85", "1044").replace("0.3", "3"), hierarchies())
    assert whole.decimals == 0
    assert whole.text(whole.cells[("KZ", "T")].value) == "11078"
    assert whole.rounded(whole.cells[("KZ", "T")].value) == 11078
    assert isinstance(whole.rounded(whole.cells[("KZ", "T")].value), int)
    trailing = Table.from_csv(BASIS.replace("1044.85", "1044.8").replace("120,", "120.000,"),
                              hierarchies())
    assert trailing.decimals == 3  # "120.000": the basis says thousandths
    assert trailing.text(trailing.cells[("B2", "C")].value) == "120.000"
    # a Table built from floats takes the precision from their shortest text
    built = Table(hierarchies(), [c for c in Table.from_csv(BASIS, hierarchies()).inner_cells()])
    assert built.decimals == 2
    # floating-point noise is not precision: a value summed in floats by a spreadsheet
    noisy = Table.from_csv(BASIS.replace("1044.85", "1044.8").replace(
        "7471.7", repr(7471.6 + 0.3)), hierarchies())
    assert repr(7471.6 + 0.3) == "7471.900000000001"
    assert noisy.decimals == 1
    assert noisy.text(noisy.cells[("A2", "C")].value) == "7471.9"
    inner = [Cell(c.key, c.value + 0.1 + 0.2 - 0.3, c.respondents, inner=True)
             for c in noisy.inner_cells()]
    assert Table(hierarchies(), inner).decimals == 1


def test_combining_adds_exactly():
    table = Table.from_csv(BASIS, hierarchies())
    merged = combine(table, "activity", ["C", "D"], "CD")
    assert merged.decimals == 2
    assert merged.cells[("A1", "CD")].value == 0.3
    assert exact_sum([0.1, 0.2]) == 0.3


def published(tmp_path, table, status):
    out = tmp_path / "published.csv"
    write_csv(out, table, status)
    with open(out, encoding="utf-8") as stream:
        return {(r["region"], r["activity"]): r["shown"] for r in csv.DictReader(stream)}


def test_published_values_have_the_basis_precision_in_all_three_formats(tmp_path):
    from openpyxl import load_workbook

    table = Table.from_csv(BASIS, hierarchies())
    status = protect(table, [MinimumFrequency()]).status
    assert status[("A2", "D")] == "primary"
    shown = published(tmp_path, table, status)
    numbers = {k: v for k, v in shown.items() if v != "X"}
    assert numbers and all(len(v.split(".")[1]) == 2 for v in numbers.values())
    for key, text in numbers.items():
        assert Decimal(text) == table.exact(table.cells[key].value)
    assert shown[("A1", "T")] == "0.30" and shown[("B2", "C")] == "120.00"
    assert not any("000000" in v or "99999" in v for v in shown.values())
    # .xlsx: numbers at that precision, shown with two decimals
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table, status, "region", "activity",
                                                "en"))).active
    labels = [c.value for c in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    a1_total = rows["Semey"][labels.index("Total")]
    assert a1_total.value == 0.3 and a1_total.number_format == "#,##0.00"
    for row in sheet.iter_rows(min_row=2, max_row=8):
        for cell in row[1:]:
            if isinstance(cell.value, float):
                assert repr(cell.value) == repr(round(cell.value, 2))
                assert cell.number_format == "#,##0.00"
    # .html: the same texts
    page = to_html(table, status, "region", "activity", "en")
    assert "<td>0.30</td>" in page and "<td>120.00</td>" in page
    assert "0.30000000000000004" not in page and "0.3</td>" not in page


def test_a_whole_basis_stays_whole(tmp_path):
    from openpyxl import load_workbook

    from tests.helpers.disclosure_table import ACTIVITY as ACT
    from tests.helpers.disclosure_table import BASIS as WHOLE
    from tests.helpers.disclosure_table import REGIONS as REG

    table = Table.from_csv(WHOLE, {"region": Hierarchy.from_csv("region", REG),
                                   "activity": Hierarchy.from_csv("activity", ACT)})
    assert table.decimals == 0
    rows = long_rows(table, {})
    assert {r["shown"] for r in rows} >= {"1125", "120"}
    assert not any("." in r["shown"] for r in rows)
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table, {}, "region", "activity"))).active
    numbers = [c for row in sheet.iter_rows(min_row=2) for c in row[1:]
               if isinstance(c.value, int | float)]
    assert numbers and all(isinstance(c.value, int) and c.number_format == "#,##0"
                           for c in numbers)
    assert "<td>1125</td>" in to_html(table, {}, "region", "activity")


# -- large random tables of decimal values (hypothesis) --------------------------------------

def random_hierarchy(name, root, sizes):
    rows, line = [(1, root, "", root)], 2
    for g, size in enumerate(sizes):
        group = f"{root}{g}"
        rows.append((line, group, root, group))
        line += 1
        for n in range(size):
            rows.append((line, f"{group}.{n}", group, f"{group}.{n}"))
            line += 1
    return Hierarchy.from_rows(name, rows)


@st.composite
def decimal_tables(draw, max_groups=5, max_size=6, digits=st.integers(1, 12)):
    """A region × activity basis as CSV text with ``decimals`` digits after the point:
    ``(hierarchies, csv text, {key: units}, decimals)``."""
    regions = random_hierarchy("region", "R", draw(st.lists(st.integers(1, max_size),
                                                            min_size=1, max_size=max_groups)))
    activity = random_hierarchy("activity", "A", draw(st.lists(st.integers(1, max_size),
                                                               min_size=1, max_size=max_groups)))
    decimals = draw(st.integers(0, 3))
    magnitude = draw(digits)
    units, lines = {}, ["region,activity,value,respondents"]
    for r in regions.leaves():
        for a in activity.leaves():
            respondents = draw(st.sampled_from([0, 1, 1, 2, 3, 4, 7, 12]))
            if not respondents:
                continue
            value = draw(st.integers(1, 10 ** magnitude))
            units[(r, a)] = value
            text = str(Decimal(value).scaleb(-decimals)) if decimals else str(value)
            lines.append(f"{r},{a},{text},{respondents}")
    if not units:
        lines.append(f"{regions.leaves()[0]},{activity.leaves()[0]},1,1")
        units[(regions.leaves()[0], activity.leaves()[0])] = 10 ** decimals
    return {"region": regions, "activity": activity}, "\n".join(lines) + "\n", units, decimals


def shown_decimals(text):
    return len(text.split(".")[1]) if "." in text else 0


FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(decimal_tables(max_groups=6, max_size=8))
def test_every_total_is_exact_and_written_at_the_basis_precision(case):
    dims, text, units, decimals = case
    table = Table.from_csv(text, dims)
    written = max((shown_decimals(line.split(",")[2]) for line in text.splitlines()[1:]),
                  default=0)
    assert table.decimals == written <= decimals
    rows = {(r["region"], r["activity"]): r["shown"] for r in long_rows(table, {})}
    for key, cell in table.cells.items():
        parts = [u for (r, a), u in units.items()
                 if key[0] in dims["region"].lineage(r) and key[1] in dims["activity"].lineage(a)]
        expected = Decimal(sum(parts)).scaleb(-decimals)
        assert table.exact(cell.value) == expected, key
        assert Decimal(rows[key]) == expected
        assert shown_decimals(rows[key]) == table.decimals


PROTECT = settings(max_examples=15, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROTECT
@given(decimal_tables(max_groups=3, max_size=5, digits=st.integers(6, 14)),
       st.sampled_from([2, 3]), st.sampled_from([None, 10.0]))
def test_protect_and_audit_large_decimal_values_without_failing(case, threshold, protection):
    """Values up to 10**14 units (a hundred billion with three decimals), whose float
    sums do not add up: protect and its audit run through, every hidden primary cell's
    range (an LP in exact units) holds its value and is at least one unit of the basis's
    precision wide — not derivable, even knowing the values lie on that grid — and with
    a protection level only cells protect reported as unprotectable fall short."""
    from statportal.disclosure.gauss import audit
    from statportal.disclosure.protect import lp_values

    dims, text, _units, _decimals = case
    table = Table.from_csv(text, dims)
    rules = [MinimumFrequency(threshold=threshold)]
    result = protect(table, rules, protection=protection)
    x, keys, _inner = table.model_matrix()
    values, scale = lp_values(table, keys)
    assert scale == table.scale  # the exact path
    hidden = np.array([key in result.status for key in keys])
    for finding in audit(x, values, hidden, lower=0.0):
        if result.status[keys[finding["cell"]]] == "primary":
            assert finding["low"] - 1e-6 <= finding["value"] <= finding["high"] + 1e-6
            assert finding["high"] - finding["low"] >= 1 - 1e-6, keys[finding["cell"]]
    short = audit_table(table, result.status, result.required or None)
    if protection:
        assert {item["key"] for item in short} <= set(result.unprotected)


@PROTECT
@given(decimal_tables(max_groups=3, max_size=5, digits=st.integers(8, 15)))
def test_a_published_table_of_large_decimals_reads_back_and_audits(case):
    from statportal.disclosure.cli import read_published

    dims, text, _units, _decimals = case
    table = Table.from_csv(text, dims)
    result = protect(table, [MinimumFrequency()])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*table.dims, "shown", "status"])
    writer.writeheader()
    writer.writerows(long_rows(table, result.status))
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False,
                                     encoding="utf-8") as stream:
        stream.write(buffer.getvalue())
    again, status = read_published(stream.name, dims)
    assert status == result.status
    if len(status) < len(table.cells):  # the shown numbers carry the precision
        assert again.decimals == table.decimals
    for key, cell in again.cells.items():
        if key not in status:
            assert again.units(cell.value) == table.units(table.cells[key].value)
    assert audit_table(again, status, values_known=False) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_lp_audit_holds_on_large_magnitudes(data):
    """Whole units as large as floats hold exactly, and values with one decimal whose
    float sums carry noise: each hidden cell's range holds its value (to a tolerance
    relative to the table's magnitude), and nothing is found infeasible."""
    from statportal.disclosure.gauss import audit

    rows = data.draw(st.integers(2, 12))
    cols = data.draw(st.integers(2, 12))
    top = data.draw(st.sampled_from([10 ** 6, 10 ** 10, 10 ** 13]))
    inner = np.array(data.draw(st.lists(st.integers(0, top), min_size=rows * cols,
                                        max_size=rows * cols)), dtype=float)
    # Decimals as floats: 0.1 is not exact, nor are the sums. Tenths of cells of 10¹² carry
    # noise of their sums (10¹⁴: a float's step is 0.016) into every cell derived from
    # them, so there the library is given whole units, as Table gives them.
    if top < 10 ** 13 and data.draw(st.booleans()):
        inner = inner / 10
    # x: the inner cells, the row sums, the column sums and the grand total
    n = rows * cols
    columns = [[i] for i in range(n)]
    columns += [[r * cols + c for c in range(cols)] for r in range(rows)]
    columns += [[r * cols + c for r in range(rows)] for c in range(cols)]
    columns.append(list(range(n)))
    x = np.zeros((n, len(columns)))
    for j, members in enumerate(columns):
        x[members, j] = 1
    values = x.T @ inner
    assert values.max() < 2 ** 53
    suppressed = np.array(data.draw(st.lists(st.booleans(), min_size=len(columns),
                                             max_size=len(columns))))
    tolerance = 1e-9 * max(1.0, float(values.max()))
    for finding in audit(x, values, suppressed):
        assert finding["low"] - tolerance <= finding["value"] <= finding["high"] + tolerance


def test_zero_cells_beside_a_large_one_are_no_contradiction():
    """Found by the test above: a row of tenths whose hidden cells are 0.0 beside
    536870852.4 leaves a rest of -6e-8 (float noise at the row's scale), which no
    non-negative cells add up to; the audit takes that rest as zero."""
    from statportal.disclosure.gauss import audit

    rows, cols = 2, 12
    inner = np.array([5_368_708_524] + [0] * 9 + [1, 597] + [0] * 12, dtype=float) / 10
    columns = [[i] for i in range(rows * cols)]
    columns += [[r * cols + c for c in range(cols)] for r in range(rows)]
    columns += [[r * cols + c for r in range(rows)] for c in range(cols)]
    columns.append(list(range(rows * cols)))
    x = np.zeros((rows * cols, len(columns)))
    for j, members in enumerate(columns):
        x[members, j] = 1
    suppressed = np.zeros(len(columns), dtype=bool)
    suppressed[[1, 2, 27, 28]] = True  # two zero cells and their column totals
    findings = audit(x, x.T @ inner, suppressed)
    assert [(f["cell"], f["low"], f["high"]) for f in findings] == [
        (1, 0.0, 0.0), (2, 0.0, 0.0), (27, 0.0, 0.0), (28, 0.0, 0.0)]


# -- contradictions are named, not tracebacks ----------------------------------------------

def test_a_contradiction_names_the_relation():
    table = Table.from_csv(BASIS, hierarchies())
    status = {("A2", "D"): "primary", ("A2", "C"): "secondary", ("B2", "D"): "secondary",
              ("B2", "C"): "secondary"}
    table.cells[("A2", "T")].value = 1.0  # shown: below its parts C (hidden) and D (hidden)
    table.cells[("A", "T")].value += 5000  # and its region total no longer adds up
    with pytest.raises(InconsistentTable) as caught:
        audit_table(table, status, values_known=False)
    assert isinstance(caught.value, InputError)
    assert "contradict" in str(caught.value)
    assert caught.value.keys
    assert " × " in str(caught.value) and "the sum of" in str(caught.value)


# inner a, b, c, d of a 2 × 2 table; then R1 = a+b, R2 = c+d, C1 = a+c, C2 = b+d, T
X22 = np.array([[1, 0, 0, 0, 1, 0, 1, 0, 1],
                [0, 1, 0, 0, 1, 0, 0, 1, 1],
                [0, 0, 1, 0, 0, 1, 1, 0, 1],
                [0, 0, 0, 1, 0, 1, 0, 1, 1]])
VALUES22 = np.array([1, 2, 3, 4, 3, 7, 4, 6, 10], dtype=float)


@pytest.mark.parametrize(("hidden", "change", "cells", "words"), [
    ([0], {7: 7}, [7], "a published cell is 7 but its parts, all known, add up to 6"),
    ([0], {6: 5}, [4, 6], "give one inner cell two values"),
    ([0], {8: 11}, [4, 8], "give one inner cell two values"),
    ([0, 2], {4: 1}, [4], "outside its bounds"),
    ([0, 1, 2, 3], {4: -1, 5: 11}, [4], "can only reach [0, inf]"),
    ([0, 1, 2, 3], {8: 11}, [4, 5, 6, 7, 8], "no values of the 4 unknown inner cells"),
])
def test_the_audit_says_which_published_cells_contradict(hidden, change, cells, words):
    from statportal.disclosure.gauss import InconsistentCells, audit

    values = VALUES22.copy()
    for j, v in change.items():
        values[j] = v
    suppressed = np.zeros(9, dtype=bool)
    suppressed[hidden] = True
    with pytest.raises(InconsistentCells) as caught:
        audit(X22, values, suppressed)
    assert sorted(caught.value.cells) == cells
    assert "contradict" in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize(("value", "top1", "top2", "rule"), [
    (102.1, 61.26, 0.0, "dominance 1,60"),     # 61.26 is exactly 60 % of 102.1
    (7471.9, 5603.925, 0.0, "dominance 1,75"),
    (102.1, 40.84, 20.42, "dominance 2,60"),
    (105.6, 96.0, 0.0, "p 10"),                # 105.6 − 96.0 is exactly 10 % of 96.0
    (102.1, 81.68, 0.0, "p 25"),
])
def test_rules_decide_at_their_boundary_in_exact_decimals(value, top1, top2, rule):
    from statportal.disclosure.rules import Dominance, PPercent

    name, parameter = rule.split()
    if name == "dominance":
        n, k = parameter.split(",")
        checker = Dominance(n=int(n), k=float(k))
        floats = top1 + (top2 if n == "2" else 0.0) > float(k) / 100 * value
    else:
        checker = PPercent(p=float(parameter))
        floats = value - top1 - top2 < float(parameter) / 100 * top1
    assert floats  # in floats the cell is (wrongly) on the unsafe side of the boundary
    cell = Cell(("x",), value, 5, top1, top2, consent=False, inner=True)
    assert not checker.unsafe(cell)  # exactly at the boundary: not beyond it
    nudged = Cell(("x",), value, 5, top1 + 0.001, top2, consent=False, inner=True)
    assert checker.unsafe(nudged)  # a thousandth beyond it
