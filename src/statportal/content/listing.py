"""Listings show only what the user may view: a draft's title is not for the public.

Folders of the public tree hold tens or hundreds of children, so filtering
by permission while walking is cheap; the big folders (requests, questions)
get catalog-backed listings with a security index instead.
"""

from statportal.security.permissions import VIEW


def visible(request, folder):
    """(name, child) in folder order, for the children this user may view."""
    for name, child in folder.items():
        if request.has_permission(VIEW, child):
            yield name, child


def visible_batch(request, folder, start=0, size=25):
    """One page of the visible children, and how many are visible in all (one walk).

    A folder with its own ``visible_batch(request, start, size)`` (a catalog) answers itself.
    """
    own = getattr(folder, "visible_batch", None)
    if own is not None:
        return own(request, start, size)
    items, total = [], 0
    for entry in visible(request, folder):
        if start <= total < start + size:
            items.append(entry)
        total += 1
    return items, total
