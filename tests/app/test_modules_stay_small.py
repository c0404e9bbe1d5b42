"""Modules stay small, each with one job (issue 17: none over about 600 lines; this test
allows 650 so that a comment does not fail the build, but no more)."""

from pathlib import Path

import statportal

PACKAGE = Path(statportal.__file__).resolve().parent
LIMIT = 650


def test_no_module_is_over_the_limit():
    sizes = {path.relative_to(PACKAGE.parent).as_posix():
             len(path.read_text(encoding="utf-8").splitlines())
             for path in PACKAGE.rglob("*.py")}
    assert len(sizes) > 100  # the walk found the package
    over = {name: lines for name, lines in sorted(sizes.items()) if lines > LIMIT}
    assert over == {}, f"modules over {LIMIT} lines (split them by their jobs): {over}"
