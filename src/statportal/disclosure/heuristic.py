"""The plain art.-23 heuristic, as an office would run it by hand: a baseline for GAUSS.

    status = simple_suppress(table, primary_cells(table, rules), protection=10)

Repeat until nothing changes: every additive relation of the table (a parent cell and its
children along one dimension, the other coordinates fixed; a parent with one child is a
relation of two equal cells) that holds exactly one suppressed cell gets a second one: its
not-suppressed, non-zero, non-empty cell with the fewest respondents, then the smallest
|value| (with ``protection``, a cell whose |value| is at least that percentage of the lonely
cell's comes first).

It looks at one relation at a time, so it does not guarantee safety in hierarchical or
multi-dimensional tables: suppressed cells in different relations can still pin each other
down (the classic example is a rectangle of four suppressed cells whose rows and columns
are each fine, broken by an oblast subtotal). ``bench/bench_disclosure.py --compare``
counts what the LP audit finds exposed in its patterns.
"""

from collections import deque


def relations(table):
    """The additive relations of ``table``: lists of keys, the parent cell first, then its
    children along one dimension (the other coordinates fixed), in the table's order.
    Children absent from the table (no inner cell under them) are left out."""
    cells = table.cells
    result = []
    for key in table.order():
        for n, dim in enumerate(table.dims):
            children = table.hierarchies[dim].children.get(key[n])
            if not children:
                continue
            relation = [key]
            relation += [k for k in (key[:n] + (c,) + key[n + 1:] for c in children)
                         if k in cells]
            if len(relation) > 1:
                result.append(relation)
    return result


def simple_suppress(table, primary_keys, protection=None):
    """``{key: "primary" | "secondary"}``: the primaries (``primary_keys``, any iterable of
    keys or a ``{key: …}`` dict) and the complements the one-relation-at-a-time heuristic
    adds. Relations whose lonely suppressed cell has no usable partner (every other cell is
    zero or empty) are left as they are."""
    cells = table.cells
    status = {key: "primary" for key in primary_keys}
    rels = relations(table)
    position = {key: n for n, key in enumerate(table.order())}
    member = {}
    for r, relation in enumerate(rels):
        for key in relation:
            member.setdefault(key, []).append(r)
    share = (protection or 0.0) / 100.0
    queue, queued = deque(range(len(rels))), set(range(len(rels)))
    while queue:
        r = queue.popleft()
        queued.discard(r)
        relation = rels[r]
        hidden = [key for key in relation if key in status]
        if len(hidden) != 1:
            continue
        candidates = [key for key in relation if key not in status
                      and not cells[key].empty and cells[key].value != 0]
        if not candidates:
            continue
        need = share * abs(cells[hidden[0]].value)
        chosen = min(candidates, key=lambda k: (abs(cells[k].value) < need,
                                                cells[k].respondents, abs(cells[k].value),
                                                position[k]))
        status[chosen] = "secondary"
        for other in member[chosen]:
            if other not in queued:
                queued.add(other)
                queue.append(other)
    return status
