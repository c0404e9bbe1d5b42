"""A long evolve step says how far it is (a line every few seconds under its title) and
keeps the connection's cache trimmed as it walks; outside a step its walk is silent."""

import io
import os
import tarfile
from pathlib import Path

from statportal import evolve
from statportal.testing import TEST_SECRET, make_settings

FIXTURE = Path(__file__).parent / "data" / "statportal-7e27402.tar.gz"


class Jar:
    def __init__(self):
        self.trimmed = 0

    def cacheGC(self):  # noqa: N802 (ZODB's name)
        self.trimmed += 1


def test_progress_outside_a_step_only_yields():
    jar = Jar()
    assert list(evolve.progress(range(5000), jar=jar)) == list(range(5000))
    assert jar.trimmed == 0


def test_progress_in_a_step_says_how_far_and_trims(monkeypatch):
    monkeypatch.setattr(evolve, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(evolve, "TRIM_EVERY", 2)
    said, jar = [], Jar()
    token = evolve._progress.set(said.append)
    try:
        assert list(evolve.progress(iter("abcde"), "files", 5, jar)) == list("abcde")
        assert list(evolve.progress(iter("xy"), "objects read")) == ["x", "y"]
    finally:
        evolve._progress.reset(token)
    assert [line.rsplit(" (", 1)[0] for line in said] == [
        "  1 of 5 files", "  2 of 5 files", "  3 of 5 files", "  4 of 5 files",
        "  5 of 5 files", "  1 objects read", "  2 objects read"]
    assert all(line.endswith(" s)") for line in said)
    assert jar.trimmed == 2


def test_statportal_evolve_prints_progress_under_the_long_steps(tmp_path, monkeypatch):
    """The old release's database, evolved by the command with a line per object: the
    catalogs' fill and the files' digests say how far they are, under their titles."""
    from statportal.scripts.cli import main

    monkeypatch.setattr(evolve, "PROGRESS_SECONDS", 0.0)
    for name in [name for name in os.environ if name.startswith("STATPORTAL_")]:
        monkeypatch.delenv(name)
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path / "var", filter="data")
    ini = tmp_path / "portal.ini"
    ini.write_text(f"[app:main]\nuse = egg:statportal\n"
                   f"zodbconn.uri = {make_settings(tmp_path / 'var')['zodbconn.uri']}\n"
                   f"statportal.secret = {TEST_SECRET}\n")
    out = io.StringIO()
    assert main(["evolve", str(ini)], out=out) == 0
    lines = out.getvalue().splitlines()
    titles = [n for n, line in enumerate(lines) if not line.startswith("  ")]
    by_step = {lines[start].split(":")[0]: lines[start + 1:end]
               for start, end in zip(titles, titles[1:], strict=False)}
    catalog = by_step["statportal.catalog 1"]
    assert catalog and all(" catalogued objects (" in line for line in catalog)
    assert catalog[-1].split(" of ")[0].strip() == catalog[-1].split(" of ")[1].split()[0]
    files = by_step["statportal.files 1"]
    assert len(files) > 20 and all(line.endswith(" s)") and " objects read (" in line
                                   for line in files)
    assert not by_step["statportal 1"]             # a short step prints its title only
    assert "``" not in out.getvalue()               # the docstrings' markup is not shown
    placement = by_step["statportal.placement 1"]  # the requests' new indexes, filled
    assert [line.rsplit(" (", 1)[0] for line in placement] == [
        f"  {n} of 3 placement requests" for n in (1, 2, 3)]
    assert not by_step["statportal.taldau 1"]       # /data added (issue 20): one line
    assert lines[-1].startswith("7 step(s) applied")

