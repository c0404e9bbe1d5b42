"""The table model of disclosure control: hierarchies, the basis, derived totals, rules."""

import pytest

from statportal.disclosure import (
    Dominance,
    Hierarchy,
    InputError,
    MinimumFrequency,
    PPercent,
    Table,
    primary_cells,
)
from tests.helpers.disclosure_table import ACTIVITY, BASIS, REGIONS


def hierarchies():
    return {"region": Hierarchy.from_csv("region", REGIONS),
            "activity": Hierarchy.from_csv("activity", ACTIVITY)}


def test_totals_along_every_hierarchy():
    table = Table.from_csv(BASIS, hierarchies())
    assert len(table.cells) == 6 * 3  # 6 region codes × 3 activity codes
    grand = table.cells[("KZ", "TOTAL")]
    assert (grand.value, grand.respondents) == (1125, 11)
    assert (grand.top1, grand.top2) == (400, 150)
    abai_b = table.cells[("ABAI", "B")]
    assert (abai_b.value, abai_b.respondents, abai_b.top1) == (120, 1, 120)
    assert not table.cells[("KZ", "C")].consent  # not every respondent consented
    assert table.cells[("AKM", "C")].consent  # its only respondent did
    assert table.cells[("ABAI-2", "B")].empty


def test_primary_rules():
    table = Table.from_csv(BASIS, hierarchies())
    unsafe = primary_cells(table, [MinimumFrequency()])
    # The sole respondent of ABAI-1×B, and every total that is that respondent alone;
    # AKM-1×C consented; the empty cell is not confidential.
    assert set(unsafe) == {("ABAI-1", "B"), ("ABAI", "B")}
    assert set(primary_cells(table, [MinimumFrequency(threshold=3)])) >= {("AKM-1", "B")}
    dominance = Dominance(n=1, k=85)
    assert dominance.unsafe(table.cells[("AKM-1", "B")])  # 90 of 95
    assert dominance.protection(table.cells[("AKM-1", "B")]) == pytest.approx(
        100 / 85 * 90 - 95)
    p = PPercent(p=10)
    assert p.unsafe(table.cells[("AKM-1", "B")])  # two respondents
    assert not p.unsafe(table.cells[("ABAI-1", "C")])  # 300-150-80 = 70 ≥ 15


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    ("code,parent,label\nKZ,,a\nKZ,,b\n", 3, "code", "given twice"),
    ("code,parent,label\nKZ,,a\nX,,b\n", 3, "parent", "two roots"),
    ("code,parent,label\nKZ,,a\nA,B,x\nB,A,y\n", 3, "parent", "cycle"),
    ("code,parent,label\nKZ,,a\nA,NOPE,x\n", 3, "parent", "not a code"),
    ("code,label\nKZ,a\n", 1, "parent", "missing column"),
    ("code,parent,label\nA,B,x\nB,A,y\n", None, None, "no root"),
])
def test_bad_hierarchies(text, line, column, message):
    with pytest.raises(InputError) as error:
        Hierarchy.from_csv("region", text, file="regions.csv")
    assert (error.value.line, error.value.column) == (line, column)
    assert message in str(error.value) and "regions.csv" in str(error.value)


@pytest.mark.parametrize(("change", "line", "column", "message"), [
    (("ABAI-1,B,120,1,120,0,", "ABAI-1,B,сто,1,120,0,"), 2, "value", "not a number"),
    (("ABAI-1,B,120,1,120,0,", "ABAI-1,B,120,-1,120,0,"), 2, "respondents", "negative"),
    (("ABAI-1,B,120,1,120,0,", "ABAI-9,B,120,1,120,0,"), 2, "region", "not a code"),
    (("ABAI-1,B,120,1,120,0,", "ABAI,B,120,1,120,0,"), 2, "region", "is a total"),
    (("ABAI-2,B,0,0,,,", "ABAI-1,B,0,0,,,"), 4, None, "given twice"),
    (("ABAI-1,B,120,1,120,0,", "ABAI-1,B,120,1.5,120,0,"), 2, "respondents", "whole number"),
    (("AKM-1,C,400,1,400,0,true", "AKM-1,C,400,1,400,0,maybe"), 7, "consent", "true or false"),
    (("region,activity,value,respondents", "region,activity,value,count"), 1, "respondents",
     "missing column"),
])
def test_bad_basis_names_file_line_and_column(change, line, column, message):
    text = BASIS.replace(*change)
    with pytest.raises(InputError) as error:
        Table.from_csv(text, hierarchies(), file="basis.csv")
    assert (error.value.file, error.value.line, error.value.column) == ("basis.csv", line,
                                                                        column)
    assert message in str(error.value)


def test_model_matrix_sums_inner_cells():
    import numpy

    table = Table.from_csv(BASIS, hierarchies())
    x, keys, inner_keys = table.model_matrix()
    values = numpy.array([table.cells[k].value for k in inner_keys])
    totals = x.T @ values
    for key, total in zip(keys, totals, strict=True):
        assert total == pytest.approx(table.cells[key].value), key
    assert keys[0] == ("KZ", "TOTAL")  # depth-first: the grand total first


def test_published_outputs(tmp_path):
    """Long form with X and statuses; the xlsx pivot carries X and its footnote, so the
    portal's previews and house style accept it as a published table."""
    import csv

    from statportal.disclosure.output import long_rows, to_html, write_csv, write_xlsx
    from statportal.files.previews import make_preview

    table = Table.from_csv(BASIS, hierarchies())
    status = {("ABAI-1", "B"): "primary", ("ABAI", "B"): "primary",
              ("ABAI-1", "C"): "secondary", ("ABAI", "C"): "secondary"}
    rows = long_rows(table, status)
    assert rows[0] == {"region": "KZ", "activity": "TOTAL", "shown": "1125",
                       "status": "published"}
    path = tmp_path / "published.csv"
    write_csv(path, table, status)
    with open(path, encoding="utf-8") as stream:
        written = list(csv.DictReader(stream))
    assert {(r["region"], r["activity"]): (r["shown"], r["status"]) for r in written}[
        ("ABAI-1", "B")] == ("X", "primary")
    xlsx = tmp_path / "published.xlsx"
    write_xlsx(xlsx, table, status, "region", "activity")
    preview = make_preview("xlsx", xlsx.read_bytes())
    assert preview["has_x"] and preview["x_explained"]
    assert to_html(table, status, "region", "activity").count('class="confidential"') == 4


def test_failed_write_leaves_no_file(tmp_path):
    from statportal.disclosure.output import write_atomically

    target = tmp_path / "out.csv"

    def explode(stream):
        stream.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, explode)
    assert list(tmp_path.iterdir()) == []


def test_the_engine_imports_without_pyramid_or_zodb():
    import subprocess
    import sys

    code = ("import sys, statportal.disclosure.protect, statportal.disclosure.cli, "
            "statportal.disclosure.operations, statportal.disclosure.output; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'pyramid', 'ZODB', 'colander', 'deform', 'persistent'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
