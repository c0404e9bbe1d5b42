"""Listings show only what the user may view: a draft's title is not for the public.

Folders of the public tree hold tens or hundreds of children, so filtering
by permission while walking is cheap; the big folders (requests, questions)
get catalog-backed listings with a security index instead.
"""

from statportal.security.permissions import VIEW


def may_view(request, obj):
    """VIEW on ``obj``, and its type's ``visible(request, obj)`` hook
    (``add_content_type(visible=…)``) agreeing: an object whose type decides from its
    data that it does not exist yet for this user (an indicator whose data all wait for a
    release) is listed nowhere and answers 404."""
    if not request.has_permission(VIEW, obj):
        return False
    from statportal.content.registry import get_content_registry

    info = get_content_registry(request.registry).typeof(obj)
    hook = info.meta.get("visible") if info is not None else None
    return hook is None or bool(hook(request, obj))


def visible(request, folder):
    """(name, child) in folder order, for the children this user may view."""
    for name, child in folder.items():
        if may_view(request, child):
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
