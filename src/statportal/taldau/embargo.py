"""The embargo of an indicator's data: an import bound to a release of the calendar.

- ``binding``: the release entry an import names (``release``), or an ``EditError`` naming
  ``release`` (not found, not a release, cancelled, already published): the import checks it
  before anything is stored.
- ``bind``: the vintage just stored for that release is remembered on the entry
  (``entry.data_vintages``: ``{"indicator": path, "vintage": number, "of": the Indicator,
  "ref": the Vintage}``), so that the calendar knows the release holds data. The objects
  themselves are held (persistent references): a path and a number would name another
  indicator's vintage once the indicator is renamed and a new one made at its path. The
  releases feature does not import taldau: it only keeps the list (read with a default:
  entries stored before have none; items bound before the references, path and number
  only, are still read, their vintage only when it names this release).
  ``bind`` writes the entry itself (a new tuple), not only a list of its own: an import
  committing after the worker's pass published the entry then conflicts with that pass,
  and its retry finds the release published (``binding`` refuses it) instead of leaving a
  vintage embargoed for ever.
- ``on_published`` / ``on_cancelled``: the entry's ``publish`` transition makes its
  vintages public in the same transaction that releases its materials; ``cancel`` cancels
  them. A postponed entry keeps them embargoed (nothing to do: its time moved).
"""

from statportal.content.editing import EditError
from statportal.content.paths import find_by_path, path_of, root_of
from statportal.i18n import _
from statportal.security.permissions import VIEW

WORKER = "system:worker"
OPEN = ("provisional", "confirmed")


def binding(request, indicator, release_path):
    """The ``ReleaseEntry`` at ``release_path`` an import of ``indicator`` is bound to, or
    None for no release (empty). Raises ``EditError`` naming ``release`` (an entry the
    caller may not VIEW: as a missing one). (The import reads
    the portal's own address of an entry as its path first: ``release_field``.)"""
    if release_path in (None, ""):
        return None
    if not isinstance(release_path, str) or not release_path.startswith("/"):
        raise EditError(_("The release is a path of the calendar, such as "
                          "/calendar/2027/gdp-q1, or the address of its page on this "
                          "portal."), "release")
    entry = find_by_path(root_of(indicator), release_path.rstrip("/") or "/")
    # an entry the caller may not view answers as a missing one (its existence not told);
    # no request: the demo's own setup, trusted
    if entry is None or (request is not None and not request.has_permission(VIEW, entry)):
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
    if not section_fits(indicator, entry):
        raise EditError(_("The release ${path} is of the section ${section}: bind the "
                          "data to a release of the indicator's section ${own} or of a "
                          "section above it.", mapping={
                              "path": release_path, "section": entry.section,
                              "own": indicator.section}), "release", type="other_section")
    return entry


def section_fits(indicator, entry):
    """Whether ``indicator``'s data may be bound to the release ``entry``: the entry's
    section is the indicator's section or one above it (a bulletin of the economy may
    carry the prices' indicators; the prices' release not the regional accounts'). An
    entry naming no section (stored before the calendar required one) is the whole
    portal's: it fits every indicator; so does every entry an indicator naming no section
    (the section is optional: there is nothing to compare; give it one for the check)."""
    def parts(path):
        return [part for part in (path or "").split("/") if part]

    release, own = parts(getattr(entry, "section", "")), parts(
        getattr(indicator, "section", ""))
    return not own or own[:len(release)] == release


def waits(entry, now):
    """Whether data bound to ``entry`` waits (is embargoed) at ``now``: the entry is still
    to come out (a provisional one waits for its confirmation)."""
    from statportal.releases.embargo import waits as release_waits

    return release_waits(entry, now)


def data_vintages(entry):
    """The entry's ``[{"indicator": path, "vintage": number}]`` (empty for an entry that
    holds no data, or stored before issue 20): the path at the time of binding."""
    return [{"indicator": item["indicator"], "vintage": item["vintage"]}
            for item in _items(entry)]


def _items(entry):
    return getattr(entry, "data_vintages", None) or ()


def bind(request, indicator, vintage, entry, now=None):
    """Remember on ``entry`` that ``vintage`` of ``indicator`` (stored ``embargoed``) waits
    for it. An import for a confirmed release whose time has come (a late import) is
    released at once, as a late placement is: with whatever of the entry still waits, and
    the entry is marked published with its delay (its ``publish`` makes the data public)."""
    from statportal import clock

    if entry is None:
        return
    # A new tuple on the entry (not an append to a list of its own): the entry is written,
    # so this transaction conflicts with a worker's pass that publishes the entry.
    entry.data_vintages = (*_items(entry), {"indicator": path_of(indicator),
                                            "vintage": vintage.number,
                                            "of": indicator, "ref": vintage})
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
    """``(indicator, vintage)`` of the entry's data, those still found: an indicator
    still in the portal (wherever it was renamed or moved to) holding the vintage, which
    names this release (a vintage of another release is never this one's)."""
    portal = root_of(entry)
    here = path_of(entry)
    found = []
    for item in _items(entry):
        indicator, vintage = item.get("of"), item.get("ref")
        if vintage is not None:
            if indicator is None or find_by_path(portal, path_of(indicator)) is not indicator \
                    or not any(v is vintage for v in indicator.vintages):
                continue            # removed with its indicator
            # moved entries keep their references; a vintage naming another release is not
            elsewhere = vintage.release not in ("", here)
            if elsewhere and _is_entry(find_by_path(portal, vintage.release)):
                continue
        else:   # bound before the references: by path and number, only if it names us
            indicator = find_by_path(portal, item["indicator"])
            vintage = next((v for v in getattr(indicator, "vintages", None) or ()
                            if v.number == item["vintage"] and v.release == here), None)
            if vintage is None:
                continue
        found.append((indicator, vintage))
    return found


def _is_entry(obj):
    return getattr(obj, "__content_type__", None) == "ReleaseEntry"


def embargoed_of(entry):
    """The entry's vintages still embargoed."""
    return [(ind, v) for ind, v in vintages_of(entry) if v.state == "embargoed"]


def publish_data(entry, now):
    """Make the entry's embargoed vintages public at ``now``; returns how many. Each
    indicator with a vintage made public is told once (``DataPublished``: its
    subscribers' mail)."""
    from pyramid.threadlocal import get_current_registry

    from statportal.content.events import DataPublished
    from statportal.taldau.store import publish_vintage

    done, told = 0, []
    for indicator, vintage in embargoed_of(entry):
        publish_vintage(vintage, now)
        done += 1
        if not any(indicator is seen for seen in told):
            told.append(indicator)
    registry = get_current_registry()
    for indicator in told:
        registry.notify(DataPublished(indicator, now))
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
    config.include("statportal.taldau.probe_targets")  # what statportal embargo-probe asks

