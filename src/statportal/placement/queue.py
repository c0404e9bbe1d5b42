"""The moderator's queue (art. 9, 16): registered requests in the methodology's order.

Order: category priority (latest data; press releases; express information and
bulletins; compilations), then registration time. Kept as a sorted index on
``/requests`` (an OOBTree keyed by (priority, registered_at, id)), updated by
the transitions, so reading the queue never walks the requests.
"""

from datetime import UTC

from BTrees.OOBTree import OOBTree

from statportal.i18n import _
from statportal.workflow import Finding

PRIORITY = {"latest_data": 0, "press_release": 1, "express_information": 2, "bulletin": 2,
            "compilation": 3}


def queue_key(request_obj):
    return (PRIORITY.get(request_obj.category, 9),
            request_obj.registered_at.astimezone(UTC).isoformat(), request_obj.__name__)


def _index(requests):
    index = getattr(requests, "_queue", None)
    if index is None:
        index = requests._queue = OOBTree()
    return index


def enqueue(request_obj):
    index = _index(request_obj.__parent__)
    key = queue_key(request_obj)
    request_obj._queue_key = key
    index[key] = request_obj.__name__


def dequeue(request_obj):
    key = getattr(request_obj, "_queue_key", None)
    if key is not None:
        _index(request_obj.__parent__).pop(key, None)
        request_obj._queue_key = None


def dequeue_name(requests, request_obj):
    """Take a removed request (no longer in its folder) out of the queue."""
    key = getattr(request_obj, "_queue_key", None)
    if key is not None:
        _index(requests).pop(key, None)


def requeue(request_obj):
    key = getattr(request_obj, "_queue_key", None)
    if key is not None and key != queue_key(request_obj):
        dequeue(request_obj)
        enqueue(request_obj)


def queued(requests, limit=None):
    """[(position, request)] in queue order."""
    found = []
    index = getattr(requests, "_queue", None)  # a GET creates nothing: none queued yet
    names = (name for name in (index.values() if index is not None else ())
             if name in requests)
    for position, name in enumerate(names, start=1):
        found.append((position, requests[name]))
        if limit is not None and len(found) >= limit:
            break
    return found


def declaration(registry, request_obj):
    """The request's primary-data declaration as the queue shows it: ``primary_data``
    (true, false or null), ``primary_data_reason`` and ``presumed`` (nothing declared,
    and a statistical category with a table: each table needs its basis)."""
    from statportal.interfaces import IPrimaryDataDeclaration
    from statportal.placement.placing import placed_candidate

    provider = registry.queryUtility(IPrimaryDataDeclaration)  # confidentiality's
    if provider is None:
        return {"primary_data": None, "primary_data_reason": "", "presumed": False}
    try:
        subject = placed_candidate(request_obj)
    except AttributeError:  # the material to replace is gone: the request alone
        subject = request_obj
    found = provider(subject, registry)
    return {key: found[key] for key in ("primary_data", "primary_data_reason", "presumed")}


def out_of_order_guard(request_obj, request, transition):
    """Placing anything but the first of the queue needs a comment, which history keeps."""
    index = _index(request_obj.__parent__)
    if not len(index) or index[index.minKey()] == request_obj.__name__:
        return []
    if getattr(request, "workflow_comment", ""):
        return []
    return [Finding(_("This is not the first request in the queue: say in the comment why it "
                      "is placed out of order."), field="comment", code="out_of_order")]


__all__ = ["enqueue", "dequeue", "queued", "out_of_order_guard", "declaration", "PRIORITY"]
