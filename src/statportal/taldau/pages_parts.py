"""The parts of the indicator page that read more than the selection: the selector's
dimensions, the table's rows, the releases (embargo notice, next update, materials)."""

from itertools import product

import numpy

from statportal.content.paths import find_by_path, root_of
from statportal.i18n import _, format_datetime, format_number, pick
from statportal.security.permissions import VIEW
from statportal.taldau.formats.common import (
    PRIMARY,
    PROVISIONAL,
    PROVISIONAL_NOTE,
    REVISED,
    REVISED_NOTE,
    SECONDARY,
)
from statportal.taldau.selection import text_in


# -- the selector ---------------------------------------------------------------------------
def form_dims(indicator, cube, result, selection, lang):
    """Each non-time dimension of the cube for the form: its members in hierarchy order
    (indented by depth), those shown checked."""
    shown = {d.code: set(d.codes) for d in result.dims} if result is not None else {}
    dims = []
    for dim, members in cube.dims:
        info = indicator.dimension(dim)
        parents = {item["code"]: item.get("parent") or "" for item in info["hierarchy"]}
        labels = {item["code"]: text_in(item.get("label"), lang) or item["code"]
                  for item in info["hierarchy"]}
        expr = selection.get(dim)
        chosen = shown.get(dim) or (set(expr.codes) if expr is not None and
                                    expr.kind == "codes" else set())
        dims.append({"code": dim, "title": text_in(info.get("title"), lang) or dim,
                     "name": f"valuecodes[{dim}]",
                     "members": [{"code": code, "label": labels.get(code, code),
                                  "depth": _depth(code, parents),
                                  "checked": code in chosen} for code in members]})
    return dims


def _depth(code, parents):
    depth, seen = 0, {code}
    while parents.get(code) and parents[code] not in seen and depth < 8:
        code = parents[code]
        seen.add(code)
        depth += 1
    return depth


# -- the table ------------------------------------------------------------------------------
def table_of(request, result):
    """Rows of the table: one per series (the non-time dimensions' codes combined), a cell
    per period. A confidential cell's text is ``X`` and nothing else; ``marks`` says which
    notes the table needs."""
    dims = result.dims[:-1]
    shape = [len(d.codes) for d in dims]
    rows, marks = [], set()
    for index in product(*(range(s) for s in shape)):
        cells = []
        for value, status in zip(result.values[index], result.status[index], strict=True):
            status = int(status)
            if status in (PRIMARY, SECONDARY):
                cells.append({"kind": "x", "text": "X", "mark": ""})
                marks.add("x")
            elif numpy.isnan(value):
                cells.append({"kind": "missing", "text": "…", "mark": ""})
                marks.add("missing")
            else:
                mark = {PROVISIONAL: "p", REVISED: "r"}.get(status, "")
                if mark:
                    marks.add(mark)
                cells.append({"kind": "value", "mark": mark,
                              "text": format_number(request, float(value), result.decimals)})
        rows.append({"headers": [dims[i].labels[k] for i, k in enumerate(index)],
                     "cells": cells})
    translate = request.localizer.translate
    from statportal.disclosure.output import FOOTNOTE

    notes = []
    if "x" in marks:
        notes.append(("note-x", "X", FOOTNOTE.get(result.lang, FOOTNOTE["en"])))
    if "p" in marks:
        notes.append(("note-p", "p", translate(PROVISIONAL_NOTE)))
    if "r" in marks:
        notes.append(("note-r", "r", translate(REVISED_NOTE)))
    if "missing" in marks:
        notes.append(("note-missing", "…", translate(_("… – no data."))))
    return {"dims": dims, "periods": result.dims[-1], "rows": rows, "notes": notes}


# -- releases -------------------------------------------------------------------------------
def _applied(indicator, cube):
    numbers = set(getattr(cube, "vintages", ()) or ())
    return [v for v in indicator.vintages if v.number in numbers]


def _entry(indicator, path):
    if not path:
        return None
    found = find_by_path(root_of(indicator), path)
    return found if getattr(found, "__content_type__", None) == "ReleaseEntry" else None


def release_time(request, entry):
    """The entry's time as a local date and time, or its ISO month(s) while provisional."""
    release = getattr(entry, "release", None)
    if release is None:
        return ""
    if getattr(release, "exact", False):
        return format_datetime(request, release.at)
    return release.isoformat()


def embargo_notice(request, indicator, cube):
    """For staff: the releases whose embargoed vintages the page shows, with their time."""
    found = []
    for vintage in _applied(indicator, cube):
        if vintage.state != "embargoed":
            continue
        entry = _entry(indicator, vintage.release)
        found.append({"vintage": vintage.number,
                      "until": release_time(request, entry) if entry is not None else "",
                      "url": request.resource_url(entry) if entry is not None else None})
    return found


def next_update(request, indicator):
    """The calendar's next release for the indicator (the API's ``next_release``), as
    ``{"text", "url", "title"}``; None when the calendar says nothing."""
    from statportal.taldau.api import next_release

    entry = next_release(request, indicator)
    if entry is None:
        return None
    title, lang = pick(request, entry.title)
    return {"text": release_time(request, entry), "url": request.resource_url(entry),
            "title": title, "lang": lang}


def release_materials(request, indicator, cube):
    """The materials of the releases the shown vintages came with (each bundle's), those
    this viewer may see, each once: ``[{"url", "title", "lang"}]``."""
    portal = root_of(indicator)
    found, seen = [], set()
    for vintage in _applied(indicator, cube):
        entry = _entry(indicator, vintage.release)
        for item in getattr(entry, "bundle", None) or ():
            path = item.get("material")
            if not path or path in seen:
                continue
            seen.add(path)
            material = find_by_path(portal, path)
            if material is None or not request.has_permission(VIEW, material):
                continue
            title, lang = pick(request, material.title)
            found.append({"url": request.resource_url(material),
                          "title": title or material.__name__, "lang": lang})
    return found



# -- people ---------------------------------------------------------------------------------
def person_name(request, login):
    """A person by name, as the workflow's history says them (the login when the account
    is gone): the vintages' "By" column."""
    from statportal.content.resources import get_portal
    from statportal.security.principals import find_user

    user = find_user(get_portal(request), login) if login else None
    return (getattr(user, "fullname", "") or login) if user is not None else (login or "")
