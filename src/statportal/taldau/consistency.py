"""The reliability check of art. 10.2: a material's table against the indicator's data.

Which table of a material is comparable: a file in the indicator's *long* form — one
column per dimension of the indicator (its codes), ``period`` (ISO periods) and ``value``
(optional ``status``), or the published CSV of ``statportal disclosure protect`` (``shown``
and ``status``) — read by the import's own reader and checks (``reading.read_rows``,
``importing.validate``). A publication's wide table (regions in rows, months in columns,
merged headers) names its cells by labels in one language, not by codes: matching labels
would guess, and a guess may report a difference that is none. The long form is what the
office already writes for the disclosure check and for the import, so the executor has it.

The material's first file in that form is its table; each of its cells is matched by its
dimension codes and period with the indicator's cube: the public cube for a published
material, the staff's (embargoed vintages included) for one still waiting for its release
— it goes public with them. Numbers are equal when they agree to the decimals the material
writes; an X cell is equal only to an X cell, never compared by number.
"""

from dataclasses import dataclass, field

import numpy as np

from statportal.content.editing import EditError
from statportal.i18n import _

MAX_LISTED = 1000
CONFIDENTIAL = (1, 2)


@dataclass
class Comparison:
    material: str
    filename: str
    cube: str                  # "public" or "staff"
    compared: int = 0          # cells of the material's table
    equal: int = 0
    total_differences: int = 0
    differences: list = field(default_factory=list)   # the first MAX_LISTED

    def as_json(self):
        return {"material": self.material, "file": self.filename, "cube": self.cube,
                "compared": self.compared, "equal": self.equal,
                "differences_total": self.total_differences,
                "differences": self.differences}


def material_at(request, indicator, path):
    """The material at ``path`` the user may view, or ``EditError`` naming ``material``."""
    from statportal.content.paths import find_by_path, root_of

    if not isinstance(path, str) or not path.strip():
        raise EditError(_("Give the path of a material, e.g. /economy/gdp-2026."),
                        "material", type="required")
    found = find_by_path(root_of(indicator), path.strip().rstrip("/") or "/")
    if found is None or not request.has_permission("view", found):
        raise EditError(_("No material at ${path}.", mapping={"path": path}), "material",
                        type="not_found")
    if getattr(found, "__content_type__", None) != "Material":
        raise EditError(_("${path} is not a material.", mapping={"path": path}),
                        "material", type="not_a_material")
    return found


def table_of(material, indicator):
    """``(filename, columns)`` of the material's first file in the indicator's long form;
    ``EditError`` naming ``material`` when none is."""
    from statportal.taldau.importing import ImportRefused, validate
    from statportal.taldau.reading import read_rows

    needed = {d["code"] for d in indicator.dimensions} | {"period"}
    refused = None
    for stored in getattr(material, "files", ()) or ():
        try:
            frame = read_rows(stored.filename, stored.read())
        except ImportRefused:
            continue
        if not needed <= set(frame.columns):
            continue
        frame = without_footnotes(frame)
        try:
            return stored.filename, validate(indicator, frame)
        except ImportRefused as exc:
            refused = (stored.filename, exc.errors[0])
    if refused is not None:
        filename, error = refused
        where = ", ".join(str(part) for part in (
            error.get("row") and f"row {error['row']}", error.get("column")) if part)
        raise EditError(_("${file} (${where}): ${message}", mapping={
            "file": filename, "where": where, "message": error["message"]}), "material",
            type="not_comparable")
    raise EditError(_("No file of this material is a table of the indicator: a CSV or "
                      ".xlsx with the columns ${columns}, period and value.",
                      mapping={"columns": ", ".join(d["code"] for d in indicator.dimensions)}),
                    "material", type="not_comparable")


def without_footnotes(frame):
    """The rows that are cells: a published table explains its X in a footnote under it
    (the material checks ask for one), text in the first column with the others empty."""
    first, *others = list(frame.columns)
    if not others or not len(frame):
        return frame
    blank = (frame[others].fillna("").astype(str).apply(lambda c: c.str.strip()) == "")
    kept = frame[~blank.all(axis=1)]
    kept.attrs.update(frame.attrs)
    return kept


def _shown(value, status):
    if int(status) in CONFIDENTIAL:
        return "X"
    return None if np.isnan(value) else float(value)


def compare(registry, material, indicator):
    """The material's table against the indicator's cube: a :class:`Comparison`."""
    from statportal.content.paths import path_of
    from statportal.taldau.cube import cube_of
    from statportal.taldau.periods import label
    from statportal.workflow import state_of

    filename, columns = table_of(material, indicator)
    staff = state_of(material, "material") != "published"
    result = Comparison(path_of(material), filename, "staff" if staff else "public")
    rows = len(columns["period"])
    result.compared = rows
    cube = cube_of(registry, indicator, staff=staff)
    dims = [d["code"] for d in indicator.dimensions]
    values = np.full(rows, np.nan)
    status = np.zeros(rows, dtype=np.uint8)
    if cube is not None:
        found = np.ones(rows, dtype=bool)
        index = []
        for code, members in cube.dims:
            where = {member: i for i, member in enumerate(members)}
            lookup = np.array([where.get(m, -1) for m in indicator.member_codes(code)]
                              or [-1], dtype=np.int64)
            positions = lookup[columns[code]]
            found &= positions >= 0
            index.append(positions)
        periods = np.asarray(cube.periods, dtype=np.int64)
        at = np.searchsorted(periods, columns["period"]) if len(periods) else \
            np.zeros(rows, dtype=np.int64)
        at = np.minimum(at, max(len(periods) - 1, 0))
        found &= (periods[at] == columns["period"]) if len(periods) else False
        index.append(at)
        chosen = tuple(np.where(found, positions, 0) for positions in index)
        values = np.where(found, cube.values[chosen], np.nan)
        status = np.where(found, cube.status[chosen], 0).astype(np.uint8)
    mine_x = np.isin(columns["status"], CONFIDENTIAL)
    theirs_x = np.isin(status, CONFIDENTIAL)
    tolerance = 0.5 * 10.0 ** -columns.decimals + 1e-9
    mine, theirs = columns["value"], values
    both_numbers = ~mine_x & ~theirs_x & ~np.isnan(mine) & ~np.isnan(theirs)
    equal = (mine_x & theirs_x) | (both_numbers & (np.abs(mine - theirs) <= tolerance)) | (
        ~mine_x & ~theirs_x & np.isnan(mine) & np.isnan(theirs))
    result.equal = int(equal.sum())
    differing = np.flatnonzero(~equal)
    result.total_differences = len(differing)
    members = {code: indicator.member_codes(code) for code in dims}
    for i in differing[:MAX_LISTED]:
        cell = {code: members[code][columns[code][i]] for code in dims}
        cell["period"] = label(int(columns["period"][i]), indicator.periodicity)
        result.differences.append({
            "cell": cell, "material": _shown(mine[i], columns["status"][i]),
            "indicator": _shown(theirs[i], status[i])})
    return result
