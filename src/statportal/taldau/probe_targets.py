"""What ``statportal embargo-probe`` asks of the data service (``add_embargo_probe_targets``).

For each indicator with vintages waiting for a release still to come:

- no public vintage: every address of it answers 404 and no listing names it (every page
  of ``/data/@tables`` and ``/api/v2/tables``, its topic, the sitemap, the search);
- a public vintage: the public sees what the public vintages make, nothing of the waiting
  ones. The long CSVs of ``@data`` and ``/api/v2`` must not name a period only the
  waiting vintages hold; ``@metadata``, ``/api/v2/tables/<id>/metadata`` and the page must
  give the public ``updated``, first and last period and periods; and the cells a waiting
  vintage changes in the public periods (revisions, a figure turned X or back) must have
  their public value and status in ``@data`` and ``/api/v2`` (JSON-stat of a selection of
  those cells). At most ``SAMPLE`` changed cells a vintage are asked, spread evenly over
  them: the probe stays a few requests an indicator.

The expected answers are worked out here from the database (the public vintages applied
with ``cube.apply_vintages``), never through the functions the portal uses to decide
what the public sees (``visible_vintages``): a probe does not trust what it checks.
"""

import json
import re
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import numpy as np

from statportal.content.paths import find_by_path, path_of

SAMPLE = 50          # changed cells asked a vintage
GROUP_CELLS = 2500   # the largest selection one request asks (the product of its codes)
_DATETIME = re.compile(r'datetime="([^"]+)"')


def includeme(config):
    registry = config.registry   # the listings' page sizes are settings of the portal
    config.add_embargo_probe_targets(
        "taldau", lambda portal: probe_targets(portal, registry.settings))


def waiting_vintages(portal):
    """``{indicator path: (indicator, [vintages])}`` bound to releases still to come,
    whatever their state says (a defect may have made them public)."""
    from statportal.releases.catalog import get_release_catalog
    from statportal.taldau.embargo import vintages_of

    waiting = {}
    entries, _total = get_release_catalog(portal).query(statuses=("provisional", "confirmed",
                                                                  "postponed"))
    for entry in entries:
        for indicator, vintage in vintages_of(entry):
            if vintage.state != "cancelled":
                waiting.setdefault(path_of(indicator), (indicator, []))[1].append(vintage)
    return waiting


def probe_targets(portal, settings=None):
    """The probe's targets (``releases.probe.Target``); ``settings``: the portal's
    (``statportal.batch_max``, the page size of ``/data/@tables``)."""
    from statportal import clock
    from statportal.releases.probe import Target
    from statportal.taldau.periods import label

    found, pages, now = [], None, clock.now()
    for path, (indicator, vintages) in sorted(waiting_vintages(portal).items()):
        quoted, name = quote(path), quote(indicator.__name__)
        data = f"{quoted}/@data?outputFormat=csv"
        held = {v.number for v in vintages}
        public = [v for v in indicator.vintages
                  if v.state == "public" and v.number not in held and v.public_at is not None
                  and v.public_at <= now]
        if not public:
            urls = [quoted, f"{quoted}/@metadata", f"{quoted}/@data", data,
                    f"/api/v2/tables/{name}", f"/api/v2/tables/{name}/metadata",
                    f"/api/v2/tables/{name}/data"]
            parent = path.rsplit("/", 1)[0] or "/"
            pages = pages or listing_pages(portal, settings)
            listings = [(url, [quoted]) for url in (
                *pages[0], quote(parent), "/sitemap.xml")]
            # /api/v2 names a table by its id (its links), not by its path
            listings += [(url, [f"/api/v2/tables/{name}?"]) for url in pages[1]]
            listings.append((f"/@search?{'SearchableText=' + quote(indicator.code)}",
                             [quoted]))
            found.append(Target(path, urls, listings))
            continue
        shown = set()
        for vintage in public:
            first, last = vintage.periods or (1, 0)
            shown.update(range(first, last + 1))
        hidden = sorted({label(ordinal, indicator.periodicity) for vintage in vintages
                         if vintage.periods
                         for ordinal in range(vintage.periods[0], vintage.periods[1] + 1)
                         if ordinal not in shown})
        target = Target(path)
        if hidden:
            # in the long CSV a period is a field of its own: ",2026-11," (the pages and
            # the JSON also carry dates, such as when the data were updated, that could
            # match)
            words = [f",{code}," for code in hidden]
            target.must_not_contain = [(url, words) for url in (
                data, f"/api/v2/tables/{name}/data?outputFormat=csv")]
        target.checks = public_checks(indicator, public, vintages, hidden)
        found.append(target)
    return found


def public_checks(indicator, public, waiting, hidden):
    """The ``(url, check)`` pairs of an indicator with public data (see the module)."""
    from statportal.taldau.cube import apply_vintages
    from statportal.taldau.periods import label

    cube = apply_vintages(indicator, public, staff=False)
    quoted, name = quote(path_of(indicator)), quote(indicator.__name__)
    periods = [label(p, indicator.periodicity) for p in cube.periods]
    newest = max(public, key=lambda v: v.number)
    updated = {_second(cube.updated), _second(newest.public_at)}
    expected = {"updated": updated, "periods": set(periods),
                "first": periods[0] if periods else None,
                "last": periods[-1] if periods else None}

    def native_metadata(body):
        found = json.loads(body)
        codes = [value["code"] for dim in found.get("dimensions") or ()
                 if dim.get("code") == "period" for value in dim.get("values") or ()]
        return _compare(expected, found.get("updated"), found.get("firstPeriod"),
                        found.get("lastPeriod"), codes)

    def pxweb_metadata(body):
        found = json.loads(body)
        extension = found.get("extension") or {}
        codes = list(((found.get("dimension") or {}).get("period") or {})
                     .get("category", {}).get("index") or ())
        return _compare(expected, found.get("updated"), extension.get("firstPeriod"),
                        extension.get("lastPeriod"), codes)

    def page(body):
        text = body.decode("utf-8", "replace")
        shows = [f'period {code}' for code in hidden if f'value="{code}"' in text]
        times = {_second(_parse(value)) for value in _DATETIME.findall(text)}
        if not times & updated:
            shows.append("no update time of the public vintages "
                          f"({', '.join(sorted(str(t) for t in updated))})")
        return ["shows " + what for what in shows]

    checks = [(f"{quoted}/@metadata", native_metadata),
              (f"/api/v2/tables/{name}/metadata", pxweb_metadata), (quoted, page)]
    for vintage in sorted(waiting, key=lambda v: v.number):
        for cells in _groups(changed_cells(indicator, cube, public, waiting, vintage)):
            checks.extend(value_checks(indicator, cube, cells, vintage))
    return checks


def changed_cells(indicator, cube, public, waiting, vintage):
    """The cells of ``vintage`` in the public periods whose value or status the public
    must not see (what the staff see through it differs from the public cube): at most
    ``SAMPLE``, evenly spread; ``{dim: position…, "period": ordinal}`` each."""
    from statportal.taldau.cube import apply_vintages
    from statportal.taldau.store import STATUS_TEXT

    columns = vintage.columns()
    inside = np.isin(columns["period"], np.asarray(cube.periods, dtype=np.int32))
    if not inside.any():
        return []
    columns = {key: array[inside] for key, array in columns.items()}
    staff = apply_vintages(indicator, [*public, *(v for v in waiting
                                                   if v.number <= vintage.number)])
    old_values, old_status = cube.lookup(columns)
    new_values, new_status = staff.lookup(columns)
    tolerance = _tolerance(cube.decimals, old_values)
    text = np.vectorize(lambda code: STATUS_TEXT.get(int(code), ""), otypes=[object])
    differ = (np.isnan(old_values) != np.isnan(new_values)) | (
        np.abs(np.nan_to_num(new_values) - np.nan_to_num(old_values)) > 2 * tolerance)
    differ |= text(old_status) != text(new_status)
    where = np.flatnonzero(differ)
    if len(where) > SAMPLE:
        where = where[np.linspace(0, len(where) - 1, SAMPLE).round().astype(int)]
    codes = indicator.dimension_codes()
    return [{**{dim: int(columns[dim][i]) for dim in codes},
             "period": int(columns["period"][i])} for i in where]


def _groups(cells):
    """``cells`` in groups whose selection (every code of each dimension any cell of the
    group has) holds at most ``GROUP_CELLS`` cells."""
    groups = []
    for cell in cells:
        for group in groups:
            size = 1
            for key in cell:
                size *= len({c[key] for c in group} | {cell[key]})
            if size <= GROUP_CELLS:
                group.append(cell)
                break
        else:
            groups.append([cell])
    return groups


def value_checks(indicator, cube, cells, vintage):
    """``(url, check)`` of the JSON-stat of ``@data`` and ``/api/v2`` for the selection of
    ``cells``: each must have its public value (within the rounding) and status."""
    from statportal.taldau.periods import label
    from statportal.taldau.store import STATUS_TEXT

    codes = indicator.dimension_codes()
    members = {dim: indicator.member_codes(dim) for dim in codes}

    def code_of(cell, dim):
        if dim == "period":
            return label(cell["period"], indicator.periodicity)
        return members[dim][cell[dim]]

    selection = {}
    for dim in (*codes, "period"):
        selection[dim] = sorted({code_of(cell, dim) for cell in cells})
    columns = {dim: np.array([cell[dim] for cell in cells], dtype=np.int32)
               for dim in (*codes, "period")}
    values, status = cube.lookup(columns)
    tolerance = _tolerance(cube.decimals, values)
    wanted = [({dim: code_of(cell, dim) for dim in (*codes, "period")}, value,
               STATUS_TEXT.get(int(code), ""), limit)
              for cell, value, code, limit in zip(cells, values, status, tolerance,
                                                  strict=True)]

    def check(body):
        found = json.loads(body)
        index = {dim: found["dimension"][dim]["category"]["index"] for dim in found["id"]}
        served, flags = found.get("value") or [], found.get("status") or {}
        leaks = []
        for cell, value, text, limit in wanted:
            at = 0
            for dim, size in zip(found["id"], found["size"], strict=True):
                # JSON-stat's index is an object or an array; the metric has one category
                positions = index[dim] if isinstance(index[dim], dict) else {
                    code: i for i, code in enumerate(index[dim])}
                position = positions.get(cell[dim]) if dim in cell else 0
                if position is None:
                    at = None
                    break
                at = at * size + position
            if at is None:
                continue  # not in the answer: the selection was refused another way
            got = served.get(str(at)) if isinstance(served, dict) else served[at]
            flag = flags.get(str(at), "") if isinstance(flags, dict) else (flags[at] or "")
            right = (got is None) == bool(np.isnan(value)) and (
                got is None or abs(float(got) - float(value)) <= limit)
            if not right or flag != text:
                where = ", ".join(f"{dim}={code}" for dim, code in cell.items())
                public = "no value" if np.isnan(value) else f"{float(value):g}"
                leaks.append(f"shows {'no value' if got is None else got}"
                             f"{' ' + flag if flag else ''} at {where}, where the public "
                             f"value is {public}{' ' + text if text else ''} "
                             f"(vintage {vintage.number} waits for its release)")
        return leaks

    query = urlencode({f"valuecodes[{dim}]": ",".join(chosen)
                       for dim, chosen in selection.items()})
    quoted, name = quote(path_of(indicator)), quote(indicator.__name__)
    return [(f"{quoted}/@data?{query}", check),
            (f"/api/v2/tables/{name}/data?{query}&outputFormat=json-stat2", check)]


def _tolerance(decimals, values):
    """How far a published figure may be from the stored one: half its last digit."""
    return 0.5 * 10.0 ** -int(decimals or 0) + 1e-9 * np.maximum(1, np.abs(
        np.nan_to_num(values)))


def _compare(expected, updated, first, last, codes):
    """What a metadata answer shows that the public must not see."""
    shows = []
    if _second(_parse(updated)) not in expected["updated"]:
        shows.append(f"updated {updated}")
    if first != expected["first"]:
        shows.append(f"first period {first}")
    if last != expected["last"]:
        shows.append(f"last period {last}")
    extra = [code for code in codes if code not in expected["periods"]]
    if extra:
        shows.append("period " + ", ".join(extra))
    return ["shows " + what for what in shows]


def _parse(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        return None


def _second(moment):
    """An aware moment in UTC to the second (the answers write no microseconds)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def listing_pages(portal, settings=None):
    """``(native, pxweb)``: the addresses of every page of ``/data/@tables`` and
    ``/api/v2/tables`` at their largest page size, enough pages for every indicator under
    ``/data`` (an embargoed indicator on page 2 of the default size would go unseen)."""
    from statportal.settings import DEFAULTS, as_int
    from statportal.taldau import pxweb_shapes
    from statportal.taldau.api import indicators_under

    root = find_by_path(portal, "/data")
    total = sum(1 for _i in indicators_under(root)) if root is not None else 0
    native = as_int({**DEFAULTS, **(settings or {})}, "statportal.batch_max")
    pxweb = pxweb_shapes.MAX_PAGE_SIZE
    return ([f"/data/@tables?b_start={start}&b_size={native}"
             for start in range(0, max(total, 1), native)],
            [f"/api/v2/tables?pageSize={pxweb}&pageNumber={number}"
             for number in range(1, -(-max(total, 1) // pxweb) + 1)])
