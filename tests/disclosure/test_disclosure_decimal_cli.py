"""``statportal disclosure`` on tables of decimal values: the 220-region × 88-activity table
of 200,000 enterprises, the rule options of ``check`` and ``audit``, and bad values."""

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers.disclosure_cli import dims, read, run
from tests.helpers.disclosure_decimal_samples import write_table


def basis_values(path):
    with open(path / "basis.csv", encoding="utf-8") as stream:
        return {(r["region"], r["activity"]): r["value"] for r in csv.DictReader(stream)}


def test_the_220_by_88_table_of_200000_enterprises_is_protected_exactly(tmp_path):
    """The table of the issue (fixed seed): protect ran into the audit's LP finding the
    float sums infeasible; now it publishes every value exactly, with one decimal."""
    rows = write_table(tmp_path)  # 220 districts × 88 divisions, 200,000 enterprises
    assert 14_000 < rows < 16_000
    basis = basis_values(tmp_path)
    floats = sum(float(v) for v in basis.values())
    exact = sum(Decimal(v) for v in basis.values())
    assert Decimal(repr(floats)) != exact  # what the float sums gave
    out, report = tmp_path / "published.csv", tmp_path / "report.json"
    code, text, err = run("disclosure", "protect", str(tmp_path / "basis.csv"), *dims(tmp_path),
                          "--out", str(out), "--report", str(report))
    assert code == 0, text + err
    assert "Traceback" not in err
    published = read(out)
    assert published[("KZ", "T")] == (str(exact), "published")
    shown = [value for value, status in published.values() if status == "published"]
    assert len(shown) > 10_000
    assert all(len(value.split(".")[1]) == 1 for value in shown)
    for key, value in basis.items():
        if published[key][1] == "published":
            assert published[key][0] == value
    data = json.loads(report.read_text())
    assert data["exposed"] == [] and data["decimals"] == 1
    assert data["rules"] == [{"rule": "frequency", "threshold": 2, "applied": True}]
    assert "rules: frequency (fewer than 2 respondents)" in text


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A smaller table of the same kind (40 districts × 30 divisions, large values) on which
    the float path fails the same way."""
    path = tmp_path_factory.mktemp("small")
    write_table(path, districts=40, divisions=30, enterprises=20_000, size=10.0)
    return path


def test_the_float_path_failed_and_now_says_which_relation(small, tmp_path, monkeypatch):
    from statportal.disclosure import gauss
    from statportal.disclosure import protect as module

    out = tmp_path / "p.csv"
    args = ("disclosure", "protect", str(small / "basis.csv"), *dims(small), "--out", str(out))
    # values as floats, HiGHS's absolute tolerances: the old arithmetic
    monkeypatch.setattr(module, "EXACT_LIMIT", 0)
    monkeypatch.setattr(gauss, "SCALE_TO", float("inf"))
    code, _text, err = run(*args)
    assert code == 2 and "Traceback" not in err
    assert "statportal: error: the published cells contradict each other" in err
    assert " × " in err and "the sum of" in err  # the relation, with its values
    assert not out.exists()
    # floats still, but the LP's tolerances relative to the magnitudes: it holds
    monkeypatch.setattr(gauss, "SCALE_TO", 2.0 ** 20)
    assert run(*args)[0] == 0
    # and the exact units alone hold too
    monkeypatch.setattr(module, "EXACT_LIMIT", 2 ** 53)
    monkeypatch.setattr(gauss, "SCALE_TO", float("inf"))
    assert run(*args)[0] == 0


def test_check_and_audit_apply_the_rules_they_are_given(small, tmp_path):
    out = tmp_path / "published.csv"
    code, text, err = run("disclosure", "protect", str(small / "basis.csv"), *dims(small),
                          "--out", str(out))
    assert code == 0, text + err
    code, text, _err = run("disclosure", "check", str(out), "--basis", str(small / "basis.csv"),
                           *dims(small))
    assert code == 0, text
    assert "rules: frequency (fewer than 2 respondents)" in text
    # protected for a threshold of 2, the table shows cells of two enterprises: a check
    # by a threshold of 3 says so
    report = tmp_path / "check.json"
    code, text, _err = run("disclosure", "check", str(out), "--basis", str(small / "basis.csv"),
                           *dims(small), "--threshold", "3", "--report", str(report))
    assert code == 1
    assert "rules: frequency (fewer than 3 respondents)" in text
    assert "confidential but shown: " in text and "(frequency)" in text
    data = json.loads(report.read_text())
    assert data["rules"] == [{"rule": "frequency", "threshold": 3, "applied": True}]
    assert data["problems"] == len(data["findings"]) > 0
    assert {f["kind"] for f in data["findings"]} >= {"shown"}
    # audit has no respondents: it says which rules it could not apply
    report = tmp_path / "audit.json"
    code, text, _err = run("disclosure", "audit", str(out), *dims(small), "--threshold", "3",
                           "--report", str(report))
    assert code == 0
    assert "not applied without the basis (use check --basis): frequency (fewer than 3 " \
           "respondents)" in text
    data = json.loads(report.read_text())
    assert data["rules"] == [{"rule": "frequency", "threshold": 3, "applied": False}]


REGIONS = "code,parent,label\nKZ,,Kazakhstan\nA1,KZ,Semey\nA2,KZ,Kurchatov\n"
ACTIVITY = "code,parent,label\nT,,Total\nC,T,Manufacturing\nD,T,Electricity\n"
# A1×C is one enterprise's 100.0; hiding the four inner cells leaves it in [40, 101]
BASIS = """region,activity,value,respondents,top1,top2
A1,C,100.0,1,100.0,0
A1,D,1.0,3,0.5,0.3
A2,C,50.0,4,40.0,5.0
A2,D,60.0,5,20.0,15.0
"""
PUBLISHED = """region,activity,shown,status
KZ,T,211.0,published
KZ,C,150.0,published
KZ,D,61.0,published
A1,T,101.0,published
A1,C,X,primary
A1,D,X,secondary
A2,T,110.0,published
A2,C,X,secondary
A2,D,X,secondary
"""


@pytest.fixture
def files(tmp_path):
    for name, text in (("regions", REGIONS), ("activity", ACTIVITY), ("basis", BASIS),
                       ("published", PUBLISHED)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_audit_with_a_protection_level_finds_intervals_too_narrow(files):
    published = str(files / "published.csv")
    code, text, _err = run("disclosure", "audit", published, *dims(files), "--protection", "10")
    assert code == 0, text
    assert "rules: protection 10 %" in text
    code, text, _err = run("disclosure", "audit", published, *dims(files), "--protection", "50")
    assert code == 1
    assert "exposed: A1, C: between 40.0 and 101.0 (too narrow to hold any value with the " \
           "protection level on both sides)" in text
    code, _text, _err = run("disclosure", "audit", published, *dims(files))
    assert code == 0


def test_check_with_a_protection_level_and_dominance(files):
    published, basis = str(files / "published.csv"), str(files / "basis.csv")
    assert run("disclosure", "check", published, "--basis", basis, *dims(files))[0] == 0
    # 100.0 is 1.0 below the top of its range: short of 10 % above it
    code, text, _err = run("disclosure", "check", published, "--basis", basis, *dims(files),
                           "--protection", "10")
    assert code == 1 and "exposed: A1, C: between 40.0 and 101.0" in text
    # at 1,75: A1×T (101.0, of which one enterprise 100.0) is dominated and shown;
    # A2×C (top 40.0 of 50.0, 80 %) is hidden, but its range [49.0, 110.0] reaches 1.0
    # below it, short of the rule's own level 100/75 · 40 − 50 = 3.33
    code, text, _err = run("disclosure", "check", published, "--basis", basis, *dims(files),
                           "--dominance", "1,75", "--report", str(files / "r.json"))
    assert code == 1
    rules = json.loads((files / "r.json").read_text())["rules"]
    assert rules == [{"rule": "frequency", "threshold": 2, "applied": True},
                     {"rule": "dominance", "n": 1, "k": 75.0, "applied": True}]
    assert "rules: frequency (fewer than 2 respondents), dominance (1 largest above 75 %)" \
        in text
    assert "confidential but shown: A1, T (dominance)" in text
    assert "exposed: A2, C: between 49.0 and 110.0" in text
    # at 1,60 KZ×C (100.0 of 150.0: 67 %) is confidential too
    code, text, _err = run("disclosure", "check", published, "--basis", basis, *dims(files),
                           "--dominance", "1,60")
    assert code == 1 and "confidential but shown: KZ, C (dominance)" in text
    # without the rule, none of this is a problem
    assert "A2, C" not in run("disclosure", "check", published, "--basis", basis,
                              *dims(files))[1]


def test_a_contradictory_published_table_is_an_error_naming_the_relation(files):
    (files / "published.csv").write_text(PUBLISHED.replace("KZ,T,211.0", "KZ,T,212.5"),
                                         encoding="utf-8")
    code, text, err = run("disclosure", "audit", str(files / "published.csv"), *dims(files))
    assert code == 2 and "Traceback" not in err
    assert "contradict" in err and "KZ × T = 212.5" in err


BAD = [
    (["--threshold", "0"], "--threshold 0"),
    (["--threshold", "-3"], "--threshold -3"),
    (["--protection", "0"], "--protection 0"),
    (["--protection", "-5"], "--protection -5"),
    (["--protection", "150"], "--protection 150"),
    (["--protection", "nan"], "--protection nan"),
    (["--p-percent", "0"], "--p-percent 0"),
    (["--p-percent", "-10"], "--p-percent -10"),
    (["--p-percent", "101"], "--p-percent 101"),
    (["--dominance", "3,85"], "--dominance '3,85'"),
    (["--dominance", "1,0"], "--dominance '1,0'"),
    (["--dominance", "1,120"], "--dominance '1,120'"),
    (["--dominance", "1"], "--dominance '1'"),
    (["--dominance", "one,85"], "--dominance 'one,85'"),
    (["--dominance", "1,inf"], "--dominance '1,inf'"),
]


@pytest.mark.parametrize("command", ["protect", "check", "audit"])
@pytest.mark.parametrize(("options", "named"), BAD)
def test_bad_rule_options_are_refused_before_anything_is_written(files, command, options,
                                                                 named):
    out, report = files / "out.csv", files / "report.json"
    argv = {"protect": [str(files / "basis.csv"), "--out", str(out)],
            "check": [str(files / "published.csv"), "--basis", str(files / "basis.csv")],
            "audit": [str(files / "published.csv")]}[command]
    code, text, err = run("disclosure", command, *argv, *dims(files), *options, "--report",
                          str(report))
    assert code == 2, text
    assert err.startswith(f"statportal: error: {named}:"), err
    assert "Traceback" not in err and text == ""
    assert not out.exists() and not report.exists()


@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_threshold_that_is_not_a_whole_number_is_refused(files, command):
    import contextlib
    import io

    from statportal.scripts.cli import main

    argv = [str(files / "published.csv")] + (["--basis", str(files / "basis.csv")]
                                            if command == "check" else [])
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exited:
        main(["disclosure", command, *argv, *dims(files), "--threshold", "2.5"],
             out=io.StringIO())
    assert exited.value.code == 2
    assert "--threshold: invalid int value: '2.5'" in err.getvalue()


def test_the_report_of_protect_lists_the_rules_and_what_each_found(files):
    report = files / "report.json"
    code, text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                          "--threshold", "3", "--p-percent", "10", "--protection", "5",
                          "--out", str(files / "out.csv"), "--report", str(report))
    assert code == 0, text + err
    data = json.loads(report.read_text())
    assert data["rules"] == [{"rule": "frequency", "threshold": 3, "applied": True},
                             {"rule": "p_percent", "p": 10.0, "applied": True},
                             {"rule": "protection", "percent": 5.0, "applied": True}]
    assert data["primary_by_rule"]["frequency"] >= 1  # A1×C, one enterprise
    assert data["primary_by_rule"]["p_percent"] >= 1
    assert "rules: frequency (fewer than 3 respondents), p % (p = 10), protection 5 %" in text
    assert Path(files / "out.csv").read_text(encoding="utf-8").count(".0,") >= 1


def test_optimise_on_large_decimal_values(tmp_path, monkeypatch):
    """The search's LP (optimal.py) is scaled like the audit's blocks: on values in the
    millions with two decimals it runs, and without the scaling it could not."""
    from statportal.disclosure import gauss

    write_table(tmp_path, districts=17, divisions=21, enterprises=1500, size=16.0, decimals=2)
    out, report = tmp_path / "published.csv", tmp_path / "report.json"
    args = ("disclosure", "protect", str(tmp_path / "basis.csv"), *dims(tmp_path),
            "--threshold", "3", "--protection", "10", "--optimise", "2", "--out", str(out),
            "--report", str(report))
    code, text, err = run(*args)
    assert code == 0, text + err
    data = json.loads(report.read_text())
    assert data["exposed"] == [] and data["decimals"] == 2
    assert data["optimisation"]["after"] <= data["optimisation"]["before"]
    assert run("disclosure", "check", str(out), "--basis", str(tmp_path / "basis.csv"),
               *dims(tmp_path), "--threshold", "3", "--protection", "10")[0] == 0
    # the search's LP unscaled (the audit's blocks still scaled) fails: GAUSS's pattern
    # stands, and the report says why
    scale = gauss._block_scale
    monkeypatch.setattr(gauss, "_block_scale",
                        lambda rhs, lo, hi: 1.0 if not lo.size else scale(rhs, lo, hi))
    code, text, err = run(*args)
    assert code == 0 and "Traceback" not in err, text + err
    data = json.loads(report.read_text())
    assert data["optimisation"]["kept"] is False
    assert data["optimisation"]["reason"].startswith("the search stopped: its LP found")
    assert data["exposed"] == []


@pytest.mark.parametrize(("shown", "agrees"), [
    ("211.0", True),
    ("211", True),                      # rounded to the decimals it shows
    ("211.00", True),
    ("211.00000000000003", True),       # an older file's floating-point noise
    ("211.04", False),                  # more decimals than the basis, and wrong
    ("210", False),
    ("211.1", False),
])
def test_check_compares_shown_values_at_the_basis_precision(files, shown, agrees):
    (files / "published.csv").write_text(PUBLISHED.replace("KZ,T,211.0", f"KZ,T,{shown}"),
                                         encoding="utf-8")
    code, text, err = run("disclosure", "check", str(files / "published.csv"), "--basis",
                          str(files / "basis.csv"), *dims(files))
    if agrees:
        assert code == 0 and "differs" not in text, text + err
    else:  # the audit works on the basis's values: the shown number is a difference
        assert code == 1 and f"differs from the basis: KZ, T: {float(shown):g}" in text
        assert "(basis 211.0)" in text
