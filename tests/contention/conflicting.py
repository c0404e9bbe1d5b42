"""A test add-on (``statportal.includes``): views that conflict, to reach the 503.

``@@conflict-always`` writes a mark on the portal and then raises a ``ConflictError`` on
every attempt; ``@@conflict-once`` does so on the first attempt only and answers 200 on
the next; ``@@conflict-read`` (a GET) raises a ``ReadConflictError`` on every attempt;
``@@commit-lock`` writes the mark and raises RelStorage's ``UnableToAcquireCommitLockError``
(its commit lock timed out). Each counts its attempts in ``ATTEMPTS``.
"""

from collections import Counter

from pyramid.response import Response
from ZODB.POSException import ConflictError, ReadConflictError

from statportal.content.resources import get_portal
from statportal.security.permissions import VIEW

ATTEMPTS = Counter()


def _conflict(request, name, always):
    ATTEMPTS[name] += 1
    get_portal(request).conflict_mark = name  # must not be stored
    if always or request.environ.get("retry.attempt", 0) == 0:
        raise ConflictError(message=f"{name}: a conflict made by the test")
    return Response(json_body={"attempts": ATTEMPTS[name]})


def conflict_always(context, request):
    return _conflict(request, "always", True)


def conflict_once(context, request):
    return _conflict(request, "once", False)


def conflict_read(context, request):
    ATTEMPTS["read"] += 1
    raise ReadConflictError(message="a read conflict made by the test")


def commit_lock(context, request):
    from relstorage.adapters.interfaces import UnableToAcquireCommitLockError

    ATTEMPTS["commit-lock"] += 1
    get_portal(request).conflict_mark = "commit-lock"  # must not be stored
    raise UnableToAcquireCommitLockError("Acquiring a commit lock failed (made by the test)")


def includeme(config):
    from statportal.content.resources import Portal

    for name, view in (("conflict-always", conflict_always), ("conflict-once", conflict_once),
                       ("commit-lock", commit_lock)):
        config.add_view(view, context=Portal, name=name, request_method="POST",
                        permission=VIEW, require_csrf=False)
    config.add_view(conflict_read, context=Portal, name="conflict-read",
                    request_method="GET", permission=VIEW)
