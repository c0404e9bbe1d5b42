"""Release entries as JSON: the same dict for the entry's own URL, the listings and the
type's serializer. The public change log shows each change's time and reason; who made
it is for staff."""

from statportal.api.serialize import url_of
from statportal.releases.entries import shown_status
from statportal.security.staff import is_staff


def release_json(value):
    return value.isoformat() if value is not None else None


def delay_minutes(entry):
    if entry.published_at is None or entry.release is None:
        return None
    return round((entry.published_at - entry.release.latest()).total_seconds() / 60)


def change_json(change, staff):
    data = {"previous": release_json(change["previous"]), "new": release_json(change["new"]),
            "reason": change["reason"], "at": change["at"].isoformat()}
    if staff:
        data["by"] = change["by"]
    return data


def entry_json(request, entry):
    from statportal.security.permissions import EDIT

    staff = is_staff(request)
    keepers = request.has_permission(EDIT, entry)  # what waits under embargo: its keepers
    data = {
        "@id": url_of(request, entry), "@type": "ReleaseEntry", "id": entry.__name__,
        "uid": entry.uid, "title": dict(entry.title), "description": dict(entry.description),
        "category": entry.category, "section": entry.section, "plan_item": entry.plan_item,
        "status": entry.status, "shown_status": shown_status(entry),
        "release_at": entry.release_at, "exact": entry.release.exact,
        "changes": [change_json(c, staff) for c in entry.changes],
        "cancel_notice": dict(entry.cancel_notice or {}),
        "published_at": release_json(entry.published_at),
        "delay_minutes": delay_minutes(entry),
    }
    if keepers:
        data["notes"] = list(entry.notes)
        data["bundle"] = [{"material": item["material"], "request": item.get("request"),
                           "action": item["action"], "done": release_json(item.get("done")),
                           "skipped": item.get("skipped")}
                          for item in entry.bundle]
    return data


def serialize_entry(request, entry, data):
    """The type's serializer: the generic fields, and the entry's own."""
    data.update({key: value for key, value in entry_json(request, entry).items()
                 if key not in ("@id", "@type", "id")})
    return data
