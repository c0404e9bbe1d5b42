"""The release calendar's searches for the reference pickers (``statportal.views.picker``):
the release entry a request is placed for, the plan item an entry fulfils."""

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


def includeme(config):
    from statportal.views.picker import register_reference_search

    register_reference_search(config, "ReleaseEntry", search_entries)
    register_reference_search(config, "WorkPlanItem", search_plan_items)
