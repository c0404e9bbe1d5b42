"""The release calendar's searches for the reference pickers (``statportal.views.picker``):
the release entry a request is placed for, the plan item an entry fulfils; and what a
chosen one fills in a form (``IReferenceFill``: the placement request's title, section,
category, languages, release entry and plan item)."""

import re
import unicodedata

WORD = re.compile(r"\w+", re.UNICODE)


def words_of(text):
    return {w.lower() for w in WORD.findall(unicodedata.normalize("NFC", text or ""))}


def _matches(obj, words):
    titles = " ".join(t for t in (getattr(obj, "title", None) or {}).values() if t)
    found = words_of(titles)
    return all(any(f.startswith(w) for f in found) for w in words)


def search_entries(request, text, limit):
    """Entries not cancelled whose titles hold words starting as ``text``'s, the latest
    release first, among those the user may view (the catalog's ``allowed`` index)."""
    from statportal.content.catalog import allowed_principals
    from statportal.content.resources import get_portal
    from statportal.releases.catalog import get_release_catalog

    words = words_of(text)
    entries, _total = get_release_catalog(get_portal(request)).query(
        reverse=True, allowed=allowed_principals(request))
    found = []
    for entry in entries:
        if entry.status != "cancelled" and _matches(entry, words):
            found.append(entry)
            if len(found) == limit:
                break
    return found


def search_plan_items(request, text, limit):
    """Plan items whose titles match, the latest year first. The plan has no catalog (a
    few hundred items a year): each item the user may not view is left out by the
    policy."""
    from statportal.content.resources import get_portal
    from statportal.security.permissions import VIEW

    words = words_of(text)
    plan = get_portal(request).get("plan")
    found = []
    for _name, child in sorted(plan.items(), reverse=True) if plan is not None else ():
        kids = child.values() if getattr(child, "__content_type__", None) == "PlanYear" \
            else (child,)
        for item in kids:
            if getattr(item, "__content_type__", None) == "WorkPlanItem" and \
                    _matches(item, words) and request.has_permission(VIEW, item):
                found.append(item)
                if len(found) == limit:
                    return found
    return found


def _titles(obj):
    return {lang: text for lang, text in (getattr(obj, "title", None) or {}).items()
            if text}


def upcoming_entries(request, path):
    """The entries of the plan item at ``path`` still to come out (provisional or
    confirmed), among those the user may view."""
    from statportal.content.catalog import allowed_principals
    from statportal.content.resources import get_portal
    from statportal.releases.catalog import get_release_catalog

    entries, _total = get_release_catalog(get_portal(request)).query(
        allowed=allowed_principals(request))
    return [entry for entry in entries if entry.plan_item == path
            and entry.status in ("provisional", "confirmed")]


def fill_from_plan_item(request, item):
    """The plan item's title, section, category and languages; its release entry when it
    has exactly one still to come (with two or more the executor chooses)."""
    from statportal.content.paths import path_of

    path = path_of(item)
    values = {"plan_item": path, "title": _titles(item), "section": item.section,
              "category": item.category, "languages": sorted(item.languages or ())}
    upcoming = upcoming_entries(request, path)
    if len(upcoming) == 1:
        values["release"] = path_of(upcoming[0])
    return {key: value for key, value in values.items() if value}


def fill_from_entry(request, entry):
    """The entry's title, section, category, its plan item and that item's languages."""
    from statportal.content.paths import find_by_path, path_of
    from statportal.content.resources import get_portal
    from statportal.security.permissions import VIEW

    values = {"release": path_of(entry), "title": _titles(entry), "section": entry.section,
              "category": entry.category}
    item = find_by_path(get_portal(request), entry.plan_item) if entry.plan_item else None
    if getattr(item, "__content_type__", None) == "WorkPlanItem" and \
            request.has_permission(VIEW, item):
        values["plan_item"] = path_of(item)
        values["languages"] = sorted(item.languages or ())
    return {key: value for key, value in values.items() if value}


def includeme(config):
    from statportal.views.picker import register_reference_fill, register_reference_search

    register_reference_search(config, "ReleaseEntry", search_entries)
    register_reference_search(config, "WorkPlanItem", search_plan_items)
    register_reference_fill(config, "ReleaseEntry", fill_from_entry)
    register_reference_fill(config, "WorkPlanItem", fill_from_plan_item)
