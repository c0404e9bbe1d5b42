"""The package's modules import each other without cycles (issue 17): a cycle ties features
together so that neither can be understood, loaded or replaced alone, and an import inside a
function only hides it. Every import counts, at module level or in a function."""

import ast
from pathlib import Path

import statportal
from statportal.syntax_trees import parse

PACKAGE = Path(statportal.__file__).resolve().parent


def modules():
    """``{dotted name: path}`` of every module of the package (a package by its name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["statportal", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name, path, known):
    """The package's modules that module ``name`` imports anywhere in its text. ``from a
    import b`` imports the module ``a.b`` when there is one, else (a name in it) ``a``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets.update(sub for sub in subs if sub in known)
            if any(sub not in known for sub in subs):
                targets.add(base)
    return {target for target in targets if target in known and target != name}


def strongly_connected(graph):
    """Tarjan's algorithm: the strongly connected components of ``{node: successors}``."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_tarjan_finds_a_cycle_and_only_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    components = strongly_connected(graph)
    assert ["a", "b", "c"] in components
    assert [c for c in components if len(c) > 1] == [["a", "b", "c"]]


def test_the_graph_sees_imports_in_functions_and_relative_ones(tmp_path):
    (tmp_path / "pkg").mkdir()
    a, b = tmp_path / "pkg" / "a.py", tmp_path / "pkg" / "b.py"
    a.write_text("def f():\n    from . import b\n", encoding="utf-8")
    b.write_text("from pkg.a import f\n", encoding="utf-8")
    known = {"pkg", "pkg.a", "pkg.b"}
    assert imported("pkg.a", a, known) == {"pkg.b"}
    assert imported("pkg.b", b, known) == {"pkg.a"}


def test_the_package_has_no_import_cycle():
    known = modules()
    assert "statportal.disclosure.lp" in known  # the walk found the package
    graph = {name: imported(name, path, known) for name, path in known.items()}
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == [], "modules that import each other, directly or around a ring: " + \
        "; ".join(" <-> ".join(c) for c in cycles)
