"""The currency monitor (``releases.currency``) watches the indicators too: an indicator
whose next release of the calendar has come and gone with no new public vintage is
*outdated* (art. 10.2: executors watch that Taldau's data are current).

An indicator's next release: the earliest release of its section (the entry's section is
the indicator's, or below it) that is not cancelled and comes after the indicator's newest
public vintage. Past its latest moment with the data still not updated, the finding
``outdated-data:<indicator path>:<due timestamp>`` holds; a vintage made public after that
moment resolves it at the next scan (the key is no longer yielded).
"""

from datetime import UTC, datetime, timedelta

from statportal.content.paths import path_of

KIND = "outdated"


def indicators_in(folder):
    """Every indicator below ``folder`` (the ``/data`` tree: topics and indicators)."""
    for child in folder.values() if hasattr(folder, "values") else ():
        kind = getattr(child, "__content_type__", None)
        if kind == "Indicator":
            yield child
        elif kind == "DataTopic":
            yield from indicators_in(child)


def last_public(indicator):
    """The moment of the newest public vintage, or None."""
    moments = [v.public_at for v in getattr(indicator, "vintages", None) or ()
               if v.state == "public" and v.public_at is not None]
    return max(moments, default=None)


def next_release(portal, indicator, after):
    """The indicator's next release after ``after`` (None: its first), or None."""
    from statportal.releases.catalog import get_release_catalog

    section = (getattr(indicator, "section", "") or "").rstrip("/")
    if not section:
        return None
    # the catalog's range needs both ends: from ``after`` to far ahead
    since = after + timedelta(microseconds=1) if after else datetime(1970, 1, 1, tzinfo=UTC)
    entries, _total = get_release_catalog(portal).query(
        statuses=("provisional", "confirmed", "postponed", "published"), section=section,
        since=since, until=since + timedelta(days=365 * 100), size=1)
    for entry in entries:
        if entry.release is not None and (after is None or entry.release.earliest() > after):
            return entry
    return None


def watch(request, portal, now):
    """The ``add_currency_watch`` of the data service: yields the outdated indicators."""
    root = portal.get("data") if hasattr(portal, "get") else None
    if root is None:
        return
    for indicator in indicators_in(root):
        updated = last_public(indicator)
        if updated is None:
            continue  # never published: nothing outdated yet (the calendar says missing)
        entry = next_release(portal, indicator, updated)
        if entry is None or entry.release.latest() > now:
            continue
        due = entry.release.latest()
        yield (f"outdated-data:{path_of(indicator)}:{int(due.timestamp())}", KIND,
               path_of(indicator), dict(indicator.title or {}),
               getattr(indicator, "unit", "") or "",
               getattr(indicator, "executor_email", "") or "", due)


def includeme(config):
    config.add_currency_watch("taldau", watch)
