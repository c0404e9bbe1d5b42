"""A reference to another object of the portal, written as a person has it at hand.

Forms and the JSON API store a reference as the object's portal path
(``/official-statistics/economy/industry/ipi-2026-10``). People paste what the browser
shows: the full address (``https://stat.example.kz/official-statistics/.../``), with a
trailing slash, a view name (``@@edit``, ``view``), a query. ``portal_path`` turns any of
those into the path of the object it leads to; an address of another site, or one that
leads nowhere here, is refused with a message naming what was given.
"""

from urllib.parse import unquote, urlsplit

import colander

from statportal.content.paths import canonical_path, find_by_path, path_of
from statportal.i18n import _

#: view names a pasted address may end with when the object is a folder
VIEWS = ("view", "edit", "contents", "history", "sharing", "delete", "rename")


class ReferenceError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _own_prefix(request):
    """The scheme-less host and script name of this portal (``stat.example.kz/portal``)."""
    app = urlsplit(request.application_url.removesuffix("/++api++"))
    return app.netloc.lower(), app.path.rstrip("/")


def portal_path(request, value):
    """The path of the object ``value`` (a path or an address of this portal) names.

    Returns ``value`` as the canonical path when nothing is found there (the field's own
    check says what is missing); raises ``ReferenceError`` for another site's address."""
    from statportal.content.resources import get_portal

    text = value.strip()
    if not text:
        return text
    parts = urlsplit(text)
    if parts.scheme or text.startswith("//"):
        if parts.scheme not in ("http", "https", "") or not parts.netloc:
            raise ReferenceError(_("${value} is not an address of this portal.",
                                   mapping={"value": text}))
        host, script = _own_prefix(request)
        if parts.netloc.lower() != host:
            raise ReferenceError(_("${value} is an address of another site: paste the "
                                   "address of a page of this portal.",
                                   mapping={"value": text}))
        path = unquote(parts.path)
        if script and path.startswith(script):
            path = path[len(script):]
    else:
        path = unquote(text.split("?", 1)[0].split("#", 1)[0])
    names = [name for name in path.split("/") if name]
    if names and names[0] == "++api++":
        names = names[1:]
    while names and names[-1].startswith("@"):  # @@edit, @@history, @disclosure ...
        names.pop()
    portal = get_portal(request)
    found = find_by_path(portal, "/".join(names))
    if found is None and len(names) > 1:  # a plain view name: …/edit, …/view
        found = find_by_path(portal, "/".join(names[:-1]))
        if found is not None and (not hasattr(found, "get") or names[-1] in VIEWS):
            return path_of(found)
        found = None
    if found is not None and found is not portal:
        return path_of(found)
    return canonical_path("/" + "/".join(names))


@colander.deferred
def reference_preparer(node, kw):
    """A schema node's ``preparer``: the path of what the value names, before the node's
    validator checks the object's type (``bound`` with the request)."""
    request = kw["request"]

    def prepare(value):
        if not isinstance(value, str) or not value.strip():
            return value
        try:
            return portal_path(request, value)
        except ReferenceError as exc:
            raise colander.Invalid(node, exc.message) from None
    return prepare
