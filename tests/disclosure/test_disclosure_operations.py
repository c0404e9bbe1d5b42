"""Art. 22's other ways of concealing data — a higher level of the classification, another
element of it, several elements combined into one — on small tables checked by hand."""

import csv
import json

import pytest

from statportal.disclosure import (
    Cell,
    Hierarchy,
    InputError,
    MinimumFrequency,
    Table,
    primary_cells,
)
from statportal.disclosure.operations import Operation, collapse, combine, transfer
from tests.helpers.disclosure_cli import dims, read, run
from tests.helpers.disclosure_table import ACTIVITY, BASIS, REGIONS


def hierarchy(name, tree, labels=None):
    """``tree``: {code: parent}; the root's parent is ""."""
    return Hierarchy.from_rows(name, [(n, code, parent, (labels or {}).get(code, code))
                                      for n, (code, parent) in enumerate(tree.items(), 2)])


def build(cells, regions, activity):
    """``cells``: {(region, activity): (value, respondents, top1, top2, consent)}."""
    return Table({"region": regions, "activity": activity},
                 [Cell(key, *data, inner=True) for key, data in cells.items()])


#          O1: d11 d12     O2: d21 d22        (value, respondents, top1, top2, consent)
CELLS = {("d11", "a"): (10, 1, 10, 0, False), ("d12", "a"): (20, 2, 15, 5, False),
         ("d21", "a"): (30, 3, 20, 6, True), ("d22", "a"): (40, 4, 25, 8, True),
         ("d11", "b"): (5, 1, 5, 0, True), ("d12", "b"): (0, 0, 0, 0, False),
         ("d21", "b"): (50, 5, 30, 9, False), ("d22", "b"): (60, 2, 35, 25, True)}


def districts():
    regions = hierarchy("region", {"KZ": "", "O1": "KZ", "O2": "KZ", "d11": "O1",
                                   "d12": "O1", "d21": "O2", "d22": "O2"})
    return build(CELLS, regions, hierarchy("activity", {"T": "", "a": "T", "b": "T"}))


def figures(table, key):
    cell = table.cells[key]
    return cell.value, cell.respondents


def snapshot(table):
    """Everything an operation could change in its input, by value."""
    return ({key: (cell.value, cell.respondents, cell.top1, cell.top2, cell.consent,
                   cell.inner) for key, cell in table.cells.items()},
            {dim: (dict(h.parents), dict(h.labels), {c: list(k) for c, k in h.children.items()},
                   h.root) for dim, h in table.hierarchies.items()},
            list(getattr(table, "notes", [])))


# -- collapse ----------------------------------------------------------------------------------
def test_collapse_to_oblasts_sums_districts():
    table = districts()
    before = snapshot(table)
    oblasts = collapse(table, "region", 1)
    regions = oblasts.hierarchies["region"]
    assert list(regions.parents) == ["KZ", "O1", "O2"]
    assert regions.is_leaf("O1") and regions.is_leaf("O2") and "d11" not in regions
    assert len(oblasts.cells) == 3 * 3
    o1a = oblasts.cells[("O1", "a")]
    assert o1a.inner and (o1a.value, o1a.respondents, o1a.top1, o1a.top2) == (30, 3, 15, 10)
    assert not o1a.consent  # neither part consented
    o2b = oblasts.cells[("O2", "b")]
    assert (o2b.value, o2b.respondents, o2b.top1, o2b.top2) == (110, 7, 35, 30)
    assert not o2b.consent  # d22 × b consented, d21 × b did not
    assert oblasts.cells[("O2", "a")].consent  # both parts consented
    assert oblasts.cells[("O1", "b")].consent  # d11 × b consented; d12 × b is empty
    assert figures(oblasts, ("O1", "T")) == (35, 4)
    assert figures(oblasts, ("O2", "T")) == (180, 14)
    assert figures(oblasts, ("KZ", "T")) == (215, 18)
    # the input is untouched, and shares no object with the result
    assert snapshot(table) == before
    assert oblasts.hierarchies["activity"] is not table.hierarchies["activity"]
    assert not set(map(id, oblasts.cells.values())) & set(map(id, table.cells.values()))
    assert oblasts.notes == [Operation("collapse", "region", ("O1", "O2"), depth=1,
                                       removed=("d11", "d12", "d21", "d22"))]


def test_collapse_lifts_a_sole_respondent_into_a_safe_aggregate():
    table = districts()
    assert set(primary_cells(table, [MinimumFrequency()])) == {("d11", "a")}
    oblasts = collapse(table, "region", 1)
    assert primary_cells(oblasts, [MinimumFrequency()]) == {}
    # three respondents in O1 × a: still confidential with a threshold of 4
    assert set(primary_cells(oblasts, [MinimumFrequency(threshold=4)])) == {("O1", "a")}


def test_collapse_to_the_root_and_an_unbalanced_hierarchy():
    table = districts()
    republic = collapse(table, "region", 0)
    assert list(republic.hierarchies["region"].parents) == ["KZ"]
    assert sorted(republic.cells) == [("KZ", "T"), ("KZ", "a"), ("KZ", "b")]
    assert republic.cells[("KZ", "a")].inner
    assert figures(republic, ("KZ", "a")) == (100, 10)
    assert figures(republic, ("KZ", "T")) == (215, 18)
    # a leaf above the level (O3 has no districts) stays as it is
    regions = hierarchy("region", {"KZ": "", "O1": "KZ", "O3": "KZ", "d11": "O1",
                                   "d12": "O1"})
    activity = hierarchy("activity", {"T": "", "a": "T"})
    cells = {("d11", "a"): (1, 1, 1, 0, False), ("d12", "a"): (2, 1, 2, 0, False),
             ("O3", "a"): (4, 1, 4, 0, False)}
    oblasts = collapse(build(cells, regions, activity), "region", 1)
    assert figures(oblasts, ("O1", "a")) == (3, 2)
    assert figures(oblasts, ("O3", "a")) == (4, 1)
    assert oblasts.notes[0].codes == ("O1",)  # O3 held nothing deeper


# -- transfer ----------------------------------------------------------------------------------
def test_transfer_across_oblasts_changes_both_totals():
    table = districts()
    before = snapshot(table)
    moved = transfer(table, "region", "d12", "d21")
    d21a = moved.cells[("d21", "a")]
    assert (d21a.value, d21a.respondents, d21a.top1, d21a.top2) == (50, 5, 20, 15)
    assert not d21a.consent  # d12 × a did not consent
    assert figures(moved, ("d21", "b")) == (50, 5)  # d12 × b was empty
    # d12 had nothing left: it is gone; O1 loses it, O2 gains it, the republic is the same
    assert "d12" not in moved.hierarchies["region"]
    assert moved.hierarchies["region"].children["O1"] == ["d11"]
    assert not any(key[0] == "d12" for key in moved.cells)
    assert figures(moved, ("O1", "T")) == (15, 2)  # was 35, 4
    assert figures(moved, ("O2", "T")) == (200, 16)  # was 180, 14
    assert figures(moved, ("O1", "a")) == (10, 1)
    assert figures(moved, ("O2", "a")) == (90, 9)
    assert figures(moved, ("KZ", "T")) == (215, 18)
    assert figures(table, ("O1", "T")) == (35, 4)
    assert snapshot(table) == before
    assert moved.notes == [Operation("transfer", "region", ("d12",), target="d21",
                                     removed=("d12",))]


def test_transfer_where_moves_one_cell_only():
    table = districts()
    moved = transfer(table, "activity", "a", "b", where={"region": "d11"})
    d11b = moved.cells[("d11", "b")]
    assert (d11b.value, d11b.respondents, d11b.top1, d11b.top2) == (15, 2, 10, 5)
    assert not d11b.consent  # d11 × b consented, d11 × a did not
    emptied = moved.cells[("d11", "a")]
    assert emptied.inner and emptied.empty and emptied.value == 0
    assert figures(moved, ("d12", "a")) == (20, 2)  # other districts keep their data
    assert figures(moved, ("O1", "a")) == (20, 2)  # was 30, 3
    assert figures(moved, ("O1", "b")) == (15, 2)  # was 5, 1
    assert figures(moved, ("KZ", "a")) == (90, 9)
    assert figures(moved, ("KZ", "T")) == (215, 18)
    assert "a" in moved.hierarchies["activity"]  # a still has respondents elsewhere
    assert primary_cells(moved, [MinimumFrequency()]) == {}
    assert moved.notes[0].where == (("region", "d11"),) and moved.notes[0].removed == ()
    assert moved.notes[0].as_dict()["where"] == {"region": "d11"}
    assert figures(table, ("d11", "a")) == (10, 1)


def test_transfer_where_a_total_covers_its_districts():
    moved = transfer(districts(), "activity", "a", "b", where={"region": "O1"})
    assert figures(moved, ("d11", "b")) == (15, 2)
    assert figures(moved, ("d12", "b")) == (20, 2)
    assert figures(moved, ("O1", "a")) == (0, 0)
    assert figures(moved, ("O2", "a")) == (70, 7)


def test_transfer_removes_an_emptied_code_and_its_childless_oblast():
    regions = {name: Hierarchy.from_csv(name, text)
               for name, text in (("region", REGIONS), ("activity", ACTIVITY))}
    table = Table.from_csv(BASIS, regions)
    moved = transfer(table, "region", "AKM-1", "ABAI-2")
    assert "AKM-1" not in moved.hierarchies["region"]
    assert "AKM" not in moved.hierarchies["region"]
    assert moved.hierarchies["region"].children["KZ"] == ["ABAI"]
    assert moved.notes[0].removed == ("AKM-1", "AKM")
    c = moved.cells[("ABAI-2", "C")]
    assert (c.value, c.respondents, c.top1, c.top2, c.consent) == (610, 4, 400, 100, False)
    b = moved.cells[("ABAI-2", "B")]  # was empty: takes AKM-1 × B as it is
    assert (b.value, b.respondents, b.top1, b.top2) == (95, 2, 90, 5)
    assert figures(moved, ("ABAI", "TOTAL")) == (1125, 11)
    assert len(moved.cells) == 4 * 3
    assert "AKM" in table.hierarchies["region"] and len(table.cells) == 6 * 3


# -- combine -----------------------------------------------------------------------------------
def activities():
    regions = hierarchy("region", {"R": "", "r1": "R", "r2": "R"})
    activity = hierarchy("activity", {"T": "", "a": "T", "b": "T", "c": "T", "d": "T"},
                         labels={"b": "Mining", "d": "Energy"})
    cells = {("r1", "a"): (1, 1, 1, 0, False), ("r1", "b"): (10, 1, 10, 0, True),
             ("r1", "c"): (20, 1, 20, 0, True), ("r1", "d"): (30, 3, 15, 10, False),
             ("r2", "b"): (7, 1, 7, 0, True), ("r2", "c"): (0, 0, 0, 0, False),
             ("r2", "d"): (8, 2, 5, 3, True)}
    return build(cells, regions, activity)


def test_combine_keeps_the_position_and_merges_consent():
    table = activities()
    before = snapshot(table)
    combined = combine(table, "activity", ["d", "b"], "bd")
    activity = combined.hierarchies["activity"]
    assert activity.children["T"] == ["a", "bd", "c"]  # where b, the first, stood
    assert list(activity.parents) == ["T", "a", "bd", "c"]
    assert activity.labels["bd"] == "Mining, Energy"
    r1 = combined.cells[("r1", "bd")]
    assert (r1.value, r1.respondents, r1.top1, r1.top2) == (40, 4, 15, 10)
    assert not r1.consent  # r1 × d did not consent
    r2 = combined.cells[("r2", "bd")]
    assert (r2.value, r2.respondents, r2.top1, r2.top2, r2.consent) == (15, 3, 7, 5, True)
    assert figures(combined, ("r1", "T")) == (61, 6)
    assert figures(combined, ("R", "bd")) == (55, 7)
    assert not any(key[1] in ("b", "d") for key in combined.cells)
    assert snapshot(table) == before
    assert combined.notes == [Operation("combine", "activity", ("b", "d"), target="bd",
                                        label="Mining, Energy", removed=("b", "d"))]


def test_combine_with_an_empty_part_and_a_label_then_chain():
    table = collapse(activities(), "region", 0)
    combined = combine(table, "activity", ["b", "c"], "bc", label="Industry")
    assert combined.hierarchies["activity"].labels["bc"] == "Industry"
    bc = combined.cells[("R", "bc")]
    assert (bc.value, bc.respondents, bc.top1, bc.top2) == (37, 3, 20, 10)
    assert bc.consent  # every non-empty part consented
    # r2 × c is empty and non-consenting; it does not spoil r2's consent
    only_r2 = combine(activities(), "activity", ["b", "c"], "bc").cells[("r2", "bc")]
    assert (only_r2.value, only_r2.respondents, only_r2.consent) == (7, 1, True)
    assert [note.kind for note in combined.notes] == ["collapse", "combine"]
    assert len(table.notes) == 1  # the first result is not appended to


def test_labels_per_language_are_kept_and_written(tmp_path):
    from statportal.disclosure.operations import write_hierarchy

    table = activities()
    table.hierarchies["activity"].names = {"b": {"ru": "Горнодобыча"},
                                           "d": {"ru": "Энергетика", "en": "Energy"}}
    combined = combine(table, "activity", ["b", "d"], "bd")
    names = combined.hierarchies["activity"].names
    assert names == {"bd": {"ru": "Горнодобыча, Энергетика", "en": "Mining, Energy"}}
    labelled = combine(table, "activity", ["b", "c"], "bc", label="Industry")
    assert labelled.hierarchies["activity"].names == {"d": {"ru": "Энергетика",
                                                            "en": "Energy"}}
    write_hierarchy(tmp_path / "activity.csv", combined.hierarchies["activity"])
    with open(tmp_path / "activity.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["code"], r["parent"], r["label"], r["label_ru"], r["label_en"])
            for r in rows] == [("T", "", "T", "", ""), ("a", "T", "a", "", ""),
                               ("bd", "T", "Mining, Energy", "Горнодобыча, Энергетика",
                                "Mining, Energy"), ("c", "T", "c", "", "")]


# -- bad arguments -----------------------------------------------------------------------------
@pytest.mark.parametrize(("operation", "message"), [
    (lambda t: collapse(t, "sex", 1), "unknown dimension 'sex'"),
    (lambda t: transfer(t, "sex", "a", "b"), "unknown dimension 'sex'"),
    (lambda t: combine(t, "sex", ["a", "b"], "ab"), "unknown dimension 'sex'"),
    (lambda t: collapse(t, "region", 2), "depth 2 is out of range"),
    (lambda t: collapse(t, "region", -1), "depth -1 is out of range"),
    (lambda t: collapse(t, "activity", 1), "depth 1 is out of range"),
    (lambda t: collapse(t, "region", "1"), "depth '1' is out of range"),
    (lambda t: transfer(t, "region", "d99", "d21"), "'d99' is not a code of region"),
    (lambda t: transfer(t, "region", "d11", "d99"), "'d99' is not a code of region"),
    (lambda t: transfer(t, "region", "O1", "d21"), "'O1' is a total of region"),
    (lambda t: transfer(t, "region", "d11", "O2"), "'O2' is a total of region"),
    (lambda t: transfer(t, "region", "d11", "d11"), "onto itself"),
    (lambda t: transfer(t, "activity", "a", "b", {"sex": "m"}), "unknown dimension 'sex'"),
    (lambda t: transfer(t, "activity", "a", "b", {"region": "d9"}),
     "'d9' is not a code of region"),
    (lambda t: transfer(t, "activity", "a", "b", {"activity": "a"}), "cannot restrict"),
    (lambda t: combine(t, "region", ["d11"], "x"), "at least two codes"),
    (lambda t: combine(t, "region", ["d11", "d11"], "x"), "given twice"),
    (lambda t: combine(t, "region", "d11", "x"), "not the string"),
    (lambda t: combine(t, "region", ["d11", "d21"], "x"), "not siblings"),
    (lambda t: combine(t, "region", ["O1", "O2"], "x"), "'O1' is a total of region"),
    (lambda t: combine(t, "region", ["d11", "d99"], "x"), "'d99' is not a code"),
    (lambda t: combine(t, "region", ["d11", "d12"], "d21"), "'d21' is already a code"),
    (lambda t: combine(t, "region", ["d11", "d12"], "O1"), "'O1' is already a code"),
    (lambda t: combine(t, "region", ["d11", "d12"], ""), "new code of region is empty"),
])
def test_bad_arguments(operation, message):
    table = districts()
    before = snapshot(table)
    with pytest.raises(InputError) as error:
        operation(table)
    assert message in str(error.value)
    assert snapshot(table) == before


def test_nothing_to_move_or_to_collapse():
    sparse = activities()  # r2 × a is not in the basis
    with pytest.raises(InputError, match="'a' has no cell where region is 'r2': nothing"):
        transfer(sparse, "activity", "a", "b", where={"region": "r2"})
    flat = build({("R", "a"): (1, 1, 1, 0, False)}, hierarchy("region", {"R": ""}),
                 hierarchy("activity", {"T": "", "a": "T"}))
    with pytest.raises(InputError, match="nothing to collapse"):
        collapse(flat, "region", 0)


# -- command line ------------------------------------------------------------------------------
@pytest.fixture
def files(tmp_path):
    for name, text in (("regions", REGIONS), ("activity", ACTIVITY), ("basis", BASIS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_protect_collapsed_then_audit_and_check(files):
    out, published = files / "published.csv", files / "hierarchies"
    code, text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                          "--collapse", "region=1", "--out", str(out), "--report",
                          str(files / "report.json"), "--hierarchies-out", str(published))
    assert code == 0, text + err
    shown = read(out)
    assert {region for region, _activity in shown} == {"KZ", "ABAI", "AKM"}
    assert shown[("ABAI", "TOTAL")] == ("630", "published")  # ABAI-1 + ABAI-2
    assert shown[("ABAI", "B")] == ("X", "primary")  # still a sole respondent
    report = json.loads((files / "report.json").read_text())
    assert report["primary"] == 1 and report["exposed"] == []
    assert report["operations"] == [{"kind": "collapse", "dim": "region",
                                     "codes": ["ABAI", "AKM"], "target": None, "depth": 1,
                                     "where": {}, "label": None,
                                     "removed": ["ABAI-1", "ABAI-2", "AKM-1"]}]
    with open(published / "region.csv", encoding="utf-8") as stream:
        assert [(r["code"], r["parent"], r["label"]) for r in csv.DictReader(stream)] == [
            ("KZ", "", "Қазақстан Республикасы"), ("ABAI", "KZ", "Абай облысы"),
            ("AKM", "KZ", "Ақмола облысы")]
    assert (published / "activity.csv").exists()
    as_published = ["--dim", f"region={published / 'region.csv'}", "--dim",
                    f"activity={published / 'activity.csv'}"]
    code, text, _err = run("disclosure", "audit", str(out), *as_published)
    assert code == 0 and "0 exposed" in text
    code, text, _err = run("disclosure", "check", str(out), "--basis",
                           str(files / "basis.csv"), *dims(files), "--collapse", "region=1")
    assert code == 0, text


def test_protect_applies_operations_in_order(files):
    out, report = files / "published.csv", files / "report.json"
    code, text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                          "--transfer", "region=AKM-1:ABAI-2", "--collapse", "region=1",
                          "--combine", "activity=B+C:BC:Mining: all", "--out", str(out),
                          "--report", str(report))
    assert code == 0, text + err
    assert "--hierarchies-out" in err  # the note: the hierarchies changed
    assert read(out) == {("KZ", "TOTAL"): ("1125", "published"),
                         ("KZ", "BC"): ("1125", "published"),
                         ("ABAI", "TOTAL"): ("1125", "published"),
                         ("ABAI", "BC"): ("1125", "published")}
    kinds = [(o["kind"], o["target"], o["label"])
             for o in json.loads(report.read_text())["operations"]]
    assert kinds == [("transfer", "ABAI-2", None), ("collapse", None, None),
                     ("combine", "BC", "Mining: all")]
    # the other order: after the collapse there is no AKM-1 to transfer
    code, _text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           "--collapse", "region=1", "--transfer", "region=AKM-1:ABAI-2",
                           "--out", str(files / "other.csv"))
    assert code == 2
    assert "--transfer 'region=AKM-1:ABAI-2': 'AKM-1' is not a code of region" in err
    assert not (files / "other.csv").exists()


def test_protect_transfer_where_clears_the_primary(files):
    out, report = files / "published.csv", files / "report.json"
    code, text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                          "--transfer", "activity=B:C@region=ABAI-1", "--out", str(out),
                          "--report", str(report), "--hierarchies-out", str(files / "h"))
    assert code == 0, text + err
    shown = read(out)
    assert shown[("ABAI-1", "B")] == ("0", "published")
    assert shown[("ABAI-1", "C")] == ("420", "published")
    assert shown[("KZ", "TOTAL")] == ("1125", "published")
    data = json.loads(report.read_text())
    assert (data["primary"], data["secondary"]) == (0, 0)
    assert data["operations"][0]["where"] == {"region": "ABAI-1"}
    assert run("disclosure", "check", str(out), "--basis", str(files / "basis.csv"),
               *dims(files), "--transfer", "activity=B:C@region=ABAI-1")[0] == 0


@pytest.mark.parametrize(("option", "spec"), [
    ("--collapse", "region"), ("--collapse", "region=one"), ("--collapse", "=1"),
    ("--transfer", "region=AKM-1"), ("--transfer", "region=AKM-1:"),
    ("--transfer", "region=AKM-1:ABAI-2@activity"),
    ("--transfer", "region=AKM-1:ABAI-2@activity=B@activity=C"),
    ("--combine", "activity=B:BC"), ("--combine", "activity=B+:BC"),
    ("--combine", "activity=B+C"), ("--combine", "activity=B+C:"),
])
def test_malformed_specs_exit_2(files, option, spec):
    out = files / "published.csv"
    code, _text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           option, spec, "--out", str(out))
    assert code == 2
    assert f"{option} {spec!r}: expected" in err
    assert not out.exists()


def test_a_bad_operation_on_check_exits_2(files):
    code, _text, err = run("disclosure", "check", str(files / "basis.csv"), "--basis",
                           str(files / "basis.csv"), *dims(files), "--collapse", "region=2")
    assert code == 2 and "--collapse 'region=2': depth 2 is out of range" in err
