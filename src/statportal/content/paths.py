"""Paths within the portal: ``/official-statistics/economy`` <-> objects."""

from pyramid.location import lineage


def root_of(obj):
    return list(lineage(obj))[-1]


def find_by_path(root, path):
    """The object at ``path`` below ``root``, or None."""
    obj = root
    for part in [p for p in str(path or "").split("/") if p]:
        getter = getattr(obj, "get", None)
        obj = getter(part) if getter is not None else None
        if obj is None:
            return None
    return obj


def path_of(obj):
    names = [o.__name__ for o in lineage(obj) if o.__name__]
    return "/" + "/".join(reversed(names))
