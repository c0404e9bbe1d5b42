"""The tests mirror the package: each test module sits in a folder of its feature, and tests
share helpers through tests/helpers and fixtures through conftest.py, never by importing a
test module."""

import ast
from pathlib import Path

from statportal.syntax_trees import parse

TESTS = Path(__file__).resolve().parents[1]


def test_no_test_module_sits_at_the_top():
    assert sorted(p.name for p in TESTS.glob("test_*.py")) == []


def test_no_module_imports_a_test_module():
    offenders = []
    for path in TESTS.rglob("*.py"):
        if "pkgs" in path.relative_to(TESTS).parts:
            continue
        for node in ast.walk(parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("tests.") and n.rsplit(".", 1)[-1].startswith("test_")
                   for n in names):
                offenders.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert offenders == []


def test_every_test_folder_is_a_package():
    folders = {p.parent for p in TESTS.rglob("test_*.py") if "pkgs" not in p.parts}
    assert sorted(str(f.relative_to(TESTS)) for f in folders
                  if not (f / "__init__.py").exists()) == []
