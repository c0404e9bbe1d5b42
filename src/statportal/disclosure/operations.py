"""Concealing data otherwise than by ``X`` (art. 22): publishing at a higher level of the
classification (``collapse``), under another element of it (``transfer``), or with other
elements combined into one (``combine``).

Each operation takes a Table and returns a new one, built from new Hierarchy objects and
copies of the inner cells: the input is never changed. Cells that come together are
merged: values (exactly, at the input's precision) and respondents add up, ``top1`` and
``top2`` are the two largest of the parts' ``top1``/``top2``, and the merged cell has
consent only if every non-empty part has. The
new table's ``notes`` is the input's (if any) followed by an ``Operation``: plain data on
what was done, for the published table's footnote and the report.

    table = collapse(table, "region", 1)                 # oblasts, without districts
    table = transfer(table, "activity", "B", "C", where={"region": "D1"})
    table = combine(table, "activity", ["B", "C"], "BC", label="Mining and manufacturing")
"""

import csv
import dataclasses
import io
from dataclasses import dataclass

from statportal.disclosure.errors import InputError
from statportal.disclosure.hierarchy import Hierarchy
from statportal.disclosure.table import Cell, Table, exact_sum


@dataclass(frozen=True)
class Operation:
    """``collapse``: ``codes`` are the elements at ``depth`` that now hold their
    descendants' data, ``removed`` those descendants. ``transfer``: ``codes`` is the one
    element whose data (the cells matching ``where``) are published under ``target``;
    ``removed`` is it (and ancestors left without children) if nothing is left of it.
    ``combine``: ``codes`` (in the classification's order) became ``target``, labelled
    ``label``."""

    kind: str                   # "collapse" | "transfer" | "combine"
    dim: str
    codes: tuple
    target: str | None = None
    depth: int | None = None
    where: tuple = ()           # ((dimension, code), …)
    label: str | None = None
    removed: tuple = ()

    def as_dict(self):
        """JSON-ready: tuples as lists, ``where`` as an object."""
        return {"kind": self.kind, "dim": self.dim, "codes": list(self.codes),
                "target": self.target, "depth": self.depth, "where": dict(self.where),
                "label": self.label, "removed": list(self.removed)}


# -- the operations ----------------------------------------------------------------------------
def collapse(table, dim, depth):
    """Publish ``dim`` only down to ``depth`` (0 = the root): deeper codes leave the
    hierarchy, their cells are merged into their ancestor at ``depth``, now a leaf."""
    hierarchy = _hierarchy(table, dim)
    depths = {code: hierarchy.depth(code) for code in hierarchy.parents}
    deepest = max(depths.values())
    if deepest == 0:
        raise InputError(f"{dim} has no level below its total {hierarchy.root!r}: "
                         "nothing to collapse")
    if isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth < deepest:
        raise InputError(f"depth {depth!r} is out of range for {dim}: from 0 (the total) to "
                         f"{deepest - 1} (its codes go down to depth {deepest})")
    kept = [code for code in hierarchy.parents if depths[code] <= depth]
    removed = tuple(code for code in hierarchy.parents if depths[code] > depth)
    heads = tuple(code for code in kept if depths[code] == depth and
                  not hierarchy.is_leaf(code))
    index = table.dims.index(dim)

    def ancestor(code):
        lineage = hierarchy.lineage(code)
        return lineage[len(lineage) - 1 - depth] if depths[code] > depth else code

    cells = _regroup(table, lambda key: _with(key, index, ancestor(key[index])))
    rows = [(code, hierarchy.parents[code], hierarchy.labels[code]) for code in kept]
    record = Operation("collapse", dim, heads, depth=depth, removed=removed)
    return _result(table, dim, _rebuild(hierarchy, rows), cells.values(), record)


def transfer(table, dim, code, to, where=None):
    """Publish the data of leaf ``code`` of ``dim`` under leaf ``to``: only the cells whose
    other coordinates match ``where`` (``{dimension: code}``; a total matches every code
    under it), all of them without it. The moved cells are merged into the cells of ``to``
    and left empty; if nothing is left of ``code`` (no respondents, no value anywhere) it
    leaves the hierarchy, with any ancestor thereby left without children."""
    hierarchy = _hierarchy(table, dim)
    _leaf(hierarchy, dim, code)
    _leaf(hierarchy, dim, to)
    if code == to:
        raise InputError(f"{dim} {code!r} cannot be transferred onto itself")
    where = dict(where or {})
    matchers = []
    for other, other_code in where.items():
        if other == dim:
            raise InputError(f"where cannot restrict {dim}, the dimension transferred in")
        other_hierarchy = _hierarchy(table, other)
        _known(other_hierarchy, other, other_code)
        matchers.append((table.dims.index(other), other_hierarchy, other_code))
    index = table.dims.index(dim)

    def moves(key):
        return key[index] == code and all(
            wanted in h.lineage(key[n]) for n, h, wanted in matchers)

    moved = [cell.key for cell in table.inner_cells() if moves(cell.key)]
    if not moved:
        place = " and ".join(f"{d} is {c!r}" for d, c in where.items())
        raise InputError(f"{dim} {code!r} has no cell{' where ' + place if place else ''}: "
                         "nothing to transfer")
    cells = _regroup(table, lambda key: _with(key, index, to) if moves(key) else key)
    for key in moved:
        cells[key] = Cell(key, consent=False, inner=True)
    removed = ()
    left = [cell for key, cell in cells.items() if key[index] == code]
    if all(cell.empty and cell.value == 0 for cell in left):
        removed = _prune(hierarchy, code)
        cells = {key: cell for key, cell in cells.items() if key[index] != code}
    rows = [(c, hierarchy.parents[c], hierarchy.labels[c]) for c in hierarchy.parents
            if c not in removed]
    record = Operation("transfer", dim, (code,), target=to, where=tuple(where.items()),
                       removed=removed)
    return _result(table, dim, _rebuild(hierarchy, rows), cells.values(), record)


def combine(table, dim, codes, new_code, label=None):
    """Replace sibling leaves ``codes`` (at least two) of ``dim`` by one new leaf
    ``new_code`` under their parent, where the first of them (in the classification's
    order) stood; their cells are merged. ``label`` defaults to their labels joined."""
    hierarchy = _hierarchy(table, dim)
    if isinstance(codes, str):
        raise InputError(f"combine takes a list of codes of {dim}, not the string {codes!r}")
    codes = list(codes)
    for code in codes:
        if codes.count(code) > 1:
            raise InputError(f"{dim} {code!r} is given twice to combine")
    if len(codes) < 2:
        raise InputError(f"combine needs at least two codes of {dim}, not {len(codes)}")
    for code in codes:
        _leaf(hierarchy, dim, code)
    parent = hierarchy.parents[codes[0]]
    for code in codes[1:]:
        if hierarchy.parents[code] != parent:
            raise InputError(f"{dim} {codes[0]!r} (under {parent!r}) and {code!r} (under "
                             f"{hierarchy.parents[code]!r}) are not siblings: only elements "
                             "with the same parent can be combined")
    if not new_code:
        raise InputError(f"the new code of {dim} is empty")
    if new_code in hierarchy:
        raise InputError(f"the new code {new_code!r} is already a code of {dim}")
    ordered = tuple(code for code in hierarchy.parents if code in codes)
    names = {} if label else _names(hierarchy, ordered)
    label = label or ", ".join(hierarchy.labels[code] for code in ordered)
    rows = []
    for code in hierarchy.parents:
        if code == ordered[0]:
            rows.append((new_code, parent, label))
        elif code not in ordered:
            rows.append((code, hierarchy.parents[code], hierarchy.labels[code]))
    index = table.dims.index(dim)
    cells = _regroup(table, lambda key: _with(key, index, new_code) if key[index] in ordered
                     else key)
    record = Operation("combine", dim, ordered, target=new_code, label=label, removed=ordered)
    hierarchy = _rebuild(hierarchy, rows, {new_code: names} if names else None)
    return _result(table, dim, hierarchy, cells.values(), record)


def merge_cells(key, parts):
    """One inner cell from ``parts``: sums (exact for decimal values: 0.1 + 0.2 is 0.3),
    the two largest top contributions, consent only if every non-empty part consented
    (none if all are empty)."""
    tops = sorted((top for part in parts for top in (part.top1, part.top2)), reverse=True)
    tops += [0.0, 0.0]
    filled = [part for part in parts if not part.empty]
    return Cell(key, exact_sum(part.value for part in parts),
                sum(part.respondents for part in parts),
                tops[0], tops[1], bool(filled) and all(part.consent for part in filled),
                inner=True)


def write_hierarchy(path, hierarchy):
    """``code,parent,label`` (and ``label_<language>`` where the hierarchy has labels per
    language) as ``Hierarchy.from_csv`` reads it, written whole or not at all."""
    from statportal.disclosure.output import write_atomically

    names = getattr(hierarchy, "names", None) or {}
    languages = list(dict.fromkeys(lang for code in hierarchy.parents
                                   for lang in names.get(code, {})))

    def write(stream):
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(["code", "parent", "label", *(f"label_{lang}" for lang in languages)])
        for code, parent in hierarchy.parents.items():
            writer.writerow([code, parent, hierarchy.labels.get(code, code),
                             *(names.get(code, {}).get(lang, "") for lang in languages)])
        text.flush()
        text.detach()

    write_atomically(path, write)


# -- helpers -----------------------------------------------------------------------------------
def _hierarchy(table, dim):
    if dim not in table.hierarchies:
        raise InputError(f"unknown dimension {dim!r}: the table has "
                         f"{', '.join(table.dims)}")
    return table.hierarchies[dim]


def _known(hierarchy, dim, code):
    if code not in hierarchy:
        raise InputError(f"{code!r} is not a code of {dim}")


def _leaf(hierarchy, dim, code):
    _known(hierarchy, dim, code)
    if not hierarchy.is_leaf(code):
        raise InputError(f"{code!r} is a total of {dim}, not a finest-level element")


def _with(key, index, code):
    return (*key[:index], code, *key[index + 1:])


def _regroup(table, new_key):
    """``{key: Cell}``: the input's inner cells under their new keys, merged where several
    meet, copied otherwise."""
    groups = {}
    for cell in table.inner_cells():
        groups.setdefault(new_key(cell.key), []).append(cell)
    return {key: dataclasses.replace(parts[0], key=key) if len(parts) == 1
            else merge_cells(key, parts) for key, parts in groups.items()}


def _prune(hierarchy, code):
    """``code`` and its ancestors that would be left without children (never the root)."""
    removed = [code]
    parent = hierarchy.parents[code]
    while parent != hierarchy.root and all(c in removed for c in hierarchy.children[parent]):
        removed.append(parent)
        parent = hierarchy.parents[parent]
    return tuple(removed)


def _rebuild(hierarchy, rows, names=None):
    """A new Hierarchy from ``(code, parent, label)`` in order (children keep it), with the
    labels per language (``names``, where the hierarchy has them) of the codes kept, and
    ``names`` for new codes."""
    result = Hierarchy.from_rows(hierarchy.name, [(line, code, parent, label) for line,
                                                  (code, parent, label) in enumerate(rows, 2)])
    kept = {code: dict(languages) for code, languages in
            (getattr(hierarchy, "names", None) or {}).items() if code in result}
    kept.update(names or {})
    if kept or hasattr(hierarchy, "names"):
        result.names = kept
    return result


def _names(hierarchy, codes):
    """``{language: labels joined}`` of ``codes`` in every language any of them has."""
    names = getattr(hierarchy, "names", None) or {}
    languages = dict.fromkeys(lang for code in codes for lang in names.get(code, {}))
    return {lang: ", ".join(names.get(code, {}).get(lang) or hierarchy.labels[code]
                            for code in codes) for lang in languages}


def _result(table, dim, hierarchy, cells, record):
    hierarchies = {d: hierarchy if d == dim else
                   _rebuild(table.hierarchies[d],
                            [(c, p, table.hierarchies[d].labels[c])
                             for c, p in table.hierarchies[d].parents.items()])
                   for d in table.dims}
    result = Table(hierarchies, cells, decimals=getattr(table, "decimals", None))
    result.notes = [*getattr(table, "notes", ()), record]
    return result
