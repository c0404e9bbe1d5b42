"""``statportal disclosure protect | audit | check`` on small tables checked by hand."""

import json

import pytest

from tests.helpers.disclosure_cli import dims, read, run
from tests.helpers.disclosure_table import ACTIVITY, BASIS, REGIONS


@pytest.fixture
def files(tmp_path):
    (tmp_path / "regions.csv").write_text(REGIONS, encoding="utf-8")
    (tmp_path / "activity.csv").write_text(ACTIVITY, encoding="utf-8")
    (tmp_path / "basis.csv").write_text(BASIS, encoding="utf-8")
    return tmp_path


def test_protect_then_audit_and_check(files):
    out = files / "published.csv"
    code, text, _err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           "--out", str(out), "--xlsx", str(files / "t.xlsx"), "--rows",
                           "region", "--cols", "activity", "--report",
                           str(files / "report.json"))
    assert code == 0, text
    published = read(out)
    assert published[("ABAI-1", "B")] == ("X", "primary")
    assert published[("AKM-1", "C")][1] != "primary"  # its respondent consented
    report = json.loads((files / "report.json").read_text())
    assert report["primary"] == 2 and report["secondary"] >= 2 and report["exposed"] == []
    assert run("disclosure", "audit", str(out), *dims(files))[0] == 0
    assert run("disclosure", "check", str(out), "--basis", str(files / "basis.csv"),
               *dims(files))[0] == 0


def test_a_single_x_in_a_row_is_exposed(files):
    """Hide only the primary: its row total minus the other cells gives it away."""
    from statportal.disclosure import Hierarchy, Table
    from statportal.disclosure.output import write_csv

    hierarchies = {"region": Hierarchy.from_csv("region", REGIONS),
                   "activity": Hierarchy.from_csv("activity", ACTIVITY)}
    table = Table.from_csv(BASIS, hierarchies)
    unsafe = files / "unsafe.csv"
    write_csv(unsafe, table, {("ABAI-1", "B"): "primary", ("ABAI", "B"): "primary"})
    code, text, _err = run("disclosure", "audit", str(unsafe), *dims(files))
    assert code == 1 and "exposed: ABAI-1, B" in text
    code, text, _err = run("disclosure", "check", str(unsafe), "--basis",
                           str(files / "basis.csv"), *dims(files))
    assert code == 1 and "exposed" in text
    shown = files / "shown.csv"
    write_csv(shown, table, {})
    code, text, _err = run("disclosure", "check", str(shown), "--basis",
                           str(files / "basis.csv"), *dims(files))
    assert code == 1 and "confidential but shown: ABAI-1, B" in text


def test_bad_input_names_the_place_and_writes_nothing(files):
    (files / "basis.csv").write_text(BASIS.replace("ABAI-2,C,210", "ABAI-2,C,двести"),
                                     encoding="utf-8")
    out = files / "published.csv"
    code, _text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           "--out", str(out))
    assert code == 2
    assert f"{files / 'basis.csv'}:5: column 'value'" in err
    assert not out.exists()


def test_protect_with_a_protection_level(files):
    out = files / "published.csv"
    plain = files / "plain.csv"
    assert run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
               "--out", str(plain))[0] == 0
    code, text, _err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           "--protection", "40", "--out", str(out), "--report",
                           str(files / "report.json"))
    assert code == 0, text
    report = json.loads((files / "report.json").read_text())
    assert report["exposed"] == [] and report["unprotected"] == []
    assert run("disclosure", "check", str(out), "--basis", str(files / "basis.csv"),
               *dims(files), "--protection", "40")[0] == 0
    hidden = sum(1 for shown, _s in read(out).values() if shown == "X")
    assert hidden >= sum(1 for shown, _s in read(plain).values() if shown == "X")


@pytest.mark.parametrize("level", ["0", "150", "-5"])
def test_a_protection_level_out_of_range_is_refused(files, level):
    code, _text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           "--protection", level, "--out", str(files / "p.csv"))
    assert code == 2 and "--protection" in err
    assert not (files / "p.csv").exists()


def test_protect_with_optimise_reports_the_search(files):
    out = files / "published.csv"
    code, text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                          "--protection", "10", "--optimise", "20", "--out", str(out),
                          "--report", str(files / "report.json"))
    assert code == 0, text + err
    report = json.loads((files / "report.json").read_text())
    done = report["optimisation"]
    assert done["after"] == report["secondary"] <= done["before"]
    assert "optimising: best pattern" in err
    assert done["cost"] == "count" and done["value_after"] <= done["value_before"] or \
        done["after"] < done["before"]
    assert run("disclosure", "check", str(out), "--basis", str(files / "basis.csv"),
               *dims(files), "--protection", "10")[0] == 0


@pytest.mark.parametrize("seconds", ["0", "-1", "90000"])
def test_optimise_out_of_range_is_refused(files, seconds):
    code, _text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           "--optimise", seconds, "--out", str(files / "p.csv"))
    assert code == 2 and "--optimise" in err
    assert not (files / "p.csv").exists()


def test_optimise_on_a_table_too_large_is_refused(files, monkeypatch):
    from statportal.disclosure import protect as module

    monkeypatch.setattr(module, "OPTIMISE_MAX_CELLS", 5)
    code, _text, err = run("disclosure", "protect", str(files / "basis.csv"), *dims(files),
                           "--optimise", "10", "--out", str(files / "p.csv"))
    assert code == 2 and "cells" in err and "basis.csv" in err
    assert not (files / "p.csv").exists()
