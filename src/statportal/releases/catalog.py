"""The catalog of release entries (hypatia): what the pages, the feed and the worker query.

Kept on the portal. The ``open_due`` index holds only the entries still to come out
(provisional or confirmed), keyed by the latest moment they may come: the worker's
"what is due" is one range query over it, however long the calendar's past grows.
"""

from functools import partial

from hypatia.field import FieldIndex

from statportal.content.catalog import BaseCatalog, local_roles_changed, reindex_security_at

OPEN = ("provisional", "confirmed")


def status(entry, default):
    from statportal.releases.entries import shown_status

    return shown_status(entry)


def earliest(entry, default):
    return entry.release.earliest().timestamp() if entry.release is not None else default


def open_due(entry, default):
    if entry.status in OPEN and entry.release is not None:
        return entry.release.latest().timestamp()
    return default


def section(entry, default):
    return entry.section or default


def category(entry, default):
    return entry.category or default


INDEXES = {"status": status, "earliest": earliest, "open_due": open_due,
           "section": section, "category": category}


class ReleaseCatalog(BaseCatalog):
    indexes = {name: partial(FieldIndex, discriminator)
               for name, discriminator in INDEXES.items()}

    def unindex(self, entry):
        self.unindex_key(entry.uid)

    def due(self, now):
        """Entries still to come out whose latest moment is ``now`` or before."""
        ids = self.catalog["open_due"].applyLe(now.timestamp())
        return self.objects_of(ids)

    def next_due(self, now):
        """The earliest moment after ``now`` at which an entry still to come out falls due
        (its ``open_due`` key), or None: the worker waits until then."""
        index = self.catalog["open_due"]
        later = index.applyGt(now.timestamp())
        first = next(iter(index.sort(later, limit=1)), None) if later else None
        return self.objects[first].release.latest() if first is not None else None

    def query(self, statuses=None, section=None, category=None, since=None, until=None,
              reverse=False, start=0, size=None, allowed=None):
        """``(entries, total)`` by release time (earliest first; ``reverse``: latest first).

        ``since``/``until`` bound the earliest moment (UTC datetimes); ``section`` matches
        the section and the sections below it; ``allowed``: only the entries these
        principals may view (``allowed_principals``)."""
        catalog = self.catalog
        result = None

        def narrow(ids):
            nonlocal result
            from BTrees.IFBTree import intersection

            result = ids if result is None else intersection(result, ids)

        if allowed is not None:
            narrow(self.allowed_ids(allowed))
        if statuses:
            narrow(catalog["status"].applyAny(list(statuses)))
        if category:
            narrow(catalog["category"].applyEq(category))
        if section:
            section = section.rstrip("/")
            narrow(catalog["section"].applyInRange(section, section + "/\U0010ffff"))
        if since is not None or until is not None:
            narrow(catalog["earliest"].applyInRange(
                since.timestamp() if since is not None else None,
                until.timestamp() if until is not None else None, excludemax=True))
        if result is None:
            result = self.all_ids()
        total = len(result)
        if not total:
            return [], 0
        limit = start + size if size else None
        ordered = catalog["earliest"].sort(result, reverse=reverse, limit=limit,
                                           raise_unsortable=False)
        chosen = list(ordered)[start:limit]
        return self.objects_of(chosen), total


def get_release_catalog(portal):
    catalog = getattr(portal, "__release_catalog__", None)
    if catalog is None:
        catalog = portal.__release_catalog__ = ReleaseCatalog()
    return catalog


def entries_in(obj):
    from statportal.content.folder import Folder

    if getattr(obj, "__content_type__", None) == "ReleaseEntry":
        yield obj
    elif isinstance(obj, Folder) and getattr(obj, "__content_type__", None) in (
            "ReleaseCalendar", "CalendarYear"):
        for child in obj.values():
            yield from entries_in(child)


def _portal_of(obj, parent=None):
    from statportal.content.paths import root_of

    root = root_of(parent if parent is not None else obj)
    return root if getattr(root, "__content_type__", None) == "Portal" else None


def on_added(event):
    portal = _portal_of(event.object, event.parent)
    if portal is not None:
        for entry in entries_in(event.object):
            get_release_catalog(portal).index(entry)


def on_changed(event):
    obj = event.object
    if local_roles_changed(event):
        portal = _portal_of(obj)
        if portal is not None:
            reindex_security_at(get_release_catalog(portal), obj)
    if getattr(obj, "__content_type__", None) == "ReleaseEntry" and obj.__parent__ is not None:
        portal = _portal_of(obj)
        if portal is not None:
            get_release_catalog(portal).index(obj)


def on_removed(event):
    portal = _portal_of(event.object, event.parent)
    if portal is not None:
        for entry in entries_in(event.object):
            get_release_catalog(portal).unindex(entry)
