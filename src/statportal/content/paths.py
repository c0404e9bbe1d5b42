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


def canonical_path(value):
    """``/orgunits/a/b``, however a path was written (``orgunits//a/b/``, `` /orgunits/a``).

    Paths are stored and indexed in this one form, so that a catalog query by path finds
    every object that names the same place. A value that is not text (colander's ``null``,
    ``None``) and the empty text are returned as they are, for ``missing`` to apply.
    ``find_by_path`` reads the same parts, so the canonical form names the same object.
    """
    if not isinstance(value, str) or not value.strip():
        return value
    return "/" + "/".join(part for part in value.strip().split("/") if part)
