"""The embargo of an indicator's data: an import bound to a release of the calendar.

- ``binding``: the release entry an import names (``release``), or an ``EditError`` naming
  ``release`` (not found, not a release, cancelled, already published): the import checks it
  before anything is stored.
- ``bind``: the vintage just stored for that release is remembered on the entry
  (``entry.data_vintages``: ``{"indicator": path, "vintage": number}``), so that the
  calendar knows the release holds data. The releases feature does not import taldau: it
  only keeps the list (read with a default: entries stored before have none).
- ``on_published`` / ``on_cancelled``: the entry's ``publish`` transition makes its
  vintages public in the same transaction that releases its materials; ``cancel`` cancels
  them. A postponed entry keeps them embargoed (nothing to do: its time moved).
"""

from persistent.list import PersistentList

from statportal.content.editing import EditError
from statportal.content.paths import find_by_path, path_of, root_of
from statportal.i18n import _

WORKER = "system:worker"
OPEN = ("provisional", "confirmed")


def binding(request, indicator, release_path):
    """The ``ReleaseEntry`` at ``release_path`` an import of ``indicator`` is bound to, or
    None for no release (empty). Raises ``EditError`` naming ``release``."""
    if release_path in (None, ""):
        return None
    if not isinstance(release_path, str) or not release_path.startswith("/"):
        raise EditError(_("The release is a path of the calendar, such as "
                          "/calendar/2027/gdp-q1."), "release")
    entry = find_by_path(root_of(indicator), release_path.rstrip("/") or "/")
    if entry is None:
        raise EditError(_("No release at ${path}.", mapping={"path": release_path}),
                        "release", type="not_found")
    if getattr(entry, "__content_type__", None) != "ReleaseEntry":
        raise EditError(_("${path} is not a release of the calendar.",
                          mapping={"path": release_path}), "release", type="not_a_release")
    if entry.status == "cancelled":
        raise EditError(_("The release ${path} is cancelled: its data would never be "
                          "published.", mapping={"path": release_path}), "release",
                        type="cancelled")
    if entry.status == "published":
        raise EditError(_("The release ${path} is already published: import without a "
                          "release to publish the data now.",
                          mapping={"path": release_path}), "release", type="published")
    return entry


def waits(entry, now):
    """Whether data bound to ``entry`` waits (is embargoed) at ``now``: the entry is still
    to come out (a provisional one waits for its confirmation)."""
    from statportal.releases.embargo import waits as release_waits

    return release_waits(entry, now)


def data_vintages(entry):
    """The entry's ``[{"indicator": path, "vintage": number}]`` (empty for an entry that
    holds no data, or stored before issue 20)."""
    return getattr(entry, "data_vintages", None) or ()


def bind(request, indicator, vintage, entry, now=None):
    """Remember on ``entry`` that ``vintage`` of ``indicator`` (stored ``embargoed``) waits
    for it. An import for a confirmed release whose time has come (a late import) is
    released at once, as a late placement is: with whatever of the entry still waits, and
    the entry is marked published with its delay (its ``publish`` makes the data public)."""
    from statportal import clock

    if entry is None:
        return
    if getattr(entry, "data_vintages", None) is None:
        entry.data_vintages = PersistentList()
    entry.data_vintages.append({"indicator": path_of(indicator), "vintage": vintage.number})
    now = now or clock.now()
    if not waits(entry, now):
        release_now(request.registry, entry, now)


def release_now(registry, entry, now):
    """Release ``entry`` at ``now`` through the releases feature's own functions: its
    waiting placements (``release_entry`` marks it published when it releases any), then
    the entry itself when it is still open. Returns the number of vintages published."""
    from statportal.releases import embargo as releases_embargo
    from statportal.releases import entries

    before = len(embargoed_of(entry))
    if entry.status == "confirmed" and entry.pending():
        releases_embargo.release_entry(registry, entry, now)
    if entry.status in OPEN:
        entries.mark_published(entry, now)  # its transition reindexes the entry
    publish_data(entry, now)  # already done by the publish transition; kept idempotent
    return before


def vintages_of(entry):
    """``(indicator, vintage)`` of the entry's data, those still found."""
    portal = root_of(entry)
    found = []
    for item in data_vintages(entry):
        indicator = find_by_path(portal, item["indicator"])
        for vintage in getattr(indicator, "vintages", None) or ():
            if vintage.number == item["vintage"]:
                found.append((indicator, vintage))
    return found


def embargoed_of(entry):
    """The entry's vintages still embargoed."""
    return [(ind, v) for ind, v in vintages_of(entry) if v.state == "embargoed"]


def publish_data(entry, now):
    """Make the entry's embargoed vintages public at ``now``; returns how many."""
    from statportal.taldau.store import publish_vintage

    done = 0
    for _indicator, vintage in embargoed_of(entry):
        publish_vintage(vintage, now)
        done += 1
    return done


def cancel_data(entry, now):
    from statportal.taldau.store import cancel_vintage

    done = 0
    for _indicator, vintage in embargoed_of(entry):
        cancel_vintage(vintage, now)
        done += 1
    return done


def _moment(event):
    """The release's moment: ``mark_published`` sets ``published_at`` before it fires."""
    from statportal import clock

    at = event.entry.get("time") if isinstance(event.entry, dict) else None
    return getattr(event.object, "published_at", None) or at or clock.now()


def on_published(event):
    """AfterTransition ``release_entry``/``publish``: its vintages go public with it."""
    if getattr(event.object, "__content_type__", None) == "ReleaseEntry":
        publish_data(event.object, _moment(event))


def on_cancelled(event):
    """AfterTransition ``release_entry``/``cancel``: its vintages will never be public."""
    from statportal import clock

    if getattr(event.object, "__content_type__", None) == "ReleaseEntry":
        at = event.entry.get("time") if isinstance(event.entry, dict) else None
        cancel_data(event.object, at or clock.now())


def includeme(config):
    from statportal.workflow.events import AfterTransition

    config.add_subscriber(on_published, AfterTransition, workflow="release_entry",
                          transition="publish")
    config.add_subscriber(on_cancelled, AfterTransition, workflow="release_entry",
                          transition="cancel")
    registry = config.registry   # the listings' page sizes are settings of the portal
    config.add_embargo_probe_targets(
        "taldau", lambda portal: probe_targets(portal, registry.settings))


# -- statportal embargo-probe ---------------------------------------------------------------
def probe_targets(portal, settings=None):
    """The embargo probe's targets (``releases.probe``): for each indicator with vintages
    waiting for a release still to come, the addresses whose anonymous answer must not
    show them. An indicator with no public vintage answers 404 everywhere and no listing
    names it (every page of the listings); one with a public vintage must not show the
    periods only the embargoed vintages hold (their ISO labels) in its data (the CSV of
    ``@data`` and ``/api/v2``). ``settings``: the portal's (``statportal.batch_max``)."""
    from urllib.parse import quote

    from statportal.releases.catalog import get_release_catalog
    from statportal.releases.probe import Target
    from statportal.taldau.periods import label

    waiting = {}
    entries, _total = get_release_catalog(portal).query(statuses=("provisional", "confirmed",
                                                                  "postponed"))
    for entry in entries:
        # whatever its state says: data of a release still to come must not be public (a
        # probe does not trust the state it checks)
        for indicator, vintage in vintages_of(entry):
            if vintage.state != "cancelled":
                waiting.setdefault(path_of(indicator), (indicator, []))[1].append(vintage)
    found, pages = [], None
    for path, (indicator, vintages) in sorted(waiting.items()):
        quoted, name = quote(path), quote(indicator.__name__)
        data = f"{quoted}/@data?outputFormat=csv"
        held = {v.number for v in vintages}
        public = [v for v in indicator.vintages
                  if v.state == "public" and v.number not in held]
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
            first, last = vintage.periods
            shown.update(range(first, last + 1))
        # in the long CSV a period is a field of its own: ",2026-11," (the pages and the
        # JSON also carry dates, such as when the data were updated, that could match)
        words = sorted({f",{label(ordinal, indicator.periodicity)},"
                        for vintage in vintages
                        for ordinal in range(vintage.periods[0], vintage.periods[1] + 1)
                        if ordinal not in shown})
        if words:
            found.append(Target(path, [], [(url, words) for url in (
                data, f"/api/v2/tables/{name}/data?outputFormat=csv")]))
    return found


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
